// The interpreter of compiled programs (docs/program-format.md): header, knobs, strings, files, sinks, bufs,
// code, pool. Setup builds the machine the program names (files and their cache state, sinks, pre-faulted
// buffers) without counting; counting starts at the first instruction. Each CALL evaluates its operands, enters
// the kernel (two mode switches per syscall), runs the call, records a failure as (step, errno), binds results,
// and breaks to brk_pc on a result <= 0.
import {
  PROGRAM_MAGIC, PROGRAM_VERSION, HEADER_WORDS, Op, Tag, Rpn, Call, Counter, Ev, Knob, Status, SinkKind, Cache, Fill,
  Flags, Header, FileRec, SinkRec, BufRec, CallInsn, Wait, CALL_MAX, CALL_SYSCALL, CALL_TO_ARG, Errno,
} from "./abi";
import { count, resetCounters, setCounter, spend } from "./counters";
import { ev, traceReset, traceFinish } from "./trace";
import { sockFlushAtExit } from "./kernel/socket";
import { knob, knobDefaults, setKnob, setCounting, setInKernel } from "./machine";
import { argVal, argTag, argsSetProgram, reg, setReg, MAX_ARGS, iovBase, iovLen, setIovN, IOV_MAX } from "./args";
import { framesReset, framesReserve } from "./mm/frames";
import { cacheReset, cacheForget } from "./mm/cache";
import { sleepFor, pcReset, inodeNew, pcFillByWrite, pcFillByRead, pcPagesOf, inoSetSink, inoSetFs, IK_REGULAR, IK_NULL } from "./mm/pagecache";
import { ptReset } from "./mm/pagetable";
import { vmaReset } from "./mm/vma";
import { faultReset, populate, FM_GUP } from "./mm/fault";
import { dmaReset } from "./dev/dma";
import { diskReset } from "./dev/disk";
import { nicReset, nicAttach } from "./dev/nic";
import { loReset } from "./dev/loopback";
import { filesReset, fileNew, FT_NULL, FT_SOCK, FT_REG } from "./kernel/file";
import { fdReset, fdStdio } from "./kernel/fdtable";
import { pipeReset } from "./kernel/pipe";
import { skbReset } from "./kernel/skb";
import { sockReset, sockNew, ROUTE_LO, ROUTE_NIC } from "./kernel/socket";
import { sinkReset, sinkNew, sinkSent } from "./kernel/sink";
import { storesReset } from "./mm/frames";
import * as sys from "./kernel/syscalls";
import { sys_fallocate } from "./kernel/open";
import { rgrow, rfree, arenaReset } from "./mem";
import { cpuCopyCallStart } from "./mm/usercopy";
import { findVma, vmaStart } from "./mm/vma";

// ---- the loaded program ---------------------------------------------------------------------------------
let prog: usize = 0;          // a copy of the program's words
let progWords: i32 = 0;       // its length in words
let nknobs: i32 = 0, nstr: i32 = 0, nfiles: i32 = 0, nsinks: i32 = 0, nbufs: i32 = 0;
let knobsAt: i32 = 0;         // word offset of the knob section
let filesAt: i32 = 0;         // ... of the files section
let sinksAt: i32 = 0;         // ... of the sinks section
let bufsAt: i32 = 0;          // ... of the bufs section
let codeAt: i32 = 0;          // ... of the code section
let ncode: i32 = 0;           // words of code
let poolAt: i32 = 0;          // ... of the pool
let npool: i32 = 0;
let strOffs: usize = 0;       // i32[nstr]: word offset of each string
let regsPtr: usize = 0;       // int64[nregs]
let nregsP: i32 = 0;

// ---- the run ------------------------------------------------------------------------------------------------
export let pc: i32 = 0;              // the next instruction (word offset in code)
export let steps: i64 = 0;           // instructions executed
export let status: i32 = Status.OK;  // OK while runnable, DONE after HALT, or an error
export let halted: bool = false;

/** knob overrides from the host (zc_set_knob), applied after the program's own knobs */
const ovId = new StaticArray<i64>(64);
const ovVal = new StaticArray<i64>(64);
let nov: i32 = 0;
export function overrideKnob(id: i64, v: i64): void { if (nov < 64) { unchecked(ovId[nov] = id); unchecked(ovVal[nov] = v); nov++; } }
export function clearOverrides(): void { nov = 0; }

/** per call id: how many times it was made */
export const callCounts = new StaticArray<i64>(64);

