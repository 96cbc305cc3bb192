/**
 * The model in Web Workers: independent runs (a sweep's points, a 1 GiB what-if) off the page's main thread and
 * on every core. Browser-safe: no Node module is imported; the same file is the worker's entry.
 *
 * In the page:
 *
 *   import { WorkerRunner } from "zerocopy-sim/src/model/worker-runner";   // or a relative path in the repo
 *   const runner = new WorkerRunner({
 *     create: () => new Worker(new URL("../src/model/worker-runner.ts", import.meta.url), { type: "module" }),
 *     wasm: wasmUrl,               // optional: the model's wasm (a URL string or a compiled WebAssembly.Module)
 *   });
 *   const out = await runner.run(compileByName("sendfile", { fileSize: "1GiB" }));          // RunOutput
 *   const outs = await runner.map(points.map((p) => ({ compiled: compileByName("splice", p) })), (o, i) => draw(i, o));
 *   runner.terminate();
 *
 * This file, loaded as a module worker, serves runs by itself (it sees it is in a worker scope). Bundlers (Vite)
 * recognise `new Worker(new URL(..., import.meta.url), { type: "module" })` and emit the worker with its imports.
 * The wasm module is compiled once in the page and sent to each worker (a WebAssembly.Module can be posted).
 *
 * Order: `map` resolves with the outputs in the inputs' order; `onDone` is called as each finishes. Errors: a
 * run that throws rejects its own promise (the error's name and message kept); a worker that fails to load
 * rejects what it was given and is replaced on the next run.
 */
import type { Compiled } from "../scenario/types.js";
import type { RunOptions, RunOutput } from "./simulator.js";

/** What the page sends a worker. */
export interface RunRequest {
  id: number;
  compiled: Compiled;
  options?: RunOptions;
  /** the model's wasm, sent with the first request of each worker */
  wasm?: WebAssembly.Module | string;
  /** keep the trace only when the run ends DONE: a stopped run's partial trace (up to traceCap events) is not
   *  cloned into the page, whose thread would decode it for nothing */
  eventsOnlyIfDone?: boolean;
}

/** What a worker answers. */
export type RunReply =
  | { id: number; ok: true; output: RunOutput; ms: number }
  | { id: number; ok: false; error: { name: string; message: string } };

/** The parts of a Worker (or a MessagePort) used here. */
export interface WorkerLike {
  postMessage(msg: unknown): void;
  addEventListener(type: "message", fn: (e: { data: unknown }) => void): void;
  addEventListener(type: "error", fn: (e: { message?: string }) => void): void;
  terminate?(): void;
}

/** The worker's side: answers RunRequests on `scope` (default: the worker's global scope). */
export function serveModel(scope: { postMessage(msg: unknown): void; addEventListener(type: "message", fn: (e: { data: unknown }) => void): void } = globalThis as never): void {
  let sim: Promise<{ run(c: Compiled, o?: RunOptions): RunOutput }> | null = null;
  let queue: Promise<void> = Promise.resolve();
  scope.addEventListener("message", (e) => {
    const req = e.data as RunRequest;
    if (!req || typeof req.id !== "number" || !req.compiled) return;
    queue = queue.then(async () => {
      try {
        if (!sim) {
          const w = req.wasm;
          sim = import("./simulator.js").then((m) => m.loadSimulator(w === undefined ? {} : { wasm: typeof w === "string" ? new URL(w, location.href) : w }));
          sim.catch(() => { sim = null; });
        }
        const s = await sim;
        const t0 = performance.now();
        const output = s.run(req.compiled, req.options ?? {});
        if (req.eventsOnlyIfDone && output.status !== "DONE") delete output.events;
        scope.postMessage({ id: req.id, ok: true, output, ms: performance.now() - t0 } satisfies RunReply);
      } catch (err) {
        const x = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({ id: req.id, ok: false, error: { name: x.name, message: x.message } } satisfies RunReply);
      }
    });
  });
}

