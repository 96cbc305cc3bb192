/**
 * Chrome trace-event JSON (`{ traceEvents: [...] }`) that ui.perfetto.dev and chrome://tracing open. One process
 * per engine run, one thread track per actor of the machine (process, kernel, disk, DMA engine, NIC, peer) named
 * by `thread_name` metadata; calls and transfers as complete (`X`) slices; a page's journey (page cache -> pipe ->
 * skb -> NIC or peer, following CPU copies from page to page) as flow events (`s`, `t`, `f` with one id, bp "e"),
 * each placed right after the slice it binds to; the counters as counter tracks (`C`).
 *
 * Times are microseconds (the format's unit). Model: the cost model's nanoseconds (each event's `ns`, summed in
 * order: every actor's slices follow one serial clock, so no two slices of a track overlap). Native: the host's
 * measured CLOCK_MONOTONIC times of each call, from the phase's start; the kernel's own work inside a call is not
 * observable there, so a native trace has the process track and its counters only.
 */
import { Counter } from "../../scenario/abi.js";
import type { Compiled } from "../../scenario/types.js";
import { countEvent, newCounters, type SimEvent } from "../../model/events.js";
import { callsFromModel, callsFromNative, type CallRecord, type NativeCallLog } from "./calls.js";
import { straceCall } from "./strace.js";

export interface TraceEvent {
  name?: string;
  cat?: string;
  ph: "X" | "B" | "E" | "i" | "s" | "t" | "f" | "C" | "M";
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  id?: number;
  bp?: "e";
  s?: "t" | "p" | "g";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ns" | "ms";
  otherData?: Record<string, unknown>;
}

/** The actors' thread ids (one track each). */
export const TRACK = { process: 1, kernel: 2, disk: 3, dma: 4, nic: 5, peer: 6 } as const;
const TRACK_NAME: Record<number, string> = { 1: "process", 2: "kernel", 3: "disk", 4: "DMA engine", 5: "NIC", 6: "peer" };

export interface PerfettoOptions {
  /** the trace's process id (default: 1 for the model, 2 for native), so that two runs open side by side */
  pid?: number;
  /** the process's name (default: "model: <scenario>" / "kernel <release>: <scenario>") */
  label?: string;
  /** most page journeys drawn as flows (default 2000) */
  maxFlows?: number;
  /** most points of one journey (default 32) */
  maxFlowPoints?: number;
}

const us = (ns: number) => ns / 1000;

function meta(pid: number, label: string, tids: number[], sortIndex: number): TraceEvent[] {
  const out: TraceEvent[] = [
    { ph: "M", name: "process_name", pid, args: { name: label } },
    { ph: "M", name: "process_sort_index", pid, args: { sort_index: sortIndex } },
  ];
  for (const t of tids) {
    out.push({ ph: "M", name: "thread_name", pid, tid: t, args: { name: TRACK_NAME[t] } });
    out.push({ ph: "M", name: "thread_sort_index", pid, tid: t, args: { sort_index: t } });
  }
  return out;
}

function callSlice(pid: number, r: CallRecord): TraceEvent {
  const { name, args } = straceCall(r);
  const ev: TraceEvent = {
    name: r.syscall ? name : r.name, cat: r.syscall ? "syscall" : "user", ph: "X", ts: us(r.t0), dur: us(Math.max(0, r.t1 - r.t0)), pid, tid: TRACK.process,
    args: { call: r.syscall ? `${name}(${args.join(", ")})` : `${r.name}(${r.args.map((a) => (a === undefined ? "?" : a)).join(", ")})`, ret: r.ret, step: r.step, at: r.at },
  };
  if (r.errno) ev.args!.errno = r.errno;
  return ev;
}

