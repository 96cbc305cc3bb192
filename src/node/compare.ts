/**
 * Cross-validation: the same compiled scenario run by the model (wasm) and by the native host (the real kernel),
 * counter by counter.
 *
 *   expandMatrix()   scenario names x the matrix axes -> independent tasks (one compiled program each)
 *   runTasks()       each task through both engines (engines are injected: tests pass crafted ones)
 *   compareResults() two results -> rows: counter, class, model, kernel, agree, why
 *   summarize()      rows -> the summary (and per scenario, for the CI baseline)
 *   checkBaseline()  a fall in agreement against a committed baseline
 *
 * A counter's class is decided by what the counter is and by the native evidence, never by the scenario:
 *   exact        syscalls by name, mode switches, /proc/self/io, errors and their errno, signals, delivered bytes and
 *                integrity, page faults, CPU copies, DMA, kernel tracepoint counts the model also produces
 *   tolerance    times, context switches, the loopback peer's read pattern (scheduling decides them)
 *   unobservable what the native host says it cannot see here (NIC DMA over loopback): shown, never scored
 * A native figure whose evidence is "unavailable" is shown empty and never scored (never as 0), with the reason.
 */
import { withCurrentKernelNames } from "../model/names.js";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { catalogue, compile, formatSize, MACHINE_PARAMS, scenarioNames, ScenarioError, type Compiled, type ParamValue } from "../scenario/index.js";
import type { Evidence, Result } from "../result.js";
import { explainOf } from "../report/known.js";
import { formatValue } from "../report/compare-table.js";
import { ruleFor, toleranceText, withinTolerance } from "../report/counter-classes.js";
import type { Pool } from "./pool.js";
import type { Basis, CompareReport, MatrixName, Row, ScenarioSummary, Summary, Value } from "../report/compare-types.js";
export type { Basis, CompareReport, MatrixName, Row, ScenarioSummary, Summary, Value } from "../report/compare-types.js";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
export { RULES, ruleFor, toleranceText, withinTolerance, type CounterClass, type Tolerance } from "../report/counter-classes.js";

// ---- matrix ---------------------------------------------------------------------------------------------

/** The axes of the fidelity matrix (issue 4). An axis applies to a scenario only if it declares the param. */
export const AXES: Record<string, string[]> = {
  fileSize: ["64KiB", "1MiB", "16MiB"],
  chunk: ["4KiB", "64KiB", "whole"],
  cache: ["warm", "cold"],
  pipeSize: ["64KiB", "1MiB"],
};

/**
 * The NIC's settings the default matrix adds at each scenario's base point, through the native host's veth (issue 26):
 * gather on, gather off (software GSO copies), checksum offload off (the CPU checksums).
 */
export const NIC_POINTS: Record<string, string>[] = [
  { sink: "nic", nicSg: "on" },
  { sink: "nic", nicSg: "off" },
  { sink: "nic", nicCsum: "off" },
];
/**
 * The scenarios whose NIC path has been matched against the veth, and at which of NIC_POINTS: every call that sends
 * to a socket (sendfile, splice, tee, vmsplice: pages; read-write, mmap-write: write()'s page fragment; MSG_ZEROCOPY:
 * user pages). MSG_ZEROCOPY without gather is left out: how many of its completions say COPIED varies from run to run
 * on the kernel (0..256 of 256 sends; a retransmitted tail is copied at the peer), the model says none.
 */
export const NIC_SCENARIOS: Record<string, Record<string, string>[]> = {
  "read-write": NIC_POINTS, "mmap-write": NIC_POINTS, sendfile: NIC_POINTS, splice: NIC_POINTS, tee: NIC_POINTS,
  vmsplice: NIC_POINTS, "msg-zerocopy": NIC_POINTS.filter((p) => p.nicSg !== "off"),
};

/** Where the default matrix stands when it varies one axis at a time. */
const BASE: Record<string, string> = { fileSize: "1MiB", cache: "warm", pipeSize: "64KiB" };

/**
 * What the random matrix draws from (issue 17), for each axis a scenario declares: sizes in bytes (log-uniform, so
 * rarely a page or window multiple), chunks of 4 KiB..1 MiB in bytes or the whole file, pipe sizes in pages of a power
 * of two (F_SETPIPE_SZ rounds to one), the file warm (written, or read back) or cold, and the sinks. A NIC sink takes
 * one of NIC_POINTS, and only where the default matrix takes it; a file or /dev/null sink only for a program that
 * makes no socket-only call (MSG_ZEROCOPY's setsockopt, its error queue).
 */
export const RANDOM_SPACE = {
  fileSize: { min: 1024, max: 16 << 20 },
  chunk: { min: 4096, max: 1 << 20, wholeOneIn: 4 },
  pipeSize: { minPages: 1, maxPages: 256 },
  cache: ["warm", "cold"],
  fill: ["write", "read"],
  sink: ["tcp", "file", "null"],
};
const SOCKET_ONLY_CALLS = new Set(["send", "setsockopt", "recv_errqueue", "poll"]);

