/**
 * `npm run bench`: the model against the kernel it models, side by side (issue 9). Not a test: it prints figures.
 *
 * For each transfer strategy of the catalogue, the same transfer (warm cache, 64 KiB chunks, and the whole file
 * in one call where the call allows it) is run in the model (counters only) and on the native host (the real
 * kernel, this machine), and it prints: the model's time, the kernel's time, their ratio, the model's ns per
 * simulated 4 KiB page, the wasm memory per page, and the model's time at each size (how cost grows). Then the
 * release wasm's size (raw, gzipped), the time from nothing to a first result in a fresh Node process, and the
 * memory with the full trace on (bounded by the trace cap). Then each target of the issue: holds or not.
 *
 *   npm run bench -- [--no-native] [--sizes 1MiB,16MiB,256MiB,1GiB] [--reps 5] [--native-reps 3]
 *                    [--only sendfile,splice] [--no-trace] [--callgrind] [--json FILE]
 *
 * Timing: every run here is sequential (no two runs overlap, native ones included), medians of `--reps`;
 * the model's runs reuse one warmed instance (its memory already grown), and the memory figures come from one
 * extra run of each point in a fresh instance (the wasm memory's byte length after the run minus before).
 * Kernel time: the native host's measured time of the transfer phase (wall clock, the loopback peer reading
 * concurrently); its CPU time (perf task-clock) is printed beside it when the host could read it.
 */
import { spawnSync } from "node:child_process";
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from "node:os";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { compileModel, instantiateModel, Simulator } from "../src/model/index.js";
import { compileByName, formatSize, MACHINE_PARAMS, parseSize, type Compiled } from "../src/scenario/index.js";
import { Knob } from "../src/scenario/abi.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const WASM = join(root, "build", "zcsim.wasm");
const PAGE = 4096;

// ---- options --------------------------------------------------------------------------------------------

interface Opts { native: boolean; sizes: number[]; reps: number; nativeReps: number; only?: string[]; trace: boolean; json?: string; callgrind: boolean }

function parseArgs(argv: string[]): Opts {
  const o: Opts = { native: true, sizes: ["1MiB", "16MiB", "256MiB", "1GiB"].map((s) => parseSize(s) as number), reps: 5, nativeReps: 3, trace: true, callgrind: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--no-native") o.native = false;
    else if (a === "--no-trace") o.trace = false;
    else if (a === "--callgrind") o.callgrind = true;
    else if (a === "--sizes") o.sizes = val().split(",").map((s) => parseSize(s.trim()) as number);
    else if (a === "--reps") o.reps = Math.max(1, Number(val()));
    else if (a === "--native-reps") o.nativeReps = Math.max(1, Number(val()));
    else if (a === "--only") o.only = val().split(",");
    else if (a === "--json") o.json = val();
    else if (a === "-h" || a === "--help") {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0] + "*/\n");
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (o.sizes.some((s) => !Number.isFinite(s) || s < PAGE)) throw new Error("--sizes: sizes of at least 4KiB, e.g. 1MiB,16MiB");
  o.sizes.sort((a, b) => a - b);
  return o;
}

// ---- what runs ------------------------------------------------------------------------------------------

/**
 * The transfer strategies and their chunkings. "whole" is the whole file in one call, where the call allows it;
 * splice, tee and vmsplice move at most a pipe-full per call (the pipe is 64 KiB), so their "whole" is their
 * 64 KiB run and is not repeated. mmap-truncate and sharing-hazard are hazards shown on a few pages, not transfers.
 */
