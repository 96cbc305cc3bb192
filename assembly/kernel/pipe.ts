// Pipes: a ring of pipe_buffers, each referencing part of one page (struct pipe_inode_info). splice() moves the
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
import { Ev, Knob } from "../abi";
import { ev } from "../trace";
import { knob } from "../machine";
import { rgrow } from "../mem";
import { getPage, putPage } from "../mm/frames";

export const MAX_PIPES: i32 = 64;
export const BUF_CAN_MERGE: u32 = 0x10;

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
    const slots = <u32>(knob(Knob.PIPE_DEFAULT_BYTES) >> 12);
    unchecked(pUsed[i] = true);
    unchecked(pSlots[i] = slots); unchecked(pMaxUsage[i] = slots); unchecked(pHead[i] = 0); unchecked(pTail[i] = 0); unchecked(pReaders[i] = 1); unchecked(pWriters[i] = 1);
    unchecked(pRing[i] = rgrow(0, 0, <usize>slots << 4));
    pipesMade++;
    return i;
  }
  return -1;
}

@inline function slot(p: i32, n: u32): usize { return unchecked(pRing[p]) + (<usize>(n & (unchecked(pSlots[p]) - 1)) << 4); }
@inline export function pipeOccupancy(p: i32): u32 { return unchecked(pHead[p]) - unchecked(pTail[p]); }
@inline export function pipeFull(p: i32): bool { return unchecked(pHead[p]) - unchecked(pTail[p]) >= unchecked(pMaxUsage[p]); }
@inline export function pipeEmpty(p: i32): bool { return unchecked(pHead[p]) == unchecked(pTail[p]); }
@inline export function pipeMaxUsage(p: i32): u32 { return unchecked(pMaxUsage[p]); }
@inline export function pipeReaders(p: i32): i32 { return unchecked(pReaders[p]); }
@inline export function pipeWriters(p: i32): i32 { return unchecked(pWriters[p]); }
export function pipeHead(p: i32): u32 { return unchecked(pHead[p]); }
export function pipeTail(p: i32): u32 { return unchecked(pTail[p]); }

/** The buffer `k` places after the tail (k < occupancy). */
export function bufPage(p: i32, k: u32): u32 { return load<u32>(slot(p, unchecked(pTail[p]) + k)); }
export function bufOff(p: i32, k: u32): i32 { return <i32>load<u32>(slot(p, unchecked(pTail[p]) + k), 4); }
export function bufLen(p: i32, k: u32): i32 { return <i32>load<u32>(slot(p, unchecked(pTail[p]) + k), 8); }
export function bufFlags(p: i32, k: u32): u32 { return load<u32>(slot(p, unchecked(pTail[p]) + k), 12); }
/** the tail buffer's record (page, offset, len, flags) */
@inline export function tailBuf(p: i32): usize { return slot(p, unchecked(pTail[p])); }
/** the last buffer filled (for merging writes) */
export function lastBufSlot(p: i32): usize { return slot(p, unchecked(pHead[p]) - 1); }
export function pipeBytes(p: i32): i64 {
  let n: i64 = 0;
  for (let k: u32 = 0; k < pipeOccupancy(p); k++) n += bufLen(p, k);
  return n;
}

/** Adds a buffer referencing [off, off+len) of `pfn`; takes the reference when `ref` (splice, tee). */
export function pipePush(p: i32, pfn: u32, off: i32, len: i32, flags: u32, ref: bool): void {
  const s = slot(p, unchecked(pHead[p]));
  store<u32>(s, pfn); store<u32>(s, <u32>off, 4); store<u32>(s, <u32>len, 8); store<u32>(s, flags, 12);
  if (ref) getPage(pfn);
  ev(Ev.PIPE_PUSH, p, unchecked(pHead[p]) & (unchecked(pSlots[p]) - 1), pfn, len, off, 0);
  unchecked(pHead[p] = unchecked(pHead[p]) + 1);
}

/** Consumes `n` bytes of the tail buffer; releases it (put_page) when it is used up. */
export function pipeConsume(p: i32, n: i32): void {
  const s = slot(p, unchecked(pTail[p]));
  const len = <i32>load<u32>(s, 8) - n;
  store<u32>(s, <u32>(<i32>load<u32>(s, 4) + n), 4);
  store<u32>(s, <u32>len, 8);
  if (len > 0) return;
  const pfn = load<u32>(s);
  ev(Ev.PIPE_POP, p, unchecked(pTail[p]) & (unchecked(pSlots[p]) - 1), pfn, n, 0, 0);
  unchecked(pTail[p] = unchecked(pTail[p]) + 1);
  putPage(pfn);
}

/** Takes the tail buffer whole (its reference goes with it: the caller owns it now). */
export function pipeTake(p: i32): void {
  const s = slot(p, unchecked(pTail[p]));
  ev(Ev.PIPE_POP, p, unchecked(pTail[p]) & (unchecked(pSlots[p]) - 1), load<u32>(s), <i64>load<u32>(s, 8), 0, 0);
  unchecked(pTail[p] = unchecked(pTail[p]) + 1);
}

/**
 * pipe_set_size: `slots` slots (a power of two). EBUSY if the pipe holds more buffers than that; the ring is
 * re-laid from the tail.
 */
export function pipeResize(p: i32, slots: u32): bool {
  const occ = pipeOccupancy(p);
  if (slots < occ) return false;
  const nu = rgrow(0, 0, <usize>slots << 4);
  for (let k: u32 = 0; k < occ; k++) memory.copy(nu + (<usize>k << 4), slot(p, unchecked(pTail[p]) + k), 16);
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
