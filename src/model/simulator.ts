/**
 * The simulator: one instance of the wasm model, typed. `run(compiled)` runs a compiled scenario and builds the
 * result of DESIGN.md from the model's counters; `player(compiled)` plays its trace event by event, rebuilding
 * the counters from the events alone.
 */
import { Call, Counter, Knob, Status, SinkKind, COUNTER_COUNT, signalName, siCodeName } from "../scenario/abi.js";
import type { Compiled } from "../scenario/types.js";
import { DEFAULT_MODEL_TIMEOUT_MS, stepCap, timeCap } from "../scenario/limits.js";
import { CallInsn, Op } from "../scenario/abi.js";
import { mapProgram } from "../scenario/layout.js";
import { TCP_CONGESTION_NAMES } from "../scenario/machine-params.js";
import { deliveryVerdict, type Result, type ErrorRecord, type SignalRecord } from "../result.js";
import { compileModel, instantiateModel, type ModelExports, type WasmSource } from "./wasm.js";
import { decodeEvent, countEvent, newCounters, callName, errnoName, type SimEvent, type CounterArray } from "./events.js";

export interface RunOptions {
  /** keep the event trace (default: false, counters only) */
  trace?: boolean;
  /** most events kept (Knob.TRACE_CAP); past it the trace ends with TRACE_CUT */
  traceCap?: number;
  /** knob overrides by Knob id, applied after the program's own knobs */
  knobs?: Record<number, number>;
  /** the run's cap on instructions (default DEFAULT_MAX_STEPS, at most MAX_STEPS): past it the run ends TIMEOUT */
  maxSteps?: number;
  /** the run's cap on wall time, ms (default DEFAULT_MODEL_TIMEOUT_MS, at most MAX_TIMEOUT_MS): past it TIMEOUT */
  timeoutMs?: number;
  /** tests only: damage what every sink receives at stream position `pos` before it is checked (the delivery
   *  proof's corruption test; native: ZCSIM_TEST_CORRUPT) */
  testCorrupt?: { kind: "zero" | "flip" | "dup" | "drop" | "swap"; pos: number };
  /** sum each sink's stream digest (default true; delivered.digest is absent without it). It costs about 3 ns per
   *  8 bytes delivered, several times the model's own work on a large zero-copy transfer: bulk runs leave it out */
  digest?: boolean;
}

/** Why a run ended with TIMEOUT: a call nothing can wake (blocked), or a cap reached while it kept executing. */
export interface Stopped {
  reason: "blocked" | "looping";
  /** looping: the cap that stopped it */
  cap?: "steps" | "time";
  /** instructions executed, and the wall time the model spent, ms */
  steps: number;
  ms: number;
  /** the statement it stopped at (program[...]), where known */
  at?: string;
  detail: string;
}

export type StatusName = keyof typeof Status;

export interface SinkInfo { kind: number; expect: number; bytes: number; bad: number; modified: number; digest: string }

export interface RunOutput {
  result: Result;
  events?: SimEvent[];
  /** the engine's status: "DONE" when the program ran to its end */
  status: StatusName;
  /** the raw counters, by Counter index */
  counters: number[];
  /** events dropped past the trace cap (0 when complete) */
  traceDropped: number;
  /** what each sink received: kind, expect, bytes, bad, modified, digest (the delivery verdict is built from these) */
  sinks: SinkInfo[];
  /** bytes of wasm memory in use, and the model's own tables */
  memoryBytes: number;
  modelBytes: number;
  /** status TIMEOUT: why */
  stopped?: Stopped;
}

const CORRUPT_KINDS = ["zero", "flip", "dup", "drop", "swap"];
const SINK_KIND_NAME: Record<number, "tcp" | "file" | "null" | "nic"> = Object.fromEntries(Object.entries(SinkKind).map(([k, v]) => [v, k as "tcp" | "file" | "null" | "nic"]));
const STATUS_NAME: Record<number, StatusName> = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k as StatusName]));
const SYSCALL_IDS = new Set<number>(Object.values(Call).filter((c) => c.syscall).map((c) => c.id));

