/**
 * The widget's link to the model. Each element owns one ModelLink, and each link one Web Worker running the model
 * (src/model/worker-runner.ts serves it: its own wasm instance and memory), so a scenario that loops keeps a core
 * busy but never the page. The wasm module is compiled once per page and URL, here, and posted to the worker.
 *
 *   page: ModelLink.run(compiled) ──RunRequest──▶ worker: Simulator.run(compiled, { trace, timeoutMs })
 *         watchdog: timeoutMs + WATCHDOG_GRACE_MS            │ the model's own caps end a loop: TIMEOUT
 *         ◀──────────────────── RunReply (RunOutput) ─────────┘
 *   stop() or the watchdog: worker.terminate(); the next run starts a fresh worker
 *
 * Where Workers are unavailable (no Worker, a worker that cannot load: another origin, a CSP), the runs fall back
 * to the page's thread, bounded by the model's own caps only (instructions, wall time): they cannot be stopped.
 */
import { compileModel, Player, loadSimulator, WorkerRunner, type RunOptions, type RunOutput } from "../model/index.js";
import type { Compiled } from "../scenario/types.js";
import type { Result } from "../result.js";
import { normalizeEvent, type WEvent } from "./events.js";
import { readCounters, type Flat } from "./counters.js";

/** How long past the run's own wall-time cap the page waits for the worker's answer before terminating it: the
 *  model looks at the clock every ~10 ms of work, then decodes the trace and posts it. */
export const WATCHDOG_GRACE_MS = 5_000;

/** The parts of the model's player the widget uses. */
export interface PlayerLike {
  readonly length: number;
  readonly position: number;
  step(): unknown;
  back(): unknown;
  seek(n: number): unknown;
  reset(): unknown;
  counters(): unknown;
}

/** The parts of the model's Simulator the widget uses. */
export interface SimulatorLike {
  run(compiled: Compiled, opts?: RunOptions): RunOutput;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The wasm module at `url`, fetched and compiled once per page (instances stay per element); "" is the package's
 *  own build, which the model finds through `new URL(".../zcsim.wasm", import.meta.url)` (bundlers rewrite it to
 *  the copy they emit beside the bundle). */
export function wasmModule(url: string): Promise<WebAssembly.Module> {
  if (!url) return compileModel();
  let p = modules.get(url);
  if (!p) {
    p = (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`cannot load the model's wasm from ${url}: HTTP ${res.status}`);
      const ct = res.headers.get("content-type") ?? "";
      if (ct.includes("application/wasm") && WebAssembly.compileStreaming) return WebAssembly.compileStreaming(res);
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    p.catch(() => modules.delete(url));
    modules.set(url, p);
  }
  return p;
}

/** A new Simulator on the page's thread with its own instance (its own memory) of the wasm at `url`, or of the
 *  package's own build. */
export async function newSimulator(url?: string): Promise<SimulatorLike> {
  return loadSimulator({ wasm: await wasmModule(url ?? "") });
}

/** A run ended by the page rather than by the model: `message` says why ("no answer within 65 s"). */
export class RunStopped extends Error {
  override name = "RunStopped";
}

/** One element's model: runs in a worker it owns, or on the page's thread where there are no workers. */
export class ModelLink {
  /** the worker pool of one (null until the first run, and after a stop) */
  private runner: WorkerRunner | null = null;
  /** the page-thread model, once workers proved unavailable */
  private sim: Promise<SimulatorLike> | null = null;
  private workers = typeof Worker !== "undefined";
  /** ends the run under way (null when none) */
  private abort: ((why: string) => void) | null = null;
  /** the current worker failed before it ever answered (its script did not load): workers do not work here */
  private loadFailed = false;

  /** @param url the wasm's URL ("" for the package's own build) */
  constructor(readonly url: string) {}

  /** Whether runs go to a worker (false: the page's thread). */
  get inWorker(): boolean { return this.workers; }
  /** Whether a run is under way in the worker. */
  get running(): boolean { return this.abort !== null; }

