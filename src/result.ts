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
  delivered: { bytes: number; intact: boolean; modifiedBytes?: number };
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