/** errors: records of 4 int64 [step, call, errno, count], one per distinct (step, errno) */
export const ERR_MAX: i32 = 256;
export const errRecs = new StaticArray<i64>(ERR_MAX * 4);
export let nerr: i32 = 0;
/** signals: records of 6 int64 [step, signo, si_code, addr, map start, offset in map] */
export const SIG_MAX: i32 = 64;
export const sigRecs = new StaticArray<i64>(SIG_MAX * 6);
export let nsig: i32 = 0;

@inline function w(i: i32): i64 { return load<i64>(prog + (<usize>i << 3)); }

/** Loads a program of `nwords` words at `ptr`. Returns a Status. */
export function loadProgram(ptr: usize, nwords: i32): i32 {
  if (nwords < HEADER_WORDS) return Status.BAD_PROGRAM;
  if (prog != 0) rfree(prog);
  prog = rgrow(0, 0, <usize>nwords << 3);
  memory.copy(prog, ptr, <usize>nwords << 3);
  progWords = nwords;
  if (w(Header.MAGIC) != PROGRAM_MAGIC) return Status.BAD_MAGIC;
  if (w(Header.VERSION) != PROGRAM_VERSION) return Status.BAD_VERSION;
  nregsP = <i32>w(Header.NREGS); nknobs = <i32>w(Header.NKNOBS); nstr = <i32>w(Header.NSTRINGS);
  nfiles = <i32>w(Header.NFILES); nsinks = <i32>w(Header.NSINKS); nbufs = <i32>w(Header.NBUFS);
  ncode = <i32>w(Header.NCODE); npool = <i32>w(Header.NPOOL);
  if (nregsP < 0 || nregsP > 1 << 20 || nknobs < 0 || nstr < 0 || nfiles < 0 || nsinks < 0 || nbufs < 0) return Status.BAD_PROGRAM;
  let at = HEADER_WORDS;
  knobsAt = at; at += nknobs * 2;
  if (strOffs != 0) rfree(strOffs);
  strOffs = rgrow(0, 0, <usize>(nstr + 1) << 2);
  for (let i = 0; i < nstr; i++) {
    if (at >= nwords) return Status.BAD_PROGRAM;
    store<i32>(strOffs + (<usize>i << 2), at);
    const nb = w(at);
    if (nb < 0 || nb > 4096) return Status.BAD_PROGRAM;
    at += 1 + <i32>((nb + 7) >> 3);
  }
  filesAt = at; at += nfiles * FileRec.WORDS;
  sinksAt = at; at += nsinks * SinkRec.WORDS;
  bufsAt = at; at += nbufs * BufRec.WORDS;
  codeAt = at; at += ncode;
  poolAt = at; at += npool;
  if (at != nwords) return Status.BAD_PROGRAM;
  if (regsPtr != 0) rfree(regsPtr);
  regsPtr = rgrow(0, 0, <usize>(nregsP + 1) << 3);
  argsSetProgram(prog, prog + (<usize>poolAt << 3), strOffs, nstr, regsPtr, nregsP);
  status = Status.OK;
  return Status.OK;
}