  /** Runs `compiled` to its end or its caps. Rejects with RunStopped when stop() or the watchdog ended it. */
  async run(compiled: Compiled, opts: RunOptions & { timeoutMs: number }): Promise<RunOutput> {
    this.stop(); // a run still under way was for an earlier load: nobody waits for it any more
    if (this.workers) {
      try {
        return await this.runInWorker(compiled, opts);
      } catch (e) {
        if (!(e instanceof WorkerUnavailable)) throw e;
        this.workers = false;
      }
    }
    const sim = await (this.sim ??= newSimulator(this.url));
    return sim.run(compiled, opts);
  }

  /** Ends the run under way, if any, by terminating its worker; its run() rejects with RunStopped(`why`). */
  stop(why = "replaced by a new run"): void {
    this.abort?.(why);
  }

  /** Ends the worker (the element left the page); a later run starts another. */
  dispose(): void {
    this.stop("the element left the page");
    this.runner?.terminate();
    this.runner = null;
  }

  private async runInWorker(compiled: Compiled, opts: RunOptions & { timeoutMs: number }): Promise<RunOutput> {
    const wasm = await wasmModule(this.url);
    const runner = (this.runner ??= new WorkerRunner({
      size: 1,
      wasm,
      create: () => {
        let w: Worker;
        try {
          // Vite, Rollup and webpack 5 recognise this form and emit the worker with its imports
          w = new Worker(new URL("../model/worker-runner.js", import.meta.url), { type: "module" });
        } catch (e) {
          throw new WorkerUnavailable(`no worker: ${(e as Error).message}`);
        }
        // registered before the runner's own listeners: known by the time the runner rejects the run
        let answered = false;
        this.loadFailed = false;
        w.addEventListener("message", () => { answered = true; });
        w.addEventListener("error", () => { if (!answered) this.loadFailed = true; });
        return w;
      },
    }));
    return new Promise<RunOutput>((resolve, reject) => {
      const end = (why: string) => {
        clearTimeout(timer);
        if (this.abort === end) this.abort = null;
        if (this.runner === runner) this.runner = null;
        runner.terminate();
        reject(new RunStopped(why));
      };
      const limit = opts.timeoutMs + WATCHDOG_GRACE_MS;
      const timer = setTimeout(() => end(`no answer within ${limit / 1000} s`), limit);
      this.abort = end;
      // a stopped run's partial trace is not played: the page's thread need not decode it
      runner.run(compiled, opts, { eventsOnlyIfDone: true }).then((o) => {
        clearTimeout(timer);
        if (this.abort === end) this.abort = null;
        resolve(o);
      }, (e: unknown) => {
        clearTimeout(timer);
        if (this.abort === end) this.abort = null;
        // a worker that could not be made, or failed before it ever answered: the page's thread it is
        if (e instanceof WorkerUnavailable || this.loadFailed) {
          if (this.runner === runner) this.runner = null;
          runner.terminate();
          reject(e instanceof WorkerUnavailable ? e : new WorkerUnavailable((e as Error).message));
        } else reject(e);
      });
    });
  }
}

/** Workers cannot run the model here (see ModelLink). */
class WorkerUnavailable extends Error {}

/** A scenario played: every event, the whole run's result, and the player the counters come from. */
export class Playback {
  readonly events: WEvent[];
  /** the events as the model decoded them ({ seq, kind, ...named fields }) */
  readonly raw: readonly unknown[];
  readonly result: Result;
  private readonly player: PlayerLike;

  /** @param run the model's traced run of `compiled` (in a worker or not): the player replays its events */
  constructor(readonly compiled: Compiled, run: RunOutput) {
    this.result = run.result;
    this.raw = run.events ?? [];
    this.events = this.raw.map((e, i) => normalizeEvent(e, i));
    this.player = new Player(compiled, run);
  }

  get length(): number {
    return this.events.length;
  }

  /** Moves the model's player to `n` events played and returns its counters there. */
  countersAt(n: number): Flat {
    const p = this.player;
    if (n === p.position + 1) p.step();
    else if (n === p.position - 1) p.back();
    else if (n === 0) p.reset();
    else if (n !== p.position) p.seek(n);
    return readCounters(p.counters());
  }
}
