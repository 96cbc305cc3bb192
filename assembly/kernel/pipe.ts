// Pipes (fs/pipe.c): a ring of pipe_buffers, each referencing part of one page (struct pipe_inode_info). splice() moves the
// references in and out, tee() duplicates them (get_page), write() copies user bytes into anonymous pipe pages
// (merging into the last one while it has room), read() copies out and releases.
//
//   ring (ringSize slots, a power of two; head and tail run freely, slot = counter & (ringSize - 1))
//        tail                       head
//         v                          v
//   +-----+-----+-----+-----+-----+-----+-----+-----+
//   |     | buf | buf | buf | buf |     |     |     |     occupancy = head - tail <= maxUsage
//   +-----+-----+-----+-----+-----+-----+-----+-----+
//
//   pipe_buffer (16 bytes)
//   0        4        8        12       16
//   +--------+--------+--------+--------+
//   |  page  | offset |  len   | flags  |     flags: CAN_MERGE (an anonymous page write() may append to)
//   +--------+--------+--------+--------+
//
// The two ends are files with operations of their own (pipefifo_fops, split here by end): pipe_read, pipe_write,
// pipe_poll, pipe_release.
import { Ev, Knob, Errno, Flags, CopyWhat } from "../abi";
import { ev } from "../trace";
import { knob, PAGE_SHIFT, PAGE_SIZE } from "../machine";
import { rgrow } from "../mem";
import { frAlloc, frInitRef, getPage, putPage, FK_KBUF } from "../mm/frames";
import { copyToUser, copyFromUser } from "../mm/usercopy";
import { FileOperations, Kiocb, registerFops, FT_PIPE_R, FT_PIPE_W, fileType, fileObj } from "./file";
import { openObject } from "./fdtable";
import { wouldBlock } from "./wait";

export const MAX_PIPES: i32 = 64;
export const BUF_CAN_MERGE: u32 = 0x10;
// the pipe_buffer record
const PB_PAGE: usize = 0;
const PB_OFFSET: usize = 4;
const PB_LEN: usize = 8;
const PB_FLAGS: usize = 12;
const PB_SHIFT: i32 = 4;      // 16 bytes

const pRing = new StaticArray<usize>(MAX_PIPES);      // the pipe_buffer array
const pSlots = new StaticArray<u32>(MAX_PIPES);       // ring_size (slots allocated, a power of two)
const pMaxUsage = new StaticArray<u32>(MAX_PIPES);    // max_usage: slots that may be occupied
const pHead = new StaticArray<u32>(MAX_PIPES);        // next slot to fill
const pTail = new StaticArray<u32>(MAX_PIPES);        // next slot to consume
const pReaders = new StaticArray<i32>(MAX_PIPES);     // open read ends
const pWriters = new StaticArray<i32>(MAX_PIPES);     // open write ends
const pUsed = new StaticArray<bool>(MAX_PIPES);
export let pipesMade: i32 = 0;                         // pipes created since reset (the next id)

export function pipeReset(): void {
  for (let i = 0; i < MAX_PIPES; i++) {
    if (unchecked(pRing[i]) != 0) heap.free(unchecked(pRing[i]));
    unchecked(pRing[i] = 0);
    unchecked(pUsed[i] = false);
  }
  pipesMade = 0;
}

export function pipeNew(): i32 {
  for (let i = 0; i < MAX_PIPES; i++) {
    if (unchecked(pUsed[i])) continue;
    const slots = <u32>(knob(Knob.PIPE_DEFAULT_BYTES) >> PAGE_SHIFT);
    unchecked(pUsed[i] = true);
    unchecked(pSlots[i] = slots); unchecked(pMaxUsage[i] = slots); unchecked(pHead[i] = 0); unchecked(pTail[i] = 0); unchecked(pReaders[i] = 1); unchecked(pWriters[i] = 1);
    unchecked(pRing[i] = rgrow(0, 0, <usize>slots << PB_SHIFT));
    pipesMade++;
    return i;
  }
  return -1;
}

@inline function slot(p: i32, n: u32): usize { return unchecked(pRing[p]) + (<usize>(n & (unchecked(pSlots[p]) - 1)) << PB_SHIFT); }
@inline export function pipeOccupancy(p: i32): u32 { return unchecked(pHead[p]) - unchecked(pTail[p]); }
@inline export function pipeFull(p: i32): bool { return unchecked(pHead[p]) - unchecked(pTail[p]) >= unchecked(pMaxUsage[p]); }
@inline export function pipeEmpty(p: i32): bool { return unchecked(pHead[p]) == unchecked(pTail[p]); }
@inline export function pipeMaxUsage(p: i32): u32 { return unchecked(pMaxUsage[p]); }
@inline export function pipeReaders(p: i32): i32 { return unchecked(pReaders[p]); }
@inline export function pipeWriters(p: i32): i32 { return unchecked(pWriters[p]); }
export function pipeHead(p: i32): u32 { return unchecked(pHead[p]); }
export function pipeTail(p: i32): u32 { return unchecked(pTail[p]); }

