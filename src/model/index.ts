/** The model: the wasm simulation of the kernel and the hardware, and its typed wrapper. */
export { loadSimulator, Simulator, Player, buildResult } from "./simulator.js";
export type { RunOptions, RunOutput, StatusName, SinkInfo } from "./simulator.js";
export { decodeEvent, countEvent, newCounters, callName, errnoName } from "./events.js";
export type { SimEvent, EvKind, CounterArray } from "./events.js";
export { compileModel, instantiateModel } from "./wasm.js";
export type { ModelExports, WasmSource } from "./wasm.js";
export { LEGACY_KERNEL_NAMES, currentKernelName, withCurrentKernelNames } from "./names.js";
export { WorkerRunner, serveModel, type WorkerRunnerOptions } from "./worker-runner.js";