/** The random matrix's draw: `points` points from `seed` (the same seed, the same points). */
export interface RandomDraw {
  seed: number;
  points: number;
}

/** One random point of a scenario that declares `declared`: every axis of RANDOM_SPACE it has and --set leaves free. */
function drawPoint(rng: ReturnType<typeof xoroshiro128plus>, name: string, declared: Record<string, unknown>, calls: string[], sets: Record<string, string>): Record<string, string> {
  const free = (k: string) => k in declared && !(k in sets);
  const pick = <T>(xs: readonly T[]): T => xs[uniformInt(rng, 0, xs.length - 1)];
  // log-uniform in [min, max]: the exponent drawn in millionths, then rounded to a whole byte
  const logUniform = (min: number, max: number) => {
    const e = uniformInt(rng, 0, 1_000_000) / 1_000_000;
    return Math.max(min, Math.min(max, Math.round(min * Math.pow(max / min, e))));
  };
  const p: Record<string, string> = {};
  if (free("fileSize")) p.fileSize = `${logUniform(RANDOM_SPACE.fileSize.min, RANDOM_SPACE.fileSize.max)}B`;
  if (free("chunk")) p.chunk = uniformInt(rng, 1, RANDOM_SPACE.chunk.wholeOneIn) === 1 ? "whole" : `${logUniform(RANDOM_SPACE.chunk.min, RANDOM_SPACE.chunk.max)}B`;
  if (free("pipeSize")) {
    const { minPages, maxPages } = RANDOM_SPACE.pipeSize;
    p.pipeSize = `${4 << uniformInt(rng, Math.log2(minPages), Math.log2(maxPages))}KiB`;
  }
  if (free("cache")) p.cache = pick(RANDOM_SPACE.cache);
  if (free("fill") && p.cache !== "cold") p.fill = pick(RANDOM_SPACE.fill);
  if (free("sink")) {
    const sinks: Record<string, string>[] = [{ sink: "tcp" }];
    if (!calls.some((c) => SOCKET_ONLY_CALLS.has(c))) for (const s of RANDOM_SPACE.sink) if (s !== "tcp") sinks.push({ sink: s });
    if (name in NIC_SCENARIOS) sinks.push(...NIC_SCENARIOS[name]);
    Object.assign(p, pick(sinks));
  }
  return p;
}

export interface Task {
  /** index in the matrix */
  id: number;
  scenario: string;
  /** the params that name this point of the matrix, as written ("1MiB", "whole", "cold"), --set ones included */
  params: Record<string, string>;
  /** what the compiler got */
  overrides: Record<string, string>;
  /** the scenario file itself when it did not come from the catalogue */
  source?: unknown;
}

/** A scenario to run: a catalogue name, or a path to a scenario file. */
function loadScenario(nameOrPath: string): { name: string; source?: unknown; declared: Record<string, unknown> } {
  if (nameOrPath in catalogue) {
    const sc = catalogue[nameOrPath] as { params?: Record<string, unknown> };
    return { name: nameOrPath, declared: sc.params ?? {} };
  }
  if (/\.json$/i.test(nameOrPath) && existsSync(nameOrPath)) {
    const source = JSON.parse(readFileSync(nameOrPath, "utf8")) as { name?: string; params?: Record<string, unknown> };
    return { name: String(source.name ?? nameOrPath), source, declared: source.params ?? {} };
  }
  throw new ScenarioError("scenario", `unknown scenario "${nameOrPath}" (the catalogue has: ${scenarioNames().join(", ")}; or give a path to a .json file)`);
}

/** A default written in the scenario file, in the axis's spelling ("64KiB", "whole"), if the axis has it. */
function declaredDefault(declared: Record<string, unknown>, key: string): string | undefined {
  const v = declared[key];
  if (v === undefined) return undefined;
  const axis = AXES[key] ?? [];
  if (typeof v === "number") return axis.find((a) => a === formatSize(v));
  return axis.find((a) => a.toLowerCase() === String(v).toLowerCase());
}

/**
 * The tasks of a matrix. `full`: the whole grid of the axes the scenario declares. `default`: the scenario at its
 * base point (1 MiB, its own default chunk, warm, 64 KiB pipe) and every other axis value varied alone, plus cold
 * at every size (readahead is where cold runs differ). `sets` fix an axis (or add a param) everywhere.
 * Points that resolve to the same params (64 KiB whole = 64 KiB chunk on a 64 KiB file) are kept once.
 */
