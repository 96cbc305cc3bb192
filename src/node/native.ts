/**
 * The native host's driver: runs a compiled program with the real syscalls on this machine's kernel
 * (native-host/build/zcsim-native) and turns what it measured into the Result of DESIGN.md, engine "native".
 *
 *   runNative(compiled)          -> Result
 *   runNativeDetailed(compiled)  -> { result, raw }: raw is the host's own JSON (per-call log with timestamps,
 *                                   perf counters, residency, the peer's report), for strace/Perfetto output
 *   nativeAvailable()            -> { ok, why }: not Linux, not built, no cc
 *
 * The host runs in its own process group; a run that passes its time limit is ended (SIGTERM, then SIGKILL to the
 * group) and any sandbox it leaves is removed. SIGINT/SIGTERM to this process reach the host first, so it can
 * clean up, then this process dies of the same signal.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deliveryVerdict, type Evidence, type Result, type SignalRecord } from "../result.js";
import type { Compiled } from "../scenario/types.js";
import { stepCap } from "../scenario/limits.js";
import { Call } from "../scenario/abi.js";
import { MACHINE_PARAMS } from "../scenario/machine-params.js";
import { paramText } from "./scenario-arg.js";

/** The host's JSON (native-host/main.c, report()). */
export interface NativeRaw {
  host: "zcsim-native";
  hostVersion: number;
  status: string;
  detail: string;
  kernel: { sysname: string; release: string; machine: string; pageSize: number };
  /** the sandbox's path; sandboxRemoved says whether it is gone */
  sandbox: string;
  sandboxRemoved: boolean;
  /** the sandbox's filesystem (ext4, tmpfs, btrfs...): the derived copy semantics depend on it */
  sandboxFs: string;
  steps: number;
  timeNs: number;
  counters: Record<string, number | null>;
  evidence: Record<string, Evidence>;
  unavailable: Record<string, string>;
  /** refused: calls the host did not run (each step in notRun, with the reason) */
  syscalls: { total: number; byName: Record<string, number>; refused: number };
  rusage: { minflt: number; majflt: number; nvcsw: number; nivcsw: number; utimeNs: number; stimeNs: number };
  ioBracket: Record<string, number | boolean>;
  /** peer_read's waits for a lazy peer: the host's, taken out of the program's counters (time included in timeNs) */
  peerWait: { waits: number; ns: number; nvcsw: number; nivcsw: number; minflt: number; majflt: number };
  perf: Record<string, { value: number | null; why?: string }>;
  files: Array<{ name: string; size: number; pages: number; resident: number; cache: "warm" | "cold"; fill: string; fillChunk: number; attempts: number; verified: boolean; fillFolios: number; rewarmedPages: number; otherFs: boolean;
    /** a warm file's page-cache folios by order ([order 0 count, order 1 count, ...]; root only, else null) */
    folioOrders: number[] | null;
    /** a cold file's offsets where its blocks jump on the disk (FIEMAP; at most 4 kept) and how many there were */
    diskBreaks?: number[]; diskBreaksTotal?: number }>;
  sinks: Array<{
    name: string; kind: "tcp" | "file" | "null" | "nic"; expect: number; lazy: boolean; verified: "peer" | "file" | "none";
    bytes: number; bad?: number; modified?: number; firstBad?: number; reported?: boolean;
    /** the stream digest (hex), words that were not version 0, bytes past the exception list, bytes the calls returned */
    digest?: string; exceptions?: number; unchecked?: number; written?: number;
    peer?: { reads: number; recvs: number; polls: number; copyOps: number; copyBytes: number; sleeps?: number; cpuNs?: number; eof: boolean; errno: string | null;
      tp: { skb_copy_datagram_iovec: number; net_dev_start_xmit: number; net_dev_start_xmit_data: number } | null; exit: number;
      /** the data skbs it sampled from ready to EOF (a tcp sink's in its own context, a nic sink's on the device) */
      skbShapes?: SkbShapes | null; skbShapesWhy?: string };
  }>;
  /** every data skb the drivers were handed in the run, summed (native-host/skbtrace.c); null and why when not whole */
  skbShapes?: SkbShapes | null;
  skbShapesWhy?: string;
  errors: Array<{ step: number; call: string; errno: string; errnoValue: number; count: number }>;
  errorsDropped: number;
  /** signals the kernel raised in a load or store (a fault really taken, caught with sigsetjmp) */
  signals: Array<{ step: number; signal: string; code: string; addr: string; map: number; mapOffset: number }>;
  /** steps the host did not run (a call or access that would reach its own memory or descriptors): no errno, signal
   *  or count stands for them; count: how many times the step came (a loop). Absent from hosts before it existed */
  notRun?: Array<{ step: number; call: string; count: number; why: string }>;
  notRunDropped?: number;
  callFields: string[];
  /** [call, step, ret, errno, refused (0 made, 1 not run), t0Ns, t1Ns, a0..a5]: times
   *  from the start of the phase */
  calls: Array<[string, number, number, number, number, number, number, number, number, number, number, number, number]>;
  callsDropped: number;
  /** the program's knobs: applied by the host, or this kernel's own value (null: not readable here) */
  knobs: Array<{ knob: string; id: number; program: number; kernel: number | null; applied: boolean; how: string }>;
  notes: string[];
  /** the machine made ready for the phase: memory primed, CPUs pinned; the congestion control the sink's
   *  connection ran with (null: no TCP sink) and the system's default */
  machine?: { primeBytes: number; primeNs: number; cpuProgram: number; cpuPeer: number; tcpCongestionDefault?: string; tcpCongestion?: string | null;
    /** false: the host ran with ADDR_NO_RANDOMIZE, the same layout every run (ZCSIM_NATIVE_ASLR=1 keeps ASLR) */
    aslr?: boolean;
    /** the nic sink: the veth pair and the features its end had in the phase (read back after SIOCETHTOOL; 1 on, 0 off) */
    netnsOwn?: boolean; nicDevice?: string; nicPeerDevice?: string; nicDriver?: string; nicSg?: number; nicCsum?: number; nicTso?: number; nicMtu?: number;
    /** the network namespace the host ran in: "own (user+net)", "own (net)" or "machine"; netnsWhy: why the
     *  machine's (null when its own) */
    netns?: string; netnsWhy?: string | null };
}

