/**
 * A worker-thread pool for independent runs: model runs (the wasm, in worker threads, one model instance per
 * worker) and native runs (the native host, a child process each: scheduled from this thread) as tasks.
 *
 *   const pool = new Pool({ size: 4, native: "serial" });
 *   const out = await pool.run({ kind: "model", scenario: "sendfile", overrides: { fileSize: "16MiB" } });
 *   const all = await pool.map(tasks, (o, i) => progress(i));   // results in the tasks' order
 *   await pool.close();
 *
 * Order: `map` and `settle` give results in the order of the tasks, whatever order they finish in; `onDone`
 * is called as each finishes. Errors: a task that throws (a scenario the compiler refuses, a native host that
 * fails, a wasm trap) rejects its own promise with the error (ScenarioError and NativeError keep their class);
 * the other tasks run on. A worker that dies fails the task it had and is replaced.
 *
 * Native runs and timing: `native: "parallel"` lets native runs share the cores like model runs (counts are not
 * affected); `"serial"` runs one native run at a time (model runs go on beside it); `"exclusive"` runs a native
 * run alone on the machine: no other task starts while it runs, and it waits for the running ones to end (for
 * measurements of the kernel's time). Every task, native or model, takes one of `size` slots.
 *
 * The model's wasm is compiled once in this thread and the module is sent to the workers (no recompilation).
 * Idle workers do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Result } from "../result.js";
import type { Compiled, ParamValue } from "../scenario/types.js";
import type { SimEvent } from "../model/events.js";
import type { StatusName } from "../model/simulator.js";
import type { NativeRaw } from "./native.js";

/** What a task runs: a compiled scenario, or a catalogue name (or a scenario document) and its overrides. */
export interface ScenarioRef {
  compiled?: Compiled;
  /** a catalogue name; or the name of `source` */
  scenario?: string;
  /** a scenario document (JSON already parsed), compiled in the worker */
  source?: unknown;
  overrides?: Record<string, ParamValue | string>;
}

export interface ModelTask extends ScenarioRef {
  kind: "model";
  /** keep the event trace (default false: counters only) */
  trace?: boolean;
  traceCap?: number;
  /** knob overrides by Knob id */
  knobs?: Record<number, number>;
  /** run in a fresh model instance (a new wasm memory), e.g. to measure the memory one run needs */
  fresh?: boolean;
}

export interface NativeTask extends ScenarioRef {
  kind: "native";
  timeoutMs?: number;
  /** also return the host's own JSON */
  detailed?: boolean;
}

export type PoolTask = ModelTask | NativeTask;

export interface ModelOutcome {
  kind: "model";
  result: Result;
  status: StatusName;
  counters: number[];
  traceDropped: number;
  /** the wasm memory's size after the run, and the model's own tables */
  memoryBytes: number;
  modelBytes: number;
  /** the wasm memory's size before the run (fresh: the size of a new instance) */
  memoryBefore: number;
  framesPeak: number;
  events?: SimEvent[];
  /** wall time of the run in the worker (compile excluded), ms */
  ms: number;
}

export interface NativeOutcome {
  kind: "native";
  result: Result;
  raw?: NativeRaw;
  /** wall time of the native run, ms */
  ms: number;
}

export type Outcome<T extends PoolTask> = T extends ModelTask ? ModelOutcome : T extends NativeTask ? NativeOutcome : ModelOutcome | NativeOutcome;
export type AnyOutcome = ModelOutcome | NativeOutcome;

export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export type NativeMode = "parallel" | "serial" | "exclusive";

export interface PoolOptions {
  /** slots (worker threads, and native runs at once): default the machine's available parallelism */
  size?: number;
  /** how native runs share the machine (default "serial") */
  native?: NativeMode;
  /** the model's wasm: a compiled module, its bytes or URL (default: the package's build) */
  wasm?: WebAssembly.Module | BufferSource | URL;
  /** runs a native task (default: src/node/native.ts); tests inject their own */
  nativeRunner?: (compiled: Compiled, task: NativeTask) => Promise<{ result: Result; raw?: NativeRaw }>;
}

// ---- the worker side ------------------------------------------------------------------------------------

interface WireError { name: string; message: string; stack?: string; path?: string; reason?: string }
type ToWorker = { id: number; task: ModelTask };
type FromWorker = { id: number; ok: true; value: ModelOutcome } | { id: number; ok: false; error: WireError };

function toWire(e: unknown): WireError {
  if (e instanceof Error) {
    const x = e as Error & { path?: unknown; reason?: unknown };
    return { name: e.name, message: e.message, stack: e.stack, path: typeof x.path === "string" ? x.path : undefined, reason: typeof x.reason === "string" ? x.reason : undefined };
  }
  return { name: "Error", message: String(e) };
}

async function fromWire(w: WireError): Promise<Error> {
  let e: Error;
  if (w.name === "ScenarioError" && w.reason !== undefined) {
    const { ScenarioError } = await import("../scenario/types.js");
    e = new ScenarioError(w.path ?? "", w.reason);
  } else if (w.name === "NativeError") {
    const { NativeError } = await import("./native.js");
    e = new NativeError(w.message);
  } else {
    e = new Error(w.message);
    e.name = w.name;
  }
  if (w.stack) e.stack = w.stack;
  return e;
}

