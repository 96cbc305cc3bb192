// The system calls. Each validates its arguments as Linux does and returns the result, or -errno. The
// interpreter (program.ts) wraps each in the mode switches of the syscall entry and exit and records failures.
//
// /proc/self/io: read()/write() (and pread64/pwrite64) add what they moved to rchar/wchar and count syscr/syscw
// (vfs_read/vfs_write); sendfile and copy_file_range count both; splice, tee, vmsplice, send and mmap access count
// nothing (do_splice and sock_sendmsg do not account).
import { Counter, Ev, Errno, Flags, CopyWhat, SinkKind, Knob, Sig, Call, SO_EE_CODE_ZEROCOPY_COPIED } from "../abi";
import { count } from "../counters";
import { ev, spendQuiet } from "../trace";
import { knob, psCost, MAX_RW_COUNT } from "../machine";
import { argVal, isNull, isRef, reg, setReg, strEq } from "../args";
import { storeBegin, frAlloc, frInitRef, frBumpVersion, frSetIdent, FK_KBUF, getPage, putPage, mkIdent, frHead, frOrder, frRef, frSplit } from "../mm/frames";
import {
  inodeNew, inodeCount, inoKindOf, inoSizeOf, inoSinkOf, inoNameOf, inoSetSize, inoPatternOf, pcLookup, pcPeek,
  pcAddFolio, pcPage, pcReadPrepare, pcWillneed, pcDrop, pcTruncate, IK_REGULAR, IK_NULL, Ra, dirtyFolio, dirtySinkRange, writeBegin, accountDirty, inoFsOf, sleepFor, pcWriteback, pcWaitWriteback,
} from "../mm/pagecache";
import { findVma, pickAddress, vmaFirstPickTop, vmaInsert, vmaRemove, vmaIno, vmaStart, vmaEnd, vmaPgoff, vmaOverlaps, vmaSetAdvice, MAX_VMAS } from "../mm/vma";
import { ptReserve, ptPrebuilt, walk, entryPfn, PTE_P, PTE_H } from "../mm/pagetable";
import { populate, zapRange, translate, FM_GUP, FM_USER, FAULT_OK, lastFault, FAULT_SIGBUS } from "../mm/fault";
import { copyToUser, copyFromUser, cpuCopyPiece, uaccessFault } from "../mm/usercopy";
import { cacheTouch, CPU_PROCESS } from "../mm/cache";
import {
  fileNew, fileType, fileObj, filePos, fileSetPos, fileFlags, fileSetFlags, fileRa, fileRef, fileUnref,
  fileReadable, fileWritable, FT_REG, FT_NULL, FT_PIPE_R, FT_PIPE_W, FT_SOCK,
} from "./file";
import { fdAlloc, fdGet, fdClear } from "./fdtable";
import {
  pipeNew, pipeFull, pipeEmpty, pipeOccupancy, pipeMaxUsage, pipeReaders, pipeWriters, pipePush, pipeConsume,
  pipeResize, pipeCloseEnd, bufPage, bufOff, bufLen, bufFlags, lastBufSlot, BUF_CAN_MERGE, pipeBytes, tailBuf,
} from "./pipe";
import { tcpSendUserZc, recvErrqueue, eqOutLo, eqOutHi, eqOutCopied, sockZc, sockStalled, sockStallReset, sockHasRoom, errqueueLen } from "./socket";
import { iovN, iovBase, iovLen } from "../args";
import { sockClose, tcpSendUser, tcpSendPage, tcpPush, tcpPushEnd, sockSettle, sockCount, sockSetZc, peerDrain, sockSink, sockClosed } from "./socket";
import { sinkReceive, sinkLazy } from "./sink";

const EBADF: i64 = -Errno.EBADF;
/** TASK_SIZE on x86-64 with 4-level tables: the top of user space */
const TASK_SIZE: i64 = 0x7ffffffff000;
const MAP_FIXED_NOREPLACE: i64 = 0x100000;
/** LEGACY_MAP_MASK: the flags MAP_SHARED_VALIDATE accepts (regular files offer no MAP_SYNC here) */
const LEGACY_MAP_MASK: i64 = 0x01 | 0x02 | 0x10 | 0x20 | 0x800 | 0x1000 | 0x4000000 | 0x100 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000;
/** ext4's s_maxbytes with 4 KiB blocks */
const MAX_FILE_BYTES: i64 = 17592186040320;
const SPLICE_F_ALL: i64 = 0xf;

/** rw_verify_area: a negative position, or one that would pass LLONG_MAX, is EINVAL. */
function badRange(pos: i64, cnt: i64): bool {
  if (pos < 0) return true;
  return pos + cnt < 0;
}
const EINVAL: i64 = -Errno.EINVAL;
const ESPIPE: i64 = -Errno.ESPIPE;
const EFAULT: i64 = -Errno.EFAULT;
const EAGAIN: i64 = -Errno.EAGAIN;
const EPIPE: i64 = -Errno.EPIPE;

/**
 * Blocking. The model runs one process (and a peer that only reads): a blocking call that must wait for another
 * party (a pipe nobody reads or fills, a socket buffer a lazy peer never drains) would sleep forever. It then does
 * not return: blockedForever is set and the interpreter stops the program with Status.TIMEOUT, as the native host
 * does when its bound on the phase runs out. A non-blocking call (O_NONBLOCK, SPLICE_F_NONBLOCK, MSG_DONTWAIT)
 * answers EAGAIN instead.
 */
export let callNonblock: bool = false;
export let blockedForever: bool = false;
export function callStart(): void { callNonblock = false; blockedForever = false; sockStallReset(); }
function nbOf(f: i32): bool { return f >= 0 && (fileFlags(f) & Flags.O_NONBLOCK) != 0; }
/** A call that must wait for another party: EAGAIN if non-blocking, else it never returns. */
function wouldBlock(): i64 {
  if (!callNonblock) blockedForever = true;
  return EAGAIN;
}
/** After a call: a blocking socket send that stalled for room never returns. */
export function stalledForever(): bool { return blockedForever || (!callNonblock && sockStalled); }

/** The signal a pseudo-call raised (0 none), its si_code and address: program.ts records them. */
export let sigNo: i32 = 0;
export let sigCode: i32 = 0;
export let sigAddr: i64 = 0;

function ioAcct(rchar: i64, wchar: i64, syscr: i64, syscw: i64): void {
  count(Counter.IO_RCHAR, rchar);
  count(Counter.IO_WCHAR, wchar);
  count(Counter.IO_SYSCR, syscr);
  count(Counter.IO_SYSCW, syscw);
  ev(Ev.IO_ACCT, rchar, wchar, syscr, syscw, 0, 0);
}

/** The task's internal pipe for sendfile/copy_file_range (current->splice_pipe), made on first use. */
let taskPipe: i32 = -1;
/** One scratch frame standing for a sink file's page-cache page (the model keeps no sink pages). */
let sinkScratch: u32 = 0;

export function syscallsReset(): void {
  taskPipe = -1;
  sinkScratch = 0;
  sigNo = 0;
}