/** The data skbs handed to a driver (net_dev_start_xmit) and their frags (netif_rx_entry): payload bytes only. */
export interface SkbShapes {
  skbs: number; linearBytes: number; fragBytes: number; linearSkbs: number; csumPartial: number; csumSoftwareSkbs: number;
  csumSoftwareBytes: number; gsoSkbs: number; gsoSegs: number; gsoSizeMax: number; payloadMax: number; rxSkbs: number; lost: number;
  /** data skbs by nr_frags: [with 0 frags, with 1, ...] */
  nrFrags: number[];
}

export class NativeError extends Error {
  constructor(message: string, public readonly raw?: NativeRaw) {
    super(message);
    this.name = "NativeError";
  }
}

/** The package's root (where native-host/ is), from this file in src/node/ or dist/src/node/. */
function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pj = join(d, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "zerocopy-sim") return d;
      } catch { /* keep looking */ }
    }
    d = dirname(d);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), "../..");
}

/** Where the host binary is (ZCSIM_NATIVE overrides it). */
export function nativeBinary(): string {
  return process.env.ZCSIM_NATIVE || join(packageRoot(), "native-host", "build", "zcsim-native");
}

/** Whether the native host can run here, and why not. */
export function nativeAvailable(): { ok: boolean; why?: string } {
  if (process.platform !== "linux") return { ok: false, why: `the native host needs Linux (this is ${process.platform})` };
  const bin = nativeBinary();
  if (existsSync(bin)) return { ok: true };
  // the install script (scripts/build-native.mjs) keeps why it did not build the host
  let why = "";
  try { why = readFileSync(join(dirname(bin), "why"), "utf8").trim(); } catch { /* not recorded */ }
  if (!why) {
    const cc = spawnSync(process.env.CC || "cc", ["--version"], { stdio: "ignore" });
    why = cc.error || cc.status !== 0 ? "there is no C compiler (cc) on this machine" : `${bin} is missing`;
  }
  return { ok: false, why: `the native host is not built: ${why} (npx zcsim doctor says what this machine needs)` };
}

/**
 * The host's note on a knob it could not apply ("knob TCP_CONGESTION: the program asks 0, this kernel has 3 (...)")
 * in the parameter's name and values: "tcpCongestion: the program asks cubic, this kernel has bbr (...)".
 */
