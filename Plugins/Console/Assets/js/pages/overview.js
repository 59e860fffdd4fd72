// Overview: the node's own counters over the last minutes (GET /nacos/v1/console/metrics/history).

import { get } from "../api.js";
import { lineChart } from "../charts.js";
import { h, replace } from "../dom.js";

/** Live charts of registrations/s, pushes/s, push latency and connections, refreshed every 2 s. */
export function create(root) {
  const cards = h("div", { class: "cards" });
  const charts = h("div", { class: "charts" });
  replace(root, h("h1", {}, "Overview"), cards, charts);

  function card(title, value, test) {
    return h("div", { class: "card stat" }, h("span", { class: "muted" }, title), h("strong", { "data-test": test }, String(value)));
  }

  return {
    interval: 2000,
    async refresh() {
      const history = await get("/nacos/v1/console/metrics/history");
      const samples = history.samples ?? [];
      const latest = samples[samples.length - 1] ?? {};
      replace(cards,
        card("Services", latest.services ?? 0, "overview-services"),
        card("Instances", latest.instances ?? 0, "overview-instances"),
        card("Connections", latest.connections ?? 0, "overview-connections"),
        card("Window", `${Math.round((samples.length * (history.intervalMs ?? 2000)) / 1000)} s`, "overview-window"));
      const points = (key) => samples.map((s) => [s.time, s[key]]);
      replace(charts,
        lineChart("Registrations per second", [{ name: "registrations/s", points: points("registrationsPerSecond"), tone: 0 }]),
        lineChart("Pushes per second", [{ name: "pushes/s", points: points("pushesPerSecond"), tone: 1 }]),
        lineChart("Push latency", [
          { name: "p50", points: points("pushP50Ms"), tone: 2 },
          { name: "p99", points: points("pushP99Ms"), tone: 3 },
        ], " ms"),
        lineChart("Connections", [{ name: "connections", points: points("connections"), tone: 4 }]));
    },
  };
}
