// Namespaces: list with service counts, create, edit and delete (/nacos/v1/console/namespaces).

import { call, get } from "../api.js";
import { emptyRow, field, h, replace, table } from "../dom.js";

const path = "/nacos/v1/console/namespaces";

/** The namespace list and its form; refreshed every second. */
export function create(root, params, app) {
  let editing = null;
  let shown = "";
  const id = h("input", { placeholder: "generated when empty", "data-test": "namespace-id", maxlength: 128 });
  const name = h("input", { required: true, "data-test": "namespace-name", maxlength: 128 });
  const description = h("input", { "data-test": "namespace-description", maxlength: 256 });
  const createButton = h("button", { type: "submit", class: "primary", "data-test": "namespace-create" }, "Create");
  const cancel = h("button", { type: "button", class: "link", hidden: true, on: { click: () => stopEditing() } }, "Cancel");
  const title = h("h2", {}, "New namespace");
  const form = h("form", { class: "card form-row", on: { submit: (event) => { event.preventDefault(); submit(); } } },
    title, field("ID", id), field("Name", name), field("Description", description), createButton, cancel);
  const grid = table(["ID", "Name", "Description", "Services", "Quota", ""]);
  replace(root, h("h1", {}, "Namespaces"), grid.element, form);

  function stopEditing() {
    editing = null;
    id.readOnly = false;
    for (const input of [id, name, description]) input.value = "";
    replace(title, "New namespace");
    replace(createButton, "Create");
    createButton.dataset.test = "namespace-create";
    cancel.hidden = true;
  }

  function startEditing(namespace) {
    editing = namespace.namespace;
    id.value = namespace.namespace;
    id.readOnly = true;
    name.value = namespace.namespaceShowName;
    description.value = namespace.namespaceDesc ?? "";
    replace(title, `Edit ${namespace.namespace}`);
    replace(createButton, "Save");
    createButton.dataset.test = "namespace-save";
    cancel.hidden = false;
    name.focus();
  }

  async function submit() {
    if (!name.value.trim()) { app.report(new Error("A namespace needs a name.")); return; }
    const done = await app.run(createButton, () => editing
      ? call("PUT", path, { namespace: editing, namespaceShowName: name.value.trim(), namespaceDesc: description.value })
      : call("POST", path, { customNamespaceId: id.value.trim(), namespaceName: name.value.trim(), namespaceDesc: description.value }));
    if (done !== undefined) stopEditing();
  }

  return {
    interval: 1000,
    async refresh() {
      const list = (await get(path)).data ?? [];
      const key = JSON.stringify(list);
      if (key === shown) return;
      shown = key;
      replace(grid.body, list.length ? list.map((n) => {
        const builtIn = n.namespace === "public" || n.type === 0;
        const remove = h("button", { type: "button", class: "danger", "data-test": "namespace-delete", on: { click: async () => {
          if (!window.confirm(`Delete namespace ${n.namespace}?`)) return;
          await app.run(remove, () => call("DELETE", path, { namespaceId: n.namespace }));
        } } }, "Delete");
        const edit = h("button", { type: "button", "data-test": "namespace-edit", on: { click: () => startEditing(n) } }, "Edit");
        return h("tr", { "data-test": "namespace-row", "data-namespace": n.namespace },
          h("td", {}, h("a", { href: app.link("services", { namespace: n.namespace }) }, n.namespace)),
          h("td", {}, n.namespaceShowName), h("td", {}, n.namespaceDesc || "—"),
          h("td", { class: "number" }, String(n.serviceCount ?? 0)), h("td", { class: "number" }, String(n.quota ?? "—")),
          h("td", { class: "cell-actions" }, builtIn ? h("span", { class: "muted" }, "built in") : [edit, remove]));
      }) : emptyRow(6, "No namespaces."));
    },
  };
}
