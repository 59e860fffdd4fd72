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
  const rows = new Map();

  /** The row of connection `id`, kept across refreshes (only its last-active time changes). */
  function connectionRow(id, connection) {
    const meta = connection.metaInfo ?? {};
    const lastActive = h("td", {}, formatTime(meta.lastActiveTime));
    const reset = h("button", { type: "button", "data-test": "connection-reset", on: { click: async () => {
      if (!window.confirm(`Reset ${id}? The client reconnects, to another member if there is one.`)) return;
      await app.run(reset, () => call("GET", "/nacos/v2/core/loader/reloadClient", { connectionId: id }));
    } } }, "Reset");
    const row = h("tr", { "data-test": "connection-row", "data-connection": id },
      h("td", { class: "mono" }, id), h("td", {}, meta.clientIp ?? "—"), h("td", {}, meta.appName || "—"),
      h("td", {}, meta.version || "—"), h("td", {}, meta.connectType ?? "—"), h("td", {}, h("pre", { class: "metadata" }, formatMap(connection.labels))),
      h("td", {}, formatTime(meta.createTime)), lastActive, h("td", {}, reset));
    return { row, update: (next) => replace(lastActive, formatTime(next.metaInfo?.lastActiveTime)) };
  }

  function render() {
    const words = filter.value.trim().toLowerCase();
    const matching = connections.filter(([id, c]) => !words || [id, c.metaInfo?.clientIp, c.metaInfo?.appName, c.metaInfo?.version, formatMap(c.labels)]
      .some((text) => String(text ?? "").toLowerCase().includes(words)));
    replace(count, `${matching.length} of ${connections.length}`);
    const present = new Set(connections.map(([id]) => id));
    for (const id of [...rows.keys()]) if (!present.has(id)) rows.delete(id);
    for (const [id, connection] of connections) {
      if (rows.has(id)) rows.get(id).update(connection);
      else rows.set(id, connectionRow(id, connection));
    }
    const key = JSON.stringify([words, matching.map(([id]) => id)]);
    if (key === shown) return;
    shown = key;
    replace(grid.body, matching.length ? matching.map(([id]) => rows.get(id).row)
      : emptyRow(9, connections.length ? "No connection matches the filter." : "No SDK connections."));
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
