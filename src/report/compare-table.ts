/**
 * `zcsim compare` as a terminal table: one block per scenario and params, one line per counter (model, kernel,
 * agreement, why), then the summary. Browser-safe: it only formats the report.
 */
import type { CompareReport, Row, Summary } from "./compare-types.js";

export interface TableOptions {
  /** ANSI colours (a terminal) */
  color?: boolean;
  /** kept for old scripts: the rows that disagree are all the default shows */
  onlyDisagreements?: boolean;
  /** every row of every point (agreeing, unscored, one-sided), and the engines' notes */
  all?: boolean;
}

const paint = (on: boolean, code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function formatValue(v: Row["model"]): string {
  if (v === null) return "-";
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

/** The kernel's figure as shown: a range row (or any row that moved) as min..max over the runs. */
export function kernelText(r: Row): string {
  if (r.range && (r.class === "range" || r.range[0] !== r.range[1])) return r.range[0] === r.range[1] ? `${r.range[0]} (x${r.kernelRuns})` : `${r.range[0]}..${r.range[1]}`;
  return formatValue(r.kernel);
}

const paramsText = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(" ");

function agreeText(r: Row, color: boolean): string {
  if (r.class === "unobservable") return paint(color, 2, "shown");
  if (r.agree === null) return paint(color, 2, "-");
  if (r.basis === "derived") return r.agree ? paint(color, 32, "consistent") : paint(color, 33, "INCONSISTENT");
  if (r.agree) return paint(color, 32, r.class === "tolerance" ? "within" : r.class === "range" ? "in range" : "yes");
  return paint(color, 31, "NO");
}

function whyText(r: Row, kernelWhy?: string): string {
  const parts: string[] = [];
  if (kernelWhy && r.why === kernelWhy) return ""; // said once, in the summary
  if (r.evidence && r.evidence !== "measured") parts.push(`[${r.evidence}]`);
  if (r.tolerance) parts.push(`(${r.tolerance})`);
  if (r.known) parts.push(`[known: ${r.known}]`);
  if (r.why) parts.push(r.why);
  return parts.join(" ");
}

/** Pads to a width counting visible characters (ANSI codes take none). */
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - s.replace(/\x1b\[[0-9;]*m/g, "").length));

/** Rows grouped by point, as a table with one heading per point. */
function rowBlocks(rows: Row[], color: boolean, kernelWhy?: string): string[] {
  const lines: string[] = [];
  if (!rows.length) return lines;
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.scenario}\u0000${paramsText(r.params)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const w = {
    counter: Math.max(7, ...rows.map((r) => r.counter.length)),
    cls: 12,
    model: Math.min(40, Math.max(5, ...rows.map((r) => formatValue(r.model).length))),
    kernel: Math.min(40, Math.max(6, ...rows.map((r) => kernelText(r).length))),
  };
  const header = `  ${pad("counter", w.counter)}  ${pad("class", w.cls)}  ${pad("model", w.model)}  ${pad("kernel", w.kernel)}  ${pad("agree", 12)}  why`;
  for (const [key, group] of groups) {
    const [scenario, params] = key.split("\u0000");
    lines.push(paint(color, 1, `${scenario}  ${params}`));
    lines.push(paint(color, 2, header));
    for (const r of group)
      lines.push(`  ${pad(r.counter, w.counter)}  ${pad(r.class, w.cls)}  ${pad(formatValue(r.model), w.model)}  ${pad(kernelText(r), w.kernel)}  ${pad(agreeText(r, color), 12)}  ${whyText(r, kernelWhy)}`.trimEnd());
    lines.push("");
  }
  return lines;
}

/**
 * The report for a terminal: the summary first (the measured verdict, then what is not agreement), then only the
 * rows that decide or dispute it: measured disagreements, then derived rows inconsistent with the calls made.
 * `all`: every row of every point after that, and the engines' notes.
 */
export function formatTable(report: CompareReport, opts: TableOptions = {}): string {
  const color = !!opts.color;
  const lines: string[] = [];
  lines.push(...formatSummary(report.summary, report.matrix, report.ms, color));
  lines.push("");
  const measuredNo = report.rows.filter((r) => r.agree === false && r.class !== "tolerance" && r.basis !== "derived");
  const derivedNo = report.rows.filter((r) => r.agree === false && r.basis === "derived");
  if (measuredNo.length) {
    lines.push(paint(color, 1, `measured rows that disagree (${measuredNo.length})`), "");
    lines.push(...rowBlocks(measuredNo, color, report.kernelWhy));
  }
  if (derivedNo.length) {
    lines.push(paint(color, 1, `derived rows inconsistent with the calls made (${derivedNo.length}; not part of the verdict)`), "");
    lines.push(...rowBlocks(derivedNo, color, report.kernelWhy));
  }
  if (opts.all) {
    lines.push(paint(color, 1, "every row"), "");
    lines.push(...rowBlocks(report.rows, color, report.kernelWhy));
    const notes = distinctNotes(report.notes);
    if (notes.length) {
      lines.push(paint(color, 1, "notes from the engines"));
      for (const n of notes) lines.push(`  ${n}`);
      lines.push("");
    }
    if (report.calibration?.length) {
      lines.push(paint(color, 1, "the model runs with this kernel's knobs"));
      for (const c of report.calibration) lines.push(`  ${c}`);
      lines.push("");
    }
  } else {
    const outside = report.summary.tolerance - report.summary.toleranceAgree;
    lines.push(paint(color, 2, `(--all shows every row${outside ? `, the ${outside} tolerance rows outside their tolerance` : ""}, the engines' notes and the knobs the model took from this kernel; so does the HTML report)`));
  }
  return lines.join("\n") + "\n";
}

/** The engines' notes, each once: notes that differ only in their numbers are one line, with how many there were. */
export function distinctNotes(notes: CompareReport["notes"]): string[] {
  const groups = new Map<string, { first: string; n: number }>();
  for (const x of notes) {
    const text = `${x.engine}: ${x.note}`;
    const key = text.replace(/\d+/g, "#");
    const g = groups.get(key);
    if (g) { if (g.first !== text) g.n++; } else groups.set(key, { first: text, n: 1 });
  }
  return [...groups.values()].map((g) => (g.n > 1 ? `${g.first} (and ${g.n - 1} more like it, with other numbers)` : g.first));
}

export function formatSummary(s: Summary, matrix: string, ms: number, color = false): string[] {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "-");
  const out: string[] = [];
  const runs = s.kernelRuns > 1 ? `, ${s.kernelRuns} native runs each` : "";
  out.push(paint(color, 1, `summary (${matrix} matrix, ${s.runs} points${runs}, ${(ms / 1000).toFixed(1)} s)`));
  if (s.kernel !== "ran") {
    out.push(`  kernel column      empty: ${s.kernel}`);
    out.push(`  measured           nothing: the model ran alone`);
  } else {
    const exactOnly = s.exact - s.ranges, exactAgree = s.agree - s.rangesHeld;
    out.push(`  measured           ${s.agree} of ${s.exact} agree (${pct(s.agree, s.exact)}): exact ${exactAgree} of ${exactOnly}, ranges ${s.rangesHeld} of ${s.ranges} held`
      + (s.disagree ? paint(color, s.unexplained ? 31 : 33, `; ${s.disagree} disagree, ${s.explained} explained, ${s.unexplained} unexplained`) : ""));
    out.push(`  derived            ${s.consistent} of ${s.derived} consistent with the calls made (the host computes them: never agreement)`);
  }
  out.push(`  tolerance          ${s.toleranceAgree} of ${s.tolerance} within their tolerance (times, scheduling: not in the verdict)`);
  out.push(`  unobservable       ${s.unobservable} shown, never scored`);
  out.push(`  not scored         ${s.notScored} rows (unavailable on this host, a range with one run, or reported by one side only)`);
  if (s.notRun) out.push(paint(color, 33, `  not run            ${s.notRun} points where the native host did not make every call`));
  const names = Object.entries(s.perScenario);
  if (names.length && s.kernel === "ran") out.push(`  per scenario       ${names.map(([n, p]) => `${n} ${p.agree}/${p.exact}`).join(", ")}`);
  return out;
}