/** Builds the machine and runs setup (uncounted). Returns a Status. */
export function setup(): i32 {
  if (prog == 0) return Status.BAD_PROGRAM;
  knobDefaults();
  for (let i = 0; i < nknobs; i++) setKnob(w(knobsAt + 2 * i), w(knobsAt + 2 * i + 1));
  for (let i = 0; i < nov; i++) setKnob(unchecked(ovId[i]), unchecked(ovVal[i]));
  setCounting(false);
  traceReset(false, 1);
  arenaReset();
  framesReset(); cacheReset(); pcReset(); ptReset(); vmaReset(); faultReset(); dmaReset(); diskReset(); nicReset(); loReset();
  filesReset(); fdReset(); pipeReset(); skbReset(); sockReset(); sinkReset(); storesReset(); sys.syscallsReset();
  memory.fill(regsPtr, 0, <usize>nregsP << 3);
  for (let i = 0; i < 64; i++) unchecked(callCounts[i] = 0);
  nerr = 0; nsig = 0; pc = 0; steps = 0; halted = false; status = Status.OK; finished = false;
  // stdin/stdout/stderr
  const nullIno = inodeNew(IK_NULL, 0, -1, -1);
  const stdio = fileNew(FT_NULL, nullIno, Flags.O_RDWR);
  fdStdio(stdio);
  // files: inode i = file id i; the frame table is sized once for what the files can fill
  let filePages: i64 = 0;
  let allPages: i64 = 0;
  for (let i = 0; i < nfiles; i++) allPages += (w(filesAt + i * FileRec.WORDS + FileRec.SIZE) + 4095) >> 12;
  let bufPages: i64 = 0;
  for (let i = 0; i < nbufs; i++) bufPages += (w(bufsAt + i * BufRec.WORDS + BufRec.SIZE) + 4095) >> 12;
  framesReserve(<u32>(allPages + bufPages + 4096));
  for (let i = 0; i < nfiles; i++) {
    const b = filesAt + i * FileRec.WORDS;
    const size = w(b + FileRec.SIZE);
    if (size < 0) return Status.SETUP_FAILED;
    const ino = inodeNew(IK_REGULAR, size, i, <i32>w(b + FileRec.NAME));
    if (ino != i + 1) return Status.SETUP_FAILED;
    if (i < 63 && (knob(Knob.OTHER_FS_FILES) >> i) & 1) inoSetFs(ino, 1);
    filePages += (size + 4095) >> 12;
    if (w(b + FileRec.CACHE) == Cache.warm) {
      const fill = <i32>w(b + FileRec.FILL);
      if (fill == Fill.read) pcFillByRead(ino, w(b + FileRec.FILL_CHUNK));
      else if (fill == Fill.write) pcFillByWrite(ino, w(b + FileRec.FILL_CHUNK));
    }
  }
  let resident: i64 = 0;
  for (let i = 0; i < nfiles; i++) resident += pcPagesOf(i + 1);
  // sinks
  for (let i = 0; i < nsinks; i++) {
    const b = sinksAt + i * SinkRec.WORDS;
    const kind = <i32>w(b + SinkRec.KIND);
    const lazy = w(b + SinkRec.LAZY) != 0;
    const s = sinkNew(kind, <i32>w(b + SinkRec.EXPECT), lazy);
    let fd: i64 = -1;
    if (kind == SinkKind.tcp) fd = sys.openObject(FT_SOCK, sockNew(ROUTE_LO, s), Flags.O_RDWR);
    else if (kind == SinkKind.nic) { nicAttach(s); fd = sys.openObject(FT_SOCK, sockNew(ROUTE_NIC, s), Flags.O_RDWR); }
    else if (kind == SinkKind.file) {
      const ino = inodeNew(IK_REGULAR, 0, -1, <i32>w(b + SinkRec.NAME));
      inoSetSink(ino, s);
      fd = sys.openObject(FT_REG, ino, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_TRUNC);
    } else if (kind == SinkKind.null_) {
      const ino = inodeNew(IK_NULL, 0, -1, <i32>w(b + SinkRec.NAME));
      inoSetSink(ino, s); // what the calls return as written to it is what it received (sinkSent)
      fd = sys.openObject(FT_NULL, ino, Flags.O_WRONLY);
    } else return Status.SETUP_FAILED;
    setReg(w(b + SinkRec.REG), fd);
  }
  // buffers: anonymous, private, read-write, pre-faulted
  for (let i = 0; i < nbufs; i++) {
    const b = bufsAt + i * BufRec.WORDS;
    const size = w(b + BufRec.SIZE);
    const addr = sys.sys_mmap(0, size > 0 ? size : 4096, Flags.PROT_READ | Flags.PROT_WRITE, Flags.MAP_PRIVATE | Flags.MAP_ANONYMOUS, -1, 0);
    if (addr < 0) return Status.SETUP_FAILED;
    populate(addr, addr + ((size + 4095) & ~4095), true, FM_GUP);
    setReg(w(b + BufRec.REG), addr);
  }
  // the phase begins
  resetCounters();
  setCounter(Counter.RESIDENT_PAGES, resident);
  setCounter(Counter.FILE_PAGES, filePages);
  traceReset(knob(Knob.TRACE) != 0, knob(Knob.TRACE_CAP));
  ev(Ev.SETUP, resident, filePages, 0, 0, 0, 0);
  cacheForget();
  setCounting(true);
  return Status.OK;
}

// ---- operands -----------------------------------------------------------------------------------------------
const stack = new StaticArray<i64>(256);