const STRATEGIES: { name: string; chunks: string[] }[] = [
  { name: "read-write", chunks: ["64KiB", "whole"] },
  { name: "mmap-write", chunks: ["64KiB", "whole"] },
  { name: "sendfile", chunks: ["64KiB", "whole"] },
  { name: "splice", chunks: ["64KiB"] },
  { name: "tee", chunks: ["64KiB"] },
  { name: "vmsplice", chunks: ["64KiB"] },
  { name: "copy-file-range", chunks: ["64KiB", "whole"] },
  { name: "msg-zerocopy", chunks: ["64KiB", "whole"] },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const compileAt = (name: string, chunk: string, size: number): Compiled =>
  compileByName(name, { fileSize: size, chunk, cache: "warm", trace: false });

// ---- the machine ----------------------------------------------------------------------------------------

function machine() {
  const cpu = (() => {
    try {
      return /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1].trim() ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  const nproc = Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()) || cpus().length;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    nproc, cpu, memGiB: +(totalmem() / 2 ** 30).toFixed(1), freeGiB: +(freemem() / 2 ** 30).toFixed(1),
    kernel: `${spawnSync("uname", ["-sr"], { encoding: "utf8" }).stdout.trim() || release()}`,
    node: process.version, load: loadavg().map((x) => +x.toFixed(2)),
  };
}

// ---- measurements ---------------------------------------------------------------------------------------

interface ModelPoint { size: number; ms: number; nsPerPage: number; memGrowth: number; modelBytes: number; framesPeak: number; bytesPerPage: number; bytesPerFrame: number; syscalls: number; status: string }
interface Row {
  strategy: string; chunk: string;
  model: ModelPoint[];
  kernelMs?: number; kernelCpuMs?: number | null; kernelRuns?: number[]; kernelError?: string;
  kernelSyscalls?: number;
  linearity?: number;
}

async function measureModel(mod: WebAssembly.Module, name: string, chunk: string, sizes: number[], reps: number): Promise<ModelPoint[]> {
  const sim = new Simulator(await instantiateModel(mod));
  sim.run(compileAt(name, chunk, sizes[0])); // warm the JIT
  const out: ModelPoint[] = [];
  for (const size of sizes) {
    const c = compileAt(name, chunk, size);
    const times: number[] = [];
    let last = sim.run(c);
    // small sizes are cheap and the most sensitive to a scheduler's hiccup: more repetitions there
    const n = size <= 16 * 2 ** 20 ? Math.max(reps, 15) : reps;
    for (let r = 0; r < n; r++) {
      const t0 = performance.now();
      last = sim.run(c);
      times.push(performance.now() - t0);
    }
    // memory: the same run in a fresh instance
    const x = await instantiateModel(mod);
    const fresh = new Simulator(x);
    const before = x.memory.buffer.byteLength;
    const fo = fresh.run(c);
    const growth = x.memory.buffer.byteLength - before;
    const framesPeak = Number(x.zc_frames_peak());
    const ms = median(times);
    out.push({
      size, ms, nsPerPage: (ms * 1e6) / (size / PAGE), memGrowth: growth, modelBytes: fo.modelBytes, framesPeak,
      bytesPerPage: growth / (size / PAGE), bytesPerFrame: framesPeak ? growth / framesPeak : 0,
      syscalls: last.result.syscalls.total, status: last.status,
    });
  }
  return out;
}

async function measureNative(name: string, chunk: string, size: number, reps: number): Promise<Pick<Row, "kernelMs" | "kernelCpuMs" | "kernelRuns" | "kernelError" | "kernelSyscalls">> {
  const { runNativeDetailed } = await import("../src/node/native.js");
  const c = compileAt(name, chunk, size);
  const wall: number[] = [];
  const cpu: number[] = [];
  let syscalls = 0;
  try {
    for (let r = 0; r < reps; r++) {
      const { result } = await runNativeDetailed(c, { timeoutMs: 600_000 });
      if (!result.delivered.intact) throw new Error(`the native run did not deliver intact (${result.delivered.bytes} bytes)`);
      wall.push(result.timeNs / 1e6);
      const tc = result.kernel?.taskClockNs;
      if (typeof tc === "number") cpu.push(tc / 1e6);
      syscalls = result.syscalls.total;
    }
  } catch (e) {
    return { kernelError: (e as Error).message.split("\n")[0] };
  }
  return { kernelMs: median(wall), kernelCpuMs: cpu.length ? median(cpu) : null, kernelRuns: wall, kernelSyscalls: syscalls };
}

/** The full trace on: the wasm memory of a fresh instance after runs of growing size (the cap bounds it). */
async function measureTrace(mod: WebAssembly.Module, sizes: number[]) {
  const cap = MACHINE_PARAMS.traceCap.default as number;
  const out: { size: number; events: number; dropped: number; memBytes: number; ms: number }[] = [];
  for (const size of sizes) {
    const x = await instantiateModel(mod);
    const sim = new Simulator(x);
    const c = compileByName("read-write", { fileSize: size, chunk: "64KiB", cache: "warm" });
    const before = x.memory.buffer.byteLength;
    const t0 = performance.now();
    sim.run(c, { trace: true }); // the events decoded to objects too, as a caller gets them
    const ms = performance.now() - t0;
    out.push({ size, events: Number(x.zc_trace_len()), dropped: Number(x.zc_trace_dropped()), memBytes: x.memory.buffer.byteLength - before, ms });
  }
  return { cap, bytesPerEvent: 64, points: out };
}

/**
 * Sweep throughput: a grid of small points (every strategy x 4 sizes x 4 chunkings x warm/cold x 4 readahead
 * windows, 64 KiB to 4 MiB: 1,024 points),
 * run on the worker pool with one worker and with every core; points per second, the workers already started.
 */
async function measureSweep(nproc: number) {
  const { Pool } = await import("../src/node/pool.js");
  const tasks: { kind: "model"; compiled: Compiled }[] = [];
  for (const s of STRATEGIES)
    for (const size of ["64KiB", "256KiB", "1MiB", "4MiB"])
      for (const chunk of ["4KiB", "16KiB", "64KiB", "whole"])
        for (const cache of ["warm", "cold"])
          for (const readahead of ["128KiB", "512KiB", "2MiB", "8MiB"]) tasks.push({ kind: "model", compiled: compileByName(s.name, { fileSize: size, chunk, cache, readahead, trace: false }) });
  const out: { workers: number; points: number; ms: number; perSecond: number }[] = [];
  for (const workers of [...new Set([1, nproc])]) {
    const pool = new Pool({ size: workers });
    try {
      await pool.map(tasks.slice(0, workers * 4)); // start the workers, warm them
      const t0 = performance.now();
      await pool.map(tasks);
      const ms = performance.now() - t0;
      out.push({ workers, points: tasks.length, ms, perSecond: (tasks.length / ms) * 1000 });
    } finally {
      await pool.close();
    }
  }
  return out;
}

/**
 * Instructions per simulated page, independent of the machine's load: valgrind --tool=callgrind counts the
 * instructions of a fresh `node --no-liftoff bench/first-result.mjs` run (wasm compiled by TurboFan up front, so
 * that tiering does not move the count) at 16 MiB and at 64 MiB; the difference over the 12,288 pages between.
 */
function measureCallgrind(rows: { strategy: string; chunk: string }[]) {
  if (spawnSync("valgrind", ["--version"]).status !== 0) return { why: "valgrind is not installed" };
  const dir = mkdtempSync(join(tmpdir(), "zcsim-callgrind-"));
  const out: { strategy: string; chunk: string; perPage: number }[] = [];
  try {
    for (const r of rows) {
      const ir: number[] = [];
      for (const size of [16 * 2 ** 20, 64 * 2 ** 20]) {
        const c = compileAt(r.strategy, r.chunk, size);
        const prog = join(dir, "p.bin");
        writeFileSync(prog, Buffer.from(c.program.buffer, c.program.byteOffset, c.program.byteLength));
        const v = spawnSync("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(dir, "cg.out")}`,
          process.execPath, "--no-liftoff", join(root, "bench", "first-result.mjs"), WASM, prog, String(Knob.TRACE)], { encoding: "utf8", cwd: root });
        const m = /I\s+refs:\s+([\d,]+)/.exec(v.stderr);
        if (!m) return { why: `callgrind gave no count: ${v.stderr.trim().split("\n").slice(-2).join(" ")}` };
        ir.push(Number(m[1].replace(/,/g, "")));
      }
      out.push({ strategy: r.strategy, chunk: r.chunk, perPage: (ir[1] - ir[0]) / ((48 * 2 ** 20) / PAGE) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows: out };
}

function wasmSize() {
  const raw = readFileSync(WASM);
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, mtime: statSync(WASM).mtime.toISOString() };
}

function firstResult(reps: number) {
  const dir = mkdtempSync(join(tmpdir(), "zcsim-bench-"));
  try {
    const prog = join(dir, "program.bin");
    const c = compileAt("sendfile", "64KiB", 65536);
    writeFileSync(prog, Buffer.from(c.program.buffer, c.program.byteOffset, c.program.byteLength));
    const runs: { processMs: number; compileMs: number; instantiateMs: number; runMs: number; totalMs: number; status: number }[] = [];
    for (let i = 0; i < reps; i++) {
      const r = spawnSync(process.execPath, [join(root, "bench", "first-result.mjs"), WASM, prog, String(Knob.TRACE)], { encoding: "utf8", cwd: root });
      if (r.status !== 0) throw new Error(`first-result.mjs: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
      runs.push(JSON.parse(r.stdout));
    }
    const m = (k: keyof (typeof runs)[0]) => median(runs.map((r) => r[k]));
    return { processMs: m("processMs"), compileMs: m("compileMs"), instantiateMs: m("instantiateMs"), runMs: m("runMs"), totalMs: m("totalMs"), status: runs[0].status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- printing -------------------------------------------------------------------------------------------

const f1 = (x: number) => x.toFixed(1);
const fms = (x: number | undefined | null) => (x === undefined || x === null ? "-" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const size = (n: number) => formatSize(n);

function table(head: string[], rows: string[][], left = 2): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n") + "\n";
}

// ---- main -----------------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const say = (s: string) => process.stdout.write(s);
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const m0 = machine();
  const big = o.sizes[o.sizes.length - 1];
  const small = o.sizes[0];
  say(`zcsim bench  ${m0.date}\n`);
  say(`machine: ${m0.nproc} CPUs (${m0.cpu}), ${m0.memGiB} GiB RAM, ${m0.kernel}, Node ${m0.node}; load average at start ${m0.load.join(" ")}\n\n`);

  const mod = await compileModel(readFileSync(WASM));
  const ws = wasmSize();
  log("first result in fresh processes");
  const fr = firstResult(Math.max(3, o.reps));

  let native = o.native;
  let nativeWhy = o.native ? "" : "--no-native";
  if (native) {
    const { nativeAvailable } = await import("../src/node/native.js");
    const a = nativeAvailable();
    if (!a.ok) { native = false; nativeWhy = a.why ?? "the native host cannot run here"; }
  }

  const rows: Row[] = [];
  for (const s of STRATEGIES) {
    if (o.only && !o.only.includes(s.name)) continue;
    for (const chunk of s.chunks) {
      log(`${s.name} ${chunk}: model at ${o.sizes.map(size).join(", ")}`);
      const row: Row = { strategy: s.name, chunk, model: await measureModel(mod, s.name, chunk, o.sizes, o.reps) };
      const a = row.model[0], b = row.model[row.model.length - 1];
      row.linearity = b.ms / ((b.size / a.size) * a.ms);
      if (native) {
        log(`${s.name} ${chunk}: kernel at ${size(big)} x${o.nativeReps}`);
        Object.assign(row, await measureNative(s.name, chunk, big, o.nativeReps));
      }
      rows.push(row);
    }
  }
  const trace = o.trace ? (log("trace on"), await measureTrace(mod, o.sizes)) : undefined;
  const cg = o.callgrind ? (log("callgrind (slow)"), measureCallgrind(rows)) : undefined;
  log("sweep throughput on the pool");
  const sweep = await measureSweep(m0.nproc);
  const m1 = machine();

  // the main table, at the largest size
  say(`The transfer at ${size(big)} (warm cache), model counters only, medians of ${o.reps} model runs` + (native ? ` and ${o.nativeReps} kernel runs` : "") + `\n\n`);
  say(table(
    ["strategy", "chunk", "model ms", "kernel ms", "kernel CPU ms", "model/kernel", "ns/page", "B/page", "B/frame", "syscalls"],
    rows.map((r) => {
      const b = r.model[r.model.length - 1];
      const ratio = r.kernelMs ? b.ms / r.kernelMs : undefined;
      return [r.strategy, r.chunk, fms(b.ms), r.kernelError ? "failed" : fms(r.kernelMs), fms(r.kernelCpuMs), ratio ? `1/${(1 / ratio).toFixed(0)}` : "-",
        f1(b.nsPerPage), f1(b.bytesPerPage), f1(b.bytesPerFrame), String(b.syscalls)];
    }),
  ));
  say(`  kernel ms: the native host's measured time of the transfer phase on this machine; kernel CPU ms: its task-clock\n`);
  say(`  B/page: wasm memory grown by the run (fresh instance) per 4 KiB page of the file; B/frame: per simulated frame at the peak\n`);
  say(`  (frames: the file's page-cache pages plus the user buffers' and kernel buffers' pages alive at once)\n`);
  for (const r of rows) if (r.kernelError) say(`  ${r.strategy} ${r.chunk}: the kernel run failed: ${r.kernelError}\n`);
  if (!native) say(`  the kernel side was not run: ${nativeWhy}\n`);

  // growth with size
  say(`\nThe model's time by size (ms, median of ${o.reps}; of at least 15 up to 16 MiB) and how it grows\n\n`);
  say(table(
    ["strategy", "chunk", ...o.sizes.map(size), `ns/page@${size(small)}`, `ns/page@${size(big)}`, `${size(big)} / (${big / small} x ${size(small)})`],
    rows.map((r) => [r.strategy, r.chunk, ...r.model.map((p) => fms(p.ms)), f1(r.model[0].nsPerPage), f1(r.model[r.model.length - 1].nsPerPage), r.linearity!.toFixed(2)]),
  ));

  say(`\nRelease wasm (build/zcsim.wasm, built ${ws.mtime}): ${ws.raw} bytes raw (${f1(ws.raw / 1024)} KiB), ${ws.gzip} bytes gzipped -9 (${f1(ws.gzip / 1024)} KiB)\n`);
  say(`First result in a fresh Node process (read + compile + instantiate + a 64 KiB sendfile run), median of ${Math.max(3, o.reps)}:\n`);
  say(`  ${fms(fr.totalMs)} ms (compile ${fms(fr.compileMs)}, instantiate ${fms(fr.instantiateMs)}, run ${fms(fr.runMs)}); ${fms(fr.processMs)} ms from the process's start\n`);

  if (trace) {
    say(`\nFull trace on (read-write, 64 KiB chunks): trace cap ${trace.cap} events (machine param traceCap) x ${trace.bytesPerEvent} B\n\n`);
    say(table(["size", "events kept", "dropped", "wasm memory grown", "ms"], trace.points.map((p) => [size(p.size), String(p.events), String(p.dropped), `${f1(p.memBytes / 2 ** 20)} MiB`, fms(p.ms)]), 1));
  }

  say(`\nSweep on the worker pool (src/node/pool.ts): ${sweep[0].points} points (8 strategies x 64 KiB..4 MiB x 4 chunkings x warm/cold x 4 readahead windows)\n`);
  for (const w of sweep) say(`  ${w.workers} worker${w.workers > 1 ? "s" : ""}: ${fms(w.ms)} ms, ${w.perSecond.toFixed(0)} points/s\n`);

  if (cg) {
    say(`\nInstructions per simulated page (valgrind callgrind, node --no-liftoff, 64 MiB run minus 16 MiB run; load-independent)\n\n`);
    if ("why" in cg && cg.why) say(`  not measured: ${cg.why}\n`);
    else if (cg.rows) say(table(["strategy", "chunk", "instructions/page"], cg.rows.map((r) => [r.strategy, r.chunk, r.perPage.toFixed(0)])));
  }

  // targets
  const T: { target: string; holds: boolean | null; detail: string }[] = [];
  const ratios = rows.filter((r) => r.kernelMs).map((r) => ({ r, q: r.model[r.model.length - 1].ms / r.kernelMs! }));
  T.push({
    target: `model <= 1/20 of the kernel's time at ${size(big)}, every strategy`,
    holds: ratios.length ? ratios.every((x) => x.q <= 0.05) : null,
    detail: ratios.length ? ratios.filter((x) => x.q > 0.05).map((x) => `${x.r.strategy}/${x.r.chunk} 1/${(1 / x.q).toFixed(1)}`).join(", ") || `worst 1/${(1 / Math.max(...ratios.map((x) => x.q))).toFixed(1)}` : "kernel not run",
  });
  T.push({
    target: `cost linear: time(${size(big)}) <= 1.2 x ${big / small} x time(${size(small)})`,
    holds: rows.every((r) => r.linearity! <= 1.2),
    detail: `worst ${Math.max(...rows.map((r) => r.linearity!)).toFixed(2)}` + (rows.some((r) => r.linearity! > 1.2) ? `: ${rows.filter((r) => r.linearity! > 1.2).map((r) => `${r.strategy}/${r.chunk} ${r.linearity!.toFixed(2)}`).join(", ")}` : ""),
  });
  const mem = rows.map((r) => ({ r, p: r.model[r.model.length - 1] }));
  T.push({
    target: "<= 32 B of wasm memory per simulated page (counters only)",
    holds: mem.every((x) => x.p.bytesPerFrame <= 32),
    detail: `per frame: worst ${f1(Math.max(...mem.map((x) => x.p.bytesPerFrame)))} B; per file page: worst ${f1(Math.max(...mem.map((x) => x.p.bytesPerPage)))} B` +
      (mem.some((x) => x.p.bytesPerPage > 32) ? ` (${mem.filter((x) => x.p.bytesPerPage > 32).map((x) => `${x.r.strategy}/${x.r.chunk} ${f1(x.p.bytesPerPage)}`).join(", ")})` : ""),
  });
  if (trace) {
    const last = trace.points[trace.points.length - 1];
    const boundB = (trace.cap + 1) * 64 * 2;
    T.push({ target: "full trace: memory bounded (capped trace)", holds: trace.points.every((p) => p.memBytes <= boundB + 64 * 2 ** 20), detail: `cap ${trace.cap} events; ${f1(last.memBytes / 2 ** 20)} MiB at ${size(last.size)}, ${last.dropped} dropped` });
  }
  T.push({ target: "release wasm <= 64 KiB gzipped", holds: ws.gzip <= 65536, detail: `${f1(ws.gzip / 1024)} KiB` });
  say(`\nTargets\n\n`);
  for (const t of T) say(`  ${t.holds === null ? "n/a " : t.holds ? "HOLDS" : "MISS "}  ${t.target}: ${t.detail}\n`);
  say(`\nload average at the end ${m1.load.join(" ")}\n`);

  if (o.json) {
    writeFileSync(o.json, JSON.stringify({ machine: { start: m0, end: m1 }, options: o, wasm: ws, firstResult: fr, rows, trace, sweep, callgrind: cg, targets: T }, null, 2) + "\n");
    log(`wrote ${o.json}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