/** Which actor an event belongs to, its slice's name, and the frame it moves (for a page's journey). */
function place(e: SimEvent): { tid: number; name: string; frame?: number; to?: number } | null {
  const n = (k: string) => Number(e[k] ?? 0);
  switch (e.kind) {
    case "MODE_SWITCH": return { tid: TRACK.kernel, name: n("toKernel") ? "syscall entry" : "syscall exit" };
    case "FAULT": return { tid: TRACK.kernel, name: `page fault (${n("major") === 1 ? "major" : n("major") < 0 ? "failed" : "minor"}, ${e.modeName ?? "user"})` };
    case "PTE_SET": return { tid: TRACK.kernel, name: "set PTE", frame: n("frame") };
    case "PT_ALLOC": return { tid: TRACK.kernel, name: "page table alloc" };
    case "CPU_COPY": {
      const peer = e.whatName === "PEER_TO_USER";
      return { tid: peer ? TRACK.peer : TRACK.kernel, name: `copy ${String(e.whatName ?? "").toLowerCase()} ${n("bytes")} B`, frame: n("src"), to: n("dst") };
    }
    case "DMA": {
      const dev = n("device");
      const tid = dev === 1 ? TRACK.disk : dev === 3 ? TRACK.nic : TRACK.dma;
      return { tid, name: `DMA ${n("bytes")} B`, frame: n("src") > 0 ? n("src") : n("dst") };
    }
    case "DESC_POST": return { tid: TRACK.nic, name: `TX descriptor ${n("index")} (${n("len")} B)`, frame: n("frame") };
    case "DESC_DONE": return { tid: TRACK.nic, name: `descriptor ${n("index")} done` };
    case "CACHE_ADD": return { tid: TRACK.kernel, name: `page cache add (order ${n("order")})`, frame: n("frame") };
    case "PIPE_PUSH": return { tid: TRACK.kernel, name: `pipe ${n("pipe")} push slot ${n("slot")}`, frame: n("frame") };
    case "PIPE_POP": return { tid: TRACK.kernel, name: `pipe ${n("pipe")} pop slot ${n("slot")}`, frame: n("frame") };
    case "SKB_ALLOC": return { tid: TRACK.kernel, name: `skb ${n("skb")} (${n("len")} B, ${n("linear")} linear)` };
    case "SKB_FRAG": return { tid: TRACK.kernel, name: `skb ${n("skb")} frag ${n("frag")} (${n("len")} B)`, frame: n("frame") };
    case "XMIT": return { tid: n("device") === 3 ? TRACK.nic : TRACK.kernel, name: `xmit skb ${n("skb")} (${e.deviceName ?? ""})` };
    case "DELIVER": return { tid: TRACK.peer, name: `deliver ${n("bytes")} B${n("intact") ? "" : " (NOT intact)"}` };
    case "CSUM": return { tid: TRACK.kernel, name: `checksum ${n("bytes")} B`, frame: n("frame") };
    case "PAGE_REF": return { tid: TRACK.kernel, name: "get_page" };
    case "PAGE_UNREF": return { tid: TRACK.kernel, name: "put_page" };
    case "PAGE_FREE": return { tid: TRACK.kernel, name: "free page" };
    case "WAIT": return { tid: TRACK.kernel, name: `wait (${e.whatName ?? n("what")})` };
    case "BLOCK_RQ": return { tid: TRACK.disk, name: `block request ${n("pages")} pages` };
    case "ZC_COMPLETE": return { tid: TRACK.kernel, name: `zerocopy completion ${n("lo")}..${n("hi")}${n("copied") ? " (copied)" : ""}` };
    case "IO_ACCT": return { tid: TRACK.kernel, name: "io accounting" };
    case "PEER_CALL": return { tid: TRACK.peer, name: `peer ${e.name ?? "read"} = ${n("ret")}` };
    case "COST": return { tid: TRACK.kernel, name: "page-cache lookups, allocations" };
    case "PEER_WAKE": return { tid: TRACK.kernel, name: `wake the peer (skb ${n("skb")})` };
    case "CACHE_MISS": return { tid: TRACK.kernel, name: `cache miss: ${n("bytes")} B ${n("dst") ? "written" : "read"}`, frame: n("frame") };
    default: return null;
  }
}

interface Journey { id: number; points: number[] } // indexes into the slice list

const COUNTER_TRACKS: [string, number][] = [
  ["CPU copy bytes", Counter.CPU_COPY_BYTES], ["DMA bytes", Counter.DMA_BYTES], ["delivered bytes", Counter.DELIVERED_BYTES],
  ["mode switches", Counter.MODE_SWITCHES], ["page faults", Counter.FAULTS_MINOR], ["page refs", Counter.PAGE_REFS],
];