export function expandMatrix(names: string[], matrix: MatrixName = "default", sets: Record<string, string> = {}, random: RandomDraw = { seed: 1, points: 50 }): Task[] {
  const tasks: Task[] = [];
  const list = names.length ? names : scenarioNames();
  if (matrix === "random") return expandRandom(list, sets, random);
  for (const nameOrPath of list) {
    const { name, source, declared } = loadScenario(nameOrPath);
    compile(source ?? catalogue[name], sets); // a bad --set is refused here, naming it, before anything runs
    const axes = Object.keys(AXES).filter((k) => k in declared && !(k in sets));
    const base: Record<string, string> = {};
    for (const k of axes) base[k] = declaredDefault(declared, k) ?? BASE[k] ?? AXES[k][0];
    for (const k of axes) if (k in BASE && k !== "chunk") base[k] = BASE[k];
    // a scenario file is centred on its own params (issue 19): the values it declares, as it writes them
    if (source) for (const k of axes) base[k] = String(declared[k]);
    let points: Record<string, string>[];
    if (matrix === "full") {
      points = [{}];
      for (const k of axes) points = points.flatMap((p) => AXES[k].map((v) => ({ ...p, [k]: v })));
    } else {
      points = [{ ...base }];
      for (const k of axes) for (const v of AXES[k]) if (v !== base[k]) points.push({ ...base, [k]: v });
      if (axes.includes("cache") && axes.includes("fileSize"))
        for (const s of AXES.fileSize) if (s !== base.fileSize) points.push({ ...base, fileSize: s, cache: "cold" });
      if (name in NIC_SCENARIOS && "sink" in declared && !("sink" in sets)) for (const n of NIC_SCENARIOS[name]) points.push({ ...base, ...n });
    }
    const seen = new Set<string>();
    for (const p of points) {
      const overrides = { ...p, ...sets };
      let key: string;
      try {
        key = JSON.stringify((source ? compile(source, overrides) : compile(catalogue[name], overrides)).params);
      } catch {
        key = JSON.stringify(overrides); // refused: kept, and the run reports why
      }
      if (seen.has(key)) continue;
      seen.add(key);
      tasks.push({ id: tasks.length, scenario: name, params: { ...p, ...sets }, overrides, ...(source ? { source } : {}) });
    }
  }
  return tasks;
}

/**
 * The random matrix: `points` points, each a scenario of the list (uniformly) at a point drawn from RANDOM_SPACE,
 * from a xoroshiro128+ generator seeded with `seed`: the same seed gives the same tasks on every machine. A draw that
 * repeats an earlier point is kept once, so a matrix may hold fewer points than asked.
 */
function expandRandom(list: string[], sets: Record<string, string>, { seed, points }: RandomDraw): Task[] {
  const scen = list.map((nameOrPath) => {
    const s = loadScenario(nameOrPath);
    const compiled = compile(s.source ?? catalogue[s.name], sets); // a bad --set is refused here, naming it
    return { ...s, calls: [...new Set(compiled.steps.map((st) => String(st.call)))] };
  });
  const rng = xoroshiro128plus(seed);
  const tasks: Task[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < points; i++) {
    const { name, source, declared, calls } = scen[uniformInt(rng, 0, scen.length - 1)];
    const p = drawPoint(rng, name, declared, calls, sets);
    const overrides = { ...p, ...sets };
    let key: string;
    try {
      key = name + JSON.stringify((source ? compile(source, overrides) : compile(catalogue[name], overrides)).params);
    } catch {
      key = name + JSON.stringify(overrides); // refused: kept, and the run reports why
    }
    if (seen.has(key)) continue;
    seen.add(key);
    tasks.push({ id: tasks.length, scenario: name, params: { ...p, ...sets }, overrides, ...(source ? { source } : {}) });
  }
  return tasks;
}

export function compileTask(t: Task): Compiled {
  return compile(t.source ?? catalogue[t.scenario], t.overrides);
}

// ---- engines --------------------------------------------------------------------------------------------

export interface Engines {
  /** the wasm model: synchronous; runAsync, when there, runs it on the worker pool */
  model: { run(c: Compiled): Result; runAsync?(c: Compiled): Promise<Result> };
  /** the native host, or null with the reason the kernel column is empty */
  kernel: { run(c: Compiled): Promise<Result> } | null;
  kernelWhy?: string;
  /**
   * This kernel's own values of the machine's knobs that the native host cannot set (read_ahead_kb, pipe-max-size,
   * fault_around_bytes): the model runs with them, so that both engines model the same machine. Knobs, never counts.
   */
  calibration?: Record<string, number | string>;
  /** one line per calibrated knob: its value and where the kernel keeps it */
  calibrationNotes?: string[];
  /** the worker pool the runs go to (src/node/pool.ts): runTasks then runs the tasks at once, the pool on every core */
  pool?: Pool;
  /**
   * How many times the native host runs each point (default 1). A range counter (counter-classes.ts) is scored
   * against the kernel's min..max over these runs; an exact counter that varies across them is reported as such.
   */
  kernelRuns?: number;
}

