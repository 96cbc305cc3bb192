/**
 * Calibration: fits the model's cost knobs (abi.ts Knob COST_*) to the times this machine's kernel measures, and
 * applies a fitted profile to a compiled program. docs/timing.md tells how the cost model works and how the
 * profile in profiles/ was made.
 *
 *   features(sim, compiled, at)    the model's own account of a run at costs `at`: for each cost knob, how much
 *                                  the run's time moves per unit of that cost (a count for an _NS knob on the
 *                                  critical path, kilobytes for a _PS_PER_BYTE one). The model's time is piecewise
 *                                  linear and homogeneous in its costs (the sender's and the loopback peer's clocks
 *                                  meet in max()), so TIME_NS = sum(cost_k * feature_k) at `at` (Euler).
 *   fitCosts(rows)                 robust non-negative least squares on relative errors: iteratively reweighted
 *                                  with Huber weights (Tukey's bisquare after them on request); a very weak pull toward the default
 *                                  costs (a cost no run exercises keeps its default); Lawson-Hanson NNLS, costs >= 0.
 *   runMatrix(cells, ...)          native medians of repeated runs and the model's features, per cell
 *   calibrate(...)                 the whole thing: matrix, fit, profile
 *   applyProfile(compiled, p)      the program with the profile's costs in its knob section (both engines read
 *                                  it; the native host ignores cost knobs)
 */
import { readFileSync } from "node:fs";
import { arch, cpus, hostname, release, totalmem } from "node:os";
import { Knob, KNOBS } from "../scenario/abi.js";
import { readKnobs, replaceKnobs } from "../scenario/layout.js";
import { compileByName, formatSize, MACHINE_PARAMS, parseSize, ScenarioError, type Compiled } from "../scenario/index.js";
import type { Simulator } from "../model/simulator.js";

/** The cost knobs, in the order of a feature vector. */
export const COST_KNOBS = Object.entries(Knob)
  .filter(([k]) => k.startsWith("COST_"))
  .map(([name, id]) => ({ name, id: id as number }));

/** The model's default costs: each cost knob's default in KNOBS (abi.ts), which the model's knobDefaults reads. */
export const DEFAULT_COSTS: Record<string, number> = Object.fromEntries(
  Object.entries(KNOBS).filter(([k]) => k.startsWith("COST_")).map(([k, v]) => [k, v.default]),
);

export interface Profile {
  format: "zcsim-profile/1";
  /** where and when it was measured */
  machine: { hostname: string; cpus: number; cpuModel: string; arch: string; memoryBytes: number };
  kernel: string;
  date: string;
  /** cost knob name -> value (ns, or ps per byte where the name says so) */
  costs: Record<string, number>;
  /** other knobs (none is fitted now; PEER_WINDOW_BYTES and PEER_WINDOW_GROWTH_PCT, which profiles before the
   *  two-clock peer carried, are read and ignored by the model) */
  knobs?: Record<string, number>;
  /** how the fit went: per cell, measured median, predicted, relative error; and the method */
  fit?: {
    method: string;
    cells: CellReport[];
    rmsRelError: number;
    maxAbsRelError: number;
    fitted: string[];
    fixed: string[];
    /** what a wake-up of the loopback peer costs the sender, measured (polling-peer cells against their
     *  sleeping twins: wakeupCostNs), whether the fit used it or not */
    measuredWakeupNs?: number;
  };
  /** how to make it again */
  made?: string;
  /** the machine's knobs the fit ran the model with (this kernel's own: Cell.machine); `--profile` gives them to
   *  the model as defaults (a --set wins) */
  machineParams?: Record<string, number | string>;
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
  const at = `--profile ${path}`;
  let p: Profile;
  try {
    p = JSON.parse(readFileSync(path, "utf8")) as Profile;
  } catch (e) {
    throw new ScenarioError(at, (e as NodeJS.ErrnoException).code ? `cannot read: ${(e as NodeJS.ErrnoException).code}` : `not valid JSON: ${(e as Error).message}`);
  }
  if (!p || typeof p !== "object" || typeof p.costs !== "object" || p.costs === null) throw new ScenarioError(at, 'not a zcsim profile (no "costs")');
  for (const [k, v] of Object.entries(p.costs)) {
    if (!(k in Knob) || !k.startsWith("COST_")) throw new ScenarioError(`${at}: costs.${k}`, "not a cost knob");
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1e12) throw new ScenarioError(`${at}: costs.${k}`, "must be a number from 0 to 1e12");
  }
  for (const [k, v] of Object.entries(p.machineParams ?? {})) {
    if (!(k in MACHINE_PARAMS)) throw new ScenarioError(`${at}: machineParams.${k}`, "not a machine parameter (zcsim list --json shows them)");
    if (typeof v !== "number" && typeof v !== "string") throw new ScenarioError(`${at}: machineParams.${k}`, "must be a number or a name");
  }
  for (const [k, v] of Object.entries(p.knobs ?? {})) {
    if (!PROFILE_KNOBS.includes(k)) throw new ScenarioError(`${at}: knobs.${k}`, `not a knob a profile sets (${PROFILE_KNOBS.join(", ")})`);
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 2 ** 40) throw new ScenarioError(`${at}: knobs.${k}`, "must be a whole number >= 0");
  }
  return p;
}

