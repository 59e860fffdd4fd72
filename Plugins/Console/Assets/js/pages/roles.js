// Roles (auth on): which user holds which role; bind and unbind (/nacos/v1/auth/roles).

import { authList } from "./auth-list.js";

/** The role bindings. */
export function create(root, params, app) {
  return authList(root, app, {
    title: "Roles", test: "role", path: "/nacos/v1/auth/roles", addLabel: "Bind a role",
    columns: ["Role", "Username"],
    fields: [{ name: "role", label: "Role" }, { name: "username", label: "Username" }],
    cells: (binding) => [binding.role, binding.username],
    describe: (binding) => `${binding.role} of ${binding.username}`,
    remove: (binding) => ({ role: binding.role, username: binding.username }),
  });
}