/** The result shape, built from a counter array and what the run recorded. */
export function buildResult(
  compiled: Compiled,
  c: ArrayLike<number>,
  byName: Record<string, number>,
  errors: ErrorRecord[],
  signals: SignalRecord[],
  sinks: { kind: number; expect: number; bytes: number; bad: number; modified: number; digest?: string }[],
): Result {
  const expectSize = (f: number) => compiled.files.find((x) => x.id === f)?.size ?? 0;
  const intact = deliveryVerdict(sinks.map((s) => ({ kind: SINK_KIND_NAME[s.kind] ?? "null", expect: s.expect, bytes: s.bytes, bad: s.bad })), expectSize);
  const digest = sinks.map((s) => (s.kind === SinkKind.null ? "-" : s.digest ?? "-")).join(",");
  const kernel: Record<string, number> = {
    pageFaultUser: c[Counter.TP_PAGE_FAULT_USER],
    filemapAdd: c[Counter.TP_FILEMAP_ADD],
    blockRqIssue: c[Counter.TP_BLOCK_RQ_ISSUE],
    netDevXmit: c[Counter.TP_NET_DEV_XMIT],
    // the model's TP_SKB_COPY_DATAGRAM counts the peer's receive copies (abi.ts): the native host's name
    peerSkbCopyDatagram: c[Counter.TP_SKB_COPY_DATAGRAM],
    csumBytes: c[Counter.CSUM_BYTES],
    nicDescriptors: c[Counter.NIC_DESCRIPTORS],
    skbs: c[Counter.SKBS],
    skbFragBytes: c[Counter.SKB_FRAG_BYTES],
    skbLinearBytes: c[Counter.SKB_LINEAR_BYTES],
    pageRefs: c[Counter.PAGE_REFS],
    ptesSet: c[Counter.PTES_SET],
    ptPages: c[Counter.PT_PAGES],
    diskPages: c[Counter.DISK_PAGES],
    residentPages: c[Counter.RESIDENT_PAGES],
    filePages: c[Counter.FILE_PAGES],
    nvcsw: c[Counter.NVCSW],
    signals: c[Counter.SIGNALS],
    zcCompletions: c[Counter.ZC_COMPLETIONS],
    zcCopied: c[Counter.ZC_COPIED],
    copyColdSrcBytes: c[Counter.COPY_COLD_SRC_BYTES],
    copyColdDstBytes: c[Counter.COPY_COLD_DST_BYTES],
  };
  sinks.forEach((s, i) => {
    const name = compiled.sinks[i]?.name ?? String(i);
    kernel[`sink.${name}.bytes`] = s.bytes;
    kernel[`sink.${name}.bad`] = s.bad;
  });
  const hasPeer = compiled.sinks.some((s) => s.kind === "tcp");
  const result: Result = {
    engine: "sim",
    scenario: compiled.name,
    params: compiled.params,
    payloadBytes: compiled.payloadBytes,
    syscalls: { total: c[Counter.SYSCALLS], byName },
    modeSwitches: c[Counter.MODE_SWITCHES],
    faults: { minor: c[Counter.FAULTS_MINOR], major: c[Counter.FAULTS_MAJOR] },
    copies: {
      cpu: { ops: c[Counter.CPU_COPY_OPS], bytes: c[Counter.CPU_COPY_BYTES] },
      dma: { ops: c[Counter.DMA_OPS], bytes: c[Counter.DMA_BYTES] },
    },
    io: {
      rchar: c[Counter.IO_RCHAR], wchar: c[Counter.IO_WCHAR], syscr: c[Counter.IO_SYSCR], syscw: c[Counter.IO_SYSCW],
      readBytes: c[Counter.IO_READ_BYTES], writeBytes: c[Counter.IO_WRITE_BYTES],
    },
    errors,
    delivered: { bytes: c[Counter.DELIVERED_BYTES], intact, modifiedBytes: c[Counter.DELIVERED_MODIFIED], digest },
    timeNs: c[Counter.TIME_NS],
    kernel,
  };
  if (signals.length) result.signals = signals;
  if (hasPeer) {
    result.peer = {
      copies: { ops: c[Counter.PEER_COPY_OPS], bytes: c[Counter.PEER_COPY_BYTES] },
      wakeups: c[Counter.PEER_WAKEUPS],
      syscalls: { total: c[Counter.PEER_SYSCALLS], byName: { read: c[Counter.PEER_SYSCALLS] } },
    };
  }
  return result;
}

