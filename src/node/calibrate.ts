/**
 * Calibration: fits the model's cost knobs (abi.ts Knob COST_*) to the times this machine's kernel measures, and
 * applies a fitted profile to a compiled program. docs/timing.md tells how the cost model works and how the
 * profile in profiles/ was made.
 *
 *   features(sim, compiled)        the model's own account of a run: for each cost knob, how much of its action
 *                                  the run performed (the model's TIME_NS with that knob at 1000 and every other
 *                                  cost at 0, / 1000: a count for an _NS knob, kilobytes for a _PS_PER_BYTE one).
 *                                  The model's time is linear in its knobs: TIME_NS = sum(cost_k * feature_k).
 *   fitCosts(rows)                 robust non-negative least squares on relative errors: iteratively reweighted
 *                                  with Huber weights, a weak pull toward the default costs (so that a cost no run
 *                                  exercises keeps its default), solved by coordinate descent with costs >= 0.
 *   runMatrix(cells, ...)          native medians of repeated runs and the model's features, per cell
 *   calibrate(...)                 the whole thing: matrix, fit, profile
 *   applyProfile(compiled, p)      the program with the profile's costs in its knob section (both engines read
 *                                  it; the native host ignores cost knobs)
 */
import { readFileSync } from "node:fs";
import { arch, cpus, hostname, release, totalmem } from "node:os";
import { HEADER_WORDS, Knob } from "../scenario/abi.js";
import { compileByName, formatSize, type Compiled } from "../scenario/index.js";
import type { Simulator } from "../model/simulator.js";

/** The cost knobs, in the order of a feature vector. */
export const COST_KNOBS = Object.entries(Knob)
  .filter(([k]) => k.startsWith("COST_"))
  .map(([name, id]) => ({ name, id: id as number }));

/** The model's default costs (assembly/machine.ts knobDefaults); a test checks them against the model. */
export const DEFAULT_COSTS: Record<string, number> = {
  COST_MODE_SWITCH_NS: 60, COST_COPY_PS_PER_BYTE: 100, COST_FAULT_NS: 400, COST_PAGECACHE_LOOKUP_NS: 15, COST_PTE_NS: 4,
  COST_DMA_PS_PER_BYTE: 250, COST_DISK_REQUEST_NS: 80000, COST_DESC_NS: 30, COST_WAKEUP_NS: 3000, COST_CSUM_PS_PER_BYTE: 120,
  COST_PAGE_REF_NS: 2, COST_PAGE_ALLOC_NS: 60, COST_SKB_NS: 1000, COST_PEER_COPY_PS_PER_BYTE: 100, COST_COPY_OP_NS: 50,
  COST_DIRTY_PAGE_NS: 300,
};

export interface Profile {
  format: "zcsim-profile/1";
  /** where and when it was measured */
  machine: { hostname: string; cpus: number; cpuModel: string; arch: string; memoryBytes: number };
  kernel: string;
  date: string;
  /** cost knob name -> value (ns, or ps per byte where the name says so) */
  costs: Record<string, number>;
  /** how the fit went: per cell, measured median, predicted, relative error; and the method */
  fit?: {
    method: string;
    cells: CellReport[];
    rmsRelError: number;
    maxAbsRelError: number;
    fitted: string[];
    fixed: string[];
  };
  /** how to make it again */
  made?: string;
}

export interface CellReport {
  scenario: string;
  params: Record<string, string>;
  measuredNs: number;
  /** all repetitions, ns */
  samplesNs?: number[];
  predictedNs: number;
  relError: number;
  /** weight the robust fit gave the cell at the end (1: inlier) */
  weight?: number;
  /** was this cell in the fit (false: validation only) */
  inFit?: boolean;
}

/** Reads a profile file; a bad one is refused with the reason. */
export function readProfile(path: string): Profile {
  let p: Profile;
  try {
    p = JSON.parse(readFileSync(path, "utf8")) as Profile;
  } catch (e) {
    throw new Error(`--profile ${path}: ${(e as Error).message}`);
  }
  if (!p || typeof p.costs !== "object") throw new Error(`--profile ${path}: not a zcsim profile (no "costs")`);
  for (const [k, v] of Object.entries(p.costs)) {
    if (!(k in Knob) || !k.startsWith("COST_")) throw new Error(`--profile ${path}: costs.${k}: not a cost knob`);
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`--profile ${path}: costs.${k}: must be a number >= 0`);
  }
  return p;
}

/** The knob values a profile sets, by knob id (integers: the model's knobs are int64). */
export function profileKnobs(p: Pick<Profile, "costs">): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries(p.costs)) out[(Knob as Record<string, number>)[k]] = Math.round(v);
  return out;
}

