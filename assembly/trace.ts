// The event trace: fixed records of 8 int64 words, appended while Knob.TRACE is 1, up to Knob.TRACE_CAP records.
//
//   record (64 bytes)
//   +-----+------+---+---+---+---+---+---+
//   | seq | kind | a | b | c | d | e | f |     kind: Ev (abi.ts); a..f documented beside each kind there
//   +-----+------+---+---+---+---+---+---+
//
// Conventions of the model (docs/program-format.md, "Events"): word f of every event but SYS_ENTER carries the
// cost-model nanoseconds that action cost; CPU_COPY e is 1 on the first piece of a copy operation (it counts one
// op). Past the cap the trace counts what it drops and ends with one TRACE_CUT event. In counters-only mode
// nothing is stored: ev() returns at once and memory stays bounded.
import { Ev, Counter } from "./abi";
import { count } from "./counters";
import { rgrow, rfree } from "./mem";

export let traceOn: bool = false;        // Knob.TRACE
export let traceCap: i64 = 1 << 20;      // Knob.TRACE_CAP: most records kept
export let tracePtr: usize = 0;          // base of the records
export let traceLen: i64 = 0;            // records written
let traceRoom: i64 = 0;                  // records the buffer can hold now (grows by doubling up to cap + 1)
export let traceDropped: i64 = 0;        // records dropped past the cap
let pendingNs: i64 = 0;                  // cost of actions not recorded one by one, carried by the next event's f

export function traceReset(on: bool, cap: i64): void {
  traceOn = on;
  traceCap = cap < 1 ? 1 : cap;
  traceLen = 0;
  traceDropped = 0;
  pendingNs = 0;
  if (tracePtr == 0 && on) {
    traceRoom = 1024;
    tracePtr = rgrow(0, 0, <usize>traceRoom << 6);
  }
}

export function traceFree(): void {
  rfree(tracePtr);
  tracePtr = 0;
  traceRoom = 0;
}

function put(kind: i64, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): void {
  if (traceLen >= traceRoom) {
    let nu = traceRoom * 2;
    if (nu > traceCap + 1) nu = traceCap + 1;
    tracePtr = rgrow(tracePtr, <usize>traceRoom << 6, <usize>nu << 6);
    traceRoom = nu;
  }
  const p = tracePtr + (<usize>traceLen << 6);
  store<i64>(p, traceLen);
  store<i64>(p, kind, 8);
  store<i64>(p, a, 16);
  store<i64>(p, b, 24);
  store<i64>(p, c, 32);
  store<i64>(p, d, 40);
  store<i64>(p, e, 48);
  store<i64>(p, f, 56);
  traceLen++;
}

/** Records one event (a no-op in counters-only mode). */
@inline export function ev(kind: i32, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): void {
  if (traceOn) evRecord(kind, a, b, c, d, e, f);
}

function evRecord(kind: i32, a: i64, b: i64, c: i64, d: i64, e: i64, f: i64): void {
  if (kind != Ev.SYS_ENTER) { f += pendingNs; pendingNs = 0; }
  if (traceLen >= traceCap) { traceDropped++; return; }
  put(kind, a, b, c, d, e, f);
}

/** Spends `ns` on an action the trace does not record by itself (a page-cache lookup): the next event carries it. */
export function spendQuiet(ns: i64): void {
  count(Counter.TIME_NS, ns);
  if (traceOn) pendingNs += ns;
}

/** Ends the trace: a TRACE_CUT record if anything was dropped. */
export function traceFinish(): void {
  if (!traceOn) return;
  if (pendingNs > 0) ev(Ev.COST, 0, 0, 0, 0, 0, 0);
  if (traceDropped > 0) put(Ev.TRACE_CUT, traceDropped, 0, 0, 0, 0, 0);
}
