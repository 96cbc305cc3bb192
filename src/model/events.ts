/**
 * The model's trace events, decoded: `{ seq, kind: "CPU_COPY", ...named fields }`, and what each event counts.
 * The step player rebuilds every counter from the events alone with `countEvent`; the wasm counts the same
 * actions independently where they happen, and a test checks that both end equal.
 */
import { Call, Counter, CopyWhat, Dev, Ev, EVENTS, Errno, FaultMode, Wait, COUNTER_COUNT } from "../scenario/abi.js";

export type EvKind = keyof typeof Ev;

export interface SimEvent {
  seq: number;
  kind: EvKind;
  /** cost-model nanoseconds this action cost (word f; absent on SYS_ENTER) */
  ns?: number;
  [field: string]: number | string | undefined;
}

const KIND_NAME: Record<number, EvKind> = Object.fromEntries(Object.entries(Ev).map(([k, v]) => [v, k as EvKind]));
const CALL_NAME: Record<number, string> = Object.fromEntries(Object.entries(Call).map(([k, v]) => [v.id, k]));
const COPY_NAME: Record<number, string> = Object.fromEntries(Object.entries(CopyWhat).map(([k, v]) => [v, k]));
const DEV_NAME: Record<number, string> = Object.fromEntries(Object.entries(Dev).map(([k, v]) => [v, k]));
const ERRNO_NAME: Record<number, string> = Object.fromEntries(Object.entries(Errno).map(([k, v]) => [v, k]));
const FAULT_MODE: Record<number, string> = { [FaultMode.USER]: "user", [FaultMode.GUP]: "populate", [FaultMode.KERNEL]: "kernel" };
const WAIT_NAME: Record<number, string> = {
  [Wait.DISK]: "disk", [Wait.SOCKET]: "socket", [Wait.PIPE]: "pipe", [Wait.POLL]: "poll timeout",
  [Wait.BLOCKED]: "forever (nothing can wake the call: the run stops, TIMEOUT)",
};

export function callName(id: number): string { return CALL_NAME[id] ?? `call${id}`; }
export function errnoName(n: number): string { return ERRNO_NAME[n] ?? `E${n}`; }


/** Decodes record `i` of a trace (8 int64 words each). */
export function decodeEvent(words: BigInt64Array, i: number): SimEvent {
  const o = i * 8;
  const k = Number(words[o + 1]);
  const kind = KIND_NAME[k] ?? ("UNKNOWN" as EvKind);
  const e: SimEvent = { seq: Number(words[o]), kind };
  // the field names of words a..f (EVENTS in abi.ts); word f is the action's ns unless the kind names six fields
  const names: readonly string[] = EVENTS[kind]?.fields ?? ["a", "b", "c", "d", "e", "f"];
  for (let j = 0; j < names.length && j < 6; j++) e[names[j]] = Number(words[o + 2 + j]);
  if (names.length < 6 || !EVENTS[kind]) e.ns = Number(words[o + 7]);
  if (kind === "SYS_ENTER" || kind === "SYS_EXIT" || kind === "USER_OP" || kind === "PEER_CALL" || kind === "MODE_SWITCH") {
    e.name = callName(Number(e.call));
  }
  if (kind === "SYS_EXIT" && Number(e.errno) > 0) e.errnoName = errnoName(Number(e.errno));
  if (kind === "CPU_COPY") e.whatName = COPY_NAME[Number(e.what)];
  if (kind === "DMA" || kind === "XMIT") e.deviceName = DEV_NAME[Number(e.device)];
  if (kind === "FAULT") e.modeName = FAULT_MODE[Number(e.mode)] ?? String(e.mode);
  if (kind === "WAIT") e.whatName = WAIT_NAME[Number(e.what)];
  return e;
}

/** A counter array the player fills (int64 values as numbers: exact up to 2^53). */
export type CounterArray = Float64Array;
export function newCounters(): CounterArray { return new Float64Array(COUNTER_COUNT); }

/**
 * What one event counts. This is the step player's independent account of the counters: the same actions the
 * wasm counts where they happen, read back from the events that record them.
 */