/** The model run's trace: every actor's slices in cost-model time, page journeys, counters. */
export function perfettoFromModel(compiled: Compiled, events: SimEvent[], opts: PerfettoOptions = {}): ChromeTrace {
  const pid = opts.pid ?? 1;
  const maxFlows = opts.maxFlows ?? 2000, maxPoints = opts.maxFlowPoints ?? 32;
  const calls = callsFromModel(compiled, events);
  const slices: TraceEvent[] = [];
  const journeyOf = new Map<number, Journey>();
  const journeys: Journey[] = [];
  const c = newCounters();
  const counterEvents: TraceEvent[] = [];
  const emitCounters = (t: number) => {
    for (const [name, k] of COUNTER_TRACKS) counterEvents.push({ ph: "C", name, pid, ts: us(t), args: { value: k === Counter.FAULTS_MINOR ? c[k] + c[Counter.FAULTS_MAJOR] : c[k] } });
  };
  const join = (frame: number | undefined, idx: number, fresh = false): Journey | undefined => {
    if (!frame || frame <= 0) return undefined;
    let j = journeyOf.get(frame);
    if (fresh || !j || j.points.length >= maxPoints) {
      if (journeys.length >= maxFlows) { journeyOf.delete(frame); return undefined; }
      j = { id: journeys.length + 1, points: [] };
      journeys.push(j);
      journeyOf.set(frame, j);
    }
    j.points.push(idx);
    return j;
  };
  const used = new Set<number>([TRACK.process]);
  let t = 0;
  emitCounters(0);
  for (const e of events) {
    const ns = e.ns ?? 0;
    countEvent(c, e);
    if (e.kind === "SIGNAL") {
      slices.push({ ph: "i", s: "t", name: `${e.signo === 7 ? "SIGBUS" : `signal ${e.signo}`} at 0x${Number(e.addr).toString(16)}`, cat: "signal", ts: us(t), pid, tid: TRACK.process });
    } else if (e.kind === "TRACE_CUT") {
      slices.push({ ph: "i", s: "p", name: `trace cut: ${e.dropped} events dropped`, cat: "trace", ts: us(t), pid, tid: TRACK.process });
    } else {
      const p = place(e);
      if (p) {
        used.add(p.tid);
        const idx = slices.length;
        slices.push({ ph: "X", name: p.name, cat: e.kind.toLowerCase(), ts: us(t), dur: us(ns), pid, tid: p.tid, args: { ...e } });
        if (e.kind === "CACHE_ADD") join(p.frame, idx, true);
        else if (e.kind === "PAGE_FREE") journeyOf.delete(Number(e.frame));
        else if (p.frame !== undefined && (journeyOf.has(p.frame) || e.kind === "PIPE_PUSH" || e.kind === "CPU_COPY" || e.kind === "SKB_FRAG" || e.kind === "DMA")) {
          const j = join(p.frame, idx);
          if (j && p.to && p.to > 0) journeyOf.set(p.to, j);
        }
      }
    }
    t += ns;
    if (e.kind === "SYS_EXIT") emitCounters(t);
  }
  emitCounters(t);
  // flows right after the slices they bind to
  const flowsAt = new Map<number, TraceEvent[]>();
  for (const j of journeys) {
    if (j.points.length < 2) continue;
    j.points.forEach((idx, k) => {
      const s = slices[idx];
      const ph = k === 0 ? "s" : k === j.points.length - 1 ? "f" : "t";
      const fe: TraceEvent = { ph, name: "page journey", cat: "page", id: j.id, ts: s.ts, pid, tid: s.tid };
      if (ph === "f") fe.bp = "e";
      const list = flowsAt.get(idx) ?? [];
      list.push(fe);
      flowsAt.set(idx, list);
    });
  }
  const body: TraceEvent[] = [];
  slices.forEach((s, i) => { body.push(s); for (const f of flowsAt.get(i) ?? []) body.push(f); });
  const callEvents = calls.map((r) => callSlice(pid, r));
  const traceEvents = [
    ...meta(pid, opts.label ?? `model: ${compiled.name}`, [...used].sort((a, b) => a - b), pid),
    ...mergeByTs(callEvents, body, counterEvents),
  ];
  return { traceEvents, displayTimeUnit: "ns", otherData: { engine: "model", scenario: compiled.name, clock: "cost model (ns)", params: compiled.params } };
}

/** The native run's trace: the calls as the host measured them, and the bytes they moved as a counter. */
export function perfettoFromNative(compiled: Compiled, raw: NativeCallLog, opts: PerfettoOptions = {}): ChromeTrace {
  const pid = opts.pid ?? 2;
  const calls = callsFromNative(compiled, raw);
  const slices: TraceEvent[] = [];
  const counters: TraceEvent[] = [{ ph: "C", name: "bytes moved by calls", pid, ts: 0, args: { value: 0 } }];
  let moved = 0;
  const MOVERS = new Set(["read", "write", "pread64", "pwrite64", "sendfile", "splice", "tee", "vmsplice", "copy_file_range", "send"]);
  for (const r of calls) {
    slices.push(callSlice(pid, r));
    if (r.signal) slices.push({ ph: "i", s: "t", name: `${r.signal.signal} at ${r.signal.addr ?? "?"}`, cat: "signal", ts: us(r.t1), pid, tid: TRACK.process });
    if (MOVERS.has(r.name) && r.ret > 0) {
      moved += r.ret;
      counters.push({ ph: "C", name: "bytes moved by calls", pid, ts: us(r.t1), args: { value: moved } });
    }
  }
  const label = opts.label ?? `kernel${raw.kernel?.release ? ` ${raw.kernel.release}` : ""}: ${compiled.name}`;
  return {
    traceEvents: [...meta(pid, label, [TRACK.process], pid), ...mergeByTs(slices, counters)],
    displayTimeUnit: "ns",
    otherData: { engine: "native", scenario: compiled.name, clock: "CLOCK_MONOTONIC, measured", kernel: raw.kernel, callsDropped: raw.callsDropped ?? 0 },
  };
}

