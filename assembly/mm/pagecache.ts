// The page cache: per inode, an index of folios (page index -> frame). A folio is 2^order contiguous frames,
// naturally aligned in the file; its size is set by how it came into the cache: write() allocates folios as
// large as each write's piece (generic_perform_write), readahead ramps the order up window by window
// (page_cache_ra_order), a single missing page comes in as order 0. Cold pages come from the disk through the DMA
// engine: each readahead pass is one plug, its run of pages split into requests of at most max_sectors_kb.
//
// Readahead (mm/readahead.c, Linux 6.18), per open file (struct file_ra_state):
//
//   sync (a miss)       [start ........ start+size)        order 0, PG_readahead at start + size - async_size
//   async (the mark)                       [start+size ........ )  size get_next_ra_size(), order + 2, the end
//                                                                   cut down to a multiple of the folio size
//   e.g. 16 MiB read 4 KiB at a time, ra_pages 2048, io_pages 1024 (trace on this machine):
//   windows 0+4 4+16 20+60 80+240 320+448 768+256 1024+512 1536+512 2048+1024 3072+1024 -> 10 requests, 28 folios
import { Counter, Ev, Knob, Wait } from "../abi";
import { count, counter, spend } from "../counters";
import { ev, spendQuiet } from "../trace";
import { knob } from "../machine";
import { arenaGrow } from "../mem";
import {
  frAlloc, frInitRef, frSetIdent, frSetFlag, frClearFlag, frFlags, frHead, frOrder, frFree, frRef,
  FK_CACHE, FL_READAHEAD, FL_DIRTY, mkIdent,
} from "./frames";
import { diskRead, diskWrite, diskReadyAt, diskSettle, diskIdleAt } from "../kernel/blkdev";

export const MAX_INODES: i32 = 64;
export const IK_REGULAR: i32 = 1;   // a regular file on the disk
export const IK_NULL: i32 = 2;      // /dev/null

const inoKind = new StaticArray<i32>(MAX_INODES);     // IK_*, 0 = unused
const inoSize = new StaticArray<i64>(MAX_INODES);     // i_size in bytes
const inoPattern = new StaticArray<i32>(MAX_INODES);  // setup file id whose pattern the disk holds, -1: zeros
const inoSink = new StaticArray<i32>(MAX_INODES);     // sink id when the file is a sink (verified on write), -1
const inoName = new StaticArray<i32>(MAX_INODES);     // string index of its name, -1
const pcIndex = new StaticArray<usize>(MAX_INODES);   // u32[pcCap] page index -> frame
const pcCap = new StaticArray<i64>(MAX_INODES);       // pages the index can hold
const pcPages = new StaticArray<i64>(MAX_INODES);     // pages cached
const inoDirtyTop = new StaticArray<i64>(MAX_INODES); // sink files: pages below this were dirtied once already
const inoFs = new StaticArray<i32>(MAX_INODES);       // the filesystem it lives on (1: the second, Knob.OTHER_FS_FILES)
let inodes: i32 = 0;                                   // inodes in use

/** Readahead state of one open file (struct file_ra_state). */
export class Ra {
  start: i64 = 0;        // first page of the current window
  size: i64 = 0;         // pages in the current window
  asyncSize: i64 = 0;    // pages before the window's end where the PG_readahead mark sits
  order: i32 = 0;        // folio order of the last window
  prevIndex: i64 = -1;   // prev_pos >> PAGE_SHIFT: the page after the last read (-1: none yet)
  scale: i32 = 1;        // POSIX_FADV_SEQUENTIAL doubles the window (2), POSIX_FADV_RANDOM turns readahead off (0)
}

export function pcReset(): void {
  lkForget();
  for (let i = 0; i < inodes; i++) {
    unchecked(pcIndex[i] = 0);
    unchecked(pcCap[i] = 0);
    unchecked(pcPages[i] = 0);
    unchecked(inoKind[i] = 0);
  }
  inodes = 0;
}