/**
 * Reads this kernel's values of the machine's knobs with one tiny native run (the host reports, per knob, the
 * program's value and the kernel's own). A knob the host applies itself, or cannot read, is left alone.
 */
export async function probeKnobs(): Promise<{ calibration: Record<string, number | string>; notes: string[] }> {
  const native = await import("./native.js");
  const { raw } = await native.runNativeDetailed(compile(catalogue["read-write"], { fileSize: "4KiB", chunk: "4KiB" }));
  const calibration: Record<string, number | string> = {};
  const notes: string[] = [];
  for (const k of raw.knobs ?? []) {
    const key = Object.keys(MACHINE_PARAMS).find((p) => MACHINE_PARAMS[p].knob === k.id);
    if (!key || k.applied || k.kernel === null || k.kernel < 0 || k.kernel === k.program) continue;
    const mp = MACHINE_PARAMS[key];
    if ((mp.max !== undefined && k.kernel > mp.max) || (mp.min !== undefined && k.kernel < mp.min)) {
      notes.push(`${key}: this kernel has ${k.kernel}, outside what the model takes; the model keeps ${k.program}`);
      continue;
    }
    if (mp.values) {
      // a named knob (tcpCongestion): the kernel reports the index of its own choice among the names
      const name = mp.values[k.kernel];
      if (name === undefined) { notes.push(`${key}: this kernel's choice (${k.kernel}) is none the model knows; the model keeps ${mp.values[k.program]}`); continue; }
      calibration[key] = name;
      notes.push(`${key}=${name} (${k.how}; the program asked ${mp.values[k.program]})`);
      continue;
    }
    calibration[key] = k.kernel;
    notes.push(`${key}=${formatSize(k.kernel)} (${k.how}; the model's default is ${formatSize(k.program)})`);
  }
  return { calibration, notes };
}

/** Loads the model and, unless `kernel` is false, the native host (saying why not when it cannot run here). */
export async function openEngines(opts: { kernel?: boolean; calibrate?: boolean; pool?: Pool } = {}): Promise<Engines> {
  const { loadSimulator } = await import("../model/index.js");
  const sim = await loadSimulator();
  const pool = opts.pool;
  const model: Engines["model"] = { run: (c: Compiled) => sim.run(c, { trace: false }).result as Result };
  if (pool) model.runAsync = (c: Compiled) => pool.run({ kind: "model", compiled: c }).then((o) => o.result);
  if (opts.kernel === false) return { model, kernel: null, kernelWhy: "the kernel side was not asked for (--no-kernel)", pool };
  try {
    const native = await import("./native.js");
    const ok = native.nativeAvailable();
    if (!ok.ok) return { model, kernel: null, kernelWhy: ok.why ?? "the native host cannot run here", pool };
    const kernelRun = pool ? (c: Compiled) => pool.run({ kind: "native", compiled: c }).then((o) => o.result) : (c: Compiled) => native.runNative(c) as Promise<Result>;
    const engines: Engines = { model, kernel: { run: kernelRun }, pool };
    if (opts.calibrate !== false) {
      try {
        const p = await probeKnobs();
        engines.calibration = p.calibration;
        engines.calibrationNotes = p.notes;
      } catch (e) {
        engines.calibrationNotes = [`this kernel's knobs could not be read (${errText(e)}): the model runs with its defaults`];
      }
    }
    return engines;
  } catch (e) {
    return { model, kernel: null, kernelWhy: `the native host could not be loaded: ${(e as Error).message}`, pool };
  }
}

export interface Outcome {
  task: Task;
  model?: Result;
  /** the first native run (the one whose mmap placements the model was given) */
  kernel?: Result;
  /** every native run of the point, in order (kernel is the first); one unless Engines.kernelRuns says more */
  kernelRuns?: Result[];
  /** the compiler refused the point, or an engine threw: the run is a failure, never a silent gap */
  compileError?: string;
  modelError?: string;
  kernelError?: string;
  /** why the kernel side was not run for this task (a model-only feature such as the simulated NIC) */
  kernelSkip?: string;
  /** wall time of the two runs, ms */
  ms: number;
}

