/**
 * One call as both engines saw it, for the trace exports: the model's SYS_ENTER/SYS_EXIT events (and USER_OP,
 * SIGNAL) or the native host's per-call log, turned into the same record: the call, its argument values in the
 * man page's order, its return value and errno, and its start and end in the phase (model: cost-model time;
 * native: measured CLOCK_MONOTONIC).
 */
import { Call, Errno, Tag, signalName, siCodeName, type CallName } from "../../scenario/abi.js";
import type { Compiled } from "../../scenario/types.js";
import type { SimEvent } from "../../model/events.js";
import { decodeProgram, operandValue, evalExpr, type DecodedProgram } from "./program.js";

/** The subset of the native host's JSON the exports read (src/node/native.ts NativeRaw; kept structural so that
 *  this module stays browser-safe). */
export interface NativeCallLog {
  calls: Array<[string, number, number, number, number, number, number, ...number[]]>;
  callsDropped?: number;
  signals?: Array<{ step: number; signal: string; code: string; addr: string; mapOffset?: number }>;
  timeNs?: number;
  kernel?: { release?: string; machine?: string };
}

export interface CallSignal { signal: string; code: string; addr?: string }

export interface CallRecord {
  name: CallName;
  /** a syscall (false: mem_read/mem_write/peer_read, the program's own actions) */
  syscall: boolean;
  step: number;
  at?: string;
  /** argument values in Call[name].args order; undefined when the trace does not tell */
  args: (number | undefined)[];
  /** operand tags (Tag) of the arguments, from the program */
  tags: number[];
  /** open's path */
  path?: string;
  /** vmsplice's iovec, as far as known */
  iov?: { base?: number; len?: number }[];
  /** pipe/pipe2: the two descriptors */
  fds?: [number, number];
  ret: number;
  /** errno value (0: none) */
  errno: number;
  refused?: boolean;
  /** a signal the call (a load or store) raised */
  signal?: CallSignal;
  /** start and end, ns from the phase's start */
  t0: number;
  t1: number;
}

const CALL_BY_ID: Record<number, CallName> = Object.fromEntries(Object.entries(Call).map(([k, v]) => [v.id, k as CallName]));
export const ERRNO_BY_VALUE: Record<number, string> = Object.fromEntries(Object.entries(Errno).map(([k, v]) => [v, k]));

/** Lowest-free descriptor allocation, as Linux does it: tells the fds a pipe got when the trace does not. */
class FdTable {
  private used = new Set<number>([0, 1, 2]);
  take(fd: number): void { this.used.add(fd); }
  drop(fd: number): void { if (fd > 2) this.used.delete(fd); }
  lowest(): number { let f = 0; while (this.used.has(f)) f++; this.used.add(f); return f; }
}

/** An expression's RPN items as a key: the same expression written twice (`$buf + $off` in a read and in the
 *  vmsplice after it) has the value the trace last showed for it. */
function exprKey(prog: DecodedProgram, off: number): string {
  return prog.pool.slice(off, off + 1 + 2 * (prog.pool[off] ?? 0)).join(",");
}
type Seen = Map<string, number>;
function learn(prog: DecodedProgram, o: { tag: number; val: number }, v: number | undefined, regs: Map<number, number>, seen: Seen): void {
  if (v === undefined) return;
  if (o.tag === Tag.REG) regs.set(o.val, v);
  else if (o.tag === Tag.EXPR) seen.set(exprKey(prog, o.val), v);
}
function valueOf(prog: DecodedProgram, o: { tag: number; val: number }, regs: Map<number, number>, seen: Seen): number | undefined {
  const v = operandValue(prog, o, regs);
  return v !== undefined || o.tag !== Tag.EXPR ? v : seen.get(exprKey(prog, o.val));
}