/** Knobs besides the costs that a profile may set (older profiles' peer window: the model now ignores it). */
export const PROFILE_KNOBS = ["PEER_WINDOW_BYTES", "PEER_WINDOW_GROWTH_PCT"];

/** The knob values a profile sets, by knob id (integers: the model's knobs are int64). */
export function profileKnobs(p: Pick<Profile, "costs" | "knobs">): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries({ ...p.costs, ...(p.knobs ?? {}) })) out[(Knob as Record<string, number>)[k]] = Math.round(v);
  return out;
}

/** A copy of `compiled` whose program's knob section carries the profile's costs and knobs (replacing any set). */
export function applyProfile(compiled: Compiled, p: Pick<Profile, "costs" | "knobs">): Compiled {
  return withKnobs(compiled, profileKnobs(p));
}

/** A copy of `compiled` with knobs set in its program (docs/program-format.md: the knob section follows the header). */
export function withKnobs(compiled: Compiled, set: Record<number, number>): Compiled {
  const knobs = readKnobs(compiled.program);
  for (const [k, v] of Object.entries(set)) knobs.set(Number(k), BigInt(v));
  const kn: Record<number, number> = { ...compiled.knobs };
  for (const [k, v] of knobs) kn[k] = Number(v);
  return { ...compiled, program: replaceKnobs(compiled.program, knobs), knobs: kn };
}

/** Cost knobs by name -> knob id -> whole-number value (the model's knobs are int64). */
function costKnobs(costs: Record<string, number>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const k of COST_KNOBS) out[k.id] = Math.round(costs[k.name] ?? DEFAULT_COSTS[k.name] ?? 0);
  return out;
}

/** The model's time for a run at these costs (ns). */
export function modelTime(sim: Simulator, compiled: Compiled, costs: Record<string, number>): number {
  return sim.run(compiled, { trace: false, digest: false, knobs: costKnobs(costs) }).result.timeNs;
}

/**
 * The model's per-action amounts for one run at costs `at`: feature_k = d TIME_NS / d cost_k, read from the model
 * itself by raising cost k alone (by a tenth of the larger of its value and its default, at least 1). Where the
 * loopback peer never holds the sender back the time is linear and the features do not depend on `at`; where it
 * does, the sender's wait is the peer's work less the sender's, and the features say so at that point. Either way
 * TIME_NS = sum(cost_k * feature_k) at `at` (a test checks it).
 */
