/**
 * zerocopy-sim/node: the Node-only API. The native host (the real kernel, measured), cross-validation, sweeps on
 * every core, calibration of the cost model, and the CLI itself. The browser-safe API is "zerocopy-sim".
 */
export * from "../index.js";
export { runNative, runNativeDetailed, nativeAvailable, nativeBinary, NativeError, type NativeOptions } from "./native.js";
export {
  expandMatrix, openEngines, runTasks, rowsOf, summarize, buildReport, exitStatus, compareResults, checkBaseline,
  type Row, type Summary, type CompareReport, type MatrixName, type Task,
} from "./compare.js";
export { claimRows } from "./claims.js";
export { runSweep, parseGrid, gridPoints, sweepRows, toCsv, type SweepPoint, type GridAxis } from "./sweep.js";
export { Pool, runPooled, type PoolOptions, type PoolTask } from "./pool.js";
export { readProfile, applyProfile, fitCosts } from "./calibrate.js";
export { loadScenarioArg } from "./scenario-arg.js";
export { main } from "./cli.js";