export function inodeNew(kind: i32, size: i64, pattern: i32, name: i32): i32 {
  if (inodes >= MAX_INODES) return -1;
  const i = inodes++;
  unchecked(inoKind[i] = kind);
  unchecked(inoSize[i] = size);
  unchecked(inoPattern[i] = pattern);
  unchecked(inoSink[i] = -1);
  unchecked(inoName[i] = name);
  unchecked(pcIndex[i] = 0);
  unchecked(pcCap[i] = 0);
  unchecked(pcPages[i] = 0);
  unchecked(inoDirtyTop[i] = 0);
  unchecked(inoFs[i] = 0);
  unchecked(inoFolioTop[i] = 0);
  unchecked(inoSyncTop[i] = 0);
  if (kind == IK_REGULAR && size > 0) ensureIndex(i, (size + 4095) >> 12);
  return i;
}
export function inodeCount(): i32 { return inodes; }
@inline export function inoKindOf(i: i32): i32 { return unchecked(inoKind[i]); }
@inline export function inoSizeOf(i: i32): i64 { return unchecked(inoSize[i]); }
@inline export function inoPatternOf(i: i32): i32 { return unchecked(inoPattern[i]); }
@inline export function inoSinkOf(i: i32): i32 { return unchecked(inoSink[i]); }
@inline export function inoNameOf(i: i32): i32 { return unchecked(inoName[i]); }
export function inoSetFs(i: i32, fs: i32): void { unchecked(inoFs[i] = fs); }
@inline export function inoFsOf(i: i32): i32 { return unchecked(inoFs[i]); }
export function inoSetSink(i: i32, s: i32): void { unchecked(inoSink[i] = s); }
export function inoSetSize(i: i32, s: i64): void { unchecked(inoSize[i] = s); }
export function pcPagesOf(i: i32): i64 { return unchecked(pcPages[i]); }
export function inodeByName(name: i32): i32 {
  for (let i = 0; i < inodes; i++) if (unchecked(inoName[i]) == name && unchecked(inoKind[i]) != 0) return i;
  return -1;
}

function ensureIndex(ino: i32, pages: i64): void {
  if (pages <= unchecked(pcCap[ino])) return;
  let nu = unchecked(pcCap[ino]) < 16 ? 16 : unchecked(pcCap[ino]);
  if (nu * 2 < pages) nu = pages;      // a file's first sizing is exact
  while (nu < pages) nu *= 2;
  unchecked(pcIndex[ino] = arenaGrow(unchecked(pcIndex[ino]), <usize>unchecked(pcCap[ino]) << 2, <usize>nu << 2));
  unchecked(pcCap[ino] = nu);
}

/** find_get_page without the reference: the frame caching page `idx`, or 0. Costs one xarray walk. */
export function pcLookup(ino: i32, idx: i64): u32 {
  spendQuiet(knob(Knob.COST_PAGECACHE_LOOKUP_NS));
  if (idx < 0 || idx >= unchecked(pcCap[ino])) return 0;
  return load<u32>(unchecked(pcIndex[ino]) + (<usize>idx << 2));
}

// the folio the last lookup found: readers walk a folio page by page without looking it up again (the kernel's
// readers take a batch of folios per lookup: filemap_get_read_batch)
let lkIno: i32 = -1;
let lkFirst: i64 = 0;
let lkN: i64 = 0;
let lkHead: u32 = 0;

/**
 * The frame caching page `idx`, or 0: one lookup per folio for a reader that walks the file in order. A folio
 * still under the read that brings it in is waited for (filemap_update_page: folio_lock until the I/O ends).
 */
export function pcPage(ino: i32, idx: i64): u32 {
  if (ino == lkIno && idx >= lkFirst && idx < lkFirst + lkN) return lkHead + <u32>(idx - lkFirst);
  const pfn = pcLookup(ino, idx);
  if (pfn == 0) return 0;
  pcWaitFolio(ino, idx, pfn);
  const head = frHead(pfn);
  lkIno = ino;
  lkHead = head;
  lkN = (<i64>1) << frOrder(head);
  lkFirst = idx - <i64>(pfn - head);
  return pfn;
}

/** The cache changed: the remembered folio may be gone. */
@inline function lkForget(): void { lkIno = -1; }

/**
 * When the folio holding page `idx` (in frame `pfn`) turns uptodate: 0 if it is (no read of it in flight), else
 * the end of the last block request that holds one of its pages (the folio is locked until its read ends).
 */
export function pcReadyAt(ino: i32, idx: i64, pfn: u32): i64 {
  const head = frHead(pfn);
  return diskReadyAt(ino, idx - <i64>(pfn - head), (<i64>1) << frOrder(head));
}

/** The folio is not PG_uptodate yet: its read is still in flight at the process's clock. */
export function pcUnderIo(ino: i32, idx: i64, pfn: u32): bool {
  return pcReadyAt(ino, idx, pfn) > counter(Counter.TIME_NS);
}

