/**
 * The widget's link to the model: loads one Simulator per element (its own wasm instance and memory), compiling
 * the wasm module once per URL and page, and runs a compiled scenario into the events and counters the views play.
 */
import { loadSimulator } from "../model/index.js";
import type { Compiled } from "../scenario/types.js";
import type { Result } from "../result.js";
import { normalizeEvent, type WEvent } from "./events.js";
import { readCounters, type Flat } from "./counters.js";

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
  run(compiled: Compiled, opts?: { trace?: boolean }): { result: Result; events?: unknown[] | Iterable<unknown> };
  player(compiled: Compiled): PlayerLike;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The wasm module at `url`, fetched and compiled once per page (instances stay per element). */
export function wasmModule(url: string): Promise<WebAssembly.Module> {
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

/**
 * A new Simulator with its own instance (its own memory) of the wasm at `url`, or of the package's own build: the
 * model finds that one through `new URL(".../zcsim.wasm", import.meta.url)`, which bundlers rewrite to the copy
 * they emit beside the bundle, and compiles it once per page.
 */
export async function newSimulator(url?: string): Promise<SimulatorLike> {
  const sim = url ? await loadSimulator({ wasm: await wasmModule(url) }) : await loadSimulator();
  return sim as unknown as SimulatorLike;
}

/** A scenario played: every event, the whole run's result, and the player the counters come from. */
export class Playback {
  readonly events: WEvent[];
  /** the events as the model decoded them ({ seq, kind, ...named fields }) */
  readonly raw: readonly unknown[];
  readonly result: Result;
  private readonly player: PlayerLike;

  constructor(sim: SimulatorLike, readonly compiled: Compiled) {
    // the model's player runs the scenario once with its trace and keeps that run: play it, don't run again
    const player = sim.player(compiled) as PlayerLike & { events?: unknown[]; run?: { result: Result } };
    const run = player.events && player.run ? { events: player.events, result: player.run.result } : sim.run(compiled, { trace: true });
    this.result = run.result;
    this.raw = Array.from(run.events ?? []);
    this.events = this.raw.map((e, i) => normalizeEvent(e, i));
    this.player = player;
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