/** Runs one task in both engines; the native run (a child process) overlaps the model's. */
export async function runTask(t: Task, engines: Engines): Promise<Outcome> {
  const t0 = performance.now();
  let compiled: Compiled;
  try {
    compiled = compileTask(t);
  } catch (e) {
    return { task: t, compileError: (e as Error).message, ms: 0 };
  }
  let modelCompiled = compiled;
  const cal = Object.entries(engines.calibration ?? {}).filter(([k]) => !(k in t.overrides));
  if (cal.length) {
    try {
      modelCompiled = compile(t.source ?? catalogue[t.scenario], { ...Object.fromEntries(cal), ...t.overrides });
    } catch {
      modelCompiled = compiled;
    }
  }
  const out: Outcome = { task: t, ms: 0 };
  const kernel = engines.kernel;
  const native = kernel && !out.kernelSkip
    ? (async () => {
        const runs: Result[] = [];
        try {
          for (let i = 0; i < Math.max(1, engines.kernelRuns ?? 1); i++) runs.push(await kernel.run(compiled));
        } catch (e) {
          out.kernelError = errText(e);
        }
        if (runs.length) { out.kernel = runs[0]; out.kernelRuns = runs; }
      })()
    : Promise.resolve();
  // A program that maps memory: the kernel placed each mmap(NULL) where ASLR said, and fault-around windows are
  // aligned in the address space, so the model is told those placements (an input, as a knob) and runs after.
  // A cold file: the filesystem placed its blocks where it had room, and a read's request ends where they jump on
  // the disk, so the model is told where the first file's blocks jump (FIEMAP, the same way).
  const mmaps = compiled.steps.some((st) => st.call === "mmap");
  const coldFirst = compiled.files.find((f) => f.id === 0)?.cache === "cold";
  if (engines.kernel && !out.kernelSkip && (mmaps || coldFirst)) {
    await native;
    const placed = String(out.kernel?.kernel?.mmapPlacement ?? "").split(",").filter(Boolean).map(Number).slice(0, 4);
    const over: Record<string, number> = {};
    placed.forEach((off, k) => { if (!(`mmapPlacement${k}` in t.overrides)) over[`mmapPlacement${k}`] = off; });
    // "total:offset,offset...": at most four offsets are kept (a file in more pieces is told its first four)
    const breaks = String(out.kernel?.kernel?.diskBreaks ?? "").split(":")[1]?.split(",").filter(Boolean).map(Number).slice(0, 4) ?? [];
    breaks.forEach((off, k) => { if (!(`diskBreak${k}` in t.overrides)) over[`diskBreak${k}`] = off; });
    if (placed.length || breaks.length) {
      try {
        modelCompiled = compile(t.source ?? catalogue[t.scenario], { ...Object.fromEntries(cal), ...over, ...t.overrides });
      } catch {
        /* keep the model's own placement */
      }
    }
  }
  const pooled = engines.model.runAsync
    ? engines.model.runAsync(modelCompiled).then((r) => { out.model = r; }, (e: unknown) => { out.modelError = errText(e); })
    : Promise.resolve();
  if (!engines.model.runAsync) {
    try {
      out.model = engines.model.run(modelCompiled);
    } catch (e) {
      out.modelError = errText(e);
    }
  }
  await Promise.all([native, pooled]);
  out.ms = performance.now() - t0;
  return out;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs the tasks: one after another, or, with a pool in the engines, all at once on the pool (which runs as many as
 * it has cores for). The outcomes in the tasks' order either way; `onDone` in that order too.
 */
export async function runTasks(tasks: Task[], engines: Engines, onDone?: (o: Outcome, i: number) => void): Promise<Outcome[]> {
  if (engines.pool) {
    const done: (Outcome | undefined)[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(tasks.map((t, i) => runTask(t, engines).then((o) => {
      done[i] = o;
      for (; next < tasks.length && done[next]; next++) onDone?.(done[next]!, next);
    })));
    return done as Outcome[];
  }
  const outs: Outcome[] = [];
  for (const [i, t] of tasks.entries()) {
    const o = await runTask(t, engines);
    outs.push(o);
    onDone?.(o, i);
  }
  return outs;
}

// ---- rows -----------------------------------------------------------------------------------------------

/** The native evidence of a counter path: its own, or its nearest parent's ("syscalls.byName.read" -> "syscalls"). */
export function evidenceOf(r: Result | undefined, path: string): { evidence?: Evidence; why?: string } {
  if (!r?.evidence && !r?.unavailable) return {};
  const parts = path.split(".");
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join(".");
    const e = r.evidence?.[p];
    const why = r.unavailable?.[p];
    if (e || why) return { evidence: e ?? "unavailable", why };
  }
  return {};
}

const errorsText = (r: Result): string => {
  const list = [...(r.errors ?? [])]
    .map((e) => `${e.call}@${e.step} ${e.errno}${e.count && e.count > 1 ? ` x${e.count}` : ""}`)
    .sort();
  return list.length ? list.join(", ") : "none";
};
const signalsText = (r: Result): string => {
  const list = [...(r.signals ?? [])]
    .map((s) => `${s.signal}/${s.code}@${s.step}${s.mapOffset !== undefined ? `+${s.mapOffset}` : ""}`)
    .sort();
  return list.length ? list.join(", ") : "none";
};

/** Every counter path of a result, with its value (missing: undefined). */
export function counters(r: Result): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set("syscalls.total", r.syscalls?.total ?? null);
  for (const [k, v] of Object.entries(r.syscalls?.byName ?? {})) m.set(`syscalls.byName.${k}`, v);
  m.set("modeSwitches", r.modeSwitches);
  m.set("faults.minor", r.faults?.minor);
  m.set("faults.major", r.faults?.major);
  for (const w of ["cpu", "dma"] as const) {
    m.set(`copies.${w}.ops`, r.copies?.[w]?.ops);
    m.set(`copies.${w}.bytes`, r.copies?.[w]?.bytes);
  }
  for (const [k, v] of Object.entries(r.io ?? {})) m.set(`io.${k}`, v as number);
  m.set("errors", errorsText(r));
  m.set("signals", signalsText(r));
  m.set("delivered.bytes", r.delivered?.bytes);
  m.set("delivered.intact", r.delivered?.intact);
  if (r.delivered?.modifiedBytes !== undefined) m.set("delivered.modifiedBytes", r.delivered.modifiedBytes);
  // the stream digest (docs/program-format.md, "The delivery proof"): both engines sum the same keyed words
  if (r.delivered?.digest !== undefined) m.set("delivered.digest", r.delivered.digest);
  m.set("timeNs", r.timeNs);
  if (r.peer) {
    m.set("peer.copies.ops", r.peer.copies?.ops);
    m.set("peer.copies.bytes", r.peer.copies?.bytes);
    m.set("peer.syscalls.total", r.peer.syscalls?.total);
  }
  // one set of names in both engines; a result saved before they were settled is read under the current ones
  for (const [k, v] of Object.entries(withCurrentKernelNames(r.kernel ?? {}))) if (typeof v === "number" || typeof v === "boolean") m.set(`kernel.${k}`, v);
  for (const [k, v] of m) if (v === undefined) m.delete(k);
  return m;
}

