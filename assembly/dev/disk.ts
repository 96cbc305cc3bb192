// The disk: a block device holding every file's bytes at version 0 (what setup wrote). A read is one block
// request (block:block_rq_issue) for a run of contiguous pages, served by the DMA engine straight into the
// page-cache frames. /proc/self/io read_bytes counts the request's bytes when it is submitted.
import { Counter, Ev, Dev, Knob } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob } from "../machine";
import { dmaTransfer } from "./dma";
import { cacheInvalidate } from "../mm/cache";
import { frSetIdent, mkIdent } from "../mm/frames";

export let diskRequests: i64 = 0;   // block requests issued since reset

/**
 * Reads `pages` pages of file `pattern` (-1: a file the program created, zeros) starting at page `first` into
 * the frames `pfns[0..pages)`. One block request, one DMA transfer.
 */
export function diskRead(pattern: i32, first: i64, pfns: StaticArray<u32>, pages: i32, at: i32 = 0): void {
  if (pages <= 0) return;
  const bytes = <i64>pages << 12;
  count(Counter.TP_BLOCK_RQ_ISSUE, 1);
  count(Counter.DISK_PAGES, pages);
  count(Counter.IO_READ_BYTES, bytes);
  const c = knob(Knob.COST_DISK_REQUEST_NS);
  spend(c);
  ev(Ev.BLOCK_RQ, pattern, first, pages, 0, 0, c);
  diskRequests++;
  for (let i = 0; i < pages; i++) {
    const idx = first + i;
    frSetIdent(unchecked(pfns[at + i]), pattern < 0 ? 0 : mkIdent(pattern, idx << 12, 0));
    cacheInvalidate(unchecked(pfns[at + i]), -1);   // the device wrote it: no CPU holds its lines
  }
  dmaTransfer(Dev.DISK, -1, unchecked(pfns[at]), bytes);
}

/** Writes `pages` pages starting at frame `pfn` (0: a sink's pages the model does not keep) back to the disk. */
export function diskWrite(file: i32, first: i64, pfn: u32, pages: i32): void {
  if (pages <= 0) return;
  const bytes = <i64>pages << 12;
  count(Counter.TP_BLOCK_RQ_ISSUE, 1);
  const c = knob(Knob.COST_DISK_REQUEST_NS);
  spend(c);
  ev(Ev.BLOCK_RQ, file, first, pages, 1, 0, c);
  diskRequests++;
  dmaTransfer(Dev.DISK, pfn, -1, bytes);
}

export function diskReset(): void { diskRequests = 0; }