export interface WorkerRunnerOptions {
  /** makes one worker (running this file) */
  create: () => WorkerLike;
  /** workers at most (default: navigator.hardwareConcurrency, else 4) */
  size?: number;
  /** the model's wasm for the workers: a compiled module, or a URL (default: the package's build) */
  wasm?: WebAssembly.Module | string;
}

interface Job { req: Omit<RunRequest, "id" | "wasm">; resolve: (o: RunOutput & { ms: number }) => void; reject: (e: Error) => void }
interface W { w: WorkerLike; busy: { id: number; job: Job } | null; fresh: boolean }

/** The page's side: a pool of model workers. */
export class WorkerRunner {
  readonly size: number;
  private readonly workers: W[] = [];
  private readonly queue: Job[] = [];
  private next = 0;
  private closed = false;

  constructor(private readonly opts: WorkerRunnerOptions) {
    const hc = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 0;
    this.size = Math.max(1, Math.floor(opts.size ?? (hc || 4)));
  }

  /** Runs `compiled` in a worker; its RunOutput (with the run's time in the worker, ms). `eventsOnlyIfDone`: the
   *  trace comes back only for a run that ended DONE. */
  run(compiled: Compiled, options: RunOptions = {}, how: { eventsOnlyIfDone?: boolean } = {}): Promise<RunOutput & { ms: number }> {
    if (this.closed) return Promise.reject(new Error("the runner was terminated"));
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { compiled, options, ...(how.eventsOnlyIfDone ? { eventsOnlyIfDone: true } : {}) }, resolve, reject });
      this.pump();
    });
  }

  /** Runs every item; the outputs in the items' order. Rejects, once all have ended, with the first failure. */
  async map(items: { compiled: Compiled; options?: RunOptions }[], onDone?: (o: RunOutput & { ms: number }, i: number) => void): Promise<(RunOutput & { ms: number })[]> {
    const all = await Promise.allSettled(items.map((it, i) => this.run(it.compiled, it.options).then((o) => { onDone?.(o, i); return o; })));
    const bad = all.find((s) => s.status === "rejected");
    if (bad) throw (bad as PromiseRejectedResult).reason;
    return all.map((s) => (s as PromiseFulfilledResult<RunOutput & { ms: number }>).value);
  }

  /** Ends the workers; queued runs are refused. */
  terminate(): void {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new Error("the runner was terminated"));
    for (const w of this.workers.splice(0)) {
      w.busy?.job.reject(new Error("the runner was terminated"));
      w.w.terminate?.();
    }
  }

  private pump(): void {
    while (this.queue.length) {
      let w = this.workers.find((x) => !x.busy);
      if (!w && this.workers.length < this.size) w = this.spawn();
      if (!w) return;
      const job = this.queue.shift()!;
      const id = this.next++;
      w.busy = { id, job };
      const req: RunRequest = { id, ...job.req };
      if (w.fresh && this.opts.wasm !== undefined) req.wasm = this.opts.wasm;
      w.fresh = false;
      w.w.postMessage(req);
    }
  }

  private spawn(): W {
    const w: W = { w: this.opts.create(), busy: null, fresh: true };
    this.workers.push(w);
    w.w.addEventListener("message", (e) => {
      const r = e.data as RunReply;
      if (!w.busy || r.id !== w.busy.id) return;
      const { job } = w.busy;
      w.busy = null;
      if (r.ok) job.resolve({ ...r.output, ms: r.ms });
      else {
        const err = new Error(r.error.message);
        err.name = r.error.name;
        job.reject(err);
      }
      this.pump();
    });
    w.w.addEventListener("error", (e) => {
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      w.busy?.job.reject(new Error(`a model worker failed: ${e.message ?? "error"}`));
      w.busy = null;
      w.w.terminate?.();
      this.pump();
    });
    return w;
  }
}

// Loaded as a (module) Web Worker: serve runs.
declare const WorkerGlobalScope: { new (): unknown } | undefined;
if (typeof WorkerGlobalScope !== "undefined" && typeof self !== "undefined" && self instanceof (WorkerGlobalScope as unknown as { new (): object })) {
  serveModel();
}