/** A copy of `compiled` whose program's knob section carries the profile's costs (replacing any already set). */
export function applyProfile(compiled: Compiled, p: Pick<Profile, "costs">): Compiled {
  return withKnobs(compiled, profileKnobs(p));
}

/** A copy of `compiled` with knobs set in its program (docs/program-format.md: the knob section follows the header). */
export function withKnobs(compiled: Compiled, set: Record<number, number>): Compiled {
  const w = compiled.program;
  const nk = Number(w[3]);
  const knobs = new Map<number, bigint>();
  for (let i = 0; i < nk; i++) knobs.set(Number(w[HEADER_WORDS + 2 * i]), w[HEADER_WORDS + 2 * i + 1]);
  for (const [k, v] of Object.entries(set)) knobs.set(Number(k), BigInt(v));
  const rest = w.subarray(HEADER_WORDS + 2 * nk);
  const out = new BigInt64Array(HEADER_WORDS + 2 * knobs.size + rest.length);
  out.set(w.subarray(0, HEADER_WORDS));
  out[3] = BigInt(knobs.size);
  let p = HEADER_WORDS;
  for (const [k, v] of knobs) { out[p++] = BigInt(k); out[p++] = v; }
  out.set(rest, p);
  const kn: Record<number, number> = { ...compiled.knobs };
  for (const [k, v] of knobs) kn[k] = Number(v);
  return { ...compiled, program: out, knobs: kn };
}

/**
 * The model's per-action amounts for one run: feature_k such that TIME_NS = sum(cost_k * feature_k). Each is read
 * from the model itself: its time with cost k at 1000 and every other cost at 0.
 */
export function features(sim: Simulator, compiled: Compiled): number[] {
  const zero: Record<number, number> = {};
  for (const k of COST_KNOBS) zero[k.id] = 0;
  return COST_KNOBS.map((k) => sim.run(compiled, { trace: false, knobs: { ...zero, [k.id]: 1000 } }).result.timeNs / 1000);
}

/** Predicted ns from features and costs (by knob name; a missing cost takes its default). */
export function predict(f: number[], costs: Record<string, number>): number {
  return COST_KNOBS.reduce((a, k, i) => a + f[i] * (costs[k.name] ?? DEFAULT_COSTS[k.name] ?? 0), 0);
}

export interface FitRow { features: number[]; measuredNs: number }

export interface FitOptions {
  /** pull toward the default costs, relative (default 1e-3) */
  prior?: number;
  /** Huber's threshold in robust standard deviations of the relative residuals (default 1.345) */
  huber?: number;
  /** IRLS rounds (default 30) */
  rounds?: number;
  /** costs held at these values, not fitted */
  fixed?: Record<string, number>;
}

export interface FitResult {
  costs: Record<string, number>;
  /** per row: relative residual (predicted / measured - 1) and final weight */
  residuals: number[];
  weights: number[];
  fitted: string[];
  fixed: string[];
}

/** min ||A x - b||^2 + lambda ||x - x0||^2, x >= 0, by coordinate descent on the normal equations. */
export function nnls(A: number[][], b: number[], x0: number[], lambda: number, sweeps = 5000): number[] {
  const n = x0.length;
  const G = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => A.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? lambda : 0)));
  const h = Array.from({ length: n }, (_, i) => A.reduce((s, r, k) => s + r[i] * b[k], 0) + lambda * x0[i]);
  const x = x0.map((v) => Math.max(0, v));
  for (let s = 0; s < sweeps; s++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (G[i][i] <= 0) continue;
      let g = -h[i];
      for (let j = 0; j < n; j++) g += G[i][j] * x[j];
      const nx = Math.max(0, x[i] - g / G[i][i]);
      change = Math.max(change, Math.abs(nx - x[i]) / (Math.abs(x[i]) + 1e-12));
      x[i] = nx;
    }
    if (change < 1e-10) break;
  }
  return x;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export { median };

/**
 * Fits the costs to rows of (features, measured ns): relative errors, Huber IRLS, non-negative. A cost no row
 * exercises (its feature is 0 everywhere) keeps its default.
 */