/** Compiles a task's scenario (in whichever thread runs it). */
async function compiledOf(t: ScenarioRef): Promise<Compiled> {
  if (t.compiled) return t.compiled;
  const sc = await import("../scenario/index.js");
  const overrides = (t.overrides ?? {}) as Record<string, string | number | boolean>;
  if (t.source !== undefined) return sc.compile(t.source, overrides);
  if (!t.scenario) throw new sc.ScenarioError("task", "a task needs compiled, scenario or source");
  return sc.compileByName(t.scenario, overrides);
}

async function workerMain(): Promise<void> {
  const port = parentPort!;
  const { instantiateModel, Simulator } = await import("../model/index.js");
  const mod = (workerData as { module: WebAssembly.Module }).module;
  let x = await instantiateModel(mod);
  let sim = new Simulator(x);
  port.on("message", async (msg: ToWorker) => {
    try {
      const t = msg.task;
      const compiled = await compiledOf(t);
      if (t.fresh) {
        x = await instantiateModel(mod);
        sim = new Simulator(x);
      }
      const memoryBefore = x.memory.buffer.byteLength;
      const t0 = performance.now();
      const out = sim.run(compiled, { trace: !!t.trace, traceCap: t.traceCap, knobs: t.knobs });
      const ms = performance.now() - t0;
      const value: ModelOutcome = {
        kind: "model", result: out.result, status: out.status, counters: out.counters, traceDropped: out.traceDropped,
        memoryBytes: out.memoryBytes, modelBytes: out.modelBytes, memoryBefore, framesPeak: Number(x.zc_frames_peak()), ms,
      };
      if (out.events) value.events = out.events;
      port.postMessage({ id: msg.id, ok: true, value } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ id: msg.id, ok: false, error: toWire(e) } satisfies FromWorker);
    }
  });
  port.postMessage({ id: -1, ok: true, value: null });
}

if (!isMainThread && (workerData as { zcsimPool?: boolean } | null)?.zcsimPool) {
  void workerMain();
}

// ---- the pool -------------------------------------------------------------------------------------------

interface Item {
  task: PoolTask;
  resolve: (v: AnyOutcome) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: Item | null;
  id: number;
}

const THIS_FILE = fileURLToPath(import.meta.url);

