// From nothing to a first result, in a fresh Node process: read the release wasm, compile it, instantiate it (its
// WASI shim included), load a 64 KiB program, run it to its end, read the counters. Plain JavaScript, so that no
// TypeScript loader is timed; the same calls the model's wrapper (src/model) makes.
//
//   node bench/first-result.mjs <wasm> <program.bin> <traceKnobId>
// prints JSON: { processMs, readMs, compileMs, instantiateMs, runMs, totalMs, status, syscalls }
// processMs: from the process's start to the first result (performance.now() counts from it).
import { readFileSync } from "node:fs";
import { WASI } from "@bjorn3/browser_wasi_shim";

const [wasmPath, progPath, traceKnob] = process.argv.slice(2);
const t0 = performance.now();
const bytes = readFileSync(wasmPath);
const t1 = performance.now();
const mod = await WebAssembly.compile(bytes);
const t2 = performance.now();
const wasi = new WASI([], [], [], { debug: false });
const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport });
wasi.initialize(inst);
const x = inst.exports;
const t3 = performance.now();
const prog = readFileSync(progPath);
const words = new BigInt64Array(prog.buffer, prog.byteOffset, prog.byteLength / 8);
const ptr = x.zc_alloc(words.length * 8);
new BigInt64Array(x.memory.buffer, ptr, words.length).set(words);
let st = x.zc_load(ptr, words.length);
x.zc_free(ptr);
x.zc_clear_knobs();
x.zc_set_knob(Number(traceKnob), 0n);
if (st === 0) st = x.zc_setup();
if (st === 0) st = x.zc_run(0n);
const counters = new BigInt64Array(x.memory.buffer.slice(x.zc_counters_ptr(), x.zc_counters_ptr() + 8 * x.zc_counter_count()));
const t4 = performance.now();
process.stdout.write(JSON.stringify({
  processMs: t4, readMs: t1 - t0, compileMs: t2 - t1, instantiateMs: t3 - t2, runMs: t4 - t3, totalMs: t4 - t0,
  status: st, counter0: Number(counters[0]),
}) + "\n");