export function countEvent(c: CounterArray, e: SimEvent, byName?: Record<string, number>): void {
  const n = (k: string) => Number(e[k] ?? 0);
  if (e.kind !== "SYS_ENTER") c[Counter.TIME_NS] += e.ns ?? 0;
  switch (e.kind) {
    case "SYS_ENTER":
      c[Counter.SYSCALLS]++;
      if (byName) byName[String(e.name)] = (byName[String(e.name)] ?? 0) + 1;
      break;
    case "MODE_SWITCH": c[Counter.MODE_SWITCHES]++; break;
    case "FAULT":
      if (n("major") === 1) c[Counter.FAULTS_MAJOR]++;
      else if (n("major") === 0) c[Counter.FAULTS_MINOR]++;
      if (n("mode") === 0) c[Counter.TP_PAGE_FAULT_USER]++;
      break;
    case "PTE_SET": c[Counter.PTES_SET]++; break;
    case "PT_ALLOC": c[Counter.PT_PAGES]++; break;
    case "CPU_COPY":
      if (n("what") === CopyWhat.PEER_TO_USER) {
        c[Counter.PEER_COPY_OPS] += n("opStart");
        c[Counter.PEER_COPY_BYTES] += n("bytes");
        c[Counter.TP_SKB_COPY_DATAGRAM] += n("opStart");
      } else {
        c[Counter.CPU_COPY_OPS] += n("opStart");
        c[Counter.CPU_COPY_BYTES] += n("bytes");
      }
      break;
    case "DMA": c[Counter.DMA_OPS]++; c[Counter.DMA_BYTES] += n("bytes"); break;
    case "DESC_POST": c[Counter.NIC_DESCRIPTORS]++; break;
    case "CACHE_ADD": c[Counter.TP_FILEMAP_ADD]++; break;
    case "XMIT":
      // the skb as its driver got it (after software GSO or linearizing): counted there, as the kernel is sampled
      c[Counter.TP_NET_DEV_XMIT]++;
      c[Counter.SKBS]++;
      c[Counter.SKB_LINEAR_BYTES] += n("linear");
      c[Counter.SKB_FRAG_BYTES] += n("bytes") - n("linear");
      break;
    case "DELIVER":
      c[Counter.DELIVERED_BYTES] += n("bytes");
      c[Counter.DELIVERED_BAD] += n("bad");
      c[Counter.DELIVERED_MODIFIED] += n("modified");
      break;
    case "CSUM": c[Counter.CSUM_BYTES] += n("bytes"); break;
    case "PAGE_REF": c[Counter.PAGE_REFS] += n("count") || 1; break;   // folio_ref_add takes several at once
    case "SIGNAL": c[Counter.SIGNALS]++; break;
    case "WAIT": c[Counter.NVCSW]++; break;
    case "BLOCK_RQ":
      c[Counter.TP_BLOCK_RQ_ISSUE]++;
      if (n("write") === 0) {
        c[Counter.DISK_PAGES] += n("pages");
        c[Counter.IO_READ_BYTES] += n("pages") * 4096;
      }
      break;
    case "ZC_COMPLETE": {
      // a completion counts the sends it covers
      const sends = n("hi") - n("lo") + 1;
      c[Counter.ZC_COMPLETIONS] += sends;
      c[Counter.ZC_COPIED] += n("copied") ? sends : 0;
      break;
    }
    case "IO_ACCT":
      c[Counter.IO_RCHAR] += n("rchar");
      c[Counter.IO_WCHAR] += n("wchar");
      c[Counter.IO_SYSCR] += n("syscr");
      c[Counter.IO_SYSCW] += n("syscw");
      c[Counter.IO_WRITE_BYTES] += n("writeBytes");
      break;
    case "PEER_CALL": c[Counter.PEER_SYSCALLS]++; break;
    case "PEER_WAKE": c[Counter.PEER_WAKEUPS]++; break;
    case "CACHE_MISS": c[n("dst") ? Counter.COPY_COLD_DST_BYTES : Counter.COPY_COLD_SRC_BYTES] += n("bytes"); break;
    case "SETUP": c[Counter.RESIDENT_PAGES] = n("residentPages"); c[Counter.FILE_PAGES] = n("filePages"); break;
    default: break;
  }
}