function evalExpr(off: i32): i64 {
  const p = poolAt + off;
  const n = <i32>w(p);
  let sp = 0;
  for (let i = 0; i < n; i++) {
    const op = <i32>w(p + 1 + 2 * i);
    const v = w(p + 2 + 2 * i);
    if (op == Rpn.IMM) { if (sp < 256) unchecked(stack[sp++] = v); continue; }
    if (op == Rpn.REG) { if (sp < 256) unchecked(stack[sp++] = reg(v)); continue; }
    if (sp < 2) return 0;
    const b = unchecked(stack[--sp]);
    const a = unchecked(stack[--sp]);
    let r: i64 = 0;
    switch (op) {
      case Rpn.ADD: r = a + b; break;
      case Rpn.SUB: r = a - b; break;
      case Rpn.MUL: r = a * b; break;
      // one arithmetic in the compiler's folding (expr.ts applyOp), here and in the host (program.c eval_expr):
      // int64 that wraps; x / 0 = x % 0 = 0; INT64_MIN / -1 wraps to INT64_MIN and INT64_MIN % -1 is 0 (the wasm's
      // i64.div_s would trap on it)
      case Rpn.DIV: r = b == 0 ? 0 : b == -1 ? 0 - a : a / b; break;
      case Rpn.MOD: r = b == 0 || b == -1 ? 0 : a % b; break;
      case Rpn.MIN: r = a < b ? a : b; break;
      case Rpn.MAX: r = a > b ? a : b; break;
      case Rpn.LT: r = a < b ? 1 : 0; break;
      case Rpn.LE: r = a <= b ? 1 : 0; break;
      case Rpn.GT: r = a > b ? 1 : 0; break;
      case Rpn.GE: r = a >= b ? 1 : 0; break;
      case Rpn.EQ: r = a == b ? 1 : 0; break;
      case Rpn.NE: r = a != b ? 1 : 0; break;
      default: r = 0;
    }
    unchecked(stack[sp++] = r);
  }
  return sp > 0 ? unchecked(stack[sp - 1]) : 0;
}

/** An iovec array in the pool: [n, (tag,val base, tag,val len) x n] -> iovBase/iovLen. */
function evalIov(off: i32): void {
  const p = poolAt + off;
  let n = <i32>w(p);
  if (n < 0) n = 0;
  if (n > IOV_MAX) n = IOV_MAX;
  for (let i = 0; i < n; i++) {
    const q = p + 1 + 4 * i;
    unchecked(iovBase[i] = operand(<i32>w(q), w(q + 1)));
    unchecked(iovLen[i] = operand(<i32>w(q + 2), w(q + 3)));
  }
  setIovN(n);
}

/** The value of operand (tag, val): numbers for IMM/REG/EXPR; REF, STR, IOV, NULL pass their val through. */
function operand(tag: i32, val: i64): i64 {
  if (tag == Tag.IMM) return val;
  if (tag == Tag.IOV) { evalIov(<i32>val); return val; }
  if (tag == Tag.REG) return reg(val);
  if (tag == Tag.EXPR) return evalExpr(<i32>val);
  if (tag == Tag.NULL) return 0;
  return val;
}

// ---- the calls ------------------------------------------------------------------------------------------------
/** Whether the call enters the kernel (calls.ts `syscall`); mem_read, mem_write and peer_read do not. */
@inline function isSyscall(call: i32): bool { return call >= 0 && call <= CALL_MAX && unchecked(CALL_SYSCALL[call]) != 0; }

function sysEnter(call: i32, step: i64): void {
  const c = knob(Knob.COST_MODE_SWITCH_NS);
  count(Counter.SYSCALLS, 1);
  count(Counter.MODE_SWITCHES, 1);
  spend(c);
  ev(Ev.SYS_ENTER, call, step, unchecked(argVal[0]), unchecked(argVal[1]), unchecked(argVal[2]), unchecked(argVal[3]));
  ev(Ev.MODE_SWITCH, 1, call, 0, 0, 0, c);
  setInKernel(true);
}

function sysExit(call: i32, step: i64, ret: i64): void {
  const c = knob(Knob.COST_MODE_SWITCH_NS);
  count(Counter.MODE_SWITCHES, 1);
  spend(c);
  ev(Ev.SYS_EXIT, call, step, ret < 0 ? -1 : ret, ret < 0 ? -ret : 0, 0, 0);
  ev(Ev.MODE_SWITCH, 0, call, 0, 0, 0, c);
  setInKernel(false);
}