export class Simulator {
  constructor(private readonly x: ModelExports) {}

  private i64(ptr: number, n: number): BigInt64Array {
    return new BigInt64Array(this.x.memory.buffer.slice(ptr, ptr + n * 8));
  }

  /** Loads and sets up `compiled`; returns the status name. */
  private prepare(compiled: Compiled, opts: RunOptions): StatusName {
    const x = this.x;
    const words = compiled.program;
    const ptr = x.zc_alloc(words.length * 8);
    new BigInt64Array(x.memory.buffer, ptr, words.length).set(words);
    let st = x.zc_load(ptr, words.length);
    x.zc_free(ptr);
    if (st !== Status.OK) return STATUS_NAME[st];
    x.zc_clear_knobs();
    x.zc_set_knob(Knob.TRACE, opts.trace ? 1n : 0n);
    if (opts.traceCap !== undefined) x.zc_set_knob(Knob.TRACE_CAP, BigInt(opts.traceCap));
    for (const [k, v] of Object.entries(opts.knobs ?? {})) x.zc_set_knob(Number(k), BigInt(v));
    x.zc_set_digest(opts.digest === false ? 0 : 1);
    x.zc_test_corrupt(opts.testCorrupt ? CORRUPT_KINDS.indexOf(opts.testCorrupt.kind) : -1, BigInt(opts.testCorrupt?.pos ?? 0));
    st = x.zc_setup();
    return STATUS_NAME[st];
  }

  private counters(): number[] {
    const w = this.i64(this.x.zc_counters_ptr(), COUNTER_COUNT);
    return Array.from(w, Number);
  }

  private errors(compiled: Compiled): ErrorRecord[] {
    const n = this.x.zc_errors_len();
    const w = this.i64(this.x.zc_errors_ptr(), n * 4);
    const out: ErrorRecord[] = [];
    for (let i = 0; i < n; i++) {
      const step = Number(w[i * 4]);
      out.push({ step, at: compiled.steps[step]?.at, call: callName(Number(w[i * 4 + 1])), errno: errnoName(Number(w[i * 4 + 2])), count: Number(w[i * 4 + 3]) });
    }
    return out;
  }

  private signals(compiled: Compiled): SignalRecord[] {
    const n = this.x.zc_signals_len();
    const w = this.i64(this.x.zc_signals_ptr(), n * 6);
    const out: SignalRecord[] = [];
    for (let i = 0; i < n; i++) {
      const b = i * 6;
      const step = Number(w[b]);
      const signal = signalName(Number(w[b + 1])) ?? String(w[b + 1]);
      const rec: SignalRecord = { step, at: compiled.steps[step]?.at, signal, code: siCodeName(signal, Number(w[b + 2])) ?? String(w[b + 2]) };
      if (w[b + 4] >= 0n) { rec.addr = String(w[b + 3]); rec.mapOffset = Number(w[b + 5]); }
      out.push(rec);
    }
    return out;
  }

  private sinks(): SinkInfo[] {
    const n = this.x.zc_sinks_len();
    const w = this.i64(this.x.zc_sinks_ptr(), n * 6);
    return Array.from({ length: n }, (_, i) => ({
      kind: Number(w[i * 6]), expect: Number(w[i * 6 + 1]), bytes: Number(w[i * 6 + 2]), bad: Number(w[i * 6 + 3]), modified: Number(w[i * 6 + 4]),
      digest: BigInt.asUintN(64, w[i * 6 + 5]).toString(16).padStart(16, "0"),
    }));
  }

  private byName(): Record<string, number> {
    const w = this.i64(this.x.zc_calls_ptr(), 64);
    const out: Record<string, number> = {};
    for (let i = 0; i < 64; i++) if (w[i] > 0n && SYSCALL_IDS.has(i)) out[callName(i)] = Number(w[i]);
    return out;
  }