/** Starts a worker on this file; from TypeScript sources (tsx, vitest) through tsx's loader. */
function spawnWorker(module: WebAssembly.Module): Worker {
  const data = { zcsimPool: true, module };
  if (!THIS_FILE.endsWith(".ts")) return new Worker(THIS_FILE, { workerData: data });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(THIS_FILE).href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

export class Pool {
  readonly size: number;
  readonly nativeMode: NativeMode;
  private readonly opts: PoolOptions;
  private module: Promise<WebAssembly.Module> | null = null;
  private readonly slots: Slot[] = [];
  private readonly queue: Item[] = [];
  private nativeRunning = 0;
  private modelRunning = 0;
  private nextId = 0;
  private closed = false;
  private readonly inflight = new Map<number, { item: Item; slot: Slot }>();

  constructor(opts: PoolOptions = {}) {
    this.opts = opts;
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    this.nativeMode = opts.native ?? "serial";
  }

  /** Runs one task; resolves with its outcome or rejects with its error. */
  run<T extends PoolTask>(task: T): Promise<Outcome<T>> {
    if (this.closed) return Promise.reject(new Error("the pool is closed"));
    return new Promise<AnyOutcome>((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    }) as Promise<Outcome<T>>;
  }

  /** Runs every task; the outcomes (or errors) in the tasks' order. `onDone` as each one finishes. */
  settle<T extends PoolTask>(tasks: T[], onDone?: (s: Settled<Outcome<T>>, index: number) => void): Promise<Settled<Outcome<T>>[]> {
    return Promise.all(tasks.map((t, i) => this.run(t).then(
      (value) => { const s: Settled<Outcome<T>> = { ok: true, value }; onDone?.(s, i); return s; },
      (error: unknown) => { const s: Settled<Outcome<T>> = { ok: false, error: error instanceof Error ? error : new Error(String(error)) }; onDone?.(s, i); return s; },
    )));
  }

  /** Runs every task; the outcomes in the tasks' order. Rejects, once all have ended, with the first failed task's error. */
  async map<T extends PoolTask>(tasks: T[], onDone?: (o: Outcome<T>, index: number) => void): Promise<Outcome<T>[]> {
    const all = await this.settle(tasks, (s, i) => { if (s.ok) onDone?.(s.value, i); });
    const bad = all.find((s) => !s.ok);
    if (bad && !bad.ok) throw bad.error;
    return all.map((s) => (s as { ok: true; value: Outcome<T> }).value);
  }

  /** Ends the workers (tasks still queued are refused). */
  async close(): Promise<void> {
    this.closed = true;
    for (const it of this.queue.splice(0)) it.reject(new Error("the pool was closed"));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private wasmModule(): Promise<WebAssembly.Module> {
    if (!this.module) {
      this.module = (async () => {
        const { compileModel } = await import("../model/wasm.js");
        return compileModel(this.opts.wasm);
      })();
    }
    return this.module;
  }

  private running(): number { return this.nativeRunning + this.modelRunning; }

  /** Starts what can start, in queue order. */
  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      if (this.running() >= this.size) return;
      const it = this.queue[i];
      if (it.task.kind === "native") {
        const can = this.nativeMode === "parallel" ? true
          : this.nativeMode === "serial" ? this.nativeRunning === 0
          : this.running() === 0;
        if (!can) {
          if (this.nativeMode === "exclusive") return; // a barrier: nothing behind it starts first
          i++;
          continue;
        }
        this.queue.splice(i, 1);
        this.startNative(it);
        if (this.nativeMode === "exclusive") return;
        continue;
      }
      if (this.nativeMode === "exclusive" && this.nativeRunning > 0) return;
      const slot = this.idleSlot();
      if (!slot) return;
      this.queue.splice(i, 1);
      this.startModel(it, slot);
    }
  }

  private idleSlot(): Slot | null {
    for (const s of this.slots) if (!s.busy) return s;
    if (this.slots.length >= this.size) return null;
    const slot = this.newSlot();
    return slot;
  }

  private newSlot(): Slot {
    const slot: Slot = { worker: null as unknown as Worker, ready: Promise.resolve(), busy: null, id: this.slots.length };
    this.slots.push(slot);
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    slot.ready = new Promise<void>((res, rej) => { readyResolve = res; readyReject = rej; });
    slot.ready.catch(() => { /* reported through the task */ });
    this.wasmModule().then((mod) => {
      const w = spawnWorker(mod);
      slot.worker = w;
      w.unref();
      w.on("message", (m: FromWorker | { id: -1 }) => {
        if (m.id === -1) { readyResolve(); return; }
        void this.finishModel(m as FromWorker);
      });
      w.on("error", (e) => { readyReject(e); this.workerDied(slot, e); });
      w.on("exit", (code) => this.workerDied(slot, new Error(`a pool worker exited (${code})`)));
    }, (e: unknown) => readyReject(e instanceof Error ? e : new Error(String(e))));
    return slot;
  }

  private startModel(it: Item, slot: Slot): void {
    slot.busy = it;
    this.modelRunning++;
    const id = this.nextId++;
    this.inflight.set(id, { item: it, slot });
    slot.ready.then(() => {
      if (this.inflight.get(id)?.slot !== slot) return; // the worker died meanwhile
      slot.worker.ref();
      slot.worker.postMessage({ id, task: it.task as ModelTask } satisfies ToWorker);
    }, (e: unknown) => this.failInflight(id, e instanceof Error ? e : new Error(String(e))));
  }

  private async finishModel(m: FromWorker): Promise<void> {
    const f = this.inflight.get(m.id);
    if (!f) return;
    this.release(m.id, f.slot);
    if (m.ok) f.item.resolve(m.value);
    else f.item.reject(await fromWire(m.error));
  }

  private release(id: number, slot: Slot): void {
    this.inflight.delete(id);
    slot.busy = null;
    if (slot.worker) slot.worker.unref();
    this.modelRunning--;
    this.pump();
  }

  private failInflight(id: number, e: Error): void {
    const f = this.inflight.get(id);
    if (!f) return;
    this.release(id, f.slot);
    f.item.reject(e);
  }

  private workerDied(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already gone (closed)
    this.slots.splice(i, 1);
    for (const [id, f] of this.inflight) if (f.slot === slot) this.failInflight(id, new Error(`the pool worker running this task died: ${e.message}`));
    this.pump();
  }

  private startNative(it: Item): void {
    this.nativeRunning++;
    const t = it.task as NativeTask;
    (async () => {
      const compiled = await compiledOf(t);
      const runner = this.opts.nativeRunner ?? (async (c: Compiled, task: NativeTask) => {
        const native = await import("./native.js");
        return native.runNativeDetailed(c, { timeoutMs: task.timeoutMs });
      });
      const t0 = performance.now();
      const { result, raw } = await runner(compiled, t);
      const out: NativeOutcome = { kind: "native", result, ms: performance.now() - t0 };
      if (t.detailed && raw) out.raw = raw;
      return out;
    })().then(
      (v) => { this.nativeRunning--; it.resolve(v); this.pump(); },
      (e: unknown) => { this.nativeRunning--; it.reject(e instanceof Error ? e : new Error(String(e))); this.pump(); },
    );
  }
}

/** Runs `tasks` on a pool made for them and closed after (the outcomes in the tasks' order). */
export async function runPooled<T extends PoolTask>(tasks: T[], opts: PoolOptions = {}, onDone?: (o: Outcome<T>, index: number) => void): Promise<Outcome<T>[]> {
  const pool = new Pool(opts);
  try {
    return await pool.map(tasks, onDone);
  } finally {
    await pool.close();
  }
}