/** folio_lock on a folio under I/O: the process sleeps until its read ends. Returns true if it slept. */
export function pcWaitFolio(ino: i32, idx: i64, pfn: u32): bool {
  const t = pcReadyAt(ino, idx, pfn);
  const now = counter(Counter.TIME_NS);
  if (t <= now) return false;
  sleepFor(WAIT_DISK, t - now);
  return true;
}

/** The same, free of cost (for the model's own bookkeeping: residency, teardown). */
export function pcPeek(ino: i32, idx: i64): u32 {
  if (idx < 0 || idx >= unchecked(pcCap[ino])) return 0;
  return load<u32>(unchecked(pcIndex[ino]) + (<usize>idx << 2));
}

/**
 * filemap_add_folio: allocates a folio of 2^order pages for pages [idx, idx + 2^order) (idx aligned) holding
 * zeros until filled; the cache holds one reference. Counts the tracepoint mm_filemap_add_to_page_cache.
 */
export function pcAddFolio(ino: i32, idx: i64, order: i32): u32 {
  const n = 1 << order;
  ensureIndex(ino, idx + n);
  const head = frAlloc(order, FK_CACHE);
  frInitRef(head, 1);
  const base = unchecked(pcIndex[ino]);
  for (let i = 0; i < n; i++) {
    // aux (set by frAlloc to i) becomes the page index; frHead() uses its low bits
    store<u32>(base + (<usize>(idx + i) << 2), head + i);
  }
  unchecked(pcPages[ino] = unchecked(pcPages[ino]) + (n));
  const c = knob(Knob.COST_PAGE_ALLOC_NS) * n;
  count(Counter.TP_FILEMAP_ADD, 1);
  spend(c);
  ev(Ev.CACHE_ADD, ino, idx, order, head, 0, c);
  return head;
}

/**
 * folio_account_dirtied: a clean folio became dirty; /proc/self/io write_bytes grows by the folio's size (measured
 * on Linux 6.18: re-dirtying one page of a clean 1 MiB folio adds 1 MiB).
 */
export function accountDirty(bytes: i64): void {
  const c = knob(Knob.COST_DIRTY_PAGE_NS) * ((bytes + 4095) >> 12);
  count(Counter.IO_WRITE_BYTES, bytes);
  spend(c);
  ev(Ev.IO_ACCT, 0, 0, 0, 0, bytes, c);
}

/** A regular file's page-cache folio holding `pfn` is written: account it the first time it turns dirty. */
export function dirtyFolio(pfn: u32): void {
  const head = frHead(pfn);
  if (frFlags(head) & FL_DIRTY) return;
  frSetFlag(head, FL_DIRTY);
  accountDirty((<i64>1 << frOrder(head)) << 12);
}

/** A sink file (whose pages the model does not keep) is written over [pos, pos+n): its new pages turn dirty. */
export function dirtySinkRange(ino: i32, pos: i64, n: i64): void {
  const top = (pos + n + 4095) >> 12;
  const was = unchecked(inoDirtyTop[ino]);
  if (top <= was) return;
  unchecked(inoDirtyTop[ino] = top);
  accountDirty((top - was) << 12);
}

const inoFolioTop = new StaticArray<i64>(MAX_INODES); // sink files: pages below this have (virtual) folios

/**
 * generic_perform_write's write_begin for a write of `len` bytes at `pos`: each piece gets a folio as large as the
 * piece (fgf_set_order), at most a max-order folio, aligned to its index. A regular file keeps them in its page
 * cache; a sink file's folios are counted (mm_filemap_add_to_page_cache) but not kept: the model verifies what the
 * sink receives and drops it.
 */
