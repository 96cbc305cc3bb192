/**
 * zerocopy-sim: the public API (browser-safe). Node-only parts (the native host, compare, the CLI) are in
 * "zerocopy-sim/node".
 *
 *   import { loadSimulator, compileByName } from "zerocopy-sim";
 *   const sim = await loadSimulator();
 *   const { result } = sim.run(compileByName("sendfile", { fileSize: "1MiB" }));
 *   traces.formatStrace(...), traces.perfettoFromModel(...): docs/traces.md
 */
export * from "./scenario/index.js";
export * from "./model/index.js";
export type * from "./result.js";
export * as abi from "./scenario/abi.js";
export * as traces from "./report/trace/index.js";