function iovOf(prog: DecodedProgram, off: number, regs: Map<number, number>, seen: Seen): { base?: number; len?: number }[] {
  const n = prog.pool[off] ?? 0;
  const out: { base?: number; len?: number }[] = [];
  for (let i = 0; i < n && i < 1024; i++) {
    const q = off + 1 + 4 * i;
    out.push({
      base: valueOf(prog, { tag: prog.pool[q], val: prog.pool[q + 1] }, regs, seen),
      len: valueOf(prog, { tag: prog.pool[q + 2], val: prog.pool[q + 3] }, regs, seen),
    });
  }
  return out;
}

/** Binds what a call returned into the registers its `ret` names, and moves REF offsets on. */
function bindResults(rec: CallRecord, insn: { r: number[]; args: { tag: number; val: number }[] } | undefined, regs: Map<number, number>): void {
  if (!insn) return;
  if (rec.name === "pipe" || rec.name === "pipe2") {
    if (rec.fds && insn.r[0] >= 0) regs.set(insn.r[0], rec.fds[0]);
    if (rec.fds && insn.r[1] >= 0) regs.set(insn.r[1], rec.fds[1]);
    return;
  }
  if (rec.name === "recv_errqueue") return;
  if (insn.r[0] >= 0) regs.set(insn.r[0], rec.ret);
  if (rec.ret > 0) insn.args.forEach((a, i) => { if (a.tag === Tag.REF && rec.args[i] !== undefined) regs.set(a.val, rec.args[i]! + rec.ret); });
}

function initialState(compiled: Compiled): { regs: Map<number, number>; fds: FdTable } {
  const regs = new Map<number, number>();
  const fds = new FdTable();
  compiled.sinks.forEach((s, i) => { regs.set(s.reg, 3 + i); fds.take(3 + i); });
  return { regs, fds };
}

function trackFds(rec: CallRecord, fds: FdTable): void {
  if (rec.ret < 0) return;
  if (rec.name === "open") fds.take(rec.ret);
  else if (rec.name === "close" && rec.args[0] !== undefined) fds.drop(rec.args[0]);
  else if ((rec.name === "pipe" || rec.name === "pipe2") && rec.fds) { fds.take(rec.fds[0]); fds.take(rec.fds[1]); }
}

/** The calls of a model run, from its events (SYS_ENTER/SYS_EXIT, USER_OP, SIGNAL), with cost-model times. */
export function callsFromModel(compiled: Compiled, events: SimEvent[]): CallRecord[] {
  const prog = decodeProgram(compiled.program);
  const { regs, fds } = initialState(compiled);
  const out: CallRecord[] = [];
  const seen: Seen = new Map();
  const at = (step: number) => compiled.steps.find((s) => s.step === step)?.at;
  let t = 0;
  let open: CallRecord | undefined;      // a syscall between SYS_ENTER and its exit mode switch
  let exited = false;
  let lastUser: CallRecord | undefined;  // the last load/store/peer_read (signals attach to it)
  for (const e of events) {
    const ns = e.ns ?? 0;
    if (e.kind === "SYS_ENTER" || e.kind === "USER_OP") {
      if (open) { open.t1 = t; open = undefined; }
      const name = CALL_BY_ID[Number(e.call)] ?? ("open" as CallName);
      const step = Number(e.step);
      const insn = prog.calls.get(step);
      const ev = [e.arg0, e.arg1, e.arg2, e.arg3].map((x) => (x === undefined ? undefined : Number(x)));
      const tags = insn?.args.map((a) => a.tag) ?? [];
      const args = (Call[name]?.args ?? []).map((_, i) => {
        const o = insn?.args[i];
        if (o && (o.tag === Tag.REF || o.tag === Tag.STR || o.tag === Tag.IOV)) return o.tag === Tag.REF ? regs.get(o.val) : undefined;
        if (i < 4 && ev[i] !== undefined && !(name === "pipe" || name === "pipe2")) return ev[i];
        return o ? valueOf(prog, o, regs, seen) : undefined;
      });
      // what the event showed teaches the registers
      insn?.args.forEach((o, i) => { if (i < 4 && !(name === "pipe" || name === "pipe2")) learn(prog, o, ev[i], regs, seen); });
      const rec: CallRecord = { name, syscall: Call[name]?.syscall ?? false, step, at: at(step), args, tags, ret: 0, errno: 0, t0: t, t1: t };
      if (name === "open" && insn?.args[0]?.tag === Tag.STR) rec.path = prog.strings[insn.args[0].val];
      if (name === "vmsplice" && insn?.args[1]?.tag === Tag.IOV) rec.iov = iovOf(prog, insn.args[1].val, regs, seen);
      out.push(rec);
      if (e.kind === "USER_OP") { lastUser = rec; rec.ret = Number(e.arg1 ?? 0); rec.t1 = t + ns; t += ns; continue; }
      open = rec; exited = false;
      continue;
    }
    if (e.kind === "SYS_EXIT" && open) {
      open.ret = Number(e.ret);
      open.errno = Number(e.errno ?? 0);
      if (open.name === "pipe" || open.name === "pipe2") open.fds = open.ret === 0 ? [fds.lowest(), fds.lowest()] : undefined;
      trackFds(open, fds);
      bindResults(open, prog.calls.get(open.step), regs);
      exited = true;
      t += ns;
      open.t1 = t;
      continue;
    }
    t += ns;
    if (e.kind === "MODE_SWITCH" && open && exited && Number(e.toKernel) === 0) { open.t1 = t; open = undefined; continue; }
    if (e.kind === "SIGNAL") {
      const signal = signalName(Number(e.signo)) ?? `SIG${e.signo}`;
      const sig: CallSignal = { signal, code: siCodeName(signal, Number(e.code)) ?? String(e.code), addr: `0x${Number(e.addr).toString(16)}` };
      const target = open ?? lastUser;
      if (target) { target.signal = sig; if (target.name === "mem_read" || target.name === "mem_write") target.ret = -1; }
    }
    if (open) open.t1 = t;
    else if (lastUser && lastUser === out[out.length - 1]) lastUser.t1 = t;
  }
  if (open) open.t1 = t;
  return out;
}

