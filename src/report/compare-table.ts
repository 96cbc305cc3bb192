/**
 * `zcsim compare` as a terminal table: one block per scenario and params, one line per counter (model, kernel,
 * agreement, why), then the summary. Browser-safe: it only formats the report.
 */
import type { CompareReport, Row, Summary } from "../node/compare.js";

export interface TableOptions {
  /** ANSI colours (a terminal) */
  color?: boolean;
  /** only the rows that disagree, and the summary */
  onlyDisagreements?: boolean;
  /** also the rows only one engine reports (hidden by default: they are in the JSON and the HTML) */
  all?: boolean;
}

const paint = (on: boolean, code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function formatValue(v: Row["model"]): string {
  if (v === null) return "-";
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

const paramsText = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(" ");

function agreeText(r: Row, color: boolean): string {
  if (r.class === "unobservable") return paint(color, 2, "shown");
  if (r.agree === null) return paint(color, 2, "-");
  if (r.agree) return paint(color, 32, r.class === "tolerance" ? "within" : "yes");
  return paint(color, 31, "NO");
}

function whyText(r: Row, kernelWhy?: string): string {
  const parts: string[] = [];
  if (kernelWhy && r.why === kernelWhy) return ""; // said once, in the summary
  if (r.evidence && r.evidence !== "measured") parts.push(`[${r.evidence}]`);
  if (r.tolerance) parts.push(`(${r.tolerance})`);
  if (r.why) parts.push(r.why);
  return parts.join(" ");
}

/** Pads to a width counting visible characters (ANSI codes take none). */
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - s.replace(/\x1b\[[0-9;]*m/g, "").length));

export function formatTable(report: CompareReport, opts: TableOptions = {}): string {
  const color = !!opts.color;
  const lines: string[] = [];
  const groups = new Map<string, Row[]>();
  for (const r of report.rows) {
    const key = `${r.scenario}\u0000${paramsText(r.params)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const oneSided = (r: Row) => r.agree === null && r.class !== "unobservable" && (r.why.startsWith("not modelled") || r.why.startsWith("the native host does not report"));
  const shown = (r: Row) => (opts.onlyDisagreements ? r.agree === false : opts.all || !oneSided(r));
  const hidden = report.rows.filter((r) => !shown(r) && oneSided(r)).length;
  const all = report.rows.filter(shown);
  const w = {
    counter: Math.max(7, ...all.map((r) => r.counter.length)),
    cls: 12,
    model: Math.max(5, ...all.map((r) => formatValue(r.model).length)),
    kernel: Math.max(6, ...all.map((r) => formatValue(r.kernel).length)),
  };
  w.model = Math.min(w.model, 40);
  w.kernel = Math.min(w.kernel, 40);
  const header = `  ${pad("counter", w.counter)}  ${pad("class", w.cls)}  ${pad("model", w.model)}  ${pad("kernel", w.kernel)}  ${pad("agree", 6)}  why`;
  for (const [key, rows] of groups) {
    const visible = rows.filter(shown);
    if (!visible.length) continue;
    const [scenario, params] = key.split("\u0000");
    lines.push(paint(color, 1, `${scenario}  ${params}`));
    lines.push(paint(color, 2, header));
    for (const r of visible) {
      lines.push(
        `  ${pad(r.counter, w.counter)}  ${pad(r.class, w.cls)}  ${pad(formatValue(r.model), w.model)}  ${pad(formatValue(r.kernel), w.kernel)}  ${pad(agreeText(r, color), 6)}  ${whyText(r, report.kernelWhy)}`.trimEnd(),
      );
    }
    lines.push("");
  }
  if (hidden && !opts.onlyDisagreements) {
    lines.push(paint(color, 2, `(${hidden} rows reported by one engine only are not shown: --all shows them; the JSON and the HTML have them)`));
    lines.push("");
  }
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
  lines.push(...formatSummary(report.summary, report.matrix, report.ms, color));
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
  const pct = s.exact ? ((100 * s.agree) / s.exact).toFixed(1) : "-";
  const out: string[] = [];
  out.push(paint(color, 1, `summary (${matrix} matrix, ${s.runs} runs, ${(ms / 1000).toFixed(1)} s)`));
  out.push(`  exact counters     ${s.agree} of ${s.exact} agree (${pct}%)` + (s.disagree ? paint(color, 31, `, ${s.disagree} disagree (${s.unexplained} unexplained)`) : ""));
  out.push(`  tolerance          ${s.toleranceAgree} of ${s.tolerance} within their tolerance (not scored for the exit status)`);
  out.push(`  unobservable       ${s.unobservable} shown, never scored`);
  out.push(`  not scored         ${s.notScored} exact rows (unavailable on this host, or reported by one side only)`);
  const names = Object.entries(s.perScenario);
  if (names.length) out.push(`  per scenario       ${names.map(([n, p]) => `${n} ${p.agree}/${p.exact}`).join(", ")}`);
  if (s.kernel !== "ran") out.push(`  kernel column      empty: ${s.kernel}`);
  return out;
}
