// The shape the users, roles and permissions pages share: a paged list with delete, and a form that adds.

import { call, get } from "../api.js";
import { emptyRow, field, h, replace, table } from "../dom.js";
import { pager } from "../pager.js";

/**
 * A page of `spec.path`'s items ({pageItems, totalCount}): `spec.columns` titles, `spec.cells(item)` cells,
 * `spec.fields` ([{name, label, type, options}]) for the add form sent as a POST, `spec.remove(item)` the
 * DELETE parameters, `spec.actions(item, app)` extra buttons.
 */
export function authList(root, app, spec) {
  const pageSize = 50;
  let shown = "";
  const inputs = spec.fields.map((f) => f.options
    ? h("select", { name: f.name, "data-test": `${spec.test}-${f.name}` }, f.options.map((o) => h("option", { value: o }, o)))
    : h("input", { name: f.name, type: f.type ?? "text", required: true, autocomplete: "off", "data-test": `${spec.test}-${f.name}` }));
  const add = h("button", { type: "submit", class: "primary", "data-test": `${spec.test}-create` }, spec.addLabel);
  const form = h("form", { class: "card form-row", on: { submit: async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(spec.fields.map((f, index) => [f.name, inputs[index].value.trim()]));
    const missing = spec.fields.find((f) => !values[f.name]);
    if (missing) { app.report(new Error(`${missing.label} is required.`)); return; }
    const done = await app.run(add, () => call("POST", spec.path, values));
    if (done !== undefined) for (const input of inputs) if (input.tagName === "INPUT") input.value = "";
  } } }, h("h2", {}, spec.addLabel), spec.fields.map((f, index) => field(f.label, inputs[index])), add);
  const count = h("span", { class: "muted", "data-test": `${spec.test}-count` });
  const pages = pager(() => app.refresh());
  const grid = table([...spec.columns, ""]);
  replace(root, h("div", { class: "heading" }, h("h1", {}, spec.title), count), grid.element,
    pages.element, form);

  return {
    interval: 2000,
    async refresh() {
      const answer = await get(spec.path, { pageNo: pages.page, pageSize, search: "accurate", ...(spec.query ?? {}) });
      const total = answer.totalCount ?? 0;
      if (pages.show(Math.max(1, answer.pagesAvailable ?? 1))) return this.refresh();
      replace(count, `${total}`);
      const items = answer.pageItems ?? [];
      const key = JSON.stringify(items);
      if (key === shown) return;
      shown = key;
      replace(grid.body, items.length ? items.map((item) => {
        const remove = h("button", { type: "button", class: "danger", "data-test": `${spec.test}-delete`, on: { click: async () => {
          if (!window.confirm(`Delete ${spec.describe(item)}?`)) return;
          await app.run(remove, () => call("DELETE", spec.path, spec.remove(item)));
        } } }, "Delete");
        return h("tr", { "data-test": `${spec.test}-row`, "data-key": spec.describe(item) },
          spec.cells(item).map((cell) => h("td", {}, cell)),
          h("td", { class: "cell-actions" }, spec.actions ? spec.actions(item, app) : null, remove));
      }) : emptyRow(spec.columns.length + 1, "None yet."));
    },
  };
}