  /** The raw trace words of the last run (8 int64 per event). */
  traceWords(): BigInt64Array {
    return this.i64(this.x.zc_trace_ptr(), Number(this.x.zc_trace_len()) * 8);
  }

  /**
   * Runs the loaded program in slices of instructions until it ends, or until the run's caps (instructions, wall
   * time) stop it: then TIMEOUT, "looping". A call nothing can wake ends it in the wasm with TIMEOUT: "blocked".
   */
  private runBounded(compiled: Compiled, opts: RunOptions): { st: StatusName; stopped?: Stopped } {
    const x = this.x;
    // the program's own budget (stepBudget) stops it first when it is the lower: BUDGET_EXCEEDED, as in the host
    const budget = opts.knobs?.[Knob.STEP_BUDGET] ?? compiled.knobs[Knob.STEP_BUDGET] ?? Infinity;
    const maxSteps = budget <= stepCap(opts.maxSteps) ? Infinity : stepCap(opts.maxSteps);
    const timeoutMs = timeCap(opts.timeoutMs, DEFAULT_MODEL_TIMEOUT_MS);
    const t0 = Date.now();
    // instructions between looks at the clock, adapted so that a slice takes ~10 ms whatever an instruction costs
    // (a loop of 1 MiB writes runs ~10,000 a second, a loop of sets ~100 million)
    let slice = 256;
    for (;;) {
      const done = Number(x.zc_steps());
      const left = maxSteps - done;
      let cap: "steps" | "time" | undefined;
      if (left <= 0) cap = "steps";
      else if (Date.now() - t0 >= timeoutMs) cap = "time";
      if (cap) {
        const ms = Date.now() - t0;
        const at = this.statementAt(compiled);
        const what = cap === "steps" ? `the run's cap of ${maxSteps.toLocaleString("en-US")} instructions (--max-steps raises it; the scenario's stepBudget cannot)`
          : `the run's cap of ${timeoutMs} ms of wall time (--timeout raises it)`;
        return { st: "TIMEOUT", stopped: { reason: "looping", cap, steps: done, ms, ...(at ? { at } : {}),
          detail: `looping: the program was still executing instructions (${done.toLocaleString("en-US")} in ${ms} ms${at ? `, at ${at}` : ""}) when it reached ${what}` } };
      }
      const ts = Date.now();
      const st = STATUS_NAME[x.zc_run(BigInt(Math.min(slice, left)))]; // left may be Infinity: min is the slice
      const took = Date.now() - ts;
      slice = took < 5 ? Math.min(slice * 2, 1 << 22) : took > 20 ? Math.max(1, slice >> 1) : slice;
      if (st === "OK") continue;
      if (st === "TIMEOUT") {
        const at = this.statementAt(compiled);
        return { st, stopped: { reason: "blocked", steps: Number(x.zc_steps()), ms: Date.now() - t0, ...(at ? { at } : {}),
          detail: `blocked: the call${at ? ` at ${at}` : ""} sleeps and nothing in the machine can wake it (on Linux it would sleep for ever)` } };
      }
      return { st };
    }
  }

  /** The statement (program[...]) of the instruction at the model's pc, when it is a call or the compiler says. */
  private statementAt(compiled: Compiled): string | undefined {
    const p = compiled.program;
    const w = (i: number) => Number(p[i]);
    const code = mapProgram(p).code;
    const pc = this.x.zc_pc();
    if (code + pc + CallInsn.STEP >= p.length || w(code + pc) !== Op.CALL) return compiled.sites?.find((s) => s.pc === pc)?.at;
    return compiled.steps[w(code + pc + CallInsn.STEP)]?.at;
  }

