/** JSON Lines: every model event, one JSON object a line (the decoded record: seq, kind, named fields, ns). */
import type { SimEvent } from "../../model/events.js";
import type { CallRecord } from "./calls.js";

export function formatJsonl(events: SimEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : "");
}

/** A native run has no model events: its calls, one a line, in the same spirit. */
export function formatCallsJsonl(calls: CallRecord[]): string {
  return calls.map((c) => JSON.stringify({ kind: "CALL", ...c })).join("\n") + (calls.length ? "\n" : "");
}

/** Reads JSON Lines back. */
export function parseJsonl(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
}