export function writeBegin(ino: i32, pos: i64, len: i64): void {
  const maxBytes = (<i64>1) << (<i32>knob(Knob.FOLIO_MAX_ORDER) + 12);
  const sink = unchecked(inoSink[ino]) >= 0;
  let p = pos;
  const end = pos + len;
  while (p < end) {
    const off = p & (maxBytes - 1);
    let bytes = maxBytes - off;
    if (bytes > end - p) bytes = end - p;
    const idx = p >> 12;
    let o = bytes >= 4096 ? 63 - <i32>clz<i64>(bytes >> 12) : 0;
    const mo = <i32>knob(Knob.FOLIO_MAX_ORDER);
    if (o > mo) o = mo;
    if (o > 0 && (idx & ((1 << o) - 1)) != 0) o = <i32>ctz<i64>(idx);
    let next: i64;
    if (sink) {
      if (idx < unchecked(inoFolioTop[ino])) next = unchecked(inoFolioTop[ino]);
      else {
        const c = knob(Knob.COST_PAGE_ALLOC_NS) << o;
        count(Counter.TP_FILEMAP_ADD, 1);
        spend(c);
        ev(Ev.CACHE_ADD, ino, idx, o, 0, 0, c);
        next = idx + (1 << o);
        unchecked(inoFolioTop[ino] = next);
      }
    } else {
      let pfn = pcPeek(ino, idx);
      if (pfn == 0) {
        while (o > 0 && !rangeFree(ino, idx, 1 << o)) o--;
        const head = pcAddFolio(ino, idx, o);
        const pat = unchecked(inoPattern[ino]);
        const size = unchecked(inoSize[ino]);
        for (let i = 0; i < (1 << o); i++) {
          const at = (idx + i) << 12;
          frSetIdent(head + i, pat >= 0 && at < size ? mkIdent(pat, at, 0) : 0);
        }
        pfn = head;
      }
      const head = frHead(pfn);
      next = idx - <i64>(pfn - head) + (1 << frOrder(head));
    }
    const nb = next << 12;
    p = nb < end ? nb : end;
  }
}

const inoSyncTop = new StaticArray<i64>(MAX_INODES); // sink files: pages below this were written back already

/** fsync's wait (filemap_fdatawait): the process sleeps until the device has served the writes it submitted. */
export function pcWaitWriteback(): void {
  const now = counter(Counter.TIME_NS);
  const t = diskIdleAt();
  sleepFor(WAIT_DISK, t > now ? t - now : 0);
}

/**
 * fsync/fdatasync: the file's dirty folios go to the disk (one block request per run of contiguous dirty pages, at
 * most max_sectors_kb each) and turn clean; the caller waits for them. Returns the pages written.
 */
export function pcWriteback(ino: i32): i64 {
  let maxReq = knob(Knob.BLOCK_MAX_REQUEST_BYTES) >> 12;
  if (maxReq < 1) maxReq = 1;
  let written: i64 = 0;
  if (unchecked(inoSink[ino]) >= 0) {
    // a sink keeps no pages: what turned dirty since the last writeback is written
    let from = unchecked(inoSyncTop[ino]);
    const to = unchecked(inoDirtyTop[ino]);
    while (from < to) {
      const n = to - from < maxReq ? to - from : maxReq;
      diskWrite(ino, from, 0, <i32>n);
      from += n;
      written += n;
    }
    unchecked(inoSyncTop[ino] = to);
    return written;
  }
  let runStart: i64 = -1;
  let runPfn: u32 = 0;
  let run: i64 = 0;
  const cap = unchecked(pcCap[ino]);
  let i: i64 = 0;
  while (i <= cap) {
    const pfn = i < cap ? pcPeek(ino, i) : 0;
    let dirty = false;
    let nr: i64 = 1;
    if (pfn != 0) {
      const head = frHead(pfn);
      nr = (<i64>1) << frOrder(head);
      dirty = (frFlags(head) & FL_DIRTY) != 0;
      if (dirty) frClearFlag(head, FL_DIRTY);
    }
    if (dirty) {
      if (run == 0) { runStart = i; runPfn = pfn; }
      run += nr;
    }
    if ((!dirty && run > 0) || run >= maxReq) {
      diskWrite(ino, runStart, runPfn, <i32>run);
      written += run;
      run = 0;
    }
    i += nr;
  }
  return written;
}

/** What a process waited for (Ev.WAIT a): the codes are abi.ts's Wait. */
export const WAIT_DISK: i32 = Wait.DISK;
export const WAIT_SOCKET: i32 = Wait.SOCKET;
export const WAIT_PIPE: i32 = Wait.PIPE;

/** The process sleeps until something happens: one voluntary context switch. */
export function sleepFor(what: i32, ns: i64): void {
  const c = knob(Knob.COST_WAKEUP_NS) + ns;
  count(Counter.NVCSW, 1);
  spend(c);
  ev(Ev.WAIT, what, ns, 0, 0, 0, c);
}

const raPfns = new StaticArray<u32>(16384 + 512);

/**
 * Reads pages [start, start + pages) that are not cached into new folios of at most `order` (aligned, clipped to
 * the window and to EOF's page), marks page `mark` PG_readahead, and issues one block request per run of
 * contiguous missing pages. Returns the pages read.
 */