export function features(sim: Simulator, compiled: Compiled, at: Record<string, number> = DEFAULT_COSTS): number[] {
  const base = costKnobs(at);
  const t0 = modelTime(sim, compiled, at);
  const f = COST_KNOBS.map((k) => {
    const h = Math.max(1, Math.round(0.1 * Math.max(base[k.id], DEFAULT_COSTS[k.name] ?? 0)));
    return Math.max(0, (sim.run(compiled, { trace: false, digest: false, knobs: { ...base, [k.id]: base[k.id] + h } }).result.timeNs - t0) / h);
  });
  // The time has jumps where a cost tips a race the other way (a wake-up, Nagle's hold), and a step that crosses
  // one reads a partial that is not the slope. The model is homogeneous in its costs (every cost doubled, every
  // time doubles), so the true partials add up to the time: scaled to do so, they predict it exactly at `at`.
  const sum = COST_KNOBS.reduce((a, k, i) => a + base[k.id] * f[i], 0);
  return sum > 0 ? f.map((x) => (x * t0) / sum) : f;
}

/** Predicted ns from features and costs (by knob name; a missing cost takes its default). */
export function predict(f: number[], costs: Record<string, number>): number {
  return COST_KNOBS.reduce((a, k, i) => a + f[i] * (costs[k.name] ?? DEFAULT_COSTS[k.name] ?? 0), 0);
}

export interface FitRow { features: number[]; measuredNs: number }

export interface FitOptions {
  /** pull toward the default costs, relative (default 1e-9: only where the data says nothing) */
  prior?: number;
  /** Huber's threshold in robust standard deviations of the relative residuals (default 1.345) */
  huber?: number;
  /** IRLS rounds (default 30) */
  rounds?: number;
  /** costs held at these values, not fitted */
  fixed?: Record<string, number>;
  /** no cost above this many times its model default (default 2000: the page reference's default, 2 ns, is a bare
   *  atomic; this machine's per-page work on loopback is hundreds of ns, past a bound of 200) */
  maxFactor?: number;
  /** Tukey bisquare rounds after the Huber ones (default false: with a model that misses some cells for a
   *  reason, a redescending fit ends up fitting a subset) */
  bisquare?: boolean;
}

export interface FitResult {
  costs: Record<string, number>;
  /** per row: relative residual (predicted / measured - 1) and final weight */
  residuals: number[];
  weights: number[];
  fitted: string[];
  fixed: string[];
}

/** Solves the symmetric positive (semi)definite system M y = v by Gaussian elimination with partial pivoting. */
function solve(M: number[][], v: number[]): number[] {
  const n = v.length;
  const a = M.map((r, i) => [...r, v[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c] || 1e-300;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / d;
      if (f) for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, i) => r[n] / (r[i] || 1e-300));
}

/**
 * min ||A x - b||^2 + lambda ||x - x0||^2 subject to x >= 0: Lawson and Hanson's active-set NNLS (1974) on the
 * problem with the prior as extra rows, columns scaled to unit norm for conditioning.
 */
export function nnls(A: number[][], b: number[], x0: number[], lambda: number): number[] {
  const n = x0.length;
  const rows = [...A.map((r) => [...r]), ...x0.map((_, j) => x0.map((__, k) => (k === j ? Math.sqrt(lambda) : 0)))];
  const rhs = [...b, ...x0.map((v) => Math.sqrt(lambda) * v)];
  const norm = Array.from({ length: n }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + r[j] * r[j], 0)) || 1);
  const B = rows.map((r) => r.map((v, j) => v / norm[j]));
  const G = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => B.reduce((s, r) => s + r[i] * r[j], 0)));
  const h = Array.from({ length: n }, (_, i) => B.reduce((s, r, k) => s + r[i] * rhs[k], 0));
  const grad = (x: number[]) => h.map((hi, i) => hi - G[i].reduce((s, g, j) => s + g * x[j], 0));
  const passive = new Set<number>();
  let x = new Array<number>(n).fill(0);
  const tol = 1e-12 * Math.max(1, ...h.map(Math.abs));
  for (let outer = 0; outer < 3 * n + 10; outer++) {
    const w = grad(x);
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive.has(j) && w[j] > tol && (best < 0 || w[j] > w[best])) best = j;
    if (best < 0) break;
    passive.add(best);
    for (let inner = 0; inner < 3 * n + 10; inner++) {
      const P = [...passive];
      const zP = solve(P.map((i) => P.map((j) => G[i][j] + (i === j ? 1e-12 : 0))), P.map((i) => h[i]));
      const z = new Array<number>(n).fill(0);
      P.forEach((j, k) => { z[j] = zP[k]; });
      if (P.every((j) => z[j] > 0)) { x = z; break; }
      let alpha = 1;
      for (const j of P) if (z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      x = x.map((xj, j) => xj + alpha * (z[j] - xj));
      for (const j of P) if (x[j] <= 1e-15) { passive.delete(j); x[j] = 0; }
    }
  }
  return x.map((v, j) => Math.max(0, v / norm[j]));
}