/** The buffer `k` places after the tail (k < occupancy). */
export function bufPage(p: i32, k: u32): u32 { return load<u32>(slot(p, unchecked(pTail[p]) + k), PB_PAGE); }
export function bufOff(p: i32, k: u32): i32 { return <i32>load<u32>(slot(p, unchecked(pTail[p]) + k), PB_OFFSET); }
export function bufLen(p: i32, k: u32): i32 { return <i32>load<u32>(slot(p, unchecked(pTail[p]) + k), PB_LEN); }
export function bufFlags(p: i32, k: u32): u32 { return load<u32>(slot(p, unchecked(pTail[p]) + k), PB_FLAGS); }
export function pipeBytes(p: i32): i64 {
  let n: i64 = 0;
  for (let k: u32 = 0; k < pipeOccupancy(p); k++) n += bufLen(p, k);
  return n;
}

/** Adds a buffer referencing [off, off+len) of `pfn`; takes the reference when `ref` (splice, tee). */
export function pipePush(p: i32, pfn: u32, off: i32, len: i32, flags: u32, ref: bool): void {
  const s = slot(p, unchecked(pHead[p]));
  store<u32>(s, pfn, PB_PAGE); store<u32>(s, <u32>off, PB_OFFSET); store<u32>(s, <u32>len, PB_LEN); store<u32>(s, flags, PB_FLAGS);
  if (ref) getPage(pfn);
  ev(Ev.PIPE_PUSH, p, unchecked(pHead[p]) & (unchecked(pSlots[p]) - 1), pfn, len, off, 0);
  unchecked(pHead[p] = unchecked(pHead[p]) + 1);
}

/** Consumes `n` bytes of the tail buffer; releases it (put_page) when it is used up. */
export function pipeConsume(p: i32, n: i32): void {
  const s = slot(p, unchecked(pTail[p]));
  const len = <i32>load<u32>(s, PB_LEN) - n;
  store<u32>(s, <u32>(<i32>load<u32>(s, PB_OFFSET) + n), PB_OFFSET);
  store<u32>(s, <u32>len, PB_LEN);
  if (len > 0) return;
  const pfn = load<u32>(s, PB_PAGE);
  ev(Ev.PIPE_POP, p, unchecked(pTail[p]) & (unchecked(pSlots[p]) - 1), pfn, n, 0, 0);
  unchecked(pTail[p] = unchecked(pTail[p]) + 1);
  putPage(pfn);
}

/** Takes the tail buffer whole (its reference goes with it: the caller owns it now). */
export function pipeTake(p: i32): void {
  const s = slot(p, unchecked(pTail[p]));
  ev(Ev.PIPE_POP, p, unchecked(pTail[p]) & (unchecked(pSlots[p]) - 1), load<u32>(s, PB_PAGE), <i64>load<u32>(s, PB_LEN), 0, 0);
  unchecked(pTail[p] = unchecked(pTail[p]) + 1);
}

/**
 * pipe_set_size: `slots` slots (a power of two). EBUSY if the pipe holds more buffers than that; the ring is
 * re-laid from the tail.
 */
export function pipeResize(p: i32, slots: u32): bool {
  const occ = pipeOccupancy(p);
  if (slots < occ) return false;
  const nu = rgrow(0, 0, <usize>slots << PB_SHIFT);
  for (let k: u32 = 0; k < occ; k++) memory.copy(nu + (<usize>k << PB_SHIFT), slot(p, unchecked(pTail[p]) + k), 1 << PB_SHIFT);
  heap.free(unchecked(pRing[p]));
  unchecked(pRing[p] = nu);
  unchecked(pSlots[p] = slots);
  unchecked(pMaxUsage[p] = slots);
  unchecked(pTail[p] = 0);
  unchecked(pHead[p] = occ);
  return true;
}

/** Closes one end; the pipe (and its buffers' references) goes when both ends are closed. */
export function pipeCloseEnd(p: i32, writeEnd: bool): void {
  if (writeEnd) unchecked(pWriters[p] = unchecked(pWriters[p]) - 1); else unchecked(pReaders[p] = unchecked(pReaders[p]) - 1);
  if (unchecked(pReaders[p]) > 0 || unchecked(pWriters[p]) > 0) return;
  while (!pipeEmpty(p)) pipeConsume(p, bufLen(p, 0));
  heap.free(unchecked(pRing[p]));
  unchecked(pRing[p] = 0);
  unchecked(pUsed[p] = false);
}

/** get_pipe_info: the pipe an open file is an end of, or -1. */
export function pipeOf(f: i32): i32 {
  const t = fileType(f);
  return t == FT_PIPE_R || t == FT_PIPE_W ? fileObj(f) : -1;
}