/** Several runs in one file (distinct pids), e.g. the model and the kernel side by side. */
export function mergeTraces(...traces: ChromeTrace[]): ChromeTrace {
  return {
    traceEvents: traces.flatMap((t) => t.traceEvents),
    displayTimeUnit: "ns",
    otherData: { runs: traces.map((t) => t.otherData ?? {}) },
  };
}

/** Merges event lists each already in time order into one (stable: ties keep list order, then input order). */
function mergeByTs(...lists: TraceEvent[][]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const pos = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      if (pos[i] >= lists[i].length) continue;
      if (best < 0 || (lists[i][pos[i]].ts ?? 0) < (lists[best][pos[best]].ts ?? 0)) best = i;
    }
    if (best < 0) return out;
    // keep a slice and the flow events bound to it together
    out.push(lists[best][pos[best]++]);
    while (pos[best] < lists[best].length && /[stf]/.test(lists[best][pos[best]].ph) && lists[best][pos[best]].cat === "page") out.push(lists[best][pos[best]++]);
  }
}

/** Problems with a trace against the trace-event format (empty: none). Used by the tests and by `zcsim trace`. */
export function checkTrace(trace: ChromeTrace): string[] {
  const bad: string[] = [];
  const PH = new Set(["X", "B", "E", "i", "I", "s", "t", "f", "C", "M"]);
  const last = new Map<string, number>();
  const stacks = new Map<string, string[]>();
  const flows = new Map<number, { s: number; f: number; ts: number[] }>();
  trace.traceEvents.forEach((e, i) => {
    if (!PH.has(e.ph)) bad.push(`event ${i}: unknown phase ${e.ph}`);
    if (typeof e.pid !== "number") bad.push(`event ${i}: no pid`);
    if (e.ph === "M") return;
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) { bad.push(`event ${i}: bad ts`); return; }
    const track = e.ph === "C" ? `${e.pid}/C/${e.name}` : `${e.pid}/${e.tid}`;
    if ((last.get(track) ?? -Infinity) > e.ts) bad.push(`event ${i}: ts ${e.ts} goes back on track ${track}`);
    last.set(track, e.ts);
    if (e.ph === "X" && (typeof e.dur !== "number" || e.dur < 0)) bad.push(`event ${i}: X without a duration`);
    if (e.ph === "B") { const st = stacks.get(track) ?? []; st.push(e.name ?? ""); stacks.set(track, st); }
    if (e.ph === "E") { const st = stacks.get(track) ?? []; if (!st.length) bad.push(`event ${i}: E without B on ${track}`); st.pop(); }
    if (e.ph === "C" && (!e.args || Object.values(e.args).some((v) => typeof v !== "number"))) bad.push(`event ${i}: counter without numeric args`);
    if (e.ph === "s" || e.ph === "t" || e.ph === "f") {
      if (typeof e.id !== "number") { bad.push(`event ${i}: flow without id`); return; }
      const fl = flows.get(e.id) ?? { s: 0, f: 0, ts: [] };
      if (e.ph === "s") fl.s++;
      if (e.ph === "f") { fl.f++; if (e.bp !== "e") bad.push(`event ${i}: flow end without bp "e"`); }
      fl.ts.push(e.ts);
      flows.set(e.id, fl);
    }
  });
  for (const [track, st] of stacks) if (st.length) bad.push(`track ${track}: ${st.length} B without E`);
  for (const [id, fl] of flows) {
    if (fl.s !== 1 || fl.f !== 1) bad.push(`flow ${id}: ${fl.s} starts, ${fl.f} ends`);
    if (fl.ts.some((x, k) => k > 0 && x < fl.ts[k - 1])) bad.push(`flow ${id}: goes back in time`);
  }
  return bad;
}
