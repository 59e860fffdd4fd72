// Connections: this node's SDK connections, a filter, and a reset that sends one to another node.

import { call, get } from "../api.js";
import { emptyRow, formatMap, formatTime, h, replace, table } from "../dom.js";

/** The node's connections (GET /nacos/v2/core/loader/current), refreshed every second. */
export function create(root, params, app) {
  const filter = h("input", { type: "search", placeholder: "filter by id, ip, app, version or label", class: "wide", "data-test": "connection-filter",
    on: { input: () => render() } });
  const count = h("span", { class: "muted", "data-test": "connection-count" });
  const grid = table(["Connection", "Client IP", "App", "Version", "Type", "Labels", "Created", "Last active", ""]);
  replace(root, h("div", { class: "heading" }, h("h1", {}, "Connections"), count), h("div", { class: "toolbar" }, filter), grid.element);
  let connections = [];
  let shown = "";

  function render() {
    const words = filter.value.trim().toLowerCase();
    const matching = connections.filter(([id, c]) => !words || [id, c.metaInfo?.clientIp, c.metaInfo?.appName, c.metaInfo?.version, formatMap(c.labels)]
      .some((text) => String(text ?? "").toLowerCase().includes(words)));
    replace(count, `${matching.length} of ${connections.length}`);
    const key = JSON.stringify([words, matching]);
    if (key === shown) return;
    shown = key;
    replace(grid.body, matching.length ? matching.map(([id, c]) => {
      const meta = c.metaInfo ?? {};
      const reset = h("button", { type: "button", "data-test": "connection-reset", on: { click: async () => {
        if (!window.confirm(`Reset ${id}? The client reconnects, to another member if there is one.`)) return;
        await app.run(reset, () => call("GET", "/nacos/v2/core/loader/reloadClient", { connectionId: id }));
      } } }, "Reset");
      return h("tr", { "data-test": "connection-row", "data-connection": id },
        h("td", { class: "mono" }, id), h("td", {}, meta.clientIp ?? "—"), h("td", {}, meta.appName || "—"),
        h("td", {}, meta.version || "—"), h("td", {}, meta.connectType ?? "—"), h("td", {}, h("pre", { class: "metadata" }, formatMap(c.labels))),
        h("td", {}, formatTime(meta.createTime)), h("td", {}, formatTime(meta.lastActiveTime)), h("td", {}, reset));
    }) : emptyRow(9, connections.length ? "No connection matches the filter." : "No SDK connections."));
  }

  return {
    interval: 1000,
    async refresh() {
      const current = await get("/nacos/v2/core/loader/current");
      connections = Object.entries(current ?? {}).sort(([a], [b]) => a.localeCompare(b));
      render();
    },
  };
}
