/**
 * Sweeps: one scenario over the cartesian grid of parameter values, every point an independent run on the
 * worker pool (src/node/pool.ts), in the model, on the native host, or both.
 *
 *   parseGrid(["chunk=4KiB,64KiB", "fileSize=1MiB,16MiB"])  -> axes
 *   gridPoints(axes)        -> the points, the first axis varying slowest (row-major)
 *   runSweep(name, axes, {engine, pool})  -> one SweepPoint per grid point, in grid order
 *   sweepRows(points)       -> flat rows (one per point and engine) for CSV and tables
 */
import { readFileSync } from "node:fs";
import { catalogue, compile, ScenarioError, type Compiled } from "../scenario/index.js";
import type { Result } from "../result.js";
import { Pool, type ModelTask, type NativeTask, type PoolOptions } from "./pool.js";

export interface GridAxis { key: string; values: string[] }
export type Engine = "model" | "native" | "both";

/** Most points a sweep takes (a guard against a typo that multiplies the grid). */
export const MAX_POINTS = 100_000;

/** Parses `k=v1,v2,...` specs; a key given twice is refused, as is an empty value. */
export function parseGrid(specs: string[]): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const s of specs) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(s);
    if (!m) throw new ScenarioError(`--grid ${s}`, "expected key=v1,v2,..., e.g. --grid chunk=4KiB,64KiB");
    const values = m[2].split(",").map((v) => v.trim());
    if (values.some((v) => v === "")) throw new ScenarioError(`--grid ${s}`, "an empty value");
    if (axes.some((a) => a.key === m[1])) throw new ScenarioError(`--grid ${s}`, `${m[1]} is already an axis`);
    axes.push({ key: m[1], values });
  }
  return axes;
}

/** The cartesian product of the axes, first axis slowest; no axes: one empty point. */
export function gridPoints(axes: GridAxis[]): Record<string, string>[] {
  let pts: Record<string, string>[] = [{}];
  for (const a of axes) pts = pts.flatMap((p) => a.values.map((v) => ({ ...p, [a.key]: v })));
  return pts;
}

export interface SweepPoint {
  index: number;
  /** the grid's values at this point (as written), with the fixed --set ones */
  params: Record<string, string>;
  /** the compiler refused this combination */
  compileError?: string;
  model?: Result;
  modelError?: string;
  /** wall time of the model run in its worker, ms */
  modelMs?: number;
  native?: Result;
  nativeError?: string;
  nativeMs?: number;
  /** why the native side was not run here (the simulated NIC is the model's only) */
  nativeSkip?: string;
}

export interface SweepOptions {
  engine?: Engine;
  /** fixed params at every point */
  sets?: Record<string, string>;
  /** a pool to run on (else one is made for the sweep, with `poolOptions`, and closed after) */
  pool?: Pool;
  poolOptions?: PoolOptions;
  onDone?: (p: SweepPoint, done: number, total: number) => void;
}

