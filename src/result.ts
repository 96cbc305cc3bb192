/**
 * The result: one JSON shape for both engines (DESIGN.md, "The result"). Everything else (tables, compare,
 * traces, the widget) is built on it.
 */

export type Engine = "sim" | "native";

/** How a native figure was obtained. The model's figures are all counted from its own actions. */
export type Evidence = "measured" | "derived" | "unobservable" | "unavailable";

export interface CopyCount {
  ops: number;
  bytes: number;
}

export interface ErrorRecord {
  /** the call's index in the scenario's program (document order, calls only) */
  step: number;
  /** the call's place in the scenario file, e.g. "program[3].do[0]" */
  at?: string;
  call: string;
  errno: string;
  /** how many times this call failed with this errno (a loop may fail many times) */
  count?: number;
}

export interface SignalRecord {
  step: number;
  at?: string;
  signal: string;
  code: string;
  /** the faulting byte address, as a decimal string relative to the mapping it hit: { map, offset } */
  addr?: string;
  mapOffset?: number;
}

export interface Result {
  engine: Engine;
  scenario: string;
  /** resolved parameter values; sizes in bytes */
  params: Record<string, string | number | boolean>;
  payloadBytes: number;
  syscalls: { total: number; byName: Record<string, number> };
  /** user<->kernel transitions caused by syscalls: 2 per syscall */
  modeSwitches: number;
  faults: { minor: number; major: number };
  copies: { cpu: CopyCount; dma: CopyCount };
  io: { rchar: number; wchar: number; syscr: number; syscw: number; readBytes: number; writeBytes?: number };
  errors: ErrorRecord[];
  signals?: SignalRecord[];
  /** What the sinks received (docs/result.md, "delivered"). `bytes`: every sink's bytes, a null sink's as the calls
   *  returned them. `intact`: true when every sink had an expectation and received exactly it (right length, each
   *  byte a version legal for it); false when one did not; null (unverified) when no sink failed but an expectation
   *  could not be checked byte by byte (a null sink's) or no sink had one. `digest`: each sink's 64-bit stream
   *  digest in hex, in sink order, "-" for a null sink (docs/program-format.md, "The delivery proof"). */
  delivered: { bytes: number; intact: boolean | null; modifiedBytes?: number; digest?: string };
  /** native only: steps the host did not run (a call or a load/store that would have reached the host's own memory
   *  or descriptors). No errno, signal or count stands for them: a comparison scores them "not run", never agreement */
  notRun?: { step: number; at?: string; call: string; why: string; count?: number }[];
  /** sim: cost-model prediction; native: measured wall time of the transfer phase */
  timeNs: number;
  /** the loopback TCP peer's own work, reported apart */
  peer?: {
    copies: CopyCount;
    syscalls: { total: number; byName?: Record<string, number> };
    /** times the peer slept in recv until data woke it (sim: its clock behind an skb's arrival; native: its
     *  voluntary context switches while reading). Absent from results made before it existed */
    wakeups?: number;
    /** native only: the peer's CPU time (getrusage, user + system) while it read; tick-sampled */
    cpuNs?: number;
  };
  /** optional evidence: tracepoint counts, page-cache inserts, skbs, descriptors, residency... */
  kernel?: Record<string, number | string | boolean | null>;
  /** native only: per counter path ("faults.minor"), how it was obtained */
  evidence?: Record<string, Evidence>;
  /** native only: why a counter is unavailable, per counter path */
  unavailable?: Record<string, string>;
  /** free-form notes an engine wants a reader to see (knobs it could not apply, ...) */
  notes?: string[];
}

/** One sink as an engine reports it, for the delivery verdict. */
export interface SinkVerdictInput {
  kind: "tcp" | "file" | "null" | "nic";
  /** expected file id, -1: none */
  expect: number;
  bytes: number;
  bad: number;
  /** false when the sink's reader never reported (native: a peer that died) */
  reported?: boolean;
}

/**
 * The delivery verdict of one run, the same for both engines (docs/result.md). Per sink: a wrong length (every kind
 * with an expectation), a bad byte or a reader that never reported is false. Overall: false if any sink is false;
 * otherwise null (unverified) when an expectation could not be checked byte by byte (a null sink's) or no sink was
 * checked (none with an expectation); otherwise true. A sink without expectation (a side sink draining a tee, say)
 * is checked by nobody: it never makes a delivery intact, and it does not stop another sink's check from doing so.
 */
export function deliveryVerdict(sinks: SinkVerdictInput[], expectSize: (file: number) => number | undefined): boolean | null {
  let checked = 0, unverifiable = 0;
  for (const s of sinks) {
    const want = s.expect >= 0 ? expectSize(s.expect) : undefined;
    if (s.reported === false || s.bad > 0) return false;
    if (want !== undefined && s.bytes !== want) return false;
    if (s.expect < 0) continue;
    if (s.kind === "null") unverifiable++;
    else checked++;
  }
  return unverifiable > 0 || checked === 0 ? null : true;
}