// ---- open / close -----------------------------------------------------------------------------------------
export function sys_open(path: i32, flags: i32): i64 {
  let ino = -1;
  for (let i = 0; i < inodeCount(); i++) if (inoKindOf(i) != 0 && strEq(inoNameOf(i), path)) { ino = i; break; }
  if (ino < 0) {
    if (!(flags & Flags.O_CREAT)) return -Errno.ENOENT;
    ino = inodeNew(IK_REGULAR, 0, -1, path);
    if (ino < 0) return -Errno.ENFILE;
  } else if ((flags & Flags.O_CREAT) && (flags & Flags.O_EXCL)) return -Errno.EEXIST;
  const acc = flags & 3;
  if (acc == 3) return EINVAL;
  const f = fileNew(inoKindOf(ino) == IK_NULL ? FT_NULL : FT_REG, ino, flags);
  if (f < 0) return -Errno.ENFILE;
  const fd = fdAlloc(f);
  if (fd < 0) { fileUnref(f); return -Errno.EMFILE; }
  fileRef(f);
  if ((flags & Flags.O_TRUNC) && acc != Flags.O_RDONLY && inoKindOf(ino) == IK_REGULAR) truncateTo(ino, 0);
  return fd;
}

export function sys_close(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  fdClear(fd);
  const t = fileType(f);
  const obj = fileObj(f);
  if (fileUnref(f)) release(t, obj);
  return 0;
}

/** The last descriptor of an open file went away: release what it refers to. */
function release(t: i32, obj: i32): void {
  if (t == FT_PIPE_R) pipeCloseEnd(obj, false);
  else if (t == FT_PIPE_W) pipeCloseEnd(obj, true);
  else if (t == FT_SOCK) sockClose(obj);
}

/** Opens setup objects (sinks) as descriptors. */
export function openObject(type: i32, obj: i32, flags: i32): i64 {
  const f = fileNew(type, obj, flags);
  const fd = fdAlloc(f);
  fileRef(f);
  return fd;
}

// ---- read ---------------------------------------------------------------------------------------------------
/** filemap_read: copies [pos, pos+count) of the file to user memory. Returns bytes or -errno. */
function fileRead(f: i32, ino: i32, pos: i64, buf: i64, cnt: i64): i64 {
  const size = inoSizeOf(ino);
  if (pos >= size || cnt == 0) return 0;
  let n = size - pos < cnt ? size - pos : cnt;
  const first = pos >> 12;
  const last = (pos + n - 1) >> 12;
  pcReadPrepare(ino, fileRa(f), first, last - first + 1);
  let done: i64 = 0;
  while (done < n) {
    const p = pos + done;
    const pfn = pcPage(ino, p >> 12);
    const off = <i32>(p & 4095);
    let m = 4096 - off;
    if (<i64>m > n - done) m = <i32>(n - done);
    const got = copyToUser(buf + done, pfn, off, m, CopyWhat.TO_USER);
    done += got;
    if (got < m) break;
  }
  if (done == 0 && uaccessFault != 0) return EFAULT;
  return done;
}

function pipeRead(f: i32, p: i32, buf: i64, cnt: i64): i64 {
  if (pipeEmpty(p)) {
    if (pipeWriters(p) == 0) return 0;
    return wouldBlock();
  }
  let done: i64 = 0;
  while (done < cnt && !pipeEmpty(p)) {
    const pfn = bufPage(p, 0);
    const off = bufOff(p, 0);
    let m = bufLen(p, 0);
    if (<i64>m > cnt - done) m = <i32>(cnt - done);
    const got = copyToUser(buf + done, pfn, off, m, CopyWhat.TO_USER);
    done += got;
    pipeConsume(p, got);
    if (got < m) break;
  }
  if (done == 0) return EFAULT;
  return done;
}

export function sys_read(fd: i64, buf: i64, cnt: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileReadable(f)) return EBADF;
  callNonblock = nbOf(f);
  if (cnt < 0) return EFAULT;   // a count above SSIZE_MAX cannot describe user memory (access_ok)
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const t = fileType(f);
  let r: i64 = 0;
  if (t == FT_REG) {
    r = fileRead(f, fileObj(f), filePos(f), buf, cnt);
    if (r > 0) fileSetPos(f, filePos(f) + r);
  } else if (t == FT_NULL) r = 0;
  else if (t == FT_PIPE_R) r = pipeRead(f, fileObj(f), buf, cnt);
  else if (t == FT_SOCK) r = wouldBlock(); // the peer never sends
  else return EBADF;
  ioAcct(r > 0 ? r : 0, 0, 1, 0);
  return r;
}

export function sys_pread64(fd: i64, buf: i64, cnt: i64, off: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileReadable(f)) return EBADF;
  const t = fileType(f);
  if (t == FT_PIPE_R || t == FT_PIPE_W || t == FT_SOCK) return ESPIPE;
  if (cnt < 0) return EFAULT;
  if (badRange(off, cnt)) return EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const r: i64 = t == FT_REG ? fileRead(f, fileObj(f), off, buf, cnt) : 0;
  ioAcct(r > 0 ? r : 0, 0, 1, 0);
  return r;
}

// ---- write --------------------------------------------------------------------------------------------------
/** The page a write at page index `idx` of `ino` lands in: a sink's scratch page, or the page cache's. */
function pageForWrite(ino: i32, idx: i64): u32 {
  if (inoSinkOf(ino) >= 0) {
    if (sinkScratch == 0) { sinkScratch = frAlloc(0, FK_KBUF); frInitRef(sinkScratch, 1); }
    return sinkScratch;
  }
  let pfn = pcPeek(ino, idx);
  if (pfn == 0) {
    const head = pcAddFolio(ino, idx, 0);
    const pat = inoPatternOf(ino);
    frSetIdent(head, pat >= 0 && (idx << 12) < inoSizeOf(ino) ? mkIdent(pat, idx << 12, 0) : 0);
    pfn = head;
  }
  return pfn;
}

/** After bytes [pos, pos+n) of a page were written: sinks verify them; the file grows. */
function wrote(ino: i32, pfn: u32, off: i32, n: i32, pos: i64): void {
  const s = inoSinkOf(ino);
  if (s >= 0) { sinkReceive(s, pfn, off, n, pos); dirtySinkRange(ino, pos, n); }
  else dirtyFolio(pfn);
  if (pos + n > inoSizeOf(ino)) inoSetSize(ino, pos + n);
}

/** generic_perform_write from user memory. */
/**
 * generic_write_check_limits: a write at or past s_maxbytes is EFBIG, one reaching past it is cut there. The model
 * also keeps a regular file's page cache under MODEL_MAX_FILE_BYTES (a sparse write far out is EFBIG here).
 */
const MODEL_MAX_FILE_BYTES: i64 = 16 << 30;
function writeLimit(ino: i32, pos: i64, cnt: i64): i64 {
  const max = inoSinkOf(ino) >= 0 ? MAX_FILE_BYTES : MODEL_MAX_FILE_BYTES;
  if (pos >= max) return -Errno.EFBIG;
  return cnt > max - pos ? max - pos : cnt;
}