/** Counter paths whose absence on one side means zero: a call not made, a syscall not in byName. */
const ZERO_WHEN_ABSENT = /^syscalls\.byName\./;

/** The calls a program makes: the mechanism the known explanations are keyed on. */
export function callsOf(r: Result | undefined, c?: Compiled): string[] {
  if (c) return [...new Set(c.steps.map((s) => s.call as string))];
  return Object.keys(r?.syscalls?.byName ?? {});
}

/** The steps the native host did not make, with its reasons (none: every step it reached was made as written). */
function notRunOf(r: Result | undefined): { step: number; call: string; why: string }[] {
  return ((r as { notRun?: { step: number; call: string; why: string }[] } | undefined)?.notRun) ?? [];
}

/**
 * The rows of one point of the matrix. `kernel` undefined: the kernel column is empty (every row unscored, with
 * `kernelWhy`). `kernelRuns`: every native run of the point (kernel is the first); a range counter is scored against
 * their min..max, and an exact counter that differs between them is reported as varying (a disagreement: either a
 * race the counter classes do not know yet, or a host fault). Pure: tests hand it crafted results.
 */
export function compareResults(
  scenario: string,
  params: Record<string, string>,
  model: Result,
  kernel: Result | undefined,
  opts: { kernelWhy?: string; calls?: string[]; kernelRuns?: Result[] } = {},
): Row[] {
  const runs = kernel ? (opts.kernelRuns?.length ? opts.kernelRuns : [kernel]) : [];
  const mc = counters(model);
  const kcs = runs.map(counters);
  const kc = kcs[0] ?? new Map<string, Value>();
  const paths = [...mc.keys()];
  for (const k of kc.keys()) if (!mc.has(k)) paths.push(k);
  const calls = opts.calls ?? callsOf(model);
  const mechanism = { scenario, calls, params: { ...model.params } };
  const notRun = notRunOf(kernel);
  const rows: Row[] = [];
  for (const counter of paths) {
    const rule = ruleFor(counter);
    const mv: Value = mc.has(counter) ? mc.get(counter)! : ZERO_WHEN_ABSENT.test(counter) ? 0 : null;
    const kv: Value = kc.has(counter) ? kc.get(counter)! : kernel && ZERO_WHEN_ABSENT.test(counter) ? 0 : null;
    const row: Row = { scenario, params, counter, class: rule.class, model: mv, kernel: kv, agree: null, why: "" };
    if (rule.tol) row.tolerance = toleranceText(rule.tol);
    rows.push(row);
    if (!kernel) {
      row.kernel = null;
      row.why = opts.kernelWhy ?? "the kernel side did not run";
      continue;
    }
    const ev = evidenceOf(kernel, counter);
    if (ev.evidence) row.evidence = ev.evidence;
    if (ev.evidence === "unobservable") {
      row.class = "unobservable";
      row.why = ev.why ?? "the kernel cannot show it on this host";
      continue;
    }
    if (ev.evidence === "unavailable") {
      row.kernel = null; // never scored as zero
      row.why = `not measured on this host: ${ev.why ?? "unavailable"}`;
      continue;
    }
    if (notRun.length) {
      // the host did not make every call of the program: no figure of this point describes the program
      row.why = `not run: the native host did not make ${notRun.map((n) => `step ${n.step} (${n.call}): ${n.why}`).join("; ")}`;
      continue;
    }
    if (kv === null) {
      row.why = "the native host does not report it";
      continue;
    }
    if (mv === null) {
      row.why = "not modelled: the model has no mechanism for it";
      continue;
    }
    row.basis = ev.evidence === "derived" ? "derived" : "measured";
    // the kernel's values over the runs (a run that lacks the counter counts as zero only where absence means it)
    const vals = kcs.map((m) => (m.has(counter) ? m.get(counter)! : ZERO_WHEN_ABSENT.test(counter) ? 0 : null));
    const nums = vals.filter((v): v is number => typeof v === "number");
    const varied = new Set(vals.map((v) => JSON.stringify(v))).size > 1;
    if (runs.length > 1) row.kernelRuns = runs.length;
    if (runs.length > 1 && nums.length === vals.length) row.range = [Math.min(...nums), Math.max(...nums)];
    if (rule.class === "tolerance") {
      row.agree = typeof mv === "number" && typeof kv === "number" ? withinTolerance(mv, kv, rule.tol!) : mv === kv;
    } else if (rule.class === "range") {
      if (!row.range || typeof mv !== "number") {
        // one sample of a race scores by luck: a range needs the kernel's spread
        row.basis = undefined;
        row.why = `a race on the kernel: scored against the min..max of several native runs (--runs 2 or more; this point had ${runs.length})`;
        continue;
      }
      row.agree = mv >= row.range[0] && mv <= row.range[1];
    } else if (varied) {
      // a counter classed exact that the kernel varied for one program: the class is wrong or the host is
      row.agree = false;
      row.why = `the kernel varied over ${runs.length} runs of the same program (${[...new Set(vals.map((v) => formatValue(v)))].join(", ")}): a counter scored exact must be deterministic; measure it (docs/compare.md, "Ranges") and class it as a range`;
      continue;
    } else {
      row.agree = mv === kv;
    }
    if (!row.agree) {
      const k = explainOf(counter, mechanism);
      row.why = k?.why ?? "unexplained";
      if (k) row.known = k.id;
    }
  }
  return rows;
}

