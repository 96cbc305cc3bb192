// The block device as the page cache sees it (include/linux/blkdev.h; block/blk-core.c: submit_bio). The disk
// driver (dev/disk.ts) registers its operations at start-up, so the page cache (mm/pagecache.ts) submits reads and
// writes without importing the driver, as submit_bio reaches it through the request queue's blk_mq_ops.
export type SubmitReadFn = (ino: i32, pattern: i32, first: i64, pfns: StaticArray<u32>, pages: i32, at: i32) => void;
export type SubmitWriteFn = (file: i32, first: i64, pfn: u32, pages: i32) => void;
export type ReadyAtFn = (ino: i32, first: i64, n: i64) => i64;
export type TimeFn = () => i64;
export type DevFn = () => void;
function noRead(ino: i32, pattern: i32, first: i64, pfns: StaticArray<u32>, pages: i32, at: i32): void {}
function noWrite(file: i32, first: i64, pfn: u32, pages: i32): void {}
function noReady(ino: i32, first: i64, n: i64): i64 { return 0; }
function zero(): i64 { return 0; }
function nothing(): void {}

export class BlockDeviceOps {
  /** a read request: pages [first, first + pages) of `ino` into pfns[at..] (one request, one DMA transfer) */
  submit_read: SubmitReadFn = noRead;
  /** a write request from frame `pfn` (writeback) */
  submit_write: SubmitWriteFn = noWrite;
  /** when the requests in flight that hold pages [first, first + n) of `ino` end (0: none in flight) */
  ready_at: ReadyAtFn = noReady;
  /** when the device will have served every request issued so far */
  idle_at: TimeFn = zero;
  /** every request issued so far has ended (setup's I/O is over when the phase begins) */
  settle: DevFn = nothing;
}

/** The disk the files live on. */
export const blockDev = new BlockDeviceOps();

// The page cache's calls into the block layer, by the names it has always used.
@inline export function diskRead(ino: i32, pattern: i32, first: i64, pfns: StaticArray<u32>, pages: i32, at: i32 = 0): void {
  blockDev.submit_read(ino, pattern, first, pfns, pages, at);
}
@inline export function diskWrite(file: i32, first: i64, pfn: u32, pages: i32): void { blockDev.submit_write(file, first, pfn, pages); }
@inline export function diskReadyAt(ino: i32, first: i64, n: i64): i64 { return blockDev.ready_at(ino, first, n); }
@inline export function diskIdleAt(): i64 { return blockDev.idle_at(); }
@inline export function diskSettle(): void { blockDev.settle(); }
