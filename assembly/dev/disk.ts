// The disk: a block device holding every file's bytes at version 0 (what setup wrote). A read is one block
// request (block:block_rq_issue) for a run of contiguous pages, served by the DMA engine straight into the
// page-cache frames. /proc/self/io read_bytes counts the request's bytes when it is submitted.
//
// Requests are asynchronous (submit_bio returns at once). The device serves them one at a time, in the order they
// were issued (one hardware queue, as virtio-blk here): a request starts when the device is free and takes
// COST_DISK_REQUEST_NS plus its DMA; until it ends, its pages are under I/O (the folios locked, !PG_uptodate).
// Nothing waits at submission: whoever needs a page still in flight waits for its request's end (a fault, a read,
// fsync), and the process clock jumps there.
//
//   process clock --[fault: submit r1 r2]--[wait r1]----[copy ... the pages of r1 ...]--[copy r2]-->
//   disk          --------[r1 ...............][r2 ...............]------------------------------->
//                                          ^ r1 ends: its folios turn uptodate
import { Counter, Ev, Dev, Knob, Wait } from "../abi";
import { count, counter } from "../counters";
import { ev } from "../trace";
import { knob, psCost } from "../machine";
import { dmaTransfer } from "./dma";
import { cacheInvalidate } from "../mm/cache";
import { frSetIdent, mkIdent } from "../mm/frames";
import { blockDev } from "../kernel/blkdev";

export let diskRequests: i64 = 0;   // block requests issued since reset
let freeAt: i64 = 0;                // when the device has served every request issued so far (process clock)

// the reads in flight, oldest first (they end in issue order): a ring of RQ_MAX [inode, first page, pages, end]
const RQ_MAX: i32 = 128;            // the hardware queue's tags (vda here: 128): a submitter past them waits for the oldest
const rqIno = new StaticArray<i32>(RQ_MAX);
const rqFirst = new StaticArray<i64>(RQ_MAX);
const rqPages = new StaticArray<i64>(RQ_MAX);
const rqEnd = new StaticArray<i64>(RQ_MAX);
let rqHead: i32 = 0;                // oldest in flight
let rqLen: i32 = 0;                 // in flight

/** A request of `busy` ns issued now: when it ends (it queues behind what the device has not served yet). */
function queue(busy: i64): i64 {
  const now = counter(Counter.TIME_NS);
  const start = freeAt > now ? freeAt : now;
  freeAt = start + busy;
  return freeAt;
}

/** Drops the reads that have ended by now (blk_mq_end_request: their folios are uptodate and unlocked). */
function retire(): void {
  const now = counter(Counter.TIME_NS);
  while (rqLen > 0 && unchecked(rqEnd[rqHead]) <= now) { rqHead = (rqHead + 1) % RQ_MAX; rqLen--; }
}

/**
 * Reads `pages` pages of file `pattern` (-1: a file the program created, zeros) starting at page `first` of
 * inode `ino` into the frames `pfns[at..at+pages)`. One block request, one DMA transfer, in flight until it ends.
 */
export function diskRead(ino: i32, pattern: i32, first: i64, pfns: StaticArray<u32>, pages: i32, at: i32 = 0): void {
  if (pages <= 0) return;
  retire();
  if (rqLen == RQ_MAX) waitUntil(unchecked(rqEnd[rqHead]));   // the queue is full: the submitter sleeps for a tag
  const bytes = <i64>pages << 12;
  count(Counter.TP_BLOCK_RQ_ISSUE, 1);
  count(Counter.DISK_PAGES, pages);
  count(Counter.IO_READ_BYTES, bytes);
  diskRequests++;
  for (let i = 0; i < pages; i++) {
    const idx = first + i;
    frSetIdent(unchecked(pfns[at + i]), pattern < 0 ? 0 : mkIdent(pattern, idx << 12, 0));
    cacheInvalidate(unchecked(pfns[at + i]), -1);   // the device wrote it: no CPU holds its lines
  }
  const end = queue(knob(Knob.COST_DISK_REQUEST_NS) + psCost(bytes, knob(Knob.COST_DMA_PS_PER_BYTE)));
  ev(Ev.BLOCK_RQ, pattern, first, pages, 0, end, 0);
  dmaTransfer(Dev.DISK, -1, unchecked(pfns[at]), bytes, true);
  const t = (rqHead + rqLen) % RQ_MAX;
  unchecked(rqIno[t] = ino);
  unchecked(rqFirst[t] = first);
  unchecked(rqPages[t] = pages);
  unchecked(rqEnd[t] = end);
  rqLen++;
}

/**
 * When pages [first, first + n) of inode `ino` are all read (the end of the last request in flight that holds
 * one of them), or 0 if none is in flight: a folio is uptodate when all of its pages are.
 */
export function diskReadyAt(ino: i32, first: i64, n: i64): i64 {
  retire();
  let at: i64 = 0;
  for (let k = 0; k < rqLen; k++) {
    const t = (rqHead + k) % RQ_MAX;
    if (unchecked(rqIno[t]) != ino) continue;
    const a = unchecked(rqFirst[t]);
    if (a < first + n && first < a + unchecked(rqPages[t]) && unchecked(rqEnd[t]) > at) at = unchecked(rqEnd[t]);
  }
  return at;
}

/** Writes `pages` pages starting at frame `pfn` (0: a sink's pages the model does not keep) back to the disk. */
export function diskWrite(file: i32, first: i64, pfn: u32, pages: i32): void {
  if (pages <= 0) return;
  const bytes = <i64>pages << 12;
  count(Counter.TP_BLOCK_RQ_ISSUE, 1);
  diskRequests++;
  const end = queue(knob(Knob.COST_DISK_REQUEST_NS) + psCost(bytes, knob(Knob.COST_DMA_PS_PER_BYTE)));
  ev(Ev.BLOCK_RQ, file, first, pages, 1, end, 0);
  dmaTransfer(Dev.DISK, pfn, -1, bytes, true);
}

/** When the device will have served every request issued so far (fsync waits for it). */
export function diskIdleAt(): i64 { return freeAt; }

/** The submitter sleeps until `t` (a voluntary context switch, as pagecache.ts sleepFor(WAIT_DISK)). */
function waitUntil(t: i64): void {
  const now = counter(Counter.TIME_NS);
  if (t <= now) return;
  const c = knob(Knob.COST_WAKEUP_NS) + (t - now);
  count(Counter.NVCSW, 1);
  count(Counter.TIME_NS, c);
  ev(Ev.WAIT, Wait.DISK, t - now, 0, 0, 0, c);
  retire();
}

/** Every request issued so far has ended and the device is idle at time 0 (setup's I/O is over when the phase begins). */
export function diskSettle(): void { rqHead = 0; rqLen = 0; freeAt = 0; }

export function diskReset(): void { diskRequests = 0; diskSettle(); }

// the driver's operations, registered with the block layer (kernel/blkdev.ts)
blockDev.submit_read = diskRead;
blockDev.submit_write = diskWrite;
blockDev.ready_at = diskReadyAt;
blockDev.idle_at = diskIdleAt;
blockDev.settle = diskSettle;
