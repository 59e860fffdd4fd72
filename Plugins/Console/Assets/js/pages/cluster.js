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
  const reloadInputs = new Map();

  replace(root, h("h1", {}, "Cluster"), grid.element, chart,
    h("div", { class: "card" }, h("h2", {}, "Rebalance SDK connections"),
      h("p", { class: "muted" }, "Members above the average by more than the factor move their extra connections to the least loaded member."),
      h("div", { class: "inline" }, field("Factor", factor), rebalance, rebalanceResult)),
    h("div", { class: "card" }, h("h2", {}, "Responsible member of an instance"),
      h("p", { class: "muted" }, "The member that owns an ephemeral ip:port's heartbeats under Distro."), lookupForm));

  function reloadCell(address) {
    if (!reloadInputs.has(address)) {
      const count = h("input", { type: "number", min: "0", class: "narrow", "data-test": "reload-count", "aria-label": `connections to keep on ${address}` });
      const button = h("button", { type: "button", "data-test": "reload", on: { click: async () => {
        if (count.value === "" || !(Number(count.value) >= 0)) { app.report(new Error("Reload to how many connections? Enter a number.")); return; }
        const answer = await app.run(button, () => get("/nacos/v2/core/loader/reloadCurrent", { count: count.value, serverAddress: address }));
        if (answer !== undefined && String(answer).trim() !== "success") app.report(new Error(`${address} did not accept the reload: ${answer}`));
      } } }, "Reload");
      reloadInputs.set(address, h("td", { class: "cell-actions" }, count, button));
    }
    return reloadInputs.get(address);
  }

  function states(nodes, metrics) {
    replace(grid.body, nodes.length ? nodes.map((node) => {
      const metric = metrics.get(node.address);
      return h("tr", { "data-test": "member-row", "data-address": node.address },
        h("td", {}, node.address),
        h("td", {}, h("span", { class: `badge ${node.state === "UP" ? "good" : node.state === "DOWN" ? "bad" : "warn"}`, "data-test": "member-state" }, node.state)),
        h("td", {}, node.extendInfo?.version ?? "—"),
        h("td", { class: "number", "data-test": "member-sdk-connections" }, metric ? String(metric.sdkConCount) : "—"),
        h("td", { class: "number" }, metric ? String(metric.conCount) : "—"),
        h("td", { class: "number" }, metric ? Number(metric.load).toFixed(2) : "—"),
        reloadCell(node.address));
    }) : emptyRow(7, "No members."));
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