/** The rows of a run of the matrix; a failed run is one row that never agrees. */
export function rowsOf(outs: Outcome[], kernelWhy?: string): Row[] {
  const rows: Row[] = [];
  for (const o of outs) {
    const { scenario, params } = o.task;
    const fail = o.compileError ? `the compiler refused it: ${o.compileError}` : o.modelError ? `the model failed: ${o.modelError}` : undefined;
    if (fail || !o.model) {
      rows.push({ scenario, params, counter: "run", class: "exact", model: null, kernel: null, agree: false, why: fail ?? "no result" });
      continue;
    }
    if (o.kernelError) {
      rows.push({ scenario, params, counter: "run", class: "exact", model: "ran", kernel: null, agree: false, why: `the native host failed: ${o.kernelError}` });
    }
    let calls: string[] | undefined;
    try {
      calls = callsOf(undefined, compileTask(o.task));
    } catch {
      calls = undefined;
    }
    rows.push(...compareResults(scenario, params, o.model, o.kernelError ? undefined : o.kernel, {
      kernelWhy: o.kernelError ? "the native host failed" : o.kernelSkip ?? kernelWhy, calls, kernelRuns: o.kernelRuns,
    }));
  }
  return rows;
}

// ---- summary --------------------------------------------------------------------------------------------

export function summarize(rows: Row[], runs: number, kernel: string, kernelRuns = 1): Summary {
  const s: Summary = {
    exact: 0, agree: 0, disagree: 0, explained: 0, unexplained: 0, ranges: 0, rangesHeld: 0, derived: 0, consistent: 0,
    tolerance: 0, toleranceAgree: 0, unobservable: 0, notScored: 0, notRun: 0, runs, kernelRuns, kernel, perScenario: {},
  };
  const notRunPoints = new Set<string>();
  for (const r of rows) {
    const ps = (s.perScenario[r.scenario] ??= { exact: 0, agree: 0 });
    if (r.class === "unobservable") { s.unobservable++; continue; }
    if (r.agree === null) {
      if (r.why.startsWith("not run:")) notRunPoints.add(`${r.scenario} ${JSON.stringify(r.params)}`);
      if (r.class !== "tolerance") s.notScored++;
      continue;
    }
    if (r.class === "tolerance") {
      s.tolerance++;
      if (r.agree) s.toleranceAgree++;
      continue;
    }
    if (r.basis === "derived") {
      s.derived++;
      if (r.agree) s.consistent++;
      continue;
    }
    s.exact++;
    ps.exact++;
    if (r.class === "range") { s.ranges++; if (r.agree) s.rangesHeld++; }
    if (r.agree) { s.agree++; ps.agree++; }
    else {
      s.disagree++;
      if (r.known) s.explained++;
      else s.unexplained++;
    }
  }
  s.notRun = notRunPoints.size;
  return s;
}

