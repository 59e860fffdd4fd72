// The console's shell: the hash router, the navigation, the error banner, sign-in, and each page's refresh loop.

import { ApiError, get, session } from "./api.js";
import { h, replace } from "./dom.js";
import * as cluster from "./pages/cluster.js";
import * as connections from "./pages/connections.js";
import * as login from "./pages/login.js";
import * as namespaces from "./pages/namespaces.js";
import * as overview from "./pages/overview.js";
import * as permissions from "./pages/permissions.js";
import * as roles from "./pages/roles.js";
import * as service from "./pages/service.js";
import * as services from "./pages/services.js";
import * as users from "./pages/users.js";

const pages = { overview, services, service, namespaces, cluster, connections, users, roles, permissions };
const navigation = [
  ["overview", "Overview"], ["services", "Services"], ["namespaces", "Namespaces"], ["cluster", "Cluster"],
  ["connections", "Connections"], ["users", "Users", true], ["roles", "Roles", true], ["permissions", "Permissions", true],
];
const parents = { service: "services" };

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const banner = document.getElementById("error");

let server = { auth_enabled: "false" };
let current = null;
const errors = new Map();

function authEnabled() {
  return server.auth_enabled === "true";
}

// MARK: - Errors: every failure is shown, none is swallowed

function message(error) {
  if (error instanceof ApiError) return error.message;
  return error && error.message ? error.message : String(error);
}

function report(source, error) {
  errors.set(source, message(error));
  showErrors();
}

function clearError(source) {
  if (errors.delete(source)) showErrors();
}

function showErrors() {
  const texts = [...errors.values()];
  banner.hidden = texts.length === 0;
  replace(banner, texts.length ? [
    h("span", { class: "banner-text" }, texts.join(" · ")),
    h("button", { type: "button", class: "link", on: { click: () => { errors.clear(); showErrors(); } } }, "Dismiss"),
  ] : []);
}

// MARK: - Routing

function route() {
  const hash = window.location.hash.replace(/^#\/?/, "");
  const [name, query] = hash.split("?");
  return { name: name || "overview", params: new URLSearchParams(query ?? "") };
}

/** The hash of page `name` with `parameters`. */
export function link(name, parameters = {}) {
  const query = new URLSearchParams(Object.entries(parameters).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return `#/${name}${[...query].length ? `?${query}` : ""}`;
}

function renderNav(active) {
  const shown = navigation.filter(([, , needsAuth]) => !needsAuth || authEnabled());
  replace(nav, shown.map(([name, title]) => h("a", {
    href: link(name), "data-test": `nav-${name}`, class: (parents[active] ?? active) === name ? "active" : null,
  }, title)));
  replace(who, session.token ? [
    h("span", { class: "muted" }, session.username ?? ""),
    h("button", { type: "button", class: "link", "data-test": "sign-out", on: { click: signOut } }, "Sign out"),
  ] : []);
}

function signOut() {
  session.clear();
  show();
}

function show() {
  if (current) current.stop();
  errors.delete("refresh");
  errors.delete("action");
  showErrors();
  let { name, params } = route();
  if (!pages[name] || (navigation.find(([page]) => page === name)?.[2] && !authEnabled())) {
    window.location.hash = link("overview");
    return;
  }
  if (authEnabled() && !session.token) {
    renderNav(null);
    nav.hidden = true;
    current = start("login", login, params);
    return;
  }
  nav.hidden = false;
  renderNav(name);
  current = start(name, pages[name], params);
}

// MARK: - A page and its refresh loop

function start(name, module, params) {
  const root = h("section", { class: "page", "data-test": `page-${name}` });
  replace(main, root);
  let stopped = false;
  let timer = null;
  let refreshing = null;
  const app = {
    params,
    server,
    link,
    report: (error) => report("action", error),
    signedIn: () => show(),
    /** Runs `work` as the user's action: the button shows progress, a failure is shown, success refreshes. */
    async run(button, work) {
      const label = button ? button.textContent : "";
      if (button) { button.disabled = true; button.textContent = `${label}…`; }
      document.body.classList.add("busy");
      try {
        const result = await work();
        clearError("action");
        await refresh();
        return result;
      } catch (error) {
        report("action", error);
        return undefined;
      } finally {
        document.body.classList.remove("busy");
        if (button) { button.disabled = false; button.textContent = label; }
      }
    },
    refresh: () => refresh(),
  };
  const page = module.create(root, params, app);

  async function refresh() {
    if (stopped || !page.refresh) return;
    if (refreshing) return refreshing;
    refreshing = (async () => {
      try {
        await page.refresh();
        if (stopped) return;
        clearError("refresh");
        root.dataset.loaded = "true";
      } catch (error) {
        if (!stopped) report("refresh", error);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function loop() {
    await refresh();
    if (!stopped && page.refresh) timer = setTimeout(loop, page.interval ?? 1000);
  }
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (page.stop) page.stop();
    },
  };
}

async function boot() {
  try {
    server = await get("/nacos/v1/console/server/state");
  } catch (error) {
    report("boot", error);
  }
  window.addEventListener("hashchange", show);
  window.addEventListener("nacos:sign-in", show);
  show();
}

boot();