/**
 * NNLS with an upper bound on every unknown (u <= hi; the unknowns are costs over their defaults): a cost pinned at
 * its bound is held there and the rest solved again, until none passes it. A cost that only a few rare actions
 * carry (a wake-up, a fault of a large folio) cannot then soak up what the model does not explain.
 */
export function boundedNnls(A: number[][], b: number[], lambda: number, hi: number): number[] {
  const n = A[0]?.length ?? 0;
  const pinned = new Set<number>();
  for (;;) {
    const free = Array.from({ length: n }, (_, j) => j).filter((j) => !pinned.has(j));
    const bb = b.map((v, k) => v - [...pinned].reduce((s, j) => s + A[k][j] * hi, 0));
    const uf = nnls(A.map((r) => free.map((j) => r[j])), bb, free.map(() => 1), lambda);
    const u = new Array<number>(n).fill(hi);
    free.forEach((j, i) => { u[j] = uf[i]; });
    const over = free.filter((j) => u[j] > hi);
    if (!over.length) return u;
    let worst = over[0];
    for (const j of over) if (u[j] > u[worst]) worst = j;
    pinned.add(worst);
  }
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
  const lambda = opts.prior ?? 1e-9, c = opts.huber ?? 1.345, rounds = opts.rounds ?? 30;
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
  // Huber rounds, then a few Tukey bisquare rounds from there (they give a gross outlier no weight at all)
  let sd = 0;
  for (let round = 0; round < rounds + (opts.bisquare ? 10 : 0); round++) {
    const A = A0.map((row, k) => row.map((v) => v * Math.sqrt(w[k])));
    const b = b0.map((v, k) => v * Math.sqrt(w[k]));
    u = boundedNnls(A, b, lambda * rows.length, opts.maxFactor ?? 2000);
    const res = A0.map((row, k) => row.reduce((s, v, j) => s + v * u[j], 0) - b0[k]);
    const bisquare = round >= rounds;
    // robust scale (MAD), floored at 1 % so that exact data does not make every row an outlier
    if (!bisquare || sd === 0) sd = Math.max(median(res.map((r) => Math.abs(r - median(res)))) / 0.6745, 0.01);
    const nw = res.map((r) => {
      const z = Math.abs(r) / sd;
      if (bisquare) return z < 4.685 ? (1 - (z / 4.685) ** 2) ** 2 : 0;
      return z <= c ? 1 : c / z;
    });
    const settled = nw.every((x, k) => Math.abs(x - w[k]) < 1e-6);
    w = nw;
    if (settled && !bisquare) round = rounds - 1; // on to the bisquare rounds
    else if (settled) break;
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
  /** this kernel's values of the machine's knobs the native host cannot set (compare's probeKnobs: L2 size,
   *  tcp_rmem's ceiling, read_ahead_kb...): the model runs with them, as `zcsim compare` runs it */
  machine?: Record<string, number | string>;
}

/** A cell's program: its scenario with the machine's knobs, then its own params. */
export function compileCell(c: Cell): Compiled {
  return compileByName(c.scenario, { ...(c.machine ?? {}), ...c.params });
}

export interface MeasuredCell extends Cell {
  features: number[];
  samplesNs: number[];
  medianNs: number;
  /** the model's time with the default costs */
  defaultNs: number;
  /** the costs the features were read at (absent: the model's defaults) */
  featuresAt?: Record<string, number>;
  /** loopback cells: per native run, the peer's CPU time per byte it read, in ps (its getrusage) */
  peerPsPerByte?: number[];
  /** loopback cells: per native run, the times the peer slept in recv and was woken (its voluntary switches) */
  peerWakeups?: number[];
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

/** The loopback scenarios: their peer sleeps in recv and the sender wakes it. */
export const LOOPBACK_SCENARIOS = ["read-write", "mmap-write", "sendfile", "splice", "tee", "vmsplice", "msg-zerocopy"];

/**
 * The fit's cells: every calibration scenario at 8, 64 and 256 MiB, warm, with a few chunk sizes, a read loop to
 * /dev/null; and, at the
 * sizes from 64 MiB, each loopback scenario's first chunk again with a polling peer (peerPoll): the same transfer
 * without a wake-up, the control that measures what one costs the sender (wakeupCostNs).
 */
export function fitCells(sizes = ["8MiB", "64MiB", "256MiB"]): Cell[] {
  const out: Cell[] = [];
  for (const s of CALIBRATION_SCENARIOS) for (const size of sizes) for (const chunk of FIT_CHUNKS[s] ?? [""]) {
    const params: Record<string, string> = { fileSize: size, cache: "warm" };
    if (chunk) params.chunk = chunk;
    out.push({ scenario: s, params, fit: true });
  }
  // a read loop into /dev/null: the read's copy alone (a cold source, a cached buffer), so that the fit can tell a
  // cold source from a cold destination (every other copy has both cold, or one of each in the same call pair)
  for (const size of sizes) out.push({ scenario: "read-write", params: { fileSize: size, cache: "warm", chunk: "64KiB", sink: "null" }, fit: true });
  for (const s of LOOPBACK_SCENARIOS) for (const size of sizes) {
    if ((parseSize(size) ?? 0) < 64 * 1024 * 1024) continue;
    const chunk = FIT_CHUNKS[s]?.includes("64KiB") ? "64KiB" : FIT_CHUNKS[s]?.[0];
    out.push({ scenario: s, params: { fileSize: size, cache: "warm", ...(chunk ? { chunk } : {}), peerPoll: "true" }, fit: true });
  }
  return out;
}

const polls = (c: Cell) => c.params.peerPoll === "true";

/**
 * What one wake-up of the loopback peer costs the sender, measured: for each cell run with a polling peer and its
 * twin with a sleeping one, (twin's median - polling median) / the twin's median wake-ups; the median over the
 * pairs. Undefined without pairs (a matrix saved before the polling cells).
 */
export function wakeupCostNs(cells: MeasuredCell[]): number | undefined {
  const key = (c: Cell) => `${c.scenario} ${JSON.stringify(Object.entries(c.params).filter(([k]) => k !== "peerPoll").sort())}`;
  const sleeping = new Map(cells.filter((c) => !polls(c)).map((c) => [key(c), c]));
  const per: number[] = [];
  for (const p of cells.filter(polls)) {
    const twin = sleeping.get(key(p));
    if (!twin?.peerWakeups?.length) continue;
    const wakes = median(twin.peerWakeups);
    if (wakes >= 100) per.push((twin.medianNs - p.medianNs) / wakes);
  }
  return per.length ? Math.max(0, median(per)) : undefined;
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

/**
 * Runs each cell natively `reps` times and in the model (features, default time). The repetitions go round the
 * cells (cell 1, cell 2, ..., cell 1, ...), so that a busy moment of the machine spreads over many cells instead
 * of spoiling one; the median of each cell's runs is its time.
 */
export async function runMatrix(sim: Simulator, cells: Cell[], opts: MatrixOptions = {}): Promise<MeasuredCell[]> {
  const { runNative } = await import("./native.js");
  const reps = opts.reps ?? 5;
  const compiled = cells.map(compileCell);
  const feats = compiled.map((c) => features(sim, c));
  const defaults = compiled.map((c) => sim.run(c, { trace: false, digest: false }).result.timeNs);
  const samples: number[][] = cells.map(() => []);
  const peerPs: number[][] = cells.map(() => []);
  const wakes: number[][] = cells.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < cells.length; i++) {
      const res = await runNative(compiled[i], { timeoutMs: opts.timeoutMs ?? 600_000 });
      // a clean run: delivered intact, no error but the completions' polling (recv_errqueue EAGAIN: not yet)
      const errors = res.errors.filter((e) => !(e.call === "recv_errqueue" && e.errno === "EAGAIN"));
      if (res.peer?.cpuNs && res.peer.copies.bytes > 0) peerPs[i].push((res.peer.cpuNs * 1000) / res.peer.copies.bytes);
      if (typeof res.peer?.wakeups === "number") wakes[i].push(res.peer.wakeups);
      if ((res.delivered.intact !== false && errors.length === 0) || cells[i].scenario === "mmap-truncate") samples[i].push(res.timeNs);
      else opts.log?.(`${cellLabel(cells[i])}: run ${r + 1} not clean (${res.errors.map((e) => `${e.call} ${e.errno}`).join(", ") || "delivery not intact"}), left out`);
    }
    opts.log?.(`round ${r + 1}/${reps} done`);
  }
  const out: MeasuredCell[] = [];
  cells.forEach((cell, i) => {
    if (!samples[i].length) { opts.log?.(`${cellLabel(cell)}: no clean native run, left out`); return; }
    const m = median(samples[i]);
    out.push({ ...cell, features: feats[i], samplesNs: samples[i], medianNs: m, defaultNs: defaults[i], ...(peerPs[i].length ? { peerPsPerByte: peerPs[i] } : {}), ...(wakes[i].length ? { peerWakeups: wakes[i] } : {}) });
    opts.log?.(`${cellLabel(cell).padEnd(48)} native median ${(m / 1e6).toFixed(3).padStart(10)} ms  (${samples[i].length} runs)  model default ${(defaults[i] / 1e6).toFixed(3)} ms`);
  });
  return out;
}

/**
 * Matrices measured at different times, pooled: a cell (scenario and params) measured in several keeps all their
 * runs, and its median is over them all. The kernel's medians drift between matrices taken minutes apart (tee of
 * 1 GiB: 443 to 609 ms on this machine), so a fit to several windows is a fit to the machine, not to one moment.
 */
export function mergeMatrices(lists: MeasuredCell[][]): MeasuredCell[] {
  const key = (c: Cell) => `${c.scenario} ${JSON.stringify(Object.entries(c.params).sort())}`;
  const out = new Map<string, MeasuredCell>();
  for (const list of lists) for (const c of list) {
    const k = key(c), had = out.get(k);
    if (!had) { out.set(k, { ...c, samplesNs: [...c.samplesNs] }); continue; }
    had.samplesNs.push(...c.samplesNs);
    if (c.peerPsPerByte) had.peerPsPerByte = [...(had.peerPsPerByte ?? []), ...c.peerPsPerByte];
    if (c.peerWakeups) had.peerWakeups = [...(had.peerWakeups ?? []), ...c.peerWakeups];
    had.machine ??= c.machine;
    had.fit = had.fit || c.fit;
  }
  for (const c of out.values()) c.medianNs = median(c.samplesNs);
  return [...out.values()];
}

/** Cells measured earlier (saved with --save-matrix) with their features read again from the current model:
 *  the native medians are what is dear; the features follow the model (and its cost knobs) as it is now. */
export function refeature(sim: Simulator, cells: MeasuredCell[], at: Record<string, number> = DEFAULT_COSTS): MeasuredCell[] {
  return cells.map((c) => {
    const compiled = compileCell(c);
    return { ...c, features: features(sim, compiled, at), featuresAt: { ...at }, defaultNs: sim.run(compiled, { trace: false, digest: false }).result.timeNs };
  });
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

/** Huber's loss: quadratic within ±delta, linear beyond. */
/**
 * How far the model's peer wake-ups are from the kernel's over the fit cells that counted them: the sum of squared
 * log ratios (each count plus 10, so that a handful against none is not an infinite miss).
 */
export function wakeLoss(sim: Simulator, cells: MeasuredCell[], costs: Record<string, number>): number | undefined {
  let loss = 0, n = 0;
  for (const c of cells) {
    if (!c.fit || polls(c) || !c.peerWakeups?.length) continue;
    const r = sim.run(applyProfile(compileCell(c), { costs }), { trace: false, digest: false }).result;
    loss += Math.log(((r.peer?.wakeups ?? 0) + 10) / (median(c.peerWakeups) + 10)) ** 2;
    n++;
  }
  return n ? loss : undefined;
}

export function huberLoss(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
}

/** The loopback peer's wake-up latencies calibration tries (ns). */
export const WAKE_LATENCIES_NS = [0, 5_000, 10_000, 15_000, 20_000, 30_000, 40_000];

/** Choices of the fit where the machine can be read two ways (docs/timing.md, "Calibration"). */
export interface CalibrationChoices {
  /** at most this many passes per latency (default 6) */
  passes?: number;
  /** the wake-up latencies searched (default WAKE_LATENCIES_NS) */
  latencies?: number[];
  /** the remote wake-up's cost: fitted with the others (default), or held at what the polling cells measure */
  wakeCost?: "fitted" | "measured";
  /** the latency chosen by the fit cells' time (default), or by how closely the model's wake-ups match the kernel's */
  latencyBy?: "time" | "wakes";
}

/** The largest relative change between two sets of costs (over costs of at least 1 in either). */
function costChange(a: Record<string, number>, b: Record<string, number>): number {
  let m = 0;
  for (const k of COST_KNOBS) {
    const x = a[k.name] ?? 0, y = b[k.name] ?? 0;
    if (Math.max(x, y) >= 1) m = Math.max(m, Math.abs(x - y) / Math.max(x, y));
  }
  return m;
}

/**
 * Fits a profile to measured cells (the fit cells only; the others are reported). The features depend on where
 * they are read where the peer holds the sender back (the model is piecewise linear), so the fit goes in passes:
 * features at the current costs, fitCosts, features again at the fitted costs, until the costs move less than
 * 1 % (at most `passes`, default 6). Returns the profile and the cells with features at the final costs.
 */
export function fitProfile(sim: Simulator, cells: MeasuredCell[], opts: FitOptions & CalibrationChoices = {}): { profile: Profile; cells: MeasuredCell[] } {
  // the cells with their features read at `at` (those already read there kept), the fit's only or all of them
  const readAt = (cs: MeasuredCell[], at: Record<string, number>, fitOnly: boolean) => cs.map((c) =>
    (fitOnly && !c.fit) || (c.featuresAt && costChange(c.featuresAt, at) === 0 && c.features?.length === COST_KNOBS.length) ? c : refeature(sim, [c], at)[0]);
  let best: { loss: number; at: Record<string, number>; fit: FitResult; cells: MeasuredCell[]; passes: number } | undefined;
  // The peer's copy is measured, not fitted: its CPU time per byte read (getrusage in the peer), the median over
  // the loopback runs. Fitted, it could trade places with the sender's costs (a slow peer holding the sender back
  // explains a time as well as a slow sender does); measured, the race between the two clocks is this machine's.
  // (a polling peer's CPU time is all of its time: its cells say nothing of its copy)
  const peerPs = cells.filter((c) => !polls(c)).flatMap((c) => c.peerPsPerByte ?? []);
  const measured: Record<string, number> = peerPs.length ? { COST_PEER_COPY_PS_PER_BYTE: Math.round(median(peerPs)) } : {};
  // The wake-up's cost is measured too: a fit reads it from how many wake-ups the model makes, and the model's
  // count follows the kernel's only where its sender is as slow as the kernel's, which the wake-ups decide: the fit
  // settles in the regime of cheap wake-ups and a peer that rarely sleeps, which is not this machine's.
  // Measured, it makes the model's wake-ups as dear as the kernel's, but the model's count of them follows the
  // kernel's only roughly (docs/timing.md), so by default the fit prices them and the measurement is reported.
  const wake = wakeupCostNs(cells);
  if (wake !== undefined && opts.wakeCost === "measured") measured.COST_REMOTE_WAKEUP_NS = Math.round(wake);
  const wakesCounted = opts.latencyBy === "wakes" && cells.some((c) => c.fit && !polls(c) && c.peerWakeups?.length);
  for (const latency of opts.latencies ?? WAKE_LATENCIES_NS) {
    // the peer's wake-up latency changes how many wake-ups there are, not what one costs: searched, not fitted
    const fixed = { ...measured, ...(opts.fixed ?? {}), COST_PEER_WAKE_LATENCY_NS: latency };
    let at: Record<string, number> = { ...DEFAULT_COSTS, ...fixed };
    let cw = cells;
    let fit: FitResult | undefined;
    let passes = 0;
    for (; passes < (opts.passes ?? 6); passes++) {
      cw = readAt(cw, at, true);
      const fitRows = cw.filter((c) => c.fit);
      fit = fitCosts(fitRows.map((c) => ({ features: c.features, measuredNs: c.medianNs })), { ...opts, fixed });
      const next: Record<string, number> = {};
      for (const [k, v] of Object.entries(fit.costs)) next[k] = Math.round(v);
      const moved = costChange(next, at);
      at = next;
      if (moved < 0.01) { passes++; break; }
    }
    // the loss at the final costs, from features read there; where the kernel's wake-ups were counted, the
    // latency is judged by them: it is the mechanism that decides how often the peer sleeps
    cw = readAt(cw, at, true);
    const counted = wakesCounted ? wakeLoss(sim, cw, at) : undefined;
    const loss = counted ?? cw.filter((c) => c.fit).reduce((a, c) => a + huberLoss(predict(c.features, at) / c.medianNs - 1, 0.25), 0);
    if (!best || loss < best.loss) best = { loss, at, fit: fit!, cells: cw, passes };
  }
  const { fit, passes } = best!;
  const at = { ...best!.at };
  // A cost that no fit cell's time depends on at the final costs was set by an earlier pass's features (at other
  // costs the races went otherwise) and nothing holds it: it goes back to its default (no prediction of these
  // cells moves; a run that does exercise it, a cold read's disk wait, gets the model's default, not a stray value).
  const finalFit = readAt(best!.cells, at, true).filter((c) => c.fit);
  // (fitted costs only: the latency is searched and acts on the peer's clock, the measured ones are measured)
  COST_KNOBS.forEach((k, i) => { if (fit!.fitted.includes(k.name) && finalFit.every((c) => !c.features[i])) at[k.name] = DEFAULT_COSTS[k.name]; });
  // every cell (the validation's too) read at the final costs: predicted = sum(cost_k * feature_k) = the model's time
  const cw = readAt(best!.cells, at, false);
  const costs = at;
  const fitRows = cw.filter((c) => c.fit);
  const weights = cw.map((c) => (c.fit ? fit!.weights[fitRows.indexOf(c)] : undefined)) as number[];
  const rows = report(cw, costs, weights);
  const errs = rows.filter((r) => r.inFit).map((r) => r.relError);
  const profile: Profile = {
    format: "zcsim-profile/1",
    machine: machineInfo(),
    kernel: release(),
    date: new Date().toISOString(),
    costs,
    ...(best!.cells[0]?.machine ? { machineParams: best!.cells[0].machine } : {}),
    fit: {
      method: `non-negative least squares (Lawson-Hanson) on relative errors, iteratively reweighted: Huber weights (k = 1.345 robust SD), every cost at most 2000 times its model default; a very weak pull toward the model's default costs; features read from the model at the costs of the previous pass (${passes} passes, until the costs moved less than 1 %); ${measured.COST_REMOTE_WAKEUP_NS !== undefined ? "the remote wake-up's cost measured (polling-peer cells against their sleeping twins); " : ""}the peer's wake-up latency chosen from ${(opts.latencies ?? WAKE_LATENCIES_NS).map((l) => `${l / 1000} us`).join(", ")} by ${wakesCounted ? "how closely the model's peer wake-ups match the kernel's (sum of squared log ratios over the fit's loopback cells)" : "the fit cells' Huber loss (delta 25 %)"}`,
      cells: rows,
      rmsRelError: Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / Math.max(1, errs.length)),
      maxAbsRelError: Math.max(0, ...errs.map(Math.abs)),
      fitted: fit!.fitted,
      fixed: fit!.fixed,
      ...(wake !== undefined ? { measuredWakeupNs: Math.round(wake) } : {}),
    },
  };
  return { profile, cells: cw };
}

export { formatSize };