export function raReadWindow(ino: i32, start: i64, pages: i64, order: i32, mark: i64): i64 {
  const npages = (unchecked(inoSize[ino]) + 4095) >> 12;
  let end = start + pages;
  if (end > npages) end = npages;
  let idx = start;
  let got: i32 = 0;
  let runStart: i64 = -1;
  let total: i64 = 0;
  let maxReq = <i32>(knob(Knob.BLOCK_MAX_REQUEST_BYTES) >> 12);
  if (maxReq < 1) maxReq = 1;
  while (idx < end) {
    if (pcPeek(ino, idx) != 0) {
      if (got > 0) { submitRun(ino, runStart, got, maxReq); total += got; got = 0; }
      idx++;
      continue;
    }
    let o = order;
    if (o > 0 && (idx & ((1 << o) - 1)) != 0) o = <i32>ctz<i64>(idx);
    while (o > 0 && (idx + (1 << o) > end || !rangeFree(ino, idx, 1 << o))) o--;
    const head = pcAddFolio(ino, idx, o);
    if (got == 0) runStart = idx;
    for (let i = 0; i < (1 << o); i++) unchecked(raPfns[got++] = head + i);
    if (mark >= idx && mark < idx + (1 << o)) frSetFlag(head, FL_READAHEAD);
    idx += 1 << o;
    if (got >= 16384) { submitRun(ino, runStart, got, maxReq); total += got; got = 0; }
  }
  if (got > 0) { submitRun(ino, runStart, got, maxReq); total += got; }
  return total;
}

/** submit_bio for a run of contiguous pages: the block layer splits it into requests of at most max_sectors_kb. */
function submitRun(ino: i32, first: i64, pages: i32, maxReq: i32): void {
  let at = 0;
  while (at < pages) {
    const n = pages - at < maxReq ? pages - at : maxReq;
    diskRead(ino, unchecked(inoPattern[ino]), first + at, raPfns, n, at);
    at += n;
  }
}

function rangeFree(ino: i32, idx: i64, n: i64): bool {
  for (let i: i64 = 0; i < n; i++) if (pcPeek(ino, idx + i) != 0) return false;
  return true;
}

/** ra->ra_pages: read_ahead_kb of the device, doubled by POSIX_FADV_SEQUENTIAL (generic_fadvise). */
function raPages(ra: Ra): i64 {
  const base = knob(Knob.READAHEAD_BYTES) >> 12;
  return ra.scale == 2 ? base * 2 : base;
}

/** bdi->io_pages: the largest request the device takes (max_sectors_kb), in pages. */
function ioPages(): i64 { return knob(Knob.BLOCK_MAX_REQUEST_BYTES) >> 12; }

/** ractl_max_pages: a read larger than the window may go up to the device's largest request. */
function raMaxPages(ra: Ra, req: i64): i64 {
  let max = raPages(ra);
  const io = ioPages();
  if (req > max && io > max) max = req < io ? req : io;
  return max;
}

/** get_init_ra_size: the request rounded up to a power of two, x4 if small, x2 if medium, else the maximum. */
function initRaSize(req: i64, max: i64): i64 {
  let s: i64 = 1;
  while (s < req) s <<= 1;
  if (s <= max / 32) s *= 4;
  else if (s <= max / 4) s *= 2;
  else s = max;
  return s;
}

/** get_next_ra_size: x4 while small, x2 up to half the maximum, then the maximum. */
function nextRaSize(cur: i64, max: i64): i64 {
  if (cur < max / 16) return 4 * cur;
  if (cur <= max / 2) return 2 * cur;
  return max;
}

/** ilog2 of a positive count. */
@inline function ilog2(n: i64): i32 { return 63 - <i32>clz<i64>(n < 1 ? 1 : n); }

/**
 * do_page_cache_ra + page_cache_ra_unbounded: `nr` pages from `idx` (clipped to EOF's page) in order-0 folios,
 * skipping cached pages, PG_readahead on page idx + nr - lookahead (none when lookahead is 0).
 */
function doPageCacheRa(ino: i32, idx: i64, nr: i64, lookahead: i64): i64 {
  const isize = unchecked(inoSize[ino]);
  if (isize == 0 || nr <= 0) return 0;
  const endIndex = (isize - 1) >> 12;
  if (idx > endIndex) return 0;
  if (nr > endIndex - idx) nr = endIndex - idx + 1;
  const mark = lookahead > 0 && lookahead <= nr ? idx + nr - lookahead : -1;
  return raReadWindow(ino, idx, nr, 0, mark);
}