export function fitCosts(rows: FitRow[], opts: FitOptions = {}): FitResult {
  const lambda = opts.prior ?? 1e-3, c = opts.huber ?? 1.345, rounds = opts.rounds ?? 30;
  const fixed: Record<string, number> = { ...(opts.fixed ?? {}) };
  COST_KNOBS.forEach((k, i) => { if (!(k.name in fixed) && rows.every((r) => r.features[i] === 0)) fixed[k.name] = DEFAULT_COSTS[k.name]; });
  const free = COST_KNOBS.map((k, i) => ({ k, i })).filter(({ k }) => !(k.name in fixed));
  // unknowns u_j = cost_j / default_j: rows scaled by 1/measured, so the residuals are relative errors
  const scale = free.map(({ k }) => DEFAULT_COSTS[k.name] || 1);
  const fixedPart = (r: FitRow) => COST_KNOBS.reduce((a, k, i) => a + (k.name in fixed ? r.features[i] * fixed[k.name] : 0), 0);
  const A0 = rows.map((r) => free.map(({ i }, j) => (r.features[i] * scale[j]) / r.measuredNs));
  const b0 = rows.map((r) => 1 - fixedPart(r) / r.measuredNs);
  let w = rows.map(() => 1);
  let u = free.map(() => 1);
  for (let round = 0; round < rounds; round++) {
    const A = A0.map((row, k) => row.map((v) => v * Math.sqrt(w[k])));
    const b = b0.map((v, k) => v * Math.sqrt(w[k]));
    u = nnls(A, b, u.map(() => 1), lambda);
    const res = A0.map((row, k) => row.reduce((s, v, j) => s + v * u[j], 0) - b0[k]);
    const mad = median(res.map((r) => Math.abs(r - median(res)))) / 0.6745 || 1e-9;
    const nw = res.map((r) => (Math.abs(r) <= c * Math.max(mad, 0.02) ? 1 : (c * Math.max(mad, 0.02)) / Math.abs(r)));
    if (nw.every((x, k) => Math.abs(x - w[k]) < 1e-6)) { w = nw; break; }
    w = nw;
  }
  const costs: Record<string, number> = {};
  COST_KNOBS.forEach((k) => { costs[k.name] = fixed[k.name] ?? 0; });
  free.forEach(({ k }, j) => { costs[k.name] = u[j] * scale[j]; });
  const residuals = rows.map((r) => predict(r.features, costs) / r.measuredNs - 1);
  return { costs, residuals, weights: w, fitted: free.map(({ k }) => k.name), fixed: Object.keys(fixed) };
}

// ---- the native matrix ------------------------------------------------------------------------------------------

export interface Cell {
  scenario: string;
  params: Record<string, string>;
  /** in the fit (true) or validation only */
  fit: boolean;
}

export interface MeasuredCell extends Cell {
  features: number[];
  samplesNs: number[];
  medianNs: number;
  /** the model's time with the default costs */
  defaultNs: number;
}

/** The catalogue scenarios calibration runs (sharing-hazard needs a lazy peer that holds at most a socket
 *  buffer: it cannot move 16 MiB). */
export const CALIBRATION_SCENARIOS = ["read-write", "mmap-write", "sendfile", "splice", "tee", "vmsplice", "copy-file-range", "msg-zerocopy", "mmap-truncate"];

/** Chunk sizes the fit sees besides a scenario's default (where the scenario has a chunk). */
const FIT_CHUNKS: Record<string, string[]> = {
  "read-write": ["4KiB", "64KiB", "1MiB"], splice: ["16KiB", "64KiB"], tee: ["64KiB"], vmsplice: ["16KiB", "64KiB"],
  "copy-file-range": ["whole", "64KiB"], "msg-zerocopy": ["64KiB", "256KiB"], "mmap-write": ["whole", "64KiB"], sendfile: ["whole", "64KiB"],
  "mmap-truncate": [""],
};

/** The fit's cells: every calibration scenario at 1, 4 and 64 MiB, warm, with a few chunk sizes. */
export function fitCells(sizes = ["1MiB", "4MiB", "64MiB"]): Cell[] {
  const out: Cell[] = [];
  for (const s of CALIBRATION_SCENARIOS) for (const size of sizes) for (const chunk of FIT_CHUNKS[s] ?? [""]) {
    const params: Record<string, string> = { fileSize: size, cache: "warm" };
    if (chunk) params.chunk = chunk;
    out.push({ scenario: s, params, fit: true });
  }
  return out;
}

/** The validation cells: every calibration scenario at 16 MiB and 1 GiB, warm, default chunk; and chunks the
 *  fit never saw. */
export function validationCells(sizes = ["16MiB", "1GiB"]): Cell[] {
  const out: Cell[] = [];
  for (const size of sizes) {
    for (const s of CALIBRATION_SCENARIOS) out.push({ scenario: s, params: { fileSize: size, cache: "warm" }, fit: false });
    for (const [s, chunk] of [["read-write", "16KiB"], ["splice", "32KiB"], ["msg-zerocopy", "128KiB"]]) out.push({ scenario: s, params: { fileSize: size, cache: "warm", chunk }, fit: false });
  }
  return out;
}

export const cellLabel = (c: Cell) => `${c.scenario} ${Object.entries(c.params).filter(([k]) => k !== "cache").map(([k, v]) => `${k}=${v}`).join(" ")}`;