export function namedKnobNote(note: string, knobs: NativeRaw["knobs"] = []): string {
  const m = /^knob (\S+): the program asks (-?\d+), this kernel has (-?\d+)(.*)$/s.exec(note);
  if (!m) return note;
  const k = knobs.find((x) => x.knob === m[1]);
  const key = Object.keys(MACHINE_PARAMS).find((p) => k !== undefined && MACHINE_PARAMS[p].knob === k.id);
  if (!key) return note;
  const mp = MACHINE_PARAMS[key];
  const value = (v: number) => (mp.values ? mp.values[v] ?? `an unknown choice (${v})` : paramText(key, mp.type === "bool" ? v !== 0 : v));
  // the host's "how" may start with the knob's number too ("(0: the system's default ...)"): the name says it
  const how = mp.values ? m[4].replace(/^ \(-?\d+: /, " (") : m[4];
  return `${key}: the program asks ${value(Number(m[2]))}, this kernel has ${value(Number(m[3]))}${how}`;
}

export interface NativeOptions {
  /** bound on the whole run (setup, phase, teardown, the wait for another run's CPU lock), ms; the host's own
   *  phase bound is a third of it unless phaseTimeoutMs says otherwise */
  timeoutMs?: number;
  /** the host's bound on the phase itself (--timeout, whole seconds), when it must be shorter than a third of the
   *  run's: a program that blocks is told apart quickly while the run still has room to wait for its turn */
  phaseTimeoutMs?: number;
  /** keep the sandbox directory (debugging); its path is in the raw result and in a note */
  keepSandbox?: boolean;
  /** ask the host for marker syscalls around the phase (for strace/perf, tests) */
  mark?: boolean;
  /** extra environment for the host */
  env?: Record<string, string>;
  /** run the host through another program, e.g. ["strace", "-f", "-o", file] (tests) */
  wrap?: string[];
  /** the run's cap on instructions (--max-steps; default DEFAULT_MAX_STEPS, at most MAX_STEPS) */
  maxSteps?: number;
}

/**
 * The host's words for a place in the program ("step 3", "code[12]") with the statement the compiler knows them
 * by: "step 3 (program[2].do[0])", "code[12] (program[4].to)". The host sees words; the reader wrote statements.
 */
export function nameSites(compiled: Pick<Compiled, "steps" | "sites">, detail: string): string {
  const siteOf = (pc: number) => {
    let at: string | undefined;
    for (const s of compiled.sites ?? []) if (s.pc <= pc) at = s.at; else break;
    return at;
  };
  return detail
    // "code[12]: sendfile argument 3: bad operand" is the call's `count`: the field, as the compiler names it
    .replace(/\bcode\[(\d+)\]: (\w+) argument (\d+)/g, (m, n: string, call: string, k: string) => {
      const at = siteOf(Number(n)), arg = (Call as Record<string, { args: readonly string[] }>)[call]?.args[Number(k)];
      return at && arg ? `${at}.${arg} (${m})` : m;
    })
    .replace(/\bstep (\d+)\b/g, (m, n: string) => {
      const at = compiled.steps[Number(n)]?.at;
      return at ? `${m} (${at})` : m;
    })
    .replace(/(?<!\()\bcode\[(\d+)\](?!: \w+ argument)/g, (m, n: string) => {
      const at = siteOf(Number(n));
      return at ? `${at} (${m})` : m;
    });
}

const SANDBOX_LINE = /^zcsim-native: sandbox (\S+)$/m;

/** Removes a sandbox a killed host left, only if it is one of ours: a zcsim-XXXXXX directory under a tmp dir. */
function removeLeftover(path: string | undefined, tmp?: string): void {
  if (!path || !/^zcsim-[A-Za-z0-9]{6}$/.test(basename(path))) return;
  const parent = dirname(path);
  if (![tmpdir(), "/tmp", process.env.TMPDIR, tmp].includes(parent)) return;
  try {
    rmSync(path, { recursive: true, force: true });
  } catch { /* nothing more to do */ }
}

/** Runs the host on the program; resolves with its parsed JSON. */
export function runHost(program: BigInt64Array, opts: NativeOptions = {}): Promise<NativeRaw> {
  const avail = nativeAvailable();
  if (!avail.ok) return Promise.reject(new NativeError(avail.why ?? "the native host cannot run here"));
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const hostTimeout = Math.max(1, opts.phaseTimeoutMs !== undefined ? Math.ceil(opts.phaseTimeoutMs / 1000) : Math.floor(timeoutMs / 3000));
  const args = ["--timeout", String(hostTimeout), "--max-steps", String(stepCap(opts.maxSteps)), ...(opts.keepSandbox ? ["--keep"] : []), ...(opts.mark ? ["--mark"] : []), "-"];
  const [cmd, ...pre] = opts.wrap?.length ? [...opts.wrap, nativeBinary()] : [nativeBinary()];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...pre, ...args], { detached: true, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    let err = "";
    let sandbox: string | undefined;
    let killed: string | undefined;
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      const m = SANDBOX_LINE.exec(err);
      if (m) sandbox = m[1];
    });
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch { /* gone */ }
    };
    // The host waits its turn for the CPU lock (setup.c's cpu_lock) for at most twice its phase bound before it
    // runs, and that wait is not the run's time: the deadline allows for it.
    const lockWaitMs = (opts.env?.ZCSIM_NATIVE_LOCK ?? process.env.ZCSIM_NATIVE_LOCK) === "0" ? 0 : 2 * hostTimeout * 1000;
    const timer = setTimeout(() => {
      killed = `the native host did not finish within ${timeoutMs} ms` + (lockWaitMs ? ` (after up to ${lockWaitMs} ms waiting its turn for the CPU lock)` : "");
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 2000).unref();
    }, timeoutMs + lockWaitMs);
    const onSignal = (sig: NodeJS.Signals) => {
      killGroup(sig);
      child.once("close", () => {
        removeLeftover(sandbox, opts.env?.TMPDIR);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        process.kill(process.pid, sig);
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    child.on("error", (e) => {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      reject(new NativeError(`cannot start the native host: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      killGroup("SIGKILL"); /* nothing of the group outlives the run */
      const text = Buffer.concat(out).toString();
      let raw: NativeRaw | undefined;
      try {
        raw = JSON.parse(text) as NativeRaw;
      } catch { /* below */ }
      if (!raw || killed || signal) {
        removeLeftover(raw && !raw.sandboxRemoved ? raw.sandbox : sandbox, opts.env?.TMPDIR);
        const why = killed ?? (signal ? `the native host died of ${signal}` : `the native host exited ${code} without a result`);
        reject(new NativeError(`${why}${err.trim() ? `: ${err.trim().split("\n").filter((l) => !SANDBOX_LINE.test(l)).slice(-3).join(" | ")}` : ""}`));
        return;
      }
      resolvePromise(raw);
    });
    child.stdin.on("error", () => { /* the host may refuse the program before reading it all */ });
    child.stdin.end(Buffer.from(program.buffer, program.byteOffset, program.byteLength));
  });
}

/** The host's counters that go to `kernel.*` (evidence), and their names there. */
const KERNEL_COUNTERS: Record<string, string> = {
  TP_PAGE_FAULT_USER: "pageFaultUser",
  TP_FILEMAP_ADD: "filemapAdd",
  TP_BLOCK_RQ_ISSUE: "blockRqIssue",
  TP_NET_DEV_XMIT: "netDevXmit",
  TP_SKB_COPY_DATAGRAM: "skbCopyDatagram",
  SKBS: "skbs",
  NVCSW: "nvcsw",
  NIVCSW: "nivcsw",
  USER_NS: "userNs",
  SYS_NS: "sysNs",
  ZC_COMPLETIONS: "zcCompletions",
  ZC_COPIED: "zcCopied",
  DISK_PAGES: "diskPages",
  RESIDENT_PAGES: "residentPages",
  FILE_PAGES: "filePages",
  CSUM_BYTES: "csumBytes",
  NIC_DESCRIPTORS: "nicDescriptors",
  SKB_FRAG_BYTES: "skbFragBytes",
  SKB_LINEAR_BYTES: "skbLinearBytes",
  PAGE_REFS: "pageRefs",
  PTES_SET: "ptesSet",
  PT_PAGES: "ptPages",
  COPY_COLD_SRC_BYTES: "copyColdSrcBytes",
  COPY_COLD_DST_BYTES: "copyColdDstBytes",
};

/** The host's JSON -> the Result (engine "native"). Pure: tests hand it crafted host output. */
const MAP_FIXED = 0x10, MAP_FIXED_NOREPLACE = 0x100000, PMD_SIZE = 2 * 1024 * 1024;

/**
 * Where the kernel placed each mmap(NULL) the program made (its call log's return addresses), as offsets within
 * 2 MiB, in order: ASLR's choice, an input the model can be given (machine params mmapPlacement0..3).
 */
export function mmapPlacement(raw: Pick<NativeRaw, "calls">): number[] {
  const out: number[] = [];
  for (const c of raw.calls ?? []) {
    const [call, , ret, , refused, , , , , , flags] = c;
    if (call !== "mmap" || refused || ret === -1 || ret < 0 || (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))) continue;
    out.push(ret % PMD_SIZE);
  }
  return out;
}

export function toResult(compiled: Compiled, raw: NativeRaw): Result {
  const c = raw.counters;
  const num = (k: string): number => c[k] ?? 0;
  /** a figure that may be unavailable here: null then (never 0), its evidence "unavailable" and the reason */
  const opt = (k: string): number => (c[k] ?? null) as number;
  const at = (step: number) => compiled.steps.find((s) => s.step === step)?.at;
  const evidence: Record<string, Evidence> = {};
  const unavailable: Record<string, string> = {};
  const ev = (path: string, counter: string) => {
    evidence[path] = raw.evidence[counter] ?? "unavailable";
    if (raw.unavailable[counter]) unavailable[path] = raw.unavailable[counter];
  };

  // delivered: every sink's bytes (a null sink's as the calls returned them); the verdict of src/result.ts
  let delivered = 0, modified = 0;
  for (const s of raw.sinks) { delivered += s.bytes; modified += s.modified ?? 0; }
  const hasNull = raw.sinks.some((s) => s.kind === "null");
  let intact = deliveryVerdict(
    raw.sinks.map((s) => ({ kind: s.kind, expect: s.expect, bytes: s.bytes, bad: s.bad ?? 0, reported: s.kind === "tcp" ? !!s.reported : undefined })),
    (f) => compiled.files[f]?.size ?? raw.files[f]?.size);
  if (raw.status !== "OK") intact = false;
  const digest = raw.sinks.map((s) => s.digest ?? "-").join(",");

  const peers = raw.sinks.filter((s) => (s.kind === "tcp" || s.kind === "nic") && s.peer);
  const kernel: Record<string, number | string | boolean | null> = {};
  let peerWaitNote = "";
  for (const [k, name] of Object.entries(KERNEL_COUNTERS)) {
    kernel[name] = c[k] ?? null;
    ev(`kernel.${name}`, k);
  }
  const pv = (name: string) => raw.perf[name]?.value ?? null;
  kernel.pageFaultKernel = pv("exceptions:page_fault_kernel");
  kernel.perfPageFaults = pv("page-faults");
  kernel.perfMinorFaults = pv("minor-faults");
  kernel.perfMajorFaults = pv("major-faults");
  kernel.perfContextSwitches = pv("context-switches");
  kernel.taskClockNs = pv("task-clock");
  kernel.netDevXmitData = pv("net:net_dev_start_xmit(len>66)");
  for (const [path, pname] of [["pageFaultKernel", "exceptions:page_fault_kernel"], ["perfPageFaults", "page-faults"], ["perfMinorFaults", "minor-faults"],
    ["perfMajorFaults", "major-faults"], ["perfContextSwitches", "context-switches"], ["taskClockNs", "task-clock"], ["netDevXmitData", "net:net_dev_start_xmit(len>66)"]] as const) {
    evidence[`kernel.${path}`] = raw.perf[pname]?.value === null || raw.perf[pname] === undefined ? "unavailable" : "measured";
    if (raw.perf[pname]?.why) unavailable[`kernel.${path}`] = raw.perf[pname].why!;
  }
  if (peers.length) {
    const tp = peers.every((s) => s.peer!.tp);
    const sum = (f: (t: NonNullable<NonNullable<NativeRaw["sinks"][number]["peer"]>["tp"]>) => number) =>
      tp ? peers.reduce((a, s) => a + f(s.peer!.tp!), 0) : null;
    kernel.peerSkbCopyDatagram = sum((t) => t.skb_copy_datagram_iovec);
    kernel.peerNetDevXmit = sum((t) => t.net_dev_start_xmit);
    kernel.peerNetDevXmitData = sum((t) => t.net_dev_start_xmit_data);
    for (const k of ["peerSkbCopyDatagram", "peerNetDevXmit", "peerNetDevXmitData"]) {
      evidence[`kernel.${k}`] = tp ? "measured" : "unavailable";
      if (!tp) unavailable[`kernel.${k}`] = "the peer could not open its tracepoint counters (tracefs or perf_event_open not permitted)";
    }
    if (!tp) { kernel.skbs = null; evidence["kernel.skbs"] = "unavailable"; unavailable["kernel.skbs"] = unavailable["kernel.peerNetDevXmit"]; }
  }
  for (const sk of raw.sinks) {
    kernel[`sink.${sk.name}.bytes`] = sk.bytes;
    evidence[`kernel.sink.${sk.name}.bytes`] = sk.verified === "none" ? "derived" : "measured";
    if (sk.verified !== "none") {
      kernel[`sink.${sk.name}.bad`] = sk.bad ?? 0;
      evidence[`kernel.sink.${sk.name}.bad`] = "measured";
    }
  }
  kernel.signals = c.SIGNALS ?? 0;
  evidence["kernel.signals"] = "measured";
  kernel.nicDma = null;
  evidence["kernel.nicDma"] = "unobservable";
  // the skbs' shapes beyond the counters: checksum offload, GSO, frags per skb (measured, or unavailable and why)
  const sh = raw.skbShapes;
  const shapeFigures: Array<[string, (x: SkbShapes) => number | string]> = [
    ["skbCsumPartial", (x) => x.csumPartial], ["skbGsoSkbs", (x) => x.gsoSkbs], ["skbGsoSegs", (x) => x.gsoSegs],
    ["skbPayloadMax", (x) => x.payloadMax],
    ["skbNrFrags", (x) => x.nrFrags.map((n, k) => (n ? `${n}x${k}` : "")).filter(Boolean).join(" ")],
  ];
  for (const [name, f] of shapeFigures) {
    if (raw.skbShapes === undefined) continue;
    kernel[name] = sh ? f(sh) : null;
    evidence[`kernel.${name}`] = sh ? "measured" : "unavailable";
    if (!sh) unavailable[`kernel.${name}`] = raw.skbShapesWhy || "the skbs could not be sampled";
  }
  const m = raw.machine;
  if (m?.nicDevice) {
    kernel.nicDevice = `${m.nicDriver ?? "veth"} ${m.nicDevice} (peer ${m.nicPeerDevice} in its own network namespace), mtu ${m.nicMtu}`;
    kernel.nicSg = m.nicSg === 1;
    kernel.nicCsum = m.nicCsum === 1;
    kernel.nicTso = m.nicTso === 1;
    for (const k of ["nicSg", "nicCsum", "nicTso"]) evidence[`kernel.${k}`] = "measured";
  }
  for (const f of raw.files) {
    if (!f.folioOrders) continue;
    kernel[`folios.${f.name}`] = f.folioOrders.map((c, o) => (c ? `${c}x${4 << o}KiB` : "")).filter(Boolean).join(" ");
    evidence[`kernel.folios.${f.name}`] = "measured";
  }
  for (const f of raw.files) kernel[`resident.${f.name}`] = `${f.resident}/${f.pages} pages (${f.cache}${f.cache === "warm" ? `, fill ${f.fill}` : ""}${f.verified ? "" : ", NOT as asked"})`;
  if (raw.peerWait?.waits) {
    kernel.peerReadWaitNs = raw.peerWait.ns;
    evidence["kernel.peerReadWaitNs"] = "measured";
    peerWaitNote = `peer_read: the host waited ${raw.peerWait.waits} time(s) for the lazy peer (${(raw.peerWait.ns / 1e3).toFixed(0)} us, in timeNs); its context switches are not the program's and were taken out, and the perf counters were off meanwhile`;
  }
  if (raw.machine?.tcpCongestion) kernel.tcpCongestion = raw.machine.tcpCongestion;
  kernel.hostStatus = raw.status;
  kernel.kernelRelease = raw.kernel.release;
  kernel.sandboxFs = raw.sandboxFs;
  if (raw.callsDropped) kernel.callsDropped = raw.callsDropped;
  // the first file's layout on the disk: an input the model can be given (machine params diskBreak0..3)
  const layout = raw.files[0];
  if (layout?.diskBreaks && layout.diskBreaksTotal !== undefined) kernel.diskBreaks = `${layout.diskBreaksTotal}:${layout.diskBreaks.join(",")}`;
  const placement = mmapPlacement(raw);
  if (placement.length) kernel.mmapPlacement = placement.join(",");

  const signals: SignalRecord[] = raw.signals.map((s) => ({ step: s.step, at: at(s.step), signal: s.signal, code: s.code, addr: s.addr, mapOffset: s.mapOffset }));
  const result: Result = {
    engine: "native",
    scenario: compiled.name,
    params: compiled.params,
    payloadBytes: compiled.payloadBytes,
    syscalls: { total: raw.syscalls.total, byName: raw.syscalls.byName },
    modeSwitches: num("MODE_SWITCHES"),
    faults: { minor: num("FAULTS_MINOR"), major: num("FAULTS_MAJOR") },
    copies: {
      // null where the copies depend on skb shapes that could not be sampled (a nic sink without tracepoints)
      cpu: { ops: opt("CPU_COPY_OPS"), bytes: opt("CPU_COPY_BYTES") },
      dma: { ops: opt("DMA_OPS"), bytes: opt("DMA_BYTES") },
    },
    io: { rchar: opt("IO_RCHAR"), wchar: opt("IO_WCHAR"), syscr: opt("IO_SYSCR"), syscw: opt("IO_SYSCW"), readBytes: opt("IO_READ_BYTES"), writeBytes: opt("IO_WRITE_BYTES") },
    errors: raw.errors.map((e) => ({ step: e.step, at: at(e.step), call: e.call, errno: e.errno, count: e.count })),
    signals,
    delivered: { bytes: delivered, intact, modifiedBytes: modified, digest },
    ...(raw.notRun?.length ? { notRun: raw.notRun.map((n) => ({ step: n.step, at: at(n.step), call: n.call, why: n.why, count: n.count })) } : {}),
    timeNs: raw.timeNs,
    kernel,
    evidence,
    unavailable,
    notes: raw.notes.map((n) => namedKnobNote(n, raw.knobs)),
  };
  if (peers.length) {
    result.peer = {
      copies: { ops: peers.reduce((a, s) => a + s.peer!.copyOps, 0), bytes: peers.reduce((a, s) => a + s.peer!.copyBytes, 0) },
      wakeups: peers.reduce((a, s) => a + (s.peer!.sleeps ?? 0), 0),
      cpuNs: peers.every((s) => s.peer!.cpuNs !== undefined) ? peers.reduce((a, s) => a + s.peer!.cpuNs!, 0) : undefined,
      syscalls: {
        total: num("PEER_SYSCALLS"),
        byName: Object.fromEntries(Object.entries({
          read: peers.reduce((a, s) => a + s.peer!.reads, 0),
          recvfrom: peers.reduce((a, s) => a + s.peer!.recvs, 0),
          poll: peers.reduce((a, s) => a + s.peer!.polls, 0),
        }).filter(([, v]) => v > 0)),
      },
    };
    for (const p of ["peer.copies.ops", "peer.copies.bytes", "peer.syscalls"]) evidence[p] = "measured";
  }
  ev("syscalls", "SYSCALLS");
  ev("modeSwitches", "MODE_SWITCHES");
  ev("faults.minor", "FAULTS_MINOR");
  ev("faults.major", "FAULTS_MAJOR");
  ev("copies.cpu.ops", "CPU_COPY_OPS");
  ev("copies.cpu.bytes", "CPU_COPY_BYTES");
  ev("copies.dma.ops", "DMA_OPS");
  ev("copies.dma.bytes", "DMA_BYTES");
  if (raw.sinks.some((s) => s.kind === "nic")) {
    // the model's copies.dma holds the NIC's gather reads as well as the disk's; the veth hands the skb over and no
    // device reads memory, so the kernel's figure (the disk's alone) cannot stand for it: the disk's part is
    // compared as kernel.blockRqIssue and io.readBytes
    for (const p of ["copies.dma.ops", "copies.dma.bytes"]) {
      evidence[p] = "unobservable";
      (result.unavailable ??= {})[p] = "a NIC's DMA is not observable through a veth (it hands the skb over); the disk's transfers are kernel.blockRqIssue and io.readBytes";
    }
  }
  for (const [p, k] of [["rchar", "IO_RCHAR"], ["wchar", "IO_WCHAR"], ["syscr", "IO_SYSCR"], ["syscw", "IO_SYSCW"], ["readBytes", "IO_READ_BYTES"], ["writeBytes", "IO_WRITE_BYTES"]])
    ev(`io.${p}`, k);
  evidence.errors = "measured";
  evidence.signals = "measured";
  // a null sink's bytes are the calls' return values (derived); what nobody checked byte by byte is unobservable
  evidence["delivered.bytes"] = hasNull ? "derived" : "measured";
  evidence["delivered.intact"] = intact === null ? "unobservable" : raw.sinks.some((s) => s.kind === "null" && s.expect >= 0) ? "derived" : "measured";
  evidence["delivered.modifiedBytes"] = hasNull ? "derived" : "measured";
  evidence["delivered.digest"] = hasNull ? "unobservable" : "measured";
  evidence.timeNs = "measured";
  if (hasNull) result.notes!.push("a null sink cannot be read back: its bytes are the sum of what the calls returned (derived), their content unverified");
  if (intact === null) result.notes!.push("delivered: unverified (a null sink's expectation cannot be checked byte by byte, or no sink had an expectation)");
  result.notes!.push(`copies.cpu is derived from the calls made and their semantics on this kernel (${raw.sandboxFs} page cache), plus the payload the skbs carried in their linear part at the driver (copied there by software GSO or linearizing: kernel.skbLinearBytes, measured); kernel.csumBytes is the payload of skbs that reached the driver not CHECKSUM_PARTIAL (checksummed by the CPU); copies.dma.bytes is the disk's, from /proc/self/io read_bytes; a NIC's DMA is unobservable here (loopback and veth hand the skb over)`);
  result.notes!.push("kernel.userNs/sysNs are getrusage's: their total is exact, their split between user and system is tick-sampled and means little below ~10 ms; kernel.taskClockNs (perf task-clock) is the exact CPU time of the phase");
  if (peerWaitNote) result.notes!.push(peerWaitNote);
  if (raw.status !== "OK") result.notes!.push(`the host stopped: ${raw.status}${raw.detail ? `: ${nameSites(compiled, raw.detail)}` : ""}`);
  for (const n of raw.notRun ?? []) result.notes!.push(`step ${n.step} (${n.call}${at(n.step) ? ` at ${at(n.step)}` : ""}) not run: ${n.why}`);
  if (raw.notRunDropped) result.notes!.push(`${raw.notRunDropped} more step(s) not run (the host keeps ${raw.notRun?.length ?? 0})`);
  if (raw.machine?.netns && raw.machine.netns !== "machine") kernel.netns = raw.machine.netns;
  else if (raw.machine?.netns) { kernel.netns = "machine"; if (raw.machine.netnsWhy) result.notes!.push(`the host ran in the machine's network namespace: ${raw.machine.netnsWhy}`); }
  return result;
}

/** Runs the compiled program natively; the Result and the host's own JSON. */
export async function runNativeDetailed(compiled: Compiled, opts: NativeOptions = {}): Promise<{ result: Result; raw: NativeRaw }> {
  // the default bound grows with what setup must write: 120 s, and 20 s more per GiB of setup files
  const setupBytes = compiled.files.reduce((a, f) => a + f.size, 0);
  const timeoutMs = opts.timeoutMs ?? 120_000 + Math.ceil(setupBytes / 2 ** 30) * 20_000;
  const raw = await runHost(compiled.program, { ...opts, timeoutMs });
  if (["BAD_MAGIC", "BAD_VERSION", "BAD_PROGRAM", "SETUP_FAILED", "UNSUPPORTED", "OUT_OF_MEMORY"].includes(raw.status) ||
      (raw.status === "PEER_FAILED" && raw.steps === 0)) /* the peer failed in setup: the program never ran */
    throw new NativeError(`native host: ${raw.status}: ${nameSites(compiled, raw.detail)}`, raw);
  return { result: toResult(compiled, raw), raw };
}

/** Runs the compiled program with the real syscalls on this kernel and measures it (DESIGN.md, "The native host"). */
export async function runNative(compiled: Compiled, opts: { timeoutMs?: number; keepSandbox?: boolean; maxSteps?: number } = {}): Promise<Result> {
  return (await runNativeDetailed(compiled, opts)).result;
}
