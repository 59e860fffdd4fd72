// Service detail: clusters, instances (edit weight, enabled and metadata; offline and online), subscribers.

import { call, get } from "../api.js";
import { emptyRow, formatMap, h, replace, table } from "../dom.js";

/** One service's page, refreshed every second; rows are kept across refreshes so that edits survive them. */
export function create(root, params, app) {
  const namespace = params.get("namespace") || "public";
  const group = params.get("group") || "DEFAULT_GROUP";
  const name = params.get("name") || "";
  const summary = h("dl", { class: "facts" });
  const clusters = table(["Cluster", "Health check", "Metadata"]);
  const instances = table(["Address", "Cluster", "Health", "Weight", "Enabled", "Ephemeral", "Metadata"], { "data-test": "instance-table" });
  const subscribers = table(["Address", "Agent", "App", "Cluster"]);
  const instanceCount = h("span", { class: "muted" });
  const subscriberCount = h("span", { class: "muted" });
  const rows = new Map();
  let shownClusters = "";
  let shownSubscribers = "";

  replace(root,
    h("p", { class: "crumbs" }, h("a", { href: app.link("services", { namespace }) }, `‹ Services of ${namespace}`)),
    h("div", { class: "heading" }, h("h1", {}, name), h("span", { class: "muted" }, `${group} · ${namespace}`)),
    summary,
    h("h2", {}, "Clusters"), clusters.element,
    h("h2", {}, "Instances ", instanceCount), instances.element,
    h("h2", {}, "Subscribers ", subscriberCount), subscribers.element);

  const where = { namespaceId: namespace, groupName: group, serviceName: name };

  function update(instance, changes) {
    const next = { ...instance, ...changes };
    return call("PUT", "/nacos/v2/ns/instance", {
      ...where, clusterName: next.clusterName, ip: next.ip, port: next.port, ephemeral: next.ephemeral,
      weight: next.weight, enabled: next.enabled, metadata: JSON.stringify(next.metadata ?? {}),
    });
  }

  /** A row of `instance` that keeps what the user is typing while the page refreshes. */
  function instanceRow(first) {
    let instance = first;
    let weightDirty = false;
    const address = `${first.ip}:${first.port}`;
    const weight = h("input", { type: "number", min: "0", max: "10000", step: "0.1", class: "narrow", "data-test": "instance-weight",
      "aria-label": `weight of ${address}`, on: { input: () => { weightDirty = true; } } });
    const save = h("button", { type: "button", "data-test": "instance-save", on: { click: async () => {
      const value = Number(weight.value);
      if (!(value >= 0 && value <= 10000)) { app.report(new Error(`A weight is a number from 0 to 10000, not "${weight.value}".`)); return; }
      await app.run(save, () => update(instance, { weight: value }));
      weightDirty = false;
    } } }, "Save");
    const health = h("span");
    const enabled = h("span");
    const toggle = h("button", { type: "button", on: { click: async () => {
      const goingOffline = instance.enabled;
      if (goingOffline && !window.confirm(`Take ${address} offline? Consumers stop getting it until it is online again.`)) return;
      await app.run(toggle, () => update(instance, { enabled: !goingOffline }));
    } } });
    const metadataText = h("pre", { class: "metadata", "data-test": "instance-metadata" });
    const editor = h("textarea", { rows: 4, class: "metadata-editor", "data-test": "instance-metadata-editor", "aria-label": `metadata of ${address}` });
    const editorBox = h("div", { class: "editor", hidden: true }, editor,
      h("div", { class: "actions" },
        h("button", { type: "button", "data-test": "instance-metadata-save", on: { click: async (event) => {
          let metadata;
          try {
            metadata = JSON.parse(editor.value || "{}");
            if (typeof metadata !== "object" || Array.isArray(metadata) || metadata === null) throw new Error("not an object");
            for (const [key, value] of Object.entries(metadata)) metadata[key] = String(value);
          } catch (error) {
            app.report(new Error(`Metadata is a JSON object of strings: ${error.message}`));
            return;
          }
          await app.run(event.currentTarget, () => update(instance, { metadata }));
          editorBox.hidden = true;
        } } }, "Save metadata"),
        h("button", { type: "button", class: "link", on: { click: () => { editorBox.hidden = true; } } }, "Cancel")));
    const edit = h("button", { type: "button", class: "link", "data-test": "instance-metadata-edit", on: { click: () => {
      editor.value = JSON.stringify(instance.metadata ?? {}, null, 2);
      editorBox.hidden = false;
      editor.focus();
    } } }, "Edit");
    const cluster = h("td");
    const ephemeral = h("td");
    const row = h("tr", { "data-test": "instance-row", "data-address": address },
      h("td", {}, address), cluster, h("td", {}, health),
      h("td", { class: "cell-actions" }, weight, save), h("td", { class: "cell-actions" }, enabled, toggle), ephemeral,
      h("td", {}, metadataText, edit, editorBox));

    function show(next) {
      instance = next;
      replace(cluster, next.clusterName);
      replace(ephemeral, next.ephemeral ? "ephemeral" : "persistent");
      health.className = `badge ${next.healthy ? "good" : "bad"}`;
      replace(health, next.healthy ? "healthy" : "unhealthy");
      enabled.className = `badge ${next.enabled ? "good" : "off"}`;
      replace(enabled, next.enabled ? "online" : "offline");
      toggle.dataset.test = next.enabled ? "instance-offline" : "instance-online";
      replace(toggle, next.enabled ? "Take offline" : "Bring online");
      if (!weightDirty && document.activeElement !== weight) weight.value = String(next.weight);
      replace(metadataText, formatMap(next.metadata));
    }
    show(first);
    return { row, show };
  }

  async function refreshInstances() {
    const answer = await get("/nacos/v1/ns/catalog/instances", { ...where, pageNo: 1, pageSize: 500 });
    const list = (answer.list ?? []).slice().sort((a, b) => `${a.clusterName}/${a.ip}:${a.port}`.localeCompare(`${b.clusterName}/${b.ip}:${b.port}`, undefined, { numeric: true }));
    replace(instanceCount, `${answer.count ?? list.length}`);
    const seen = new Set();
    for (const instance of list) {
      const key = `${instance.clusterName}/${instance.ip}:${instance.port}`;
      seen.add(key);
      const known = rows.get(key);
      if (known) known.show(instance);
      else rows.set(key, instanceRow(instance));
    }
    for (const key of [...rows.keys()]) if (!seen.has(key)) rows.delete(key);
    const wanted = [...rows.values()].map((r) => r.row);
    const present = [...instances.body.children];
    if (wanted.length === 0) {
      if (!present.length || present[0].dataset.test === "instance-row") replace(instances.body, emptyRow(7, "No instances."));
    } else if (wanted.length !== present.length || wanted.some((row, index) => present[index] !== row)) {
      replace(instances.body, wanted);
    }
  }

  return {
    interval: 1000,
    async refresh() {
      const [detail, , found] = await Promise.all([
        get("/nacos/v1/ns/service", where),
        refreshInstances(),
        get("/nacos/v1/ns/service/subscribers", { ...where, pageNo: 1, pageSize: 100 }),
      ]);
      replace(summary,
        h("dt", {}, "Protect threshold"), h("dd", {}, String(detail.protectThreshold ?? 0)),
        h("dt", {}, "Selector"), h("dd", {}, detail.selector?.type ?? "none"),
        h("dt", {}, "Metadata"), h("dd", {}, h("pre", { class: "metadata" }, formatMap(detail.metadata))));
      const clusterKey = JSON.stringify(detail.clusters ?? []);
      if (clusterKey !== shownClusters) {
        shownClusters = clusterKey;
        replace(clusters.body, (detail.clusters ?? []).length ? detail.clusters.map((c) => h("tr", { "data-test": "cluster-row" },
          h("td", {}, c.name), h("td", {}, c.healthChecker?.type ?? "—"), h("td", {}, h("pre", { class: "metadata" }, formatMap(c.metadata)))))
          : emptyRow(3, "No clusters."));
      }
      replace(subscriberCount, String(found.count ?? 0));
      const subscriberKey = JSON.stringify(found.subscribers ?? []);
      if (subscriberKey !== shownSubscribers) {
        shownSubscribers = subscriberKey;
        replace(subscribers.body, (found.subscribers ?? []).length ? found.subscribers.map((s) => h("tr", { "data-test": "subscriber-row" },
          h("td", {}, s.addrStr ?? `${s.ip}:${s.port}`), h("td", {}, s.agent ?? "—"), h("td", {}, s.app || "—"), h("td", {}, s.cluster || "—")))
          : emptyRow(4, "No subscribers."));
      }
    },
  };
}