// force_page_cache_ra reads in chunks of 2 MiB "so that we don't pin too much memory at once"
const FORCE_RA_CHUNK: i64 = (2 << 20) >> 12;

/**
 * force_page_cache_ra ("be dumb": FMODE_RANDOM, or readahead off): the request itself, at most
 * max(io_pages, ra_pages), each 2 MiB chunk read (and submitted) on its own.
 */
function forceRa(ino: i32, ra: Ra, idx: i64, req: i64): i64 {
  const io = ioPages();
  const rp = raPages(ra);
  let nr = req < (io > rp ? io : rp) ? req : (io > rp ? io : rp);
  let total: i64 = 0;
  let at = idx;
  while (nr > 0) {
    const chunk = nr < FORCE_RA_CHUNK ? nr : FORCE_RA_CHUNK;
    total += doPageCacheRa(ino, at, chunk, 0);
    at += chunk;
    nr -= chunk;
  }
  return total;
}

/**
 * POSIX_FADV_WILLNEED and MADV_WILLNEED (force_page_cache_readahead): pages [idx, idx + n) are read ahead as
 * force_page_cache_ra does (at most max(io_pages, ra_pages), 2 MiB chunks, order 0); nothing waits for them.
 * Returns pages read from the disk.
 */
export function pcWillneed(ino: i32, ra: Ra, idx: i64, n: i64): i64 { return forceRa(ino, ra, idx, n); }

/**
 * page_cache_ra_order: reads the window [ra.start, ra.start + ra.size) in folios of order ra.order (clamped to the
 * largest folio and to ilog2 of the window), each aligned to its index (a smaller one where the index is not) and
 * none past EOF's page; the folio holding ra.start + ra.size - ra.asyncSize gets PG_readahead (ra_alloc_folio
 * rounds the mark down to the folio). A folio that would cover a cached page (filemap_add_folio: -EEXIST) ends
 * the pass: what was added is submitted, the rest of the window falls back to order 0 (do_page_cache_ra).
 *
 *   window 20..79, order 4:  |20 o2|24  o3 |32    o4     |48    o4     |64    o4     |   (Linux 6.18 trace)
 */
export function raOrder(ino: i32, ra: Ra): i64 {
  const start = ra.start;
  const isize = unchecked(inoSize[ino]);
  if (isize == 0 || ra.size <= 0) return 0;
  let limit = (isize - 1) >> 12;
  if (limit > start + ra.size - 1) limit = start + ra.size - 1;
  const mark = start + ra.size - ra.asyncSize;
  let newOrder = ra.order;
  const mo = <i32>knob(Knob.FOLIO_MAX_ORDER);
  if (newOrder > mo) newOrder = mo;
  if (newOrder > ilog2(ra.size)) newOrder = ilog2(ra.size);
  if (newOrder < 0) newOrder = 0;
  ra.order = newOrder;
  let maxReq = <i32>(knob(Knob.BLOCK_MAX_REQUEST_BYTES) >> 12);
  if (maxReq < 1) maxReq = 1;
  let idx = start;
  let got: i32 = 0;
  let clash = false;
  while (idx <= limit) {
    let o = newOrder;
    if (o > 0 && (idx & ((1 << o) - 1)) != 0) o = <i32>ctz<i64>(idx);
    while (o > 0 && idx + (1 << o) - 1 > limit) o--;
    if (!rangeFree(ino, idx, 1 << o)) { clash = true; break; }
    const head = pcAddFolio(ino, idx, o);
    for (let i = 0; i < (1 << o); i++) unchecked(raPfns[got++] = head + i);
    if ((mark & ~((<i64>1 << o) - 1)) == idx) frSetFlag(head, FL_READAHEAD);
    idx += 1 << o;
    if (got >= 16384) { submitRun(ino, idx - got, got, maxReq); got = 0; }
  }
  // read_pages: one plug for the pass, so the block layer sees one run
  if (got > 0) submitRun(ino, idx - got, got, maxReq);
  let total = idx - start;
  if (clash && ra.size > idx - start) total += doPageCacheRa(ino, idx, ra.size - (idx - start), ra.asyncSize);
  return total;
}

/**
 * page_cache_sync_readahead: page `idx` is missing and the reader wants `req` pages from it. The start of the
 * file, a read larger than the window, or a miss right after the previous read (prev_pos) starts a window of
 * get_init_ra_size(), PG_readahead at its last `req` pages (half the window when the read covers it), order 0.
 * Otherwise pages cached before the miss (page_cache_prev_miss) say how long the stream has run: more than the
 * request starts a window that long (twice if cached from page 0); fewer is a standalone read of the request.
 * FMODE_RANDOM (POSIX_FADV_RANDOM) or no readahead reads just the request (one page without readahead).
 * Returns pages read from the disk.
 */