function recordError(step: i64, call: i32, errno: i64): void {
  for (let i = 0; i < nerr; i++) {
    if (unchecked(errRecs[i * 4]) == step && unchecked(errRecs[i * 4 + 2]) == errno) { unchecked(errRecs[i * 4 + 3] = unchecked(errRecs[i * 4 + 3]) + 1); return; }
  }
  if (nerr >= ERR_MAX) return;
  unchecked(errRecs[nerr * 4] = step); unchecked(errRecs[nerr * 4 + 1] = call); unchecked(errRecs[nerr * 4 + 2] = errno); unchecked(errRecs[nerr * 4 + 3] = 1);
  nerr++;
}

function recordSignal(step: i64): void {
  count(Counter.SIGNALS, 1);
  ev(Ev.SIGNAL, sys.sigNo, sys.sigCode, sys.sigAddr, 0, 0, 0);
  if (nsig >= SIG_MAX) return;
  const b = nsig * 6;
  unchecked(sigRecs[b] = step); unchecked(sigRecs[b + 1] = sys.sigNo); unchecked(sigRecs[b + 2] = sys.sigCode); unchecked(sigRecs[b + 3] = sys.sigAddr);
  const v = findVmaStart(sys.sigAddr);
  unchecked(sigRecs[b + 4] = v); unchecked(sigRecs[b + 5] = v >= 0 ? sys.sigAddr - v : -1);
  nsig++;
}
function findVmaStart(a: i64): i64 { const v = findVma(a); return v < 0 ? -1 : vmaStart(v); }

function dispatch(call: i32): i64 {
  const a0 = unchecked(argVal[0]), a1 = unchecked(argVal[1]), a2 = unchecked(argVal[2]), a3 = unchecked(argVal[3]), a4 = unchecked(argVal[4]), a5 = unchecked(argVal[5]);
  switch (call) {
    case Call.open: return sys.sys_open(<i32>a0, <i32>a1);
    case Call.close: return sys.sys_close(a0);
    case Call.read: return sys.sys_read(a0, a1, a2);
    case Call.write: return sys.sys_write(a0, a1, a2);
    case Call.pread64: return sys.sys_pread64(a0, a1, a2, a3);
    case Call.pwrite64: return sys.sys_pwrite64(a0, a1, a2, a3);
    case Call.lseek: return sys.sys_lseek(a0, a1, a2);
    case Call.mmap: return sys.sys_mmap(a0, a1, a2, a3, a4, a5);
    case Call.munmap: return sys.sys_munmap(a0, a1);
    case Call.madvise: return sys.sys_madvise(a0, a1, a2);
    case Call.fcntl: return sys.sys_fcntl(a0, a1, a2);
    case Call.pipe: return sys.sys_pipe2(0);
    case Call.pipe2: return sys.sys_pipe2(a0);
    case Call.sendfile: return sys.sys_sendfile(a0, a1, a2, argTag[2] == Tag.REF, a3);
    case Call.splice: return sys.sys_splice(a0, a1, argTag[1] == Tag.REF, a2, a3, argTag[3] == Tag.REF, a4, a5);
    case Call.tee: return sys.sys_tee(a0, a1, a2, a3);
    case Call.setsockopt: return sys.sys_setsockopt(a0, a1, a2, a3);
    case Call.send: return sys.sys_send(a0, a1, a2, a3);
    case Call.recv_errqueue: return sys.sys_recv_errqueue(a0);
    case Call.poll: return sys.sys_poll(a0, a1, a2);
    case Call.vmsplice: return sys.sys_vmsplice(a0, a2);
    case Call.copy_file_range: return sys.sys_copy_file_range(a0, a1, unchecked(argTag[1]) == Tag.REF, a2, a3, unchecked(argTag[3]) == Tag.REF, a4, a5);
    case Call.ftruncate: return sys.sys_ftruncate(a0, a1);
    case Call.fsync: return sys.sys_fsync(a0);
    case Call.fdatasync: return sys.sys_fsync(a0);
    case Call.posix_fadvise: return sys.sys_posix_fadvise(a0, a1, a2, a3);
    case Call.fallocate: return sys_fallocate(a0, a1, a2, a3);
    case Call.mem_read: return sys.mem_read(a0, a1);
    case Call.mem_write: return sys.mem_write(a0, a1);
    case Call.peer_read: return sys.peer_read(a0);
    default: return -Errno.ENOSYS;
  }
}

/** The bytes a call returned as moved to a sink extend that sink's stream (sink.ts sinkSent). The descriptor is the
 * argument calls.ts names in `to` (native-host measure.c derive_call reads the same table). */
