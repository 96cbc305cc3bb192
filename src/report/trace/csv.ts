/**
 * CSV of a run's counters: `counter,value` rows (the result flattened to dotted paths: `copies.cpu.bytes`), or,
 * for several runs, one row per run under one header (`formatCsvRows`).
 */
import type { Result } from "../../result.js";

/** The result's numeric and boolean figures by dotted path (params under `params.`). */
export function flattenResult(r: Result): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = { engine: r.engine, scenario: r.scenario };
  const walk = (o: unknown, path: string) => {
    if (o === null || o === undefined) return;
    if (typeof o === "number" || typeof o === "boolean" || typeof o === "string") { out[path] = o; return; }
    if (Array.isArray(o)) { if (path === "errors") out["errors.count"] = o.length; return; }
    if (typeof o === "object") for (const [k, v] of Object.entries(o)) walk(v, path ? `${path}.${k}` : k);
  };
  for (const [k, v] of Object.entries(r)) {
    if (k === "engine" || k === "scenario" || k === "notes" || k === "evidence" || k === "unavailable" || k === "signals") continue;
    walk(v, k);
  }
  out["signals.count"] = r.signals?.length ?? 0;
  return out;
}

/** RFC 4180 quoting. */
export function csvField(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One run: `counter,value` rows under that header. */
export function formatCsv(r: Result): string {
  const rows = Object.entries(flattenResult(r));
  return ["counter,value", ...rows.map(([k, v]) => `${csvField(k)},${csvField(v)}`)].join("\n") + "\n";
}

/** Several runs: one header (the union of the paths), one row per run. */
export function formatCsvRows(results: Result[]): string {
  const flat = results.map(flattenResult);
  const cols: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!cols.includes(k)) cols.push(k);
  return [cols.map(csvField).join(","), ...flat.map((f) => cols.map((c) => csvField(f[c])).join(","))].join("\n") + "\n";
}

/** Parses CSV (RFC 4180) back to rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cur = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") { row.push(cur); cur = ""; }
    else if (ch === "\n") { row.push(cur); rows.push(row); row = []; cur = ""; }
    else if (ch !== "\r") cur += ch;
  }
  if (cur !== "" || row.length) { row.push(cur); rows.push(row); }
  return rows;
}