function fileWrite(ino: i32, pos: i64, buf: i64, cnt: i64): i64 {
  cnt = writeLimit(ino, pos, cnt);
  if (cnt <= 0) return cnt;
  writeBegin(ino, pos, cnt);
  let done: i64 = 0;
  while (done < cnt) {
    const p = pos + done;
    const off = <i32>(p & 4095);
    let m = 4096 - off;
    if (<i64>m > cnt - done) m = <i32>(cnt - done);
    const pfn = pageForWrite(ino, p >> 12);
    const got = copyFromUser(buf + done, pfn, off, m, CopyWhat.FROM_USER);
    if (got > 0) wrote(ino, pfn, off, got, p);
    done += got;
    if (got < m) break;
  }
  if (done == 0 && uaccessFault != 0) return EFAULT;
  return done;
}

function pipeWrite(f: i32, p: i32, buf: i64, cnt: i64): i64 {
  if (pipeReaders(p) == 0) return EPIPE;
  let done: i64 = 0;
  // merge into the last buffer while it has room (anon_pipe_buf CAN_MERGE)
  if (!pipeEmpty(p) && cnt > 0) {
    const s = lastBufSlot(p);
    const flags = load<u32>(s, 12);
    const off = <i32>load<u32>(s, 4);
    const len = <i32>load<u32>(s, 8);
    if ((flags & BUF_CAN_MERGE) && off + len < 4096) {
      let m = 4096 - (off + len);
      if (<i64>m > cnt) m = <i32>cnt;
      const got = copyFromUser(buf, load<u32>(s), off + len, m, CopyWhat.FROM_USER);
      store<u32>(s, <u32>(len + got), 8);
      done += got;
      if (got < m) return done > 0 ? done : EFAULT;
    }
  }
  while (done < cnt) {
    if (pipeFull(p)) break;
    const page = frAlloc(0, FK_KBUF);
    frInitRef(page, 1);
    let m = 4096;
    if (<i64>m > cnt - done) m = <i32>(cnt - done);
    const got = copyFromUser(buf + done, page, 0, m, CopyWhat.FROM_USER);
    if (got == 0) { putPage(page); break; }
    pipePush(p, page, 0, got, BUF_CAN_MERGE, false);
    done += got;
    if (got < m) break;
  }
  if (done == 0) return pipeFull(p) ? wouldBlock() : EFAULT;
  if (done < cnt && pipeFull(p)) wouldBlock();   // pipe_write waits for room for the rest
  return done;
}

export function sys_write(fd: i64, buf: i64, cnt: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileWritable(f)) return EBADF;
  callNonblock = nbOf(f);
  if (cnt < 0) return EFAULT;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const t = fileType(f);
  let r: i64 = 0;
  if (t == FT_REG) {
    const ino = fileObj(f);
    let pos = filePos(f);
    if (fileFlags(f) & Flags.O_APPEND) pos = inoSizeOf(ino);
    r = fileWrite(ino, pos, buf, cnt);
    if (r > 0) fileSetPos(f, pos + r);
  } else if (t == FT_NULL) r = cnt;          // write_null: the bytes are never read
  else if (t == FT_PIPE_W) r = pipeWrite(f, fileObj(f), buf, cnt);
  else if (t == FT_SOCK) r = sockClosed(fileObj(f)) ? EPIPE : tcpSendUser(fileObj(f), buf, cnt);
  else return EBADF;
  ioAcct(0, r > 0 ? r : 0, 0, 1);
  return r;
}

export function sys_pwrite64(fd: i64, buf: i64, cnt: i64, off: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileWritable(f)) return EBADF;
  const t = fileType(f);
  if (t == FT_PIPE_R || t == FT_PIPE_W || t == FT_SOCK) return ESPIPE;
  if (cnt < 0) return EFAULT;
  if (badRange(off, cnt)) return EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const r: i64 = t == FT_REG ? fileWrite(fileObj(f), off, buf, cnt) : cnt;
  ioAcct(0, r > 0 ? r : 0, 0, 1);
  return r;
}

export function sys_lseek(fd: i64, off: i64, whence: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  const t = fileType(f);
  if (t == FT_PIPE_R || t == FT_PIPE_W || t == FT_SOCK) return ESPIPE;
  if (t == FT_NULL) { fileSetPos(f, 0); return 0; }   // null_lseek
  let base: i64 = 0;
  if (whence == Flags.SEEK_SET) base = 0;
  else if (whence == Flags.SEEK_CUR) base = filePos(f);
  else if (whence == Flags.SEEK_END) base = inoSizeOf(fileObj(f));
  else return EINVAL;
  const np = base + off;
  if (np < 0) return EINVAL;
  fileSetPos(f, np);
  return np;
}

