// The previous / page N of M / next control the paged lists share.

import { h, replace } from "./dom.js";

/**
 * A pager that starts at `first` and calls `changed()` when the user moves; `extra` elements go after it.
 * `page` is the current page; `show(pages)` clamps it to `pages` and updates the control (true when clamped).
 */
export function pager(changed, { first = 1, test = null, extra = [] } = {}) {
  const state = {
    page: first,
    element: null,
    show(pages) {
      const clamped = state.page > pages;
      if (clamped) state.page = pages;
      replace(label, `page ${state.page} of ${pages}`);
      previous.disabled = state.page <= 1;
      next.disabled = state.page >= pages;
      return clamped;
    },
  };
  const previous = h("button", { type: "button", "data-test": test && `${test}-previous`, on: { click: () => { state.page = Math.max(1, state.page - 1); changed(); } } }, "‹ Previous");
  const next = h("button", { type: "button", "data-test": test && `${test}-next`, on: { click: () => { state.page += 1; changed(); } } }, "Next ›");
  const label = h("span", { class: "muted" });
  state.element = h("div", { class: "pager" }, previous, label, next, extra);
  return state;
}
