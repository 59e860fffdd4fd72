// Sign-in: username and password for a token (POST /nacos/v1/auth/users/login), kept in session storage.

import { call, session } from "../api.js";
import { field, h, replace } from "../dom.js";

/** The sign-in form; it has no refresh, so it is never "loaded" in the tests' sense. */
export function create(root, params, app) {
  const username = h("input", { name: "username", autocomplete: "username", required: true, "data-test": "login-username" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "data-test": "login-password" });
  const error = h("p", { class: "form-error", "data-test": "login-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", "data-test": "login-submit" }, "Sign in");
  const form = h("form", {
    class: "card login",
    on: {
      submit: async (event) => {
        event.preventDefault();
        replace(error);
        submit.disabled = true;
        try {
          const result = await call("POST", "/nacos/v1/auth/users/login", { username: username.value, password: password.value });
          if (!result || !result.accessToken) throw new Error("the server answered without a token");
          session.save(result);
          app.signedIn();
        } catch (failure) {
          replace(error, failure.status === 403 || failure.status === 401 ? `Sign-in refused: ${failure.message.replace(/^.*\): /, "")}` : failure.message);
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
  },
  h("h1", {}, "Sign in"),
  h("p", { class: "muted" }, "This server has auth on: sign in with a Nacos user."),
  field("Username", username), field("Password", password), submit, error);
  replace(root, form);
  username.focus();
  return {};
}