// ---- memory -------------------------------------------------------------------------------------------------
export function sys_mmap(addr: i64, length: i64, prot: i64, flags: i64, fd: i64, offset: i64): i64 {
  const type = flags & 3;
  if (offset & 4095) return EINVAL;
  if (length == 0) return EINVAL;
  // do_mmap: the page-aligned length must not wrap to 0 nor exceed the address space
  const len = <i64>((<u64>length + 4095) & ~(<u64>4095));
  if (len == 0 || <u64>len > <u64>TASK_SIZE) return -Errno.ENOMEM;
  if (type != Flags.MAP_SHARED && type != Flags.MAP_PRIVATE && type != 3) return EINVAL;
  const fixed = (flags & (Flags.MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
  if (fixed) {
    if (addr & 4095) return EINVAL;
    if (<u64>addr > <u64>TASK_SIZE - <u64>len) return -Errno.ENOMEM;
  }
  let ino = -1;
  if (!(flags & Flags.MAP_ANONYMOUS)) {
    const f = fdGet(fd);
    if (f < 0) return EBADF;
    const t = fileType(f);
    if (t != FT_REG) return -Errno.ENODEV;
    // MAP_SHARED_VALIDATE refuses flags it does not know
    if (type == 3 && (flags & ~LEGACY_MAP_MASK) != 0) return -Errno.EOPNOTSUPP;
    if (!fileReadable(f)) return -Errno.EACCES;
    if ((type & Flags.MAP_SHARED) && (prot & Flags.PROT_WRITE) && (fileFlags(f) & 3) != Flags.O_RDWR) return -Errno.EACCES;
    ino = fileObj(f);
  }
  let start: i64;
  if (flags & MAP_FIXED_NOREPLACE) {
    if (vmaOverlaps(addr, addr + len)) return -Errno.EEXIST;
    start = addr;
  } else if (flags & Flags.MAP_FIXED) {
    start = addr;
    zapRange(start, start + len);
    vmaRemove(start, start + len);
  } else {
    start = pickAddress(len, ino >= 0);
    // get_unmapped_area is top-down: the first pick ends where the host's own memory begins (its call log, mapped
    // with MAP_POPULATE last in setup). When that is inside a PMD, the PMD already has its PTE table, so the
    // mapping's top part faults into a table that exists (see mapPages in mm/fault.ts).
    const top = vmaFirstPickTop();
    if (top >= 0 && (top & ((<i64>1 << 21) - 1)) != 0) ptPrebuilt(top);
  }
  const v = vmaInsert(start, start + len, <i32>prot, <i32>(flags & ~Flags.MAP_POPULATE), ino, offset >> 12);
  ptReserve(len);
  if (v < 0) return -Errno.ENOMEM;
  if (flags & Flags.MAP_POPULATE) {
    // populate_vma_page_range: GUP faults; a private writable mapping breaks COW, a shared one reads
    const write = (prot & Flags.PROT_WRITE) != 0 && type == Flags.MAP_PRIVATE;
    let end = start + len;
    if (ino >= 0) {
      const fileEnd = (((inoSizeOf(ino) + 4095) >> 12) - (offset >> 12)) << 12;
      if (start + fileEnd < end) end = start + (fileEnd > 0 ? fileEnd : 0);
    }
    populate(start, end, write, FM_GUP);
  }
  return start;
}

export function sys_munmap(addr: i64, length: i64): i64 {
  if ((addr & 4095) != 0 || length <= 0) return EINVAL;
  if (<u64>addr > <u64>TASK_SIZE || <u64>length > <u64>(TASK_SIZE - addr)) return EINVAL;
  const len = (length + 4095) & ~4095;
  zapRange(addr, addr + len);
  vmaRemove(addr, addr + len);
  return 0;
}

export function sys_madvise(addr: i64, length: i64, advice: i64): i64 {
  if ((addr & 4095) != 0 || length < 0) return EINVAL;
  if (<u64>addr + <u64>length < <u64>addr) return EINVAL;
  const len = (length + 4095) & ~4095;
  if (advice == Flags.MADV_DONTNEED) zapRange(addr, addr + len);
  else if (advice == Flags.MADV_NORMAL || advice == Flags.MADV_RANDOM || advice == Flags.MADV_SEQUENTIAL) vmaSetAdvice(addr, addr + len, <i32>advice);
  else if (advice == Flags.MADV_WILLNEED) {
    // madvise_willneed: readahead of the file pages under [addr, addr + len)
    const v = findVma(addr);
    if (v >= 0 && vmaIno(v) >= 0) {
      let end = addr + len < vmaEnd(v) ? addr + len : vmaEnd(v);
      const pg = vmaPgoff(v) + ((addr - vmaStart(v)) >> 12);
      pcWillneed(vmaIno(v), new Ra(), pg, (end - addr) >> 12);
    }
  } else return EINVAL;
  return 0;
}

// ---- fcntl / pipe ---------------------------------------------------------------------------------------------
function pipeOf(f: i32): i32 {
  const t = fileType(f);
  return t == FT_PIPE_R || t == FT_PIPE_W ? fileObj(f) : -1;
}

export function sys_fcntl(fd: i64, cmd: i64, arg: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  if (cmd == Flags.F_GETFL) return fileFlags(f);
  if (cmd == Flags.F_SETFL) {
    const settable = Flags.O_APPEND | Flags.O_NONBLOCK | Flags.O_DIRECT;
    fileSetFlags(f, (fileFlags(f) & ~settable) | (<i32>arg & settable));
    return 0;
  }
  if (cmd == Flags.F_SETPIPE_SZ || cmd == Flags.F_GETPIPE_SZ) {
    const p = pipeOf(f);
    if (p < 0) return EBADF;
    if (cmd == Flags.F_GETPIPE_SZ) return <i64>pipeMaxUsage(p) << 12;
    // pipe_set_size: round_pipe_size(), then the unprivileged limit, then the occupancy
    const size = arg & 0xffffffff;               // the argument is an unsigned int
    if (size > (<i64>1 << 31)) return EINVAL;
    let bytes: i64 = size < 4096 ? 4096 : 4096;
    while (bytes < size) bytes <<= 1;
    const slots = <u32>(bytes >> 12);
    if (slots > pipeMaxUsage(p) && bytes > knob(Knob.PIPE_MAX_SIZE)) return -Errno.EPERM;
    if (!pipeResize(p, slots)) return -Errno.EBUSY;
    return <i64>slots << 12;
  }
  return EINVAL;
}

/** pipe2: returns 0 and the two descriptors in pipeFds. */
export let pipeRd: i64 = -1;
export let pipeWr: i64 = -1;
export function sys_pipe2(flags: i64): i64 {
  if (flags & ~(Flags.O_CLOEXEC | Flags.O_NONBLOCK | Flags.O_DIRECT)) return EINVAL;
  const p = pipeNew();
  if (p < 0) return -Errno.ENFILE;
  const nb = <i32>(flags & Flags.O_NONBLOCK);
  pipeRd = openObject(FT_PIPE_R, p, Flags.O_RDONLY | nb);
  pipeWr = openObject(FT_PIPE_W, p, Flags.O_WRONLY | nb);
  return 0;
}

// ---- splice machinery ---------------------------------------------------------------------------------------
/**
 * filemap_splice_read: references file pages [pos, pos+len) into pipe `p`, one buffer per page, as many as the
 * pipe has free slots. Returns bytes moved (0 at EOF), or -EAGAIN when the pipe is full.
 */
function fileToPipe(f: i32, ino: i32, pos: i64, p: i32, len: i64): i64 {
  const size = inoSizeOf(ino);
  if (pos >= size || len <= 0) return 0;
  if (pipeFull(p)) return wouldBlock();
  let n = size - pos < len ? size - pos : len;
  const slots = <i64>(pipeMaxUsage(p) - pipeOccupancy(p));
  const cap = (slots << 12) - (pos & 4095);
  if (n > cap) n = cap;
  const first = pos >> 12;
  pcReadPrepare(ino, fileRa(f), first, ((pos + n - 1) >> 12) - first + 1);
  let done: i64 = 0;
  while (done < n && !pipeFull(p)) {
    const q = pos + done;
    const pfn = pcPage(ino, q >> 12);
    const off = <i32>(q & 4095);
    let m = 4096 - off;
    if (<i64>m > n - done) m = <i32>(n - done);
    pipePush(p, pfn, off, m, 0, true);
    done += m;
  }
  return done;
}

/**
 * The splice_write side: moves up to `len` bytes of pipe `p`'s buffers to file description `out` (a socket:
 * fragments; a file: a copy into its pages at *pos; /dev/null: dropped; a pipe: buffers moved). `pos` is the
 * output file position (in and out through outPos). Returns bytes moved, or -errno if none.
 */
let outPos: i64 = 0;
const SPLICE_SENDMSG_BUFS = 16;
function pipeToOut(p: i32, out: i32, len: i64, more: bool = false): i64 {
  const t = fileType(out);
  let done: i64 = 0;
  if (t == FT_SOCK) {
    const k = fileObj(out);
    if (sockClosed(k)) return EPIPE;
    // splice_to_socket: up to 16 buffers (its bio_vec array) per tcp_sendmsg, each ending in tcp_push and
    // release_sock, where the ACKs that came meanwhile may send the sub-MSS tail (Nagle's algorithm)
    let bufs = 0;
    while (done < len && !pipeEmpty(p)) {
      const b = tailBuf(p);
      const pfn = load<u32>(b);
      const off = <i32>load<u32>(b, 4);
      let m = <i32>load<u32>(b, 8);
      if (<i64>m > len - done) m = <i32>(len - done);
      const took = tcpSendPage(k, pfn, off, m);
      if (took == 0) { if (done == 0) return wouldBlock(); break; }
      pipeConsume(p, took);
      done += took;
      if (++bufs == SPLICE_SENDMSG_BUFS) { tcpPushEnd(k, more || (done < len && !pipeEmpty(p))); bufs = 0; }
    }
    if (bufs > 0) tcpPushEnd(k, more);
    return done;
  }
  if (t == FT_NULL) {
    while (done < len && !pipeEmpty(p)) {
      let m = bufLen(p, 0);
      if (<i64>m > len - done) m = <i32>(len - done);
      pipeConsume(p, m);
      done += m;
    }
    return done;
  }
  if (t == FT_REG) {
    // iter_file_splice_write: the pages are copied into the file (vfs_iter_write), all the buffers in one write
    const ino = fileObj(out);
    let wlen = pipeBytes(p);
    if (wlen > len) wlen = len;
    wlen = writeLimit(ino, outPos, wlen);
    if (wlen <= 0) return wlen == 0 ? 0 : wlen;
    len = wlen;
    writeBegin(ino, outPos, wlen);
    while (done < len && !pipeEmpty(p)) {
      const pfn = bufPage(p, 0);
      const off = bufOff(p, 0);
      let m = bufLen(p, 0);
      if (<i64>m > len - done) m = <i32>(len - done);
      let k: i32 = 0;
      while (k < m) {
        const q = outPos + k;
        const doff = <i32>(q & 4095);
        let piece = 4096 - doff;
        if (piece > m - k) piece = m - k;
        const dst = pageForWrite(ino, q >> 12);
        cpuCopyPiece(pfn, off + k, dst, doff, piece, CopyWhat.PAGE_TO_PAGE);
        wrote(ino, dst, doff, piece, q);
        k += piece;
      }
      outPos += m;
      pipeConsume(p, m);
      done += m;
    }
    return done;
  }
  if (t == FT_PIPE_W) {
    const q = fileObj(out);
    if (pipeReaders(q) == 0) return EPIPE;
    while (done < len && !pipeEmpty(p) && !pipeFull(q)) {
      const pfn = bufPage(p, 0);
      const off = bufOff(p, 0);
      let m = bufLen(p, 0);
      if (<i64>m > len - done) m = <i32>(len - done);
      pipePush(q, pfn, off, m, bufFlags(p, 0) & ~BUF_CAN_MERGE, true);
      pipeConsume(p, m);
      done += m;
    }
    if (done == 0 && pipeFull(q)) return wouldBlock();
    return done;
  }
  return EINVAL;
}

function splicesOut(out: i32): bool {
  const t = fileType(out);
  return t == FT_SOCK || t == FT_NULL || t == FT_REG || t == FT_PIPE_W;
}

/**
 * do_splice_direct / splice_direct_to_actor: file -> the task's pipe -> `out`, pipe-load by pipe-load, until
 * `count` bytes or EOF. Returns bytes moved; inPos advances by them.
 */
let inPos: i64 = 0;
function spliceDirect(inF: i32, out: i32, count: i64): i64 {
  if (taskPipe < 0) taskPipe = pipeNew();
  const p = taskPipe;
  const ino = fileObj(inF);
  let total: i64 = 0;
  let err: i64 = 0;
  while (total < count) {
    const r = fileToPipe(inF, ino, inPos, p, count - total);
    if (r <= 0) { if (r < 0) err = r; break; }
    const w = pipeToOut(p, out, r, r < count - total);   // SPLICE_F_MORE: more reads to come
    if (w < 0) { err = w; while (!pipeEmpty(p)) pipeConsume(p, bufLen(p, 0)); break; }
    total += w;
    inPos += w;
    if (w < r) { while (!pipeEmpty(p)) pipeConsume(p, bufLen(p, 0)); break; }
  }
  // the call's end: through a NIC the ACKs that come later push a corked tail (the model pushes it now)
  if (fileType(out) == FT_SOCK) tcpPushEnd(fileObj(out));
  if (total == 0 && err != 0) return err;
  return total;
}

// ---- sendfile ---------------------------------------------------------------------------------------------
export function sys_sendfile(outFd: i64, inFd: i64, offReg: i64, offIsRef: bool, cnt: i64): i64 {
  const inF = fdGet(inFd);
  const out = fdGet(outFd);
  if (inF < 0 || !fileReadable(inF)) return EBADF;
  callNonblock = nbOf(out) || nbOf(inF);
  const tin = fileType(inF);
  let pos: i64;
  if (offIsRef) {
    pos = reg(offReg);
    if (tin != FT_REG && tin != FT_NULL) return ESPIPE;
  } else pos = filePos(inF);
  if (cnt < 0) return EINVAL;
  if (badRange(pos, cnt)) return EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  if (out < 0 || !fileWritable(out)) return EBADF;
  if (tin != FT_REG) return EINVAL;               // no splice_read: pipes, sockets
  if (fileFlags(out) & Flags.O_APPEND) return EINVAL;
  let r: i64;
  inPos = pos;
  if (fileType(out) == FT_PIPE_W) {
    const q = fileObj(out);
    if (pipeReaders(q) == 0) return EPIPE;
    r = fileToPipe(inF, fileObj(inF), pos, q, cnt);
    if (r > 0) inPos = pos + r;
  } else {
    if (!splicesOut(out)) return EINVAL;
    outPos = filePos(out);
    r = spliceDirect(inF, out, cnt);
    if (r > 0 && fileType(out) == FT_REG) fileSetPos(out, outPos);
  }
  if (r > 0) ioAcct(r, r, 1, 1); else ioAcct(0, 0, 1, 1);
  if (r >= 0) { if (offIsRef) setReg(offReg, inPos); else fileSetPos(inF, inPos); }
  return r;
}

// ---- splice / tee -----------------------------------------------------------------------------------------
export function sys_splice(fdIn: i64, offInReg: i64, offInRef: bool, fdOut: i64, offOutReg: i64, offOutRef: bool, len: i64, flags: i64): i64 {
  if (len == 0) return 0;
  if (flags & ~SPLICE_F_ALL) return EINVAL;
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (inF < 0 || out < 0) return EBADF;
  if (!fileReadable(inF) || !fileWritable(out)) return EBADF;
  callNonblock = (flags & Flags.SPLICE_F_NONBLOCK) != 0 || nbOf(inF) || nbOf(out);
  const ip = pipeOf(inF);
  const op = pipeOf(out);
  if (ip >= 0 && op >= 0) {
    if (offInRef || offOutRef) return ESPIPE;
    if (ip == op) return EINVAL;
    if (len == 0) return 0;
    if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
    return pipeToOut(ip, out, len);
  }
  if (ip >= 0) {
    if (offInRef) return ESPIPE;
    const t = fileType(out);
    if (offOutRef && t != FT_REG && t != FT_NULL) return ESPIPE;
    if (t == FT_REG && (fileFlags(out) & Flags.O_APPEND)) return EINVAL;
    if (!splicesOut(out)) return EINVAL;
    if (len == 0) return 0;
    if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
    if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
    outPos = offOutRef ? reg(offOutReg) : filePos(out);
    if (outPos < 0) return EINVAL;
    const r = pipeToOut(ip, out, len);
    if (r > 0 && t == FT_REG) { if (offOutRef) setReg(offOutReg, outPos); else fileSetPos(out, outPos); }
    return r;
  }
  if (op >= 0) {
    if (offOutRef) return ESPIPE;
    const t = fileType(inF);
    if (t == FT_SOCK) {
      // tcp_splice_read. The peer never sends, so nothing is ever queued to read. Whether the call waits for
      // data is the socket's own O_NONBLOCK (sock_rcvtimeo): SPLICE_F_NONBLOCK only spares the wait for pipe room.
      if (offInRef) return ESPIPE;
      if (pipeReaders(op) == 0) return EPIPE;
      if (pipeFull(op)) return wouldBlock();
      if (nbOf(inF)) return EAGAIN;
      blockedForever = true;
      return EAGAIN;
    }
    if (t != FT_REG) { if (t == FT_NULL) return 0; return EINVAL; }
    if (len == 0) return 0;
    if (pipeReaders(op) == 0) return EPIPE;
    if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
    const pos = offInRef ? reg(offInReg) : filePos(inF);
    if (pos < 0) return EINVAL;
    const r = fileToPipe(inF, fileObj(inF), pos, op, len);
    if (r > 0) { if (offInRef) setReg(offInReg, pos + r); else fileSetPos(inF, pos + r); }
    return r;
  }
  return EINVAL;
}

export function sys_tee(fdIn: i64, fdOut: i64, len: i64, flags: i64): i64 {
  if (flags & ~SPLICE_F_ALL) return EINVAL;
  if (len == 0) return 0;
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (inF < 0 || out < 0) return EBADF;
  callNonblock = (flags & Flags.SPLICE_F_NONBLOCK) != 0 || nbOf(inF) || nbOf(out);
  const ip = pipeOf(inF);
  const op = pipeOf(out);
  if (ip < 0 || op < 0 || ip == op) return EINVAL;
  if (!fileReadable(inF) || !fileWritable(out)) return EBADF;
  if (len == 0) return 0;
  if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
  if (pipeReaders(op) == 0) return EPIPE;
  if (pipeFull(op)) return wouldBlock();
  // link_pipe: duplicate buffer references, the input stays as it is
  let done: i64 = 0;
  let k: u32 = 0;
  while (done < len && k < pipeOccupancy(ip) && !pipeFull(op)) {
    let m = bufLen(ip, k);
    if (<i64>m > len - done) m = <i32>(len - done);
    pipePush(op, bufPage(ip, k), bufOff(ip, k), m, bufFlags(ip, k) & ~BUF_CAN_MERGE, true);
    done += m;
    k++;
  }
  return done;
}

// ---- files ----------------------------------------------------------------------------------------------
function truncateTo(ino: i32, size: i64): void {
  // unmap_mapping_range: PTEs of pages wholly past the new EOF go; then the pages leave the cache
  const first = (size + 4095) >> 12;
  for (let v = 0; v < MAX_VMAS; v++) {
    const va = findVmaIndexForIno(v, ino);
    if (va < 0) continue;
    const s = vmaStart(v), e = vmaEnd(v), pg = vmaPgoff(v);
    let from = s + ((first - pg) << 12);
    if (from < s) from = s;
    if (from < e) zapRange(from, e);
  }
  // truncate_inode_partial_folio: a large folio that the new EOF cuts (it starts before EOF and goes on past it)
  // is split (split_folio), so that the pages past EOF can leave; a file folio is unmapped whole to be split
  // (unmap_folio: try_to_unmap) and not mapped again afterwards (remap_page leaves file folios), so the pages
  // that stay, before EOF, fault again at their next access. A folio pinned by more than the cache and its
  // mappings (a pipe, an skb) is not split (can_split_folio) and stays mapped.
  splitAtEof(ino, size);
  // the tail of the last partial page reads as zeros
  if (size & 4095) {
    // ext4_block_truncate_page: the rest of the block holding EOF is zeroed and that page turns dirty (the large
    // folio is split first, so one page is accounted)
    const pfn = pcPeek(ino, size >> 12);
    if (pfn != 0) { zeroTail(pfn, <i32>(size & 4095)); accountDirty(4096); }
  }
  pcTruncate(ino, size);
}
function splitAtEof(ino: i32, size: i64): void {
  const pfn = pcPeek(ino, size >> 12);
  if (pfn == 0) return;
  const head = frHead(pfn);
  const order = frOrder(head);
  if (order == 0) return;
  const n: i64 = (<i64>1) << order;
  const first = (size >> 12) - <i64>(pfn - head);     // the folio's first page index
  if ((first << 12) >= size) return;                  // it starts at EOF: truncated whole, not split
  // can_split_folio: the only references are the cache's and one per page mapped
  let mapped: i32 = 0;
  for (let v = 0; v < MAX_VMAS; v++) {
    if (findVmaIndexForIno(v, ino) < 0) continue;
    for (let p = first; p < first + n; p++) {
      const va = vmaStart(v) + ((p - vmaPgoff(v)) << 12);
      if (va < vmaStart(v) || va >= vmaEnd(v)) continue;
      const slot = walk(va, false);
      if (slot == 0) continue;
      const e = load<u64>(slot);
      if ((e & PTE_P) && !(e & PTE_H) && entryPfn(e) >= head && entryPfn(e) < head + <u32>n) mapped++;
    }
  }
  if (frRef(head) != 1 + mapped) return;
  for (let v = 0; v < MAX_VMAS; v++) {
    if (findVmaIndexForIno(v, ino) < 0) continue;
    let a = vmaStart(v) + ((first - vmaPgoff(v)) << 12);
    let b = a + (n << 12);
    if (a < vmaStart(v)) a = vmaStart(v);
    if (b > vmaEnd(v)) b = vmaEnd(v);
    if (a < b) zapRange(a, b);
  }
  frSplit(head);
}
function findVmaIndexForIno(v: i32, ino: i32): i32 {
  if (vmaEnd(v) <= vmaStart(v)) return -1;
  if (findVma(vmaStart(v)) != v) return -1;
  return vmaIno(v) == ino ? v : -1;
}
function zeroTail(pfn: u32, off: i32): void {
  // a run of zeros over [off, 4096)
  const z = frAlloc(0, FK_KBUF);
  frInitRef(z, 1);
  copyIdent(z, off, pfn, off, 4096 - off);
  putPage(z);
}
import { frCopy } from "../mm/frames";
function copyIdent(src: u32, so: i32, dst: u32, d: i32, n: i32): void { frCopy(src, so, dst, d, n); }

export function sys_ftruncate(fd: i64, length: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  if (length < 0) return EINVAL;
  if (fileType(f) != FT_REG || !fileWritable(f)) return EINVAL;
  if (length > (inoSinkOf(fileObj(f)) >= 0 ? MAX_FILE_BYTES : MODEL_MAX_FILE_BYTES)) return -Errno.EFBIG;
  truncateTo(fileObj(f), length);
  return 0;
}

export function sys_fsync(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  const t = fileType(f);
  if (t != FT_REG && t != FT_NULL) return EINVAL;
  if (t == FT_REG && pcWriteback(fileObj(f)) > 0) pcWaitWriteback();   // it waits for the writes
  return 0;
}

export function sys_posix_fadvise(fd: i64, offset: i64, len: i64, advice: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  const t = fileType(f);
  if (t == FT_PIPE_R || t == FT_PIPE_W) return ESPIPE;
  if (advice < 0 || advice > 5 || len < 0) return EINVAL;
  if (t != FT_REG) return 0;
  const ino = fileObj(f);
  // the access pattern is the open file's (f_mode FMODE_RANDOM, ra_pages doubled for SEQUENTIAL)
  if (advice == Flags.POSIX_FADV_RANDOM) { fileRa(f).scale = 0; return 0; }
  if (advice == Flags.POSIX_FADV_SEQUENTIAL) { fileRa(f).scale = 2; return 0; }
  if (advice == Flags.POSIX_FADV_NORMAL) { fileRa(f).scale = 1; return 0; }
  // generic_fadvise: [offset, offset + len - 1], len 0 (or a wrap) meaning to the end; only the file's pages matter
  const size = inoSizeOf(ino);
  let endbyte: i64 = len == 0 || <u64>offset + <u64>len < <u64>len ? i64.MAX_VALUE : offset + len - 1;
  if (offset < 0 && endbyte < 0) return 0;
  const start = offset < 0 ? 0 : offset;
  if (endbyte >= size) endbyte = size - 1;
  if (start > endbyte) return 0;
  if (advice == Flags.POSIX_FADV_DONTNEED) {
    // whole pages only: the partial first page is kept
    const first = (start + 4095) >> 12;
    const last = endbyte == size - 1 ? endbyte >> 12 : ((endbyte + 1) >> 12) - 1;
    if (last >= first) pcDrop(ino, first, last);
  } else if (advice == Flags.POSIX_FADV_WILLNEED) {
    pcWillneed(ino, fileRa(f), start >> 12, (endbyte >> 12) - (start >> 12) + 1);
  }
  return 0;
}

// ---- sockets --------------------------------------------------------------------------------------------
export function sys_setsockopt(fd: i64, level: i64, optname: i64, optval: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  if (fileType(f) != FT_SOCK) return -Errno.ENOTSOCK;
  if (level != Flags.SOL_SOCKET) return EINVAL;
  if (optname == Flags.SO_ZEROCOPY) { sockSetZc(fileObj(f), optval != 0); return 0; }
  if (optname == Flags.SO_SNDBUF || optname == Flags.SO_RCVBUF) return 0;
  return EINVAL;
}

export function sys_send(fd: i64, buf: i64, len: i64, flags: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  if (fileType(f) != FT_SOCK) return -Errno.ENOTSOCK;
  const k = fileObj(f);
  callNonblock = (flags & Flags.MSG_DONTWAIT) != 0 || nbOf(f);
  if (sockClosed(k)) return EPIPE;
  if (len < 0) return EFAULT;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  // MSG_ZEROCOPY without SO_ZEROCOPY is ignored: the data is copied and no completion comes
  if ((flags & Flags.MSG_ZEROCOPY) && sockZc(k)) return tcpSendUserZc(k, buf, len);
  return tcpSendUser(k, buf, len);
}

/**
 * poll(2) on one descriptor: the mask its file reports (a file is always readable and writable; a pipe's read end
 * POLLIN when it holds data, POLLHUP without writers; its write end POLLOUT with room, POLLERR without readers; a
 * socket POLLOUT with room, POLLERR with completions on its error queue), kept to `events` plus POLLERR|POLLHUP.
 * Ready: 1. Not ready: 0 after `timeout` ms (the process sleeps), or never for a negative timeout. An fd that is
 * not open reports POLLNVAL (1); a negative fd is ignored.
 */
export function sys_poll(fd: i64, events: i64, timeout: i64): i64 {
  const POLLIN: i64 = 0x1, POLLOUT: i64 = 0x4, POLLERR: i64 = 0x8, POLLHUP: i64 = 0x10;
  let mask: i64 = 0;
  if (fd >= 0) {
    const f = fdGet(fd);
    if (f < 0) return 1;   // POLLNVAL
    const t = fileType(f);
    if (t == FT_REG || t == FT_NULL) mask = POLLIN | POLLOUT;
    else if (t == FT_PIPE_R) {
      const p = fileObj(f);
      if (!pipeEmpty(p)) mask |= POLLIN;
      if (pipeWriters(p) == 0) mask |= POLLHUP;
    } else if (t == FT_PIPE_W) {
      const p = fileObj(f);
      if (!pipeFull(p)) mask |= POLLOUT;
      if (pipeReaders(p) == 0) mask |= POLLERR;
    } else if (t == FT_SOCK) {
      const k = fileObj(f);
      if (sockHasRoom(k)) mask |= POLLOUT;
      if (errqueueLen(k) > 0) mask |= POLLERR;
    }
  }
  if (mask & (events | POLLERR | POLLHUP)) return 1;
  if (timeout == 0) return 0;
  if (timeout < 0) { callNonblock = false; return wouldBlock(); }
  sleepFor(WAIT_POLL, timeout * 1000000);
  return 0;
}
const WAIT_POLL: i32 = 5;

/** recvmsg(sockfd, MSG_ERRQUEUE): one MSG_ZEROCOPY completion into zcLo, zcHi, zcCode; EAGAIN if none. */
export let zcLo: i64 = -1;
export let zcHi: i64 = -1;
export let zcCode: i64 = -1;
export function sys_recv_errqueue(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  if (fileType(f) != FT_SOCK) return -Errno.ENOTSOCK;
  if (!recvErrqueue(fileObj(f))) return EAGAIN;
  zcLo = eqOutLo; zcHi = eqOutHi; zcCode = eqOutCopied ? SO_EE_CODE_ZEROCOPY_COPIED : 0;
  return 0;
}

// ---- vmsplice ---------------------------------------------------------------------------------------------
/**
 * vmsplice: to a pipe's write end, the user pages of the iovec are referenced into the pipe (no copy; the pipe
 * then holds the process's own pages); from a read end, the pipe's data is copied out to the iovec.
 */
export function sys_vmsplice(fd: i64, flags: i64): i64 {
  if (flags & ~SPLICE_F_ALL) return EINVAL;
  const f = fdGet(fd);
  if (f < 0) return EBADF;
  const p = pipeOf(f);
  if (p < 0) return EBADF;
  // vmsplice honours SPLICE_F_NONBLOCK only, not the pipe's O_NONBLOCK (measured on Linux 6.18)
  callNonblock = (flags & Flags.SPLICE_F_NONBLOCK) != 0;
  let total: i64 = 0;
  for (let i = 0; i < iovN; i++) {
    const len = unchecked(iovLen[i]);
    if (len < 0) return EINVAL;
    total += len;
  }
  if (total == 0) return 0;
  if (fileType(f) == FT_PIPE_W) {
    if (pipeReaders(p) == 0) return EPIPE;
    if (pipeFull(p)) return wouldBlock();
    let done: i64 = 0;
    for (let i = 0; i < iovN && !pipeFull(p); i++) {
      const base = unchecked(iovBase[i]);
      const len = unchecked(iovLen[i]);
      let k: i64 = 0;
      while (k < len && !pipeFull(p)) {
        const va = base + k;
        const off = <i32>(va & 4095);
        let n = 4096 - off;
        if (<i64>n > len - k) n = <i32>(len - k);
        const pfn = translate(va, false, FM_GUP);   // iov_iter_get_pages: GUP, faulting in if needed
        if (pfn == 0) return done > 0 ? done : EFAULT;
        pipePush(p, pfn, off, n, 0, true);
        k += n;
        done += n;
      }
    }
    if (done < total && pipeFull(p)) wouldBlock();   // the rest waits for room
    return done;
  }
  // read end: vmsplice_to_user copies out
  if (pipeEmpty(p)) return pipeWriters(p) == 0 ? 0 : wouldBlock();
  let done: i64 = 0;
  for (let i = 0; i < iovN && !pipeEmpty(p); i++) {
    const base = unchecked(iovBase[i]);
    const len = unchecked(iovLen[i]);
    let k: i64 = 0;
    while (k < len && !pipeEmpty(p)) {
      let m = bufLen(p, 0);
      if (<i64>m > len - k) m = <i32>(len - k);
      const got = copyToUser(base + k, bufPage(p, 0), bufOff(p, 0), m, CopyWhat.TO_USER);
      pipeConsume(p, got);
      k += got;
      done += got;
      if (got < m) return done > 0 ? done : EFAULT;
    }
  }
  return done;
}

// ---- copy_file_range --------------------------------------------------------------------------------------
/**
 * copy_file_range on one filesystem without reflink (ext4): the kernel falls back to splice (do_splice_direct):
 * the pages go through the task's pipe and are copied into the destination's page cache. At most MAX_RW_COUNT
 * per call. /proc/self/io counts it as a read and a write.
 */
export function sys_copy_file_range(fdIn: i64, offInReg: i64, offInRef: bool, fdOut: i64, offOutReg: i64, offOutRef: bool, len: i64, flags: i64): i64 {
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (flags != 0) return EINVAL;
  if (inF < 0 || out < 0) return EBADF;
  // generic_file_rw_checks: regular files first, then the modes, then O_APPEND
  if (fileType(inF) != FT_REG || fileType(out) != FT_REG) return EINVAL;
  if (!fileReadable(inF) || !fileWritable(out)) return EBADF;
  if (fileFlags(out) & Flags.O_APPEND) return EBADF;
  const pin = offInRef ? reg(offInReg) : filePos(inF);
  const pout = offOutRef ? reg(offOutReg) : filePos(out);
  // generic_copy_file_checks: offset + count must not wrap (unsigned), then s_maxbytes
  const ulen = <u64>len;
  if (<u64>pin + ulen < <u64>pin || <u64>pout + ulen < <u64>pout) return -Errno.EOVERFLOW;
  if (pin < 0 || pout < 0) return EINVAL;
  if (fileObj(inF) == fileObj(out) && <u64>pin + ulen > <u64>pout && <u64>pout + ulen > <u64>pin) return EINVAL;
  if (pout >= MAX_FILE_BYTES) return -Errno.EFBIG;
  if (ulen > <u64>MAX_RW_COUNT) len = MAX_RW_COUNT;
  // generic_copy_file_checks clips the length to the source's size: at EOF the call returns 0 before it is
  // accounted in /proc/self/io
  const sizeIn = inoSizeOf(fileObj(inF));
  if (pin >= sizeIn) return 0;
  if (len > sizeIn - pin) len = sizeIn - pin;
  // no filesystem copies across filesystems here, and the splice fallback is for one filesystem only
  if (inoFsOf(fileObj(inF)) != inoFsOf(fileObj(out))) return -Errno.EXDEV;
  inPos = pin;
  outPos = pout;
  const r = spliceDirect(inF, out, len);
  if (r > 0) ioAcct(r, r, 1, 1); else ioAcct(0, 0, 1, 1);
  if (r > 0) {
    if (offInRef) setReg(offInReg, pin + r); else fileSetPos(inF, pin + r);
    if (offOutRef) setReg(offOutReg, pout + r); else fileSetPos(out, pout + r);
  }
  return r;
}

// ---- pseudo-calls: loads and stores through the page tables, and the peer --------------------------------
function userAccess(addr: i64, len: i64, write: bool): i64 {
  let done: i64 = 0;
  while (done < len) {
    const va = addr + done;
    const off = <i32>(va & 4095);
    let m = 4096 - off;
    if (<i64>m > len - done) m = <i32>(len - done);
    // a store of the next version reads the bytes first: the page is faulted in for reading, then for writing
    let pfn = translate(va, false, FM_USER);
    if (pfn != 0 && write) pfn = translate(va, true, FM_USER);
    if (pfn == 0) {
      sigNo = lastFault;
      sigCode = lastFault == Sig.SIGBUS ? Sig.BUS_ADRERR : Sig.SEGV_MAPERR;
      sigAddr = va;
      spendQuiet(psCost(done, knob(Knob.COST_USER_ACCESS_PS_PER_BYTE)));
      return -1;
    }
    if (write) frBumpVersion(pfn, off, m, storeVer);
    cacheTouch(pfn, off, m, CPU_PROCESS, write);   // what the program loads or stores is in its CPU's cache afterwards
    done += m;
  }
  spendQuiet(psCost(done, knob(Knob.COST_USER_ACCESS_PS_PER_BYTE)));
  return len;
}
/** Loads and stores of more than MAX_RW_COUNT bytes in one pseudo-call are refused (EINVAL): the model's bound. */
export function mem_read(addr: i64, len: i64): i64 { return len < 0 || len > MAX_RW_COUNT ? EINVAL : userAccess(addr, len, false); }
/** the version the store being made writes (its sequence number: the delivery proof's clock, sink.ts) */
let storeVer: i32 = 0;
export function mem_write(addr: i64, len: i64): i64 {
  if (len < 0 || len > MAX_RW_COUNT) return EINVAL;
  storeVer = storeBegin();
  return userAccess(addr, len, true);
}

/** The sink a descriptor sends to, or -1: a TCP or NIC sink's socket, a file sink's or a null sink's inode. */
export function sinkOfFd(fd: i64): i32 {
  const f = fdGet(fd);
  if (f < 0) return -1;
  const t = fileType(f);
  if (t == FT_SOCK) return sockSink(fileObj(f));
  if (t == FT_REG || t == FT_NULL) return inoSinkOf(fileObj(f));
  return -1;
}

/** peer_read: the sink's peer reads what is queued for it now. Returns bytes it read. */
export function peer_read(sinkFd: i64): i64 {
  const f = fdGet(sinkFd);
  if (f < 0 || fileType(f) != FT_SOCK) return EBADF;
  const k = fileObj(f);
  const before = count0();
  peerDrain(k);
  return count0() - before;
}
import { counter } from "../counters";
function count0(): i64 { return counter(Counter.DELIVERED_BYTES); }

/** After every call: eager peers read what was queued, the NIC driver reclaims. */
export function settleAll(): void {
  for (let k = 0; k < sockCount(); k++) if (!sockClosed(k)) sockSettle(k);
}

export function resetSignal(): void { sigNo = 0; sigCode = 0; sigAddr = 0; }