/** The calls of a native run, from the host's per-call log (`raw.calls`), with measured times. */
export function callsFromNative(compiled: Compiled, raw: NativeCallLog): CallRecord[] {
  const prog = decodeProgram(compiled.program);
  const { regs } = initialState(compiled);
  const at = (step: number) => compiled.steps.find((s) => s.step === step)?.at;
  const sigs = [...(raw.signals ?? [])];
  const seen: Seen = new Map();
  const out: CallRecord[] = [];
  for (const c of raw.calls) {
    const [nm, step, ret, errno, refused, t0, t1, ...a] = c;
    const name = nm as CallName;
    const insn = prog.calls.get(step);
    const tags = insn?.args.map((x) => x.tag) ?? [];
    const spec = Call[name];
    const args = (spec?.args ?? []).map((_, i) => (tags[i] === Tag.NULL ? 0 : a[i]));
    const rec: CallRecord = { name, syscall: spec?.syscall ?? false, step, at: at(step), args, tags, ret, errno, t0, t1 };
    if (refused) rec.refused = true;
    if (name === "pipe" || name === "pipe2") rec.fds = [a[4], a[5]];
    if (name === "open" && insn?.args[0]?.tag === Tag.STR) rec.path = prog.strings[insn.args[0].val];
    if (!(name === "pipe" || name === "pipe2")) insn?.args.forEach((o, i) => learn(prog, o, a[i], regs, seen));
    if (name === "vmsplice" && insn?.args[1]?.tag === Tag.IOV) rec.iov = iovOf(prog, insn.args[1].val, regs, seen);
    if ((name === "mem_read" || name === "mem_write") && ret < 0) {
      const k = sigs.findIndex((s) => s.step === step);
      if (k >= 0) {
        const s = sigs.splice(k, 1)[0];
        rec.signal = { signal: s.signal, code: s.code, addr: /^\d+$/.test(s.addr) ? `0x${BigInt(s.addr).toString(16)}` : s.addr };
      }
    }
    bindResults(rec, insn, regs);
    out.push(rec);
  }
  return out;
}

export { evalExpr };