  /** Runs `compiled` to its end and builds the result. */
  run(compiled: Compiled, opts: RunOptions = {}): RunOutput {
    const x = this.x;
    let st = this.prepare(compiled, opts);
    let stopped: Stopped | undefined;
    if (st === "OK") ({ st, stopped } = this.runBounded(compiled, opts));
    const counters = this.counters();
    const sinks = this.sinks();
    const result = buildResult(compiled, counters, this.byName(), this.errors(compiled), this.signals(compiled), sinks);
    if (opts.digest === false) delete result.delivered.digest;
    if (st !== "DONE") {
      // a run that did not reach its end cannot vouch for what its sinks received
      result.notes = [st === "BUDGET_EXCEEDED"
        ? `the model stopped with status BUDGET_EXCEEDED: more than Knob.STEP_BUDGET (stepBudget) instructions`
        : stopped ? `the model stopped with status ${st}: ${stopped.detail}` : `the model stopped with status ${st}`];
      result.delivered.intact = false;
    }
    // the congestion control is a knob of the connection; the model does what reno and cubic do on loopback
    // (no pacing): BBR's pacing timer it does not have (docs/limits.md, "Network")
    const cc = opts.knobs?.[Knob.TCP_CONGESTION] ?? compiled.knobs[Knob.TCP_CONGESTION];
    if (cc === TCP_CONGESTION_NAMES.indexOf("bbr") && compiled.sinks.some((s) => s.kind === "tcp")) {
      (result.notes ??= []).push("tcpCongestion=bbr: the model does not pace (BBR's hrtimer per skb on a qdisc-less loopback, and the peer woken by each paced skb); its times and the peer's wake-ups are those of an unpaced connection (reno, cubic)");
    }
    const out: RunOutput = {
      result, status: st, counters, sinks, traceDropped: Number(x.zc_trace_dropped()),
      memoryBytes: Number(x.zc_memory_bytes()), modelBytes: Number(x.zc_model_bytes()),
    };
    if (stopped) out.stopped = stopped;
    if (opts.trace) {
      const words = this.traceWords();
      out.events = Array.from({ length: words.length / 8 }, (_, i) => decodeEvent(words, i));
    }
    return out;
  }

  /**
   * A player over the run's trace: step through it event by event, back, seek; counters() gives the counters as
   * the events so far account for them (rebuilt from the events, not read from the wasm).
   */
  player(compiled: Compiled, opts: Omit<RunOptions, "trace"> = {}): Player {
    const out = this.run(compiled, { ...opts, trace: true });
    return new Player(compiled, out);
  }
}

export class Player {
  private pos = 0;
  private c: CounterArray = newCounters();
  private names: Record<string, number> = {};
  readonly events: SimEvent[];

  constructor(private readonly compiled: Compiled, readonly run: RunOutput) {
    this.events = run.events ?? [];
  }

  get length(): number { return this.events.length; }
  get position(): number { return this.pos; }

  /** Plays the next event; null at the end. */
  step(): SimEvent | null {
    if (this.pos >= this.events.length) return null;
    const e = this.events[this.pos++];
    countEvent(this.c, e, this.names);
    return e;
  }

  /** Goes back one event. */
  back(): SimEvent | null {
    if (this.pos === 0) return null;
    this.seek(this.pos - 1);
    return this.events[this.pos] ?? null;
  }

  /** Goes to position n (0: before the first event). */
  seek(n: number): void {
    n = Math.max(0, Math.min(this.events.length, Math.floor(n)));
    if (n < this.pos) this.reset();
    while (this.pos < n) this.step();
  }

  reset(): void {
    this.pos = 0;
    this.c = newCounters();
    this.names = {};
  }

  /** The raw counters so far (by Counter index). */
  rawCounters(): number[] { return Array.from(this.c); }

  /** The counters so far, in the result's shape (errors, signals and the delivery verdict are the whole run's). */
  counters(): Result {
    const r = buildResult(this.compiled, this.c, { ...this.names }, this.run.result.errors, this.run.result.signals ?? [], this.run.sinks);
    r.delivered.intact = this.run.result.delivered.intact;
    return r;
  }
}

/** Loads the model. `wasm`: the module's bytes, its URL, or a compiled module (default: the package's build). */
export async function loadSimulator(opts: { wasm?: WasmSource } = {}): Promise<Simulator> {
  const mod = await compileModel(opts.wasm);
  return new Simulator(await instantiateModel(mod));
}
