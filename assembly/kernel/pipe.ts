// Pipes (fs/pipe.c): a ring of pipe_buffers, each referencing part of one page (struct pipe_inode_info). splice() moves the
// references in and out, tee() duplicates them (get_page), write() copies user bytes into anonymous pipe pages
// (merging into the last one while it has room), read() copies out and releases.
//
//   ring (ring_size slots, a power of two; head and tail run freely, slot = counter & (ring_size - 1))
//        tail                       head
//         v                          v
//   +-----+-----+-----+-----+-----+-----+-----+-----+
//   |     | buf | buf | buf | buf |     |     |     |     occupancy = head - tail <= max_usage
//   +-----+-----+-----+-----+-----+-----+-----+-----+
//
//   pipe_buffer (PipeBuffer, 16 bytes)
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

/** struct pipe_buffer: [offset, offset + len) of one page; the ring's records, in raw memory */
@unmanaged class PipeBuffer {
  page: u32;
  offset: u32;
  len: u32;
  flags: u32;
}

/** struct pipe_inode_info */
class PipeInodeInfo {
  /** the ring of PipeBuffers (ring_size of them), in raw memory; 0 = the pipe is free */
  bufs: usize = 0;
  /** slots allocated, a power of two */
  ring_size: u32 = 0;
  /** slots that may be occupied */
  max_usage: u32 = 0;
  /** next slot to fill */
  head: u32 = 0;
  /** next slot to consume */
  tail: u32 = 0;
  /** open read ends, open write ends */
  readers: i32 = 0;
  writers: i32 = 0;
}

const pipes = new StaticArray<PipeInodeInfo>(MAX_PIPES);
for (let i = 0; i < MAX_PIPES; i++) unchecked(pipes[i] = new PipeInodeInfo());
@inline function pipeAt(p: i32): PipeInodeInfo { return unchecked(pipes[p]); }
/** The buffer in ring slot `n` (a free-running counter) of pipe `pi`. */
@inline function bufAt(pi: PipeInodeInfo, n: u32): PipeBuffer {
  return changetype<PipeBuffer>(pi.bufs + <usize>(n & (pi.ring_size - 1)) * offsetof<PipeBuffer>());
}
@inline function ringAlloc(slots: u32): usize { return rgrow(0, 0, <usize>slots * offsetof<PipeBuffer>()); }

export function pipeReset(): void {
  for (let i = 0; i < MAX_PIPES; i++) {
    const pi = pipeAt(i);
    if (pi.bufs != 0) heap.free(pi.bufs);
    pi.bufs = 0;
  }
}

export function pipeNew(): i32 {
  for (let i = 0; i < MAX_PIPES; i++) {
    const pi = pipeAt(i);
    if (pi.bufs != 0) continue;
    const slots = <u32>(knob(Knob.PIPE_DEFAULT_BYTES) >> PAGE_SHIFT);
    pi.ring_size = slots; pi.max_usage = slots; pi.head = 0; pi.tail = 0; pi.readers = 1; pi.writers = 1;
    pi.bufs = ringAlloc(slots);
    return i;
  }
  return -1;
}

@inline export function pipeOccupancy(p: i32): u32 { const pi = pipeAt(p); return pi.head - pi.tail; }
@inline export function pipeFull(p: i32): bool { const pi = pipeAt(p); return pi.head - pi.tail >= pi.max_usage; }
@inline export function pipeEmpty(p: i32): bool { const pi = pipeAt(p); return pi.head == pi.tail; }
@inline export function pipeMaxUsage(p: i32): u32 { return pipeAt(p).max_usage; }
@inline export function pipeReaders(p: i32): i32 { return pipeAt(p).readers; }
@inline export function pipeWriters(p: i32): i32 { return pipeAt(p).writers; }

/** The buffer `k` places after the tail (k < occupancy). */
export function bufPage(p: i32, k: u32): u32 { const pi = pipeAt(p); return bufAt(pi, pi.tail + k).page; }
export function bufOff(p: i32, k: u32): i32 { const pi = pipeAt(p); return <i32>bufAt(pi, pi.tail + k).offset; }
export function bufLen(p: i32, k: u32): i32 { const pi = pipeAt(p); return <i32>bufAt(pi, pi.tail + k).len; }
export function bufFlags(p: i32, k: u32): u32 { const pi = pipeAt(p); return bufAt(pi, pi.tail + k).flags; }
export function pipeBytes(p: i32): i64 {
  const pi = pipeAt(p);
  let n: i64 = 0;
  for (let k = pi.tail; k != pi.head; k++) n += bufAt(pi, k).len;
  return n;
}

/** Adds a buffer referencing [off, off+len) of `pfn`; takes the reference when `ref` (splice, tee). */
export function pipePush(p: i32, pfn: u32, off: i32, len: i32, flags: u32, ref: bool): void {
  const pi = pipeAt(p);
  const b = bufAt(pi, pi.head);
  b.page = pfn; b.offset = <u32>off; b.len = <u32>len; b.flags = flags;
  if (ref) getPage(pfn);
  ev(Ev.PIPE_PUSH, p, pi.head & (pi.ring_size - 1), pfn, len, off, 0);
  pi.head++;
}

/** Consumes `n` bytes of the tail buffer; releases it (put_page) when it is used up. */
export function pipeConsume(p: i32, n: i32): void {
  const pi = pipeAt(p);
  const b = bufAt(pi, pi.tail);
  const len = <i32>b.len - n;
  b.offset = <u32>(<i32>b.offset + n);
  b.len = <u32>len;
  if (len > 0) return;
  ev(Ev.PIPE_POP, p, pi.tail & (pi.ring_size - 1), b.page, n, 0, 0);
  pi.tail++;
  putPage(b.page);
}

/**
 * pipe_set_size: `slots` slots (a power of two). EBUSY if the pipe holds more buffers than that; the ring is
 * re-laid from the tail.
 */
export function pipeResize(p: i32, slots: u32): bool {
  const pi = pipeAt(p);
  const occ = pi.head - pi.tail;
  if (slots < occ) return false;
  const nu = ringAlloc(slots);
  const size = offsetof<PipeBuffer>();
  for (let k: u32 = 0; k < occ; k++) memory.copy(nu + <usize>k * size, changetype<usize>(bufAt(pi, pi.tail + k)), size);
  heap.free(pi.bufs);
  pi.bufs = nu;
  pi.ring_size = slots;
  pi.max_usage = slots;
  pi.tail = 0;
  pi.head = occ;
  return true;
}

/** Closes one end; the pipe (and its buffers' references) goes when both ends are closed. */
export function pipeCloseEnd(p: i32, writeEnd: bool): void {
  const pi = pipeAt(p);
  if (writeEnd) pi.writers--; else pi.readers--;
  if (pi.readers > 0 || pi.writers > 0) return;
  while (pi.head != pi.tail) pipeConsume(p, <i32>bufAt(pi, pi.tail).len);
  heap.free(pi.bufs);
  pi.bufs = 0;
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
    const pi = pipeAt(p);
    const last = bufAt(pi, pi.head - 1);   // the last buffer filled
    const off = <i32>last.offset;
    const len = <i32>last.len;
    if ((last.flags & BUF_CAN_MERGE) && <i64>(off + len) < PAGE_SIZE) {
      let m = <i32>PAGE_SIZE - (off + len);
      if (<i64>m > cnt) m = <i32>cnt;
      const got = copyFromUser(buf, last.page, off + len, m, CopyWhat.FROM_USER);
      last.len = <u32>(len + got);
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
