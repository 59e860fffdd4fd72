// Users (auth on): list, create, change a password, delete (/nacos/v1/auth/users).

import { call } from "../api.js";
import { h } from "../dom.js";
import { authList } from "./auth-list.js";

/** The user list. */
export function create(root, params, app) {
  return authList(root, app, {
    title: "Users", test: "user", path: "/nacos/v1/auth/users", addLabel: "Create user",
    columns: ["Username"],
    fields: [{ name: "username", label: "Username" }, { name: "password", label: "Password", type: "password" }],
    cells: (user) => [user.username],
    describe: (user) => user.username,
    remove: (user) => ({ username: user.username }),
    actions: (user) => {
      const password = h("input", { type: "password", placeholder: "new password", autocomplete: "new-password", class: "narrow",
        "data-test": "user-new-password", "aria-label": `new password of ${user.username}` });
      const change = h("button", { type: "button", "data-test": "user-change-password", on: { click: async () => {
        if (!password.value) { app.report(new Error("Type the new password first.")); return; }
        const done = await app.run(change, () => call("PUT", "/nacos/v1/auth/users", { username: user.username, newPassword: password.value }));
        if (done !== undefined) password.value = "";
      } } }, "Change password");
      return [password, change];
    },
  });
}
