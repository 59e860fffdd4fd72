// Cluster: every member with its state and connections, rebalancing, per-node reload, Distro's responsible node.

import { get } from "../api.js";
import { barChart } from "../charts.js";
import { emptyRow, field, h, replace, table } from "../dom.js";

/** The members and their load, refreshed every second. */
export function create(root, params, app) {
  const grid = table(["Member", "State", "Version", "SDK connections", "All connections", "Load", "Reload to"]);
  const chart = h("div", { class: "charts single" });
  const factor = h("input", { type: "number", min: "0", max: "1", step: "0.05", value: "0.1", class: "narrow", "data-test": "rebalance-factor" });
  const rebalance = h("button", { type: "button", class: "primary", "data-test": "rebalance", on: { click: async () => {
    const answer = await app.run(rebalance, () => get("/nacos/v2/core/loader/smartReloadCluster", { loaderFactor: factor.value }));
    if (answer !== undefined) replace(rebalanceResult, String(answer).trim() === "Ok" ? "Rebalance sent to every member." : `The members answered: ${answer}`);
  } } }, "Rebalance");
  const rebalanceResult = h("span", { class: "muted", "data-test": "rebalance-result" });
  const ip = h("input", { placeholder: "10.0.0.1", "data-test": "distro-ip" });
  const port = h("input", { type: "number", placeholder: "8080", class: "narrow", "data-test": "distro-port" });
  const responsible = h("strong", { "data-test": "distro-responsible" });
  const lookup = h("button", { type: "submit", "data-test": "distro-lookup" }, "Find");
  const lookupForm = h("form", { class: "inline", on: { submit: async (event) => {
    event.preventDefault();
    const answer = await app.run(lookup, () => get("/nacos/v1/ns/operator/distro/client", { ip: ip.value.trim(), port: port.value.trim() }));
    if (answer !== undefined) replace(responsible, answer.responsibleServer ?? "—");
  } } }, field("IP", ip), field("Port", port), lookup, responsible);
  const rows = new Map();

  replace(root, h("h1", {}, "Cluster"), grid.element, chart,
    h("div", { class: "card" }, h("h2", {}, "Rebalance SDK connections"),
      h("p", { class: "muted" }, "Members above the average by more than the factor move their extra connections to the least loaded member."),
      h("div", { class: "inline" }, field("Factor", factor), rebalance, rebalanceResult)),
    h("div", { class: "card" }, h("h2", {}, "Responsible member of an instance"),
      h("p", { class: "muted" }, "The member that owns an ephemeral ip:port's heartbeats under Distro."), lookupForm));

  /** The row of member `address`, kept across refreshes: its cells change in place, its reload input stays. */
  function memberRow(address) {
    const state = h("span", { "data-test": "member-state" });
    const version = h("td");
    const sdk = h("td", { class: "number", "data-test": "member-sdk-connections" });
    const all = h("td", { class: "number" });
    const load = h("td", { class: "number" });
    const count = h("input", { type: "number", min: "0", class: "narrow", "data-test": "reload-count", "aria-label": `connections to keep on ${address}` });
    const reload = h("button", { type: "button", "data-test": "reload", on: { click: async () => {
      if (count.value === "" || !(Number(count.value) >= 0)) { app.report(new Error("Reload to how many connections? Enter a number.")); return; }
      const answer = await app.run(reload, () => get("/nacos/v2/core/loader/reloadCurrent", { count: count.value, serverAddress: address }));
      if (answer !== undefined && String(answer).trim() !== "success") app.report(new Error(`${address} did not accept the reload: ${answer}`));
    } } }, "Reload");
    const row = h("tr", { "data-test": "member-row", "data-address": address },
      h("td", {}, address), h("td", {}, state), version, sdk, all, load, h("td", { class: "cell-actions" }, count, reload));
    function show(node, metric) {
      state.className = `badge ${node.state === "UP" ? "good" : node.state === "DOWN" ? "bad" : "warn"}`;
      replace(state, node.state);
      replace(version, node.extendInfo?.version ?? "—");
      replace(sdk, metric ? String(metric.sdkConCount) : "—");
      replace(all, metric ? String(metric.conCount) : "—");
      replace(load, metric ? Number(metric.load).toFixed(2) : "—");
    }
    return { row, show };
  }

  function states(nodes, metrics) {
    const present = new Set(nodes.map((node) => node.address));
    for (const address of [...rows.keys()]) if (!present.has(address)) rows.delete(address);
    for (const node of nodes) {
      if (!rows.has(node.address)) rows.set(node.address, memberRow(node.address));
      rows.get(node.address).show(node, metrics.get(node.address));
    }
    const wanted = nodes.map((node) => rows.get(node.address).row);
    const shown = [...grid.body.children];
    if (!wanted.length) replace(grid.body, emptyRow(7, "No members."));
    else if (wanted.length !== shown.length || wanted.some((row, index) => shown[index] !== row)) replace(grid.body, wanted);
  }

  let metrics = new Map();
  return {
    interval: 1000,
    async refresh() {
      const nodes = (await get("/nacos/v1/core/cluster/nodes")).data ?? [];
      states(nodes, metrics);
      const loads = await get("/nacos/v2/core/loader/cluster");
      metrics = new Map((loads.detail ?? []).map((d) => [d.address, d.metric ?? {}]));
      states(nodes, metrics);
      replace(chart, barChart("SDK connections per member",
        nodes.map((node) => ({ label: node.address, value: Number(metrics.get(node.address)?.sdkConCount ?? 0) }))));
    },
  };
}