// ---- the ends' operations -------------------------------------------------------------------------------------
/** pipe_read: copies the buffers out to user memory and releases them as they empty. */
function pipe_read(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 {
  const p = fileObj(f);
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
  if (done == 0) return -Errno.EFAULT;
  return done;
}

/** pipe_write: appends to the last buffer while it has room (CAN_MERGE), then fills new anonymous pages. */
function pipe_write(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 {
  const p = fileObj(f);
  if (pipeReaders(p) == 0) return -Errno.EPIPE;
  let done: i64 = 0;
  if (!pipeEmpty(p) && cnt > 0) {
    const s = slot(p, unchecked(pHead[p]) - 1);   // the last buffer filled
    const flags = load<u32>(s, PB_FLAGS);
    const off = <i32>load<u32>(s, PB_OFFSET);
    const len = <i32>load<u32>(s, PB_LEN);
    if ((flags & BUF_CAN_MERGE) && <i64>(off + len) < PAGE_SIZE) {
      let m = <i32>PAGE_SIZE - (off + len);
      if (<i64>m > cnt) m = <i32>cnt;
      const got = copyFromUser(buf, load<u32>(s, PB_PAGE), off + len, m, CopyWhat.FROM_USER);
      store<u32>(s, <u32>(len + got), PB_LEN);
      done += got;
      if (got < m) return done > 0 ? done : -Errno.EFAULT;
    }
  }
  while (done < cnt) {
    if (pipeFull(p)) break;
    const page = frAlloc(0, FK_KBUF);
    frInitRef(page, 1);
    let m = <i32>PAGE_SIZE;
    if (<i64>m > cnt - done) m = <i32>(cnt - done);
    const got = copyFromUser(buf + done, page, 0, m, CopyWhat.FROM_USER);
    if (got == 0) { putPage(page); break; }
    pipePush(p, page, 0, got, BUF_CAN_MERGE, false);
    done += got;
    if (got < m) break;
  }
  if (done == 0) return pipeFull(p) ? wouldBlock() : -Errno.EFAULT;
  if (done < cnt && pipeFull(p)) wouldBlock();   // pipe_write waits for room for the rest
  return done;
}

const POLLIN: i64 = 0x1, POLLOUT: i64 = 0x4, POLLERR: i64 = 0x8, POLLHUP: i64 = 0x10;
/** pipe_poll, read end: POLLIN when it holds data, POLLHUP without writers */
function pipe_poll_r(f: i32): i64 {
  const p = fileObj(f);
  let mask: i64 = 0;
  if (!pipeEmpty(p)) mask |= POLLIN;
  if (pipeWriters(p) == 0) mask |= POLLHUP;
  return mask;
}
/** pipe_poll, write end: POLLOUT with room, POLLERR without readers */
function pipe_poll_w(f: i32): i64 {
  const p = fileObj(f);
  let mask: i64 = 0;
  if (!pipeFull(p)) mask |= POLLOUT;
  if (pipeReaders(p) == 0) mask |= POLLERR;
  return mask;
}
function pipe_release_r(f: i32): void { pipeCloseEnd(fileObj(f), false); }
function pipe_release_w(f: i32): void { pipeCloseEnd(fileObj(f), true); }

export const pipeReadFops: FileOperations = {
  stream: true, read: pipe_read, write: null, llseek: null, poll: pipe_poll_r,
  splice_read: null, splice_write: null, splice_eof: null, mmap: null, fsync: null, release: pipe_release_r,
};
export const pipeWriteFops: FileOperations = {
  stream: true, read: null, write: pipe_write, llseek: null, poll: pipe_poll_w,
  splice_read: null, splice_write: null, splice_eof: null, mmap: null, fsync: null, release: pipe_release_w,
};
registerFops(FT_PIPE_R, pipeReadFops);
registerFops(FT_PIPE_W, pipeWriteFops);

/** pipe_fcntl: F_GETPIPE_SZ, and F_SETPIPE_SZ through pipe_set_size. */
export function pipeFcntl(p: i32, cmd: i64, arg: i64): i64 {
  if (cmd == Flags.F_GETPIPE_SZ) return <i64>pipeMaxUsage(p) << PAGE_SHIFT;
  // pipe_set_size: round_pipe_size() (at least a page, a power of two), then the unprivileged limit, then the
  // occupancy
  const size = arg & 0xffffffff;               // the argument is an unsigned int
  if (size > (<i64>1 << 31)) return -Errno.EINVAL;
  let bytes: i64 = PAGE_SIZE;
  while (bytes < size) bytes <<= 1;
  const slots = <u32>(bytes >> PAGE_SHIFT);
  if (slots > pipeMaxUsage(p) && bytes > knob(Knob.PIPE_MAX_SIZE)) return -Errno.EPERM;
  if (!pipeResize(p, slots)) return -Errno.EBUSY;
  return <i64>slots << PAGE_SHIFT;
}

/** pipe2: returns 0 and the two descriptors in pipeRd, pipeWr. */
export let pipeRd: i64 = -1;
export let pipeWr: i64 = -1;
export function sys_pipe2(flags: i64): i64 {
  if (flags & ~(Flags.O_CLOEXEC | Flags.O_NONBLOCK | Flags.O_DIRECT)) return -Errno.EINVAL;
  const p = pipeNew();
  if (p < 0) return -Errno.ENFILE;
  const nb = <i32>(flags & Flags.O_NONBLOCK);
  pipeRd = openObject(FT_PIPE_R, p, Flags.O_RDONLY | nb);
  pipeWr = openObject(FT_PIPE_W, p, Flags.O_WRONLY | nb);
  return 0;
}