// ---- the regression guard -------------------------------------------------------------------------------

export interface Baseline {
  /** what it was measured on (informative) */
  kernel?: string;
  /** per matrix, per scenario: exact rows scored and those that agreed */
  matrices: Partial<Record<MatrixName, Record<string, ScenarioSummary>>>;
  /**
   * the share of a scenario's exact rows its agreement may fall by before it counts as a fall (0: none): some
   * kernel counts race the disk (major faults under readahead, block requests), and a loaded machine races more
   */
  slack?: number;
}

/**
 * Scenarios whose agreement fell below the baseline's. Where a scenario had as many measured rows scored as the
 * baseline's, a fall is fewer agreeing rows; where it had fewer (this machine or this user cannot measure some of the
 * kernel's figures: tracepoints without privileges are unavailable, not zero), a fall is more disagreeing rows, since
 * a row that could not be scored is no disagreement.
 */
export function checkBaseline(s: Summary, baseline: Baseline, matrix: MatrixName): string[] {
  const want = baseline.matrices[matrix];
  if (!want) return [`the baseline has no "${matrix}" matrix`];
  const falls: string[] = [];
  for (const [name, b] of Object.entries(want)) {
    const got = s.perScenario[name];
    if (!got) continue; // not run this time (names filter)
    const allowed = Math.ceil((baseline.slack ?? 0) * b.exact);
    const slack = allowed ? `, less ${allowed} of slack` : "";
    if (got.exact >= b.exact) {
      if (got.agree < b.agree - allowed)
        falls.push(`${name}: ${got.agree} exact rows agree, the baseline has ${b.agree} (of ${b.exact})${slack}`);
    } else if (got.exact - got.agree > b.exact - b.agree + allowed) {
      falls.push(`${name}: ${got.exact - got.agree} of ${got.exact} scored rows disagree, the baseline has ${b.exact - b.agree} (of ${b.exact})${slack}`);
    }
  }
  return falls;
}

export function baselineOf(s: Summary, matrix: MatrixName, old?: Baseline, kernel?: string): Baseline {
  return { ...(old ?? {}), kernel, matrices: { ...(old?.matrices ?? {}), [matrix]: s.perScenario } };
}

// ---- the whole command, as data ------------------------------------------------------------------------

export function buildReport(matrix: MatrixName, outs: Outcome[], engines: Pick<Engines, "kernel" | "kernelWhy" | "calibrationNotes">, ms: number): CompareReport {
  const rows = rowsOf(outs, engines.kernelWhy);
  const kernelRuns = Math.max(1, ...outs.map((o) => o.kernelRuns?.length ?? 1));
  const summary = summarize(rows, outs.length, engines.kernel ? "ran" : engines.kernelWhy ?? "did not run", kernelRuns);
  const notes: CompareReport["notes"] = [];
  for (const o of outs) for (const [engine, r] of [["model", o.model], ["kernel", o.kernel]] as const)
    for (const n of r?.notes ?? []) notes.push({ scenario: o.task.scenario, params: o.task.params, engine, note: n });
  const runs = outs.map((o) => ({ scenario: o.task.scenario, params: o.task.params, payloadBytes: o.model?.payloadBytes ?? o.kernel?.payloadBytes ?? 0, model: o.model, kernel: o.kernel }));
  return { matrix, rows, summary, notes, runs, kernelWhy: engines.kernel ? undefined : engines.kernelWhy, calibration: engines.calibrationNotes ?? [], ms };
}

/** The exit status of `zcsim compare` (src/node/commands/compare.ts says what each means). */
export function exitStatus(report: CompareReport, baseline?: Baseline, opts: { explainedOk?: boolean } = {}, say: (fall: string) => void = () => {}): number {
  const s = report.summary;
  const failedRuns = report.rows.filter((r) => r.counter === "run" && r.agree === false);
  if (s.kernel !== "ran") {
    // the kernel column is empty: only the model's own failures count
    return failedRuns.some((r) => r.model === null) ? 1 : 0;
  }
  if (baseline) {
    const falls = checkBaseline(s, baseline, report.matrix);
    for (const f of falls) say(f);
    return falls.length ? 1 : 0;
  }
  if (failedRuns.length) return 1;
  if (opts.explainedOk) return s.unexplained === 0 ? 0 : 1;
  return s.disagree === 0 ? 0 : 1;
}

/** chart.js's UMD build, to inline into the HTML report. */
export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
}

export type { ParamValue };