export function raSync(ino: i32, ra: Ra, idx: i64, req: i64): i64 {
  if (raPages(ra) == 0) return forceRa(ino, ra, idx, 1);
  if (ra.scale == 0) return forceRa(ino, ra, idx, req);
  const max = raMaxPages(ra, req);
  const prev = ra.prevIndex;
  if (idx == 0 || req > max || (prev >= 0 && idx >= prev && idx - prev <= 1)) {
    ra.start = idx;
    ra.size = initRaSize(req, max);
    ra.asyncSize = ra.size > req ? ra.size - req : ra.size >> 1;
  } else {
    // page_cache_prev_miss(index - 1, max_pages): the last hole before the miss; -1 if cached down to page 0
    let miss = idx - 1;
    let scanned: i64 = 0;
    while (scanned < max && miss >= 0 && pcPeek(ino, miss) != 0) { miss--; scanned++; }
    let contig = idx - miss - 1;
    if (contig <= req) return doPageCacheRa(ino, idx, req, 0);
    if (miss < 0) contig *= 2;
    ra.start = idx;
    ra.size = contig + req < max ? contig + req : max;
    ra.asyncSize = 1;
  }
  ra.order = 0;
  return raOrder(ino, ra);
}

/**
 * page_cache_async_readahead: the reader reached the PG_readahead folio `head`, at index `idx` (the folio's first
 * page for read(), the faulting page for a fault); `req` pages wanted from there (-1: ra_pages, as a fault asks).
 * At the expected index (the mark, rounded down to the folio) the next window follows the last one,
 * get_next_ra_size() larger; otherwise the window is rebuilt from the cached run after idx (page_cache_next_miss).
 * The folio order grows by 2, and the window's end is cut down to a multiple of the new folio size (at most
 * ffs(max_pages)-1), unless that would empty it. Returns pages read from the disk.
 *
 *   ra.start                 mark = start + size - asyncSize           start + size
 *   |=========================#========================================|  -> next: [start + size, ...)
 */
export function raAsync(ino: i32, ra: Ra, head: u32, idx: i64, req: i64 = -1): i64 {
  if (raPages(ra) == 0) return 0;
  frClearFlag(head, FL_READAHEAD);
  if (req < 0) req = raPages(ra);
  const max = raMaxPages(ra, req);
  const nr: i64 = (<i64>1) << frOrder(head);
  const expected = (ra.start + ra.size - ra.asyncSize) & ~(nr - 1);
  if (idx == expected) {
    ra.start += ra.size;
    const next = nextRaSize(ra.size, max);
    if (next > ra.size) ra.size = next;
  } else {
    // page_cache_next_miss(index + 1, max_pages): the first hole after idx, at most max_pages on
    let start = idx + 1;
    let scanned: i64 = 0;
    while (scanned < max && pcPeek(ino, start) != 0) { start++; scanned++; }
    if (scanned == max) return 0;
    ra.start = start;
    ra.size = start - idx + req;
    ra.size = nextRaSize(ra.size, max);
  }
  ra.order += 2;
  let ao = ra.order;
  const fm = <i32>ctz<i64>(max);
  if (ao > fm) ao = fm;
  const align: i64 = (<i64>1) << ao;
  const end = ra.start + ra.size;
  const alignedEnd = end & ~(align - 1);
  if (alignedEnd > ra.start) ra.size -= end - alignedEnd;
  ra.asyncSize = ra.size;
  return raOrder(ino, ra);
}

/**
 * Makes pages [idx, idx + n) present for a reader (filemap_get_pages): sync readahead on a miss, async readahead
 * on a PG_readahead folio (the read batch ends at it: filemap_readahead, from the folio's first page). The reads
 * are only submitted: a reader that copies a page still in flight waits for it then (pcPage). ra.prevIndex
 * becomes prev_pos >> PAGE_SHIFT, the page after the read. Returns true if it submitted reads for missing pages.
 */