export interface MatrixOptions {
  reps?: number;
  /** progress lines go here */
  log?: (line: string) => void;
  timeoutMs?: number;
}

/** Runs each cell natively `reps` times (median) and in the model (features, default time). */
export async function runMatrix(sim: Simulator, cells: Cell[], opts: MatrixOptions = {}): Promise<MeasuredCell[]> {
  const { runNative } = await import("./native.js");
  const reps = opts.reps ?? 5;
  const out: MeasuredCell[] = [];
  for (const cell of cells) {
    const compiled = compileByName(cell.scenario, cell.params);
    const f = features(sim, compiled);
    const defaultNs = sim.run(compiled, { trace: false }).result.timeNs;
    const samplesNs: number[] = [];
    for (let r = 0; r < reps; r++) {
      const res = await runNative(compiled, { timeoutMs: opts.timeoutMs ?? 600_000 });
      if (res.delivered.intact || res.payloadBytes === 0 || cell.scenario === "mmap-truncate") samplesNs.push(res.timeNs);
    }
    if (!samplesNs.length) { opts.log?.(`${cellLabel(cell)}: no intact native run, left out`); continue; }
    const m = median(samplesNs);
    out.push({ ...cell, features: f, samplesNs, medianNs: m, defaultNs });
    opts.log?.(`${cellLabel(cell).padEnd(48)} native median ${(m / 1e6).toFixed(3).padStart(10)} ms  (${samplesNs.length} runs)  model default ${(defaultNs / 1e6).toFixed(3)} ms`);
  }
  return out;
}

/** Predicted vs measured for measured cells under a set of costs. */
export function report(cells: MeasuredCell[], costs: Record<string, number>, weights?: number[]): CellReport[] {
  return cells.map((c, i) => {
    const p = predict(c.features, costs);
    const r: CellReport = { scenario: c.scenario, params: c.params, measuredNs: c.medianNs, samplesNs: c.samplesNs, predictedNs: Math.round(p), relError: p / c.medianNs - 1, inFit: c.fit };
    if (weights) r.weight = weights[i];
    return r;
  });
}

/** The table a person reads: scenario, measured median, predicted, error. */
export function formatReport(rows: CellReport[], title = ""): string {
  const ms = (ns: number) => (ns / 1e6).toFixed(3);
  const lines = rows.map((r) => {
    const label = `${r.scenario} ${Object.entries(r.params).filter(([k]) => k !== "cache").map(([k, v]) => `${k}=${v}`).join(" ")}`;
    const err = `${r.relError >= 0 ? "+" : ""}${(r.relError * 100).toFixed(1)}%`;
    return `| ${label.padEnd(44)} | ${ms(r.measuredNs).padStart(11)} | ${ms(r.predictedNs).padStart(11)} | ${err.padStart(8)} | ${Math.abs(r.relError) <= 0.25 ? "ok" : "MISS"} |`;
  });
  return `${title ? `${title}\n\n` : ""}| scenario | measured median (ms) | predicted (ms) | error | within ±25% |\n|---|---:|---:|---:|---|\n${lines.join("\n")}\n`;
}

export function machineInfo(): Profile["machine"] {
  const c = cpus();
  return { hostname: hostname(), cpus: c.length, cpuModel: c[0]?.model ?? "unknown", arch: arch(), memoryBytes: totalmem() };
}

/** Fits a profile from measured cells (the fit cells only). */
export function profileFrom(cells: MeasuredCell[], opts: FitOptions = {}): Profile {
  const fitRows = cells.filter((c) => c.fit);
  const fit = fitCosts(fitRows.map((c) => ({ features: c.features, measuredNs: c.medianNs })), opts);
  const weights = cells.map((c) => (c.fit ? fit.weights[fitRows.indexOf(c)] : undefined)) as number[];
  const rows = report(cells, fit.costs, weights);
  const errs = rows.filter((r) => r.inFit).map((r) => r.relError);
  const costs: Record<string, number> = {};
  for (const [k, v] of Object.entries(fit.costs)) costs[k] = Math.round(v);
  return {
    format: "zcsim-profile/1",
    machine: machineInfo(),
    kernel: release(),
    date: new Date().toISOString(),
    costs,
    fit: {
      method: "non-negative least squares on relative errors, iteratively reweighted with Huber weights (k = 1.345 robust SD), weak pull toward the model's default costs; features from the model's own per-knob time",
      cells: rows,
      rmsRelError: Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / Math.max(1, errs.length)),
      maxAbsRelError: Math.max(0, ...errs.map(Math.abs)),
      fitted: fit.fitted,
      fixed: fit.fixed,
    },
  };
}

export { formatSize };
