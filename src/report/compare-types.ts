/**
 * The compare report's types (what `zcsim compare` produces, src/node/compare.ts, and what the report renders:
 * compare-table.ts, compare-html.ts). Here, below both, so that the report does not import the command.
 */
import type { Evidence, Result } from "../result.js";
import type { CounterClass } from "./counter-classes.js";

export type MatrixName = "default" | "full" | "random";

export type Value = number | string | boolean | null;

/**
 * What a scored row's verdict rests on. `measured`: the kernel's own counter (a tracepoint, getrusage, /proc/self/io,
 * perf, bytes the peer verified); `derived`: a figure the native host computed from the calls it made and their
 * semantics, so agreement there is partly built in: it is shown as "consistent", never as agreement.
 */
export type Basis = "measured" | "derived";

export interface Row {
  scenario: string;
  params: Record<string, string>;
  counter: string;
  class: CounterClass;
  model: Value;
  /** the kernel's figure: its first run's value (a range row: see `range`) */
  kernel: Value;
  /** null: not scored (unobservable, unavailable, not run, not reported by one side) */
  agree: boolean | null;
  /** why it disagrees (a known mechanism, or "unexplained"), or why it is not scored; "" when it agrees */
  why: string;
  /** how the native figure was obtained */
  evidence?: Evidence;
  /** a scored row: measured (counts toward the verdict) or derived (shown apart as consistent or not) */
  basis?: Basis;
  /** the kernel's min and max over the point's native runs, when there were several and the figure is a number */
  range?: [number, number];
  /** how many native runs the kernel column is made of */
  kernelRuns?: number;
  /** the known explanation's id (src/report/known.ts), when one explains the disagreement */
  known?: string;
  /** tolerance rows: the tolerance, as shown to people ("within x3 or +-8") */
  tolerance?: string;
}

export interface ScenarioSummary {
  /** measured rows scored (exact and range) */
  exact: number;
  agree: number;
}

export interface Summary {
  /** measured rows that were scored, exact and range: the verdict */
  exact: number;
  /** of them, those that agree (a range row: the model inside the kernel's min..max) */
  agree: number;
  disagree: number;
  /** measured disagreements that a live, region-bound known explanation covers */
  explained: number;
  /** measured disagreements with no known explanation */
  unexplained: number;
  /** of the measured rows, those scored against a range over several native runs, and those the model lies in */
  ranges: number;
  rangesHeld: number;
  /** exact rows whose kernel figure is derived by the host from the calls it made: consistent or not, never agreement */
  derived: number;
  consistent: number;
  tolerance: number;
  toleranceAgree: number;
  unobservable: number;
  /** exact rows not scored: unavailable natively, not reported by one side, or no kernel column */
  notScored: number;
  /** points where the native host did not make every call (each such point's rows are not scored) */
  notRun: number;
  runs: number;
  /** native runs per point */
  kernelRuns: number;
  /** the kernel column: "ran", or why it is empty */
  kernel: string;
  perScenario: Record<string, ScenarioSummary>;
}

export interface CompareReport {
  matrix: MatrixName;
  rows: Row[];
  summary: Summary;
  /** engine notes per task (knobs the native host could not apply...) */
  notes: { scenario: string; params: Record<string, string>; engine: string; note: string }[];
  /** per task: the two results, for the charts */
  runs: { scenario: string; params: Record<string, string>; payloadBytes: number; model?: Result; kernel?: Result }[];
  kernelWhy?: string;
  /** the knobs the model took from this kernel (Engines.calibration) */
  calibration: string[];
  ms: number;
}
