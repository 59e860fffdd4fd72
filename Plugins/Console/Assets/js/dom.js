// Building the page from data without ever parsing data as HTML: every text goes in as a text node.

const properties = new Set(["value", "checked", "disabled", "selected", "hidden"]);

/** An element `tag` with `attributes` (`on` maps events to handlers) and `children` (strings become text). */
export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** An SVG element `tag` with `attributes` and `children`. */
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else if (properties.has(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.appendChild(child);
    else element.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `element` with `children`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A time in milliseconds since 1970 as local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(milliseconds) {
  if (!milliseconds) return "—";
  const date = new Date(Number(milliseconds));
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A map as `key=value` lines, sorted by key. */
export function formatMap(map) {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join("\n") : "—";
}

/** A table with `headers` and a body to fill. */
export function table(headers, attributes = {}) {
  const body = h("tbody");
  const element = h("table", { class: "grid", ...attributes },
    h("thead", {}, h("tr", {}, headers.map((title) => h("th", { scope: "col" }, title)))), body);
  return { element, body };
}

/** A row spanning the table that says there is nothing to show. */
export function emptyRow(columns, text) {
  return h("tr", { class: "empty" }, h("td", { colspan: columns }, text));
}

/** A labelled form field. */
export function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}