/** The scenario document: a catalogue name, or a path to a scenario file. */
export function scenarioSource(nameOrPath: string): { name: string; source: unknown } {
  if (Object.prototype.hasOwnProperty.call(catalogue, nameOrPath)) return { name: nameOrPath, source: catalogue[nameOrPath] };
  if (nameOrPath.includes("/") || nameOrPath.endsWith(".json")) {
    let text: string;
    try {
      text = readFileSync(nameOrPath, "utf8");
    } catch (e) {
      throw new ScenarioError(nameOrPath, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      const source = JSON.parse(text) as { name?: unknown };
      return { name: String(source.name ?? nameOrPath), source };
    } catch (e) {
      throw new ScenarioError(nameOrPath, `not valid JSON: ${(e as Error).message}`);
    }
  }
  throw new ScenarioError("scenario", `unknown scenario "${nameOrPath}" (the catalogue has: ${Object.keys(catalogue).join(", ")}; or give a path to a .json file)`);
}

/**
 * Checks each axis value alone (an unknown param or a malformed value is refused before anything runs, naming
 * the axis), then compiles every point; a combination the compiler refuses is kept as a failed point.
 */
export function compilePoints(source: unknown, axes: GridAxis[], sets: Record<string, string> = {}): { params: Record<string, string>; compiled?: Compiled; error?: string }[] {
  compile(source, sets);
  for (const a of axes) {
    for (const v of a.values) {
      try {
        compile(source, { ...sets, [a.key]: v });
      } catch (e) {
        if (e instanceof ScenarioError) throw new ScenarioError(`--grid ${a.key}=${v}`, e.message);
        throw e;
      }
    }
  }
  const n = axes.reduce((k, a) => k * a.values.length, 1);
  if (n > MAX_POINTS) throw new ScenarioError("--grid", `${n} points, more than ${MAX_POINTS}`);
  return gridPoints(axes).map((p) => {
    const params = { ...sets, ...p };
    try {
      return { params, compiled: compile(source, params) };
    } catch (e) {
      return { params, error: (e as Error).message };
    }
  });
}

/** Runs the sweep; the points in grid order, whatever order they finish in. */
export async function runSweep(nameOrPath: string, axes: GridAxis[], opts: SweepOptions = {}): Promise<SweepPoint[]> {
  const engine = opts.engine ?? "model";
  const { source } = scenarioSource(nameOrPath);
  const compiledPts = compilePoints(source, axes, opts.sets ?? {});
  const pool = opts.pool ?? new Pool(opts.poolOptions);
  const points: SweepPoint[] = compiledPts.map((c, index) => ({ index, params: c.params, ...(c.error ? { compileError: c.error } : {}) }));
  let done = 0;
  const total = points.length;
  const jobs: Promise<void>[] = [];
  const pending = new Map<number, number>();
  const finish = (i: number) => {
    const left = (pending.get(i) ?? 1) - 1;
    pending.set(i, left);
    if (left === 0) opts.onDone?.(points[i], ++done, total);
  };
  try {
    for (const [i, c] of compiledPts.entries()) {
      const p = points[i];
      if (!c.compiled) {
        pending.set(i, 1);
        finish(i);
        continue;
      }
      const nic = c.compiled.sinks.find((k) => k.kind === "nic");
      const wantNative = engine !== "model" && !nic;
      if (engine !== "model" && nic) p.nativeSkip = `sink "${nic.name}" is the simulated NIC, which only the model has`;
      const wantModel = engine !== "native";
      pending.set(i, (wantModel ? 1 : 0) + (wantNative ? 1 : 0));
      if (!wantModel && !wantNative) { pending.set(i, 1); finish(i); continue; }
      if (wantModel) {
        const t: ModelTask = { kind: "model", compiled: c.compiled };
        jobs.push(pool.run(t).then(
          (o) => { p.model = o.result; p.modelMs = o.ms; },
          (e: unknown) => { p.modelError = (e as Error).message ?? String(e); },
        ).then(() => finish(i)));
      }
      if (wantNative) {
        const t: NativeTask = { kind: "native", compiled: c.compiled };
        jobs.push(pool.run(t).then(
          (o) => { p.native = o.result; p.nativeMs = o.ms; },
          (e: unknown) => { p.nativeError = (e as Error).message ?? String(e); },
        ).then(() => finish(i)));
      }
    }
    await Promise.all(jobs);
  } finally {
    if (!opts.pool) await pool.close();
  }
  return points;
}

/** The columns of a sweep row after the params. */
export const ROW_COLUMNS = [
  "engine", "status", "syscalls", "modeSwitches", "faultsMinor", "faultsMajor", "cpuCopyOps", "cpuCopyBytes",
  "dmaBytes", "deliveredBytes", "intact", "errors", "timeNs", "runMs",
] as const;

export type SweepRow = Record<string, string | number | boolean | null>;

function rowOf(p: SweepPoint, engine: "model" | "native", r: Result | undefined, err: string | undefined, ms: number | undefined): SweepRow {
  const row: SweepRow = { ...p.params, engine };
  if (!r) {
    row.status = err ?? p.compileError ?? p.nativeSkip ?? "not run";
    for (const c of ROW_COLUMNS.slice(2)) row[c] = null;
    return row;
  }
  Object.assign(row, {
    status: "ok",
    syscalls: r.syscalls.total,
    modeSwitches: r.modeSwitches,
    faultsMinor: r.faults.minor,
    faultsMajor: r.faults.major,
    cpuCopyOps: r.copies.cpu.ops,
    cpuCopyBytes: r.copies.cpu.bytes,
    dmaBytes: r.copies.dma.bytes,
    deliveredBytes: r.delivered.bytes,
    intact: r.delivered.intact,
    errors: r.errors.map((e) => `${e.call}:${e.errno}`).join(" "),
    timeNs: r.timeNs,
    runMs: ms === undefined ? null : Math.round(ms * 1000) / 1000,
  });
  return row;
}

/** One row per point and engine run (a refused point: one row saying why). */
export function sweepRows(points: SweepPoint[], engine: Engine = "model"): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const p of points) {
    if (engine !== "native") rows.push(rowOf(p, "model", p.model, p.modelError, p.modelMs));
    if (engine !== "model") rows.push(rowOf(p, "native", p.native, p.nativeError, p.nativeMs));
  }
  return rows;
}

/** CSV (RFC 4180 quoting) of the rows: the grid's keys, then ROW_COLUMNS. */
export function toCsv(rows: SweepRow[], keys: string[]): string {
  const cols = [...keys, ...ROW_COLUMNS];
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => q(r[c])).join(","))].join("\n") + "\n";
}

/** Whether every point ran cleanly (no refused combination, no failed run, every delivery intact). */
export function sweepOk(points: SweepPoint[]): boolean {
  return points.every((p) => !p.compileError && !p.modelError && !p.nativeError &&
    p.model?.delivered.intact !== false && p.native?.delivered.intact !== false);
}