export function pcReadPrepare(ino: i32, ra: Ra, idx: i64, n: i64): bool {
  let submitted = false;
  const npages = (unchecked(inoSize[ino]) + 4095) >> 12;
  let i = idx;
  const end = idx + n < npages ? idx + n : npages;
  while (i < end) {
    let pfn = pcLookup(ino, i);
    if (pfn == 0) {
      const got = raSync(ino, ra, i, end - i);
      if (got > 0) submitted = true;
      pfn = pcPeek(ino, i);
      if (pfn == 0) { pcAddFolio(ino, i, 0); pfn = pcPeek(ino, i); }
    }
    const head = frHead(pfn);
    const first = i - <i64>(pfn - head);
    if (frFlags(head) & FL_READAHEAD) raAsync(ino, ra, head, first, end - first);
    const o = frOrder(head);
    i = (i | ((1 << o) - 1)) + 1;
  }
  ra.prevIndex = end;
  return submitted;
}

/**
 * Setup, warm by write(): the file written in `chunk`-byte write() calls (generic_perform_write): each piece is
 * at most one max-order folio; its folio's order follows the piece's length and the index's alignment.
 */
export function pcFillByWrite(ino: i32, chunk: i64): void {
  const size = unchecked(inoSize[ino]);
  const maxBytes = (<i64>1) << (<i32>knob(Knob.FOLIO_MAX_ORDER) + 12);
  if (chunk <= 0) chunk = size;
  let w: i64 = 0;
  while (w < size) {
    const wend = w + chunk < size ? w + chunk : size;
    let pos = w;
    while (pos < wend) {
      const off = pos & (maxBytes - 1);
      let bytes = maxBytes - off;
      if (bytes > wend - pos) bytes = wend - pos;
      const idx = pos >> 12;
      let pfn = pcPeek(ino, idx);
      if (pfn == 0) {
        let o = bytes >= 4096 ? 63 - <i32>clz<i64>(bytes >> 12) : 0;
        const mo = <i32>knob(Knob.FOLIO_MAX_ORDER);
        if (o > mo) o = mo;
        if (o > 0 && (idx & ((1 << o) - 1)) != 0) o = <i32>ctz<i64>(idx);
        while (o > 0 && !rangeFree(ino, idx, 1 << o)) o--;
        const head = pcAddFolio(ino, idx, o);
        for (let i = 0; i < (1 << o); i++) frSetIdent(head + i, mkIdent(unchecked(inoPattern[ino]), (idx + i) << 12, 0));
        pfn = head;
      }
      const head = frHead(pfn);
      const fend = (<i64>(idx - (pfn - head)) + (1 << frOrder(head))) << 12;
      const step = (fend < pos + bytes ? fend : pos + bytes) - pos;
      pos += step;
    }
    w = wend;
  }
}

/** Setup, warm by read(): cold, then read sequentially in `chunk`-byte read() calls (readahead fills it). */
export function pcFillByRead(ino: i32, chunk: i64): void {
  const ra = new Ra();
  const size = unchecked(inoSize[ino]);
  if (chunk <= 0) chunk = size;
  let pos: i64 = 0;
  while (pos < size) {
    const end = pos + chunk < size ? pos + chunk : size;
    pcReadPrepare(ino, ra, pos >> 12, ((end - 1) >> 12) - (pos >> 12) + 1);
    pos = end;
  }
  diskSettle();   // the fill's reads are over before the phase begins
}

/** POSIX_FADV_DONTNEED / drop: removes clean, unreferenced folios of pages [first, last] from the cache. */
export function pcDrop(ino: i32, first: i64, last: i64): void {
  let i = first;
  while (i <= last && i < unchecked(pcCap[ino])) {
    const pfn = pcPeek(ino, i);
    if (pfn == 0) { i++; continue; }
    const head = frHead(pfn);
    const o = frOrder(head);
    const start = i - <i64>(pfn - head);
    const n: i64 = 1 << o;
    if (frRef(head) <= 1) {
      lkForget();
      for (let k: i64 = 0; k < n; k++) store<u32>(unchecked(pcIndex[ino]) + (<usize>(start + k) << 2), 0);
      unchecked(pcPages[ino] = unchecked(pcPages[ino]) - (n));
      frFree(head);
    }
    i = start + n;
  }
}

/** Truncate to `size`: pages wholly past the new EOF leave the cache (their mappings are the caller's). */
export function pcTruncate(ino: i32, size: i64): void {
  const first = (size + 4095) >> 12;
  const before = unchecked(pcPages[ino]);
  if (unchecked(pcCap[ino]) > first) pcDrop(ino, first, unchecked(pcCap[ino]) - 1);
  unchecked(inoSize[ino] = size);
  spendQuiet(knob(Knob.COST_TRUNCATE_PAGE_NS) * (before - unchecked(pcPages[ino])));
}
