// Hand-drawn SVG charts: a time series of one or more lines, and bars with their average.

import { h, svg } from "./dom.js";

const width = 560;
const height = 180;
const margin = { left: 48, right: 12, top: 12, bottom: 24 };

function niceMaximum(value) {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function label(value) {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10000 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** A figure titled `title` of `series` ([{name, points: [[time, value|null]], tone}]) over the same times. */
export function lineChart(title, series, unit = "") {
  const times = series.flatMap((s) => s.points.map(([t]) => t));
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v !== null && v !== undefined);
  const start = Math.min(...times);
  const end = Math.max(...times);
  const top = niceMaximum(Math.max(0, ...values));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (t) => margin.left + (end > start ? ((t - start) / (end - start)) * plotWidth : plotWidth);
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

  const grid = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const value = top * fraction;
    return [
      svg("line", { class: "grid-line", x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }),
      svg("text", { class: "axis-label", x: margin.left - 6, y: y(value) + 4, "text-anchor": "end" }, label(value)),
    ];
  });
  const lines = series.map((s) => {
    let d = "";
    let pen = "M";
    for (const [t, v] of s.points) {
      if (v === null || v === undefined) { pen = "M"; continue; }
      d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)} `;
      pen = "L";
    }
    return svg("path", { class: `series tone-${s.tone ?? 0}`, d: d.trim() || "M0,0" });
  });
  const span = end > start ? Math.round((end - start) / 1000) : 0;
  const axis = [
    svg("text", { class: "axis-label", x: margin.left, y: height - 6 }, span ? `−${span} s` : ""),
    svg("text", { class: "axis-label", x: width - margin.right, y: height - 6, "text-anchor": "end" }, "now"),
  ];
  const latest = series.map((s) => {
    const last = [...s.points].reverse().find(([, v]) => v !== null && v !== undefined);
    return h("span", { class: `legend tone-${s.tone ?? 0}` }, `${s.name}: ${last ? label(last[1]) : "—"}${unit}`);
  });
  return h("figure", { class: "chart" },
    h("figcaption", {}, h("strong", {}, title), " ", latest),
    svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title }, grid, axis, lines));
}

/** A figure titled `title` of `bars` ([{label, value}]) with a dashed line at their average. */
export function barChart(title, bars) {
  const top = niceMaximum(Math.max(1, ...bars.map((b) => b.value)));
  const average = bars.length ? bars.reduce((sum, b) => sum + b.value, 0) / bars.length : 0;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;
  const slot = plotWidth / Math.max(1, bars.length);
  const grid = [0, 0.5, 1].map((fraction) => [
    svg("line", { class: "grid-line", x1: margin.left, x2: width - margin.right, y1: y(top * fraction), y2: y(top * fraction) }),
    svg("text", { class: "axis-label", x: margin.left - 6, y: y(top * fraction) + 4, "text-anchor": "end" }, label(top * fraction)),
  ]);
  const drawn = bars.map((bar, index) => {
    const barWidth = Math.min(slot * 0.6, 96);
    const middle = margin.left + index * slot + slot / 2;
    return [
      svg("rect", { class: "bar", x: middle - barWidth / 2, y: y(bar.value), width: barWidth, height: Math.max(0, y(0) - y(bar.value)) }),
      svg("text", { class: "bar-value", x: middle, y: y(bar.value) - 4, "text-anchor": "middle" }, String(bar.value)),
      svg("text", { class: "axis-label", x: middle, y: height - 6, "text-anchor": "middle" }, bar.label),
    ];
  });
  const averageLine = svg("line", { class: "average", x1: margin.left, x2: width - margin.right, y1: y(average), y2: y(average) });
  return h("figure", { class: "chart" },
    h("figcaption", {}, h("strong", {}, title), " ", h("span", { class: "legend average-legend" }, `average ${label(average)}`)),
    svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title }, grid, drawn, averageLine));
}
