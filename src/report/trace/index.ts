/**
 * Trace exports (browser-safe, pure functions over the model's events or the native host's call log):
 * strace text, Chrome/Perfetto trace-event JSON, JSON Lines of every model event, CSV of the counters.
 * `zcsim trace` (src/node/commands/trace.ts) is the command line over these. docs/traces.md describes them.
 */
export { callsFromModel, callsFromNative } from "./calls.js";
export type { CallRecord, CallSignal, NativeCallLog } from "./calls.js";
export { formatStrace, straceLines, straceCall, parseStraceLine, splitArgs, STRERROR, STRACE_NAME } from "./strace.js";
export type { StraceOptions, ParsedStraceLine } from "./strace.js";
export { perfettoFromModel, perfettoFromNative, mergeTraces, checkTrace, TRACK } from "./perfetto.js";
export type { ChromeTrace, TraceEvent, PerfettoOptions } from "./perfetto.js";
export { formatJsonl, formatCallsJsonl, parseJsonl } from "./jsonl.js";
export { formatCsv, formatCsvRows, flattenResult, parseCsv, csvField } from "./csv.js";
export { decodeProgram } from "./program.js";