function sentToSink(call: i32, r: i64): void {
  if (call < 0 || call > CALL_MAX) return;
  const i = <i32>unchecked(CALL_TO_ARG[call]);
  if (i < 0) return;
  const fd = unchecked(argVal[i]);
  if (fd < 0) return;
  const s = sys.sinkOfFd(fd);
  if (s >= 0) sinkSent(s, r);
}

function execCall(): void {
  const call = <i32>w(codeAt + pc + CallInsn.CALL);
  const step = w(codeAt + pc + CallInsn.STEP);
  const nargs = <i32>w(codeAt + pc + CallInsn.NARGS);
  const r0 = w(codeAt + pc + CallInsn.RET0), r1 = w(codeAt + pc + CallInsn.RET1), r2 = w(codeAt + pc + CallInsn.RET2);
  const brk = <i32>w(codeAt + pc + CallInsn.BRK);
  for (let i = 0; i < MAX_ARGS; i++) { argVal[i] = 0; argTag[i] = Tag.IMM; }
  for (let i = 0; i < nargs && i < MAX_ARGS; i++) {
    const tag = <i32>w(codeAt + pc + CallInsn.ARGS + 2 * i);
    const val = w(codeAt + pc + CallInsn.ARGS + 1 + 2 * i);
    argTag[i] = tag;
    argVal[i] = operand(tag, val);
  }
  const next = pc + CallInsn.ARGS + 2 * nargs;
  if (call >= 0 && call < 64) unchecked(callCounts[call] = unchecked(callCounts[call]) + 1);
  const syscall = isSyscall(call);
  sys.resetSignal();
  sys.callStart();
  cpuCopyCallStart();
  if (syscall) sysEnter(call, step);
  else ev(Ev.USER_OP, call, step, argVal[0], argVal[1], 0, 0);
  const r = dispatch(call);
  if (syscall && sys.stalledForever()) {
    // the call sleeps and nothing can wake it: it never returns (the native host's phase bound runs out)
    sleepFor(Wait.BLOCKED, 0);
    status = Status.TIMEOUT;
    finish();
    return;
  }
  if (syscall) sysExit(call, step, r);
  if (r > 0) sentToSink(call, r);
  sys.settleAll();
  let ret = r;
  if (r < 0) {
    ret = -1;
    if (sys.sigNo != 0) recordSignal(step);
    else recordError(step, call, -r);
  }
  if (call == Call.pipe || call == Call.pipe2) {
    setReg(r0, r == 0 ? sys.pipeRd : -1);
    setReg(r1, r == 0 ? sys.pipeWr : -1);
  } else {
    setReg(r0, ret);
    if (call == Call.recv_errqueue) {
      setReg(r0, r == 0 ? sys.zcLo : -1);
      setReg(r1, r == 0 ? sys.zcHi : -1);
      setReg(r2, r == 0 ? sys.zcCode : -1);
    }
  }
  pc = brk != 0 && ret <= 0 ? brk : next;
}

/** Executes one instruction. Returns the status (OK while runnable). */
export function stepOne(): i32 {
  if (halted || status != Status.OK) return status;
  if (steps >= knob(Knob.STEP_BUDGET)) { status = Status.BUDGET_EXCEEDED; finish(); return status; }
  if (pc < 0 || pc >= ncode) { status = Status.BAD_PROGRAM; finish(); return status; }
  steps++;
  const op = <i32>w(codeAt + pc);
  if (op == Op.CALL) execCall();
  else if (op == Op.SET) { setReg(w(codeAt + pc + 1), operand(<i32>w(codeAt + pc + 2), w(codeAt + pc + 3))); pc += 4; }
  else if (op == Op.JZ) {
    const v = operand(<i32>w(codeAt + pc + 1), w(codeAt + pc + 2));
    pc = v == 0 ? <i32>w(codeAt + pc + 3) : pc + 4;
  } else if (op == Op.JUMP) pc = <i32>w(codeAt + pc + 1);
  else if (op == Op.HALT) { halted = true; status = Status.DONE; finish(); }
  else { status = Status.BAD_PROGRAM; finish(); }
  return status;
}

let finished: bool = false;
function finish(): void {
  if (finished) return;
  finished = true;
  sockFlushAtExit();
  traceFinish();
}

/** Runs until HALT, an error, or `max` instructions (max <= 0: no limit but the budget). */
export function run(max: i64): i32 {
  finished = false;
  let n: i64 = 0;
  while (status == Status.OK && !halted) {
    if (max > 0 && n >= max) break;
    stepOne();
    n++;
  }
  return status;
}

export function resetFinish(): void { finished = false; }
