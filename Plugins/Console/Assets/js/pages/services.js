// Services: every service of a namespace with its instance, healthy and cluster counts (GET /nacos/v1/ns/catalog/services).

import { get } from "../api.js";
import { emptyRow, field, h, replace, table } from "../dom.js";
import { pager } from "../pager.js";

/** The service list with a namespace switcher, search by name and group, and paging; refreshed every second. */
export function create(root, params, app) {
  const namespace = params.get("namespace") || "public";
  let pageSize = 20;
  let shown = "";
  let namespacesShown = "";

  const namespaceSelect = h("select", { "data-test": "namespace-select", on: { change: () => {
    window.location.hash = app.link("services", { namespace: namespaceSelect.value });
  } } }, h("option", { value: namespace, selected: true }, namespace));
  const nameInput = h("input", { type: "search", placeholder: "service name", "data-test": "service-search-name", on: { input: () => search() } });
  const groupInput = h("input", { type: "search", placeholder: "group", "data-test": "service-search-group", on: { input: () => search() } });
  const count = h("span", { class: "muted", "data-test": "service-count" });
  const sizeSelect = h("select", { "data-test": "service-page-size", on: { change: () => { pageSize = Number(sizeSelect.value); pages.page = 1; app.refresh(); } } },
    [10, 20, 50, 100].map((size) => h("option", { value: size, selected: size === pageSize }, `${size} a page`)));
  const pages = pager(() => app.refresh(), { first: Math.max(1, Number(params.get("page")) || 1), test: "service-page", extra: [sizeSelect] });
  const grid = table(["Service", "Group", "Clusters", "Instances", "Healthy", "Protect threshold"]);

  let searchTimer = null;
  function search() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { pages.page = 1; app.refresh(); }, 200);
  }

  replace(root,
    h("div", { class: "heading" }, h("h1", {}, "Services"), count),
    h("div", { class: "toolbar" }, field("Namespace", namespaceSelect), field("Name", nameInput), field("Group", groupInput)),
    grid.element,
    pages.element);

  async function refreshNamespaces() {
    const answer = await get("/nacos/v1/console/namespaces");
    const list = answer.data ?? [];
    const key = JSON.stringify(list.map((n) => [n.namespace, n.namespaceShowName]));
    if (key === namespacesShown) return;
    namespacesShown = key;
    replace(namespaceSelect, list.map((n) => h("option", { value: n.namespace, selected: n.namespace === namespace },
      n.namespace === n.namespaceShowName ? n.namespace : `${n.namespaceShowName} (${n.namespace})`)));
  }

  let refreshes = 0;
  return {
    interval: 1000,
    stop: () => clearTimeout(searchTimer),
    async refresh() {
      if (refreshes++ % 10 === 0) await refreshNamespaces();
      const answer = await get("/nacos/v1/ns/catalog/services", {
        namespaceId: namespace, serviceNameParam: nameInput.value.trim(), groupNameParam: groupInput.value.trim(), pageNo: pages.page, pageSize,
      });
      const total = answer.count ?? 0;
      if (pages.show(Math.max(1, Math.ceil(total / pageSize)))) return this.refresh();
      replace(count, `${total} service${total === 1 ? "" : "s"}`);
      const list = answer.serviceList ?? [];
      const key = JSON.stringify(list);
      if (key === shown) return;
      shown = key;
      replace(grid.body, list.length ? list.map((s) => h("tr", { "data-test": "service-row", "data-service": `${s.groupName}@@${s.name}` },
        h("td", {}, h("a", { href: app.link("service", { namespace, group: s.groupName, name: s.name }) }, s.name)),
        h("td", {}, s.groupName),
        h("td", { class: "number" }, String(s.clusterCount)),
        h("td", { class: "number" }, String(s.ipCount)),
        h("td", { class: "number" }, h("span", { class: s.healthyInstanceCount < s.ipCount ? "warn" : null }, String(s.healthyInstanceCount))),
        h("td", {}, String(s.triggerFlag) === "true" ? h("span", { class: "badge bad" }, "tripped") : h("span", { class: "badge" }, "ok")),
      )) : emptyRow(6, "No services match."));
    },
  };
}
