/**
 * The embeddable element. Importing this module defines `<zerocopy-sim>` (once per page).
 *
 *   import "zerocopy-sim/widget";   // or <script type="module" src="zerocopy-sim.js"></script>
 */
import { ZeroCopySim } from "./element.js";

export { ZeroCopySim, parseParamsAttr } from "./element.js";
export type { StepDetail, ReadyDetail, EndDetail, ErrorDetail } from "./element.js";
export type { WEvent, EvKind, Motion } from "./events.js";
export { normalizeEvent, describe, motionOf } from "./events.js";
export { COUNTER_ROWS, readCounters, type Flat, type CounterRow } from "./counters.js";

if (typeof customElements !== "undefined" && !customElements.get("zerocopy-sim")) {
  customElements.define("zerocopy-sim", ZeroCopySim);
}

declare global {
  interface HTMLElementTagNameMap {
    "zerocopy-sim": ZeroCopySim;
  }
  interface HTMLElementEventMap {
    "zcsim-ready": CustomEvent<import("./element.js").ReadyDetail>;
    "zcsim-step": CustomEvent<import("./element.js").StepDetail>;
    "zcsim-end": CustomEvent<import("./element.js").EndDetail>;
    "zcsim-error": CustomEvent<import("./element.js").ErrorDetail>;
  }
}
