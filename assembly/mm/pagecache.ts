// The page cache: per inode, an index of folios (page index -> frame). A folio is 2^order contiguous frames,
// naturally aligned in the file; its size is set by how it came into the cache: write() allocates folios as
// large as each write's piece (generic_perform_write), readahead ramps the order up window by window
// (page_cache_ra_order), a single missing page comes in as order 0. Cold pages come from the disk through the DMA
// engine, one block request per readahead window.
//
//   inode i:  unchecked(pcIndex[i] = unchecked(pcIndex[i]) - 1); reaching a marked folio reads the next window ahead,
// get_next_ra_size() larger, up to READAHEAD_BYTES.
import { Counter, Ev, Knob } from "../abi";
import { count, spend } from "../counters";
import { ev, spendQuiet } from "../trace";
import { knob } from "../machine";
import { arenaGrow } from "../mem";
import {
  frAlloc, frInitRef, frSetAux, frSetIdent, frSetFlag, frClearFlag, frFlags, frHead, frOrder, frFree, frRef,
  FK_CACHE, FL_READAHEAD, FL_DIRTY, mkIdent,
} from "./frames";
import { diskRead, diskWrite } from "../dev/disk";

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
  prevIndex: i64 = -1;   // last page read (sequential detection)
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

/** The frame caching page `idx`, or 0: one lookup per folio for a reader that walks the file in order. */
export function pcPage(ino: i32, idx: i64): u32 {
  if (ino == lkIno && idx >= lkFirst && idx < lkFirst + lkN) return lkHead + <u32>(idx - lkFirst);
  const pfn = pcLookup(ino, idx);
  if (pfn == 0) return 0;
  const head = frHead(pfn);
  lkIno = ino;
  lkHead = head;
  lkN = (<i64>1) << frOrder(head);
  lkFirst = idx - <i64>(pfn - head);
  return pfn;
}

/** The cache changed: the remembered folio may be gone. */
@inline function lkForget(): void { lkIno = -1; }

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

/** What a process waited for (Ev.WAIT a). */
export const WAIT_DISK: i32 = 1;
export const WAIT_SOCKET: i32 = 2;
export const WAIT_PIPE: i32 = 3;

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
    diskRead(unchecked(inoPattern[ino]), first + at, raPfns, n, at);
    at += n;
  }
}

function rangeFree(ino: i32, idx: i64, n: i64): bool {
  for (let i: i64 = 0; i < n; i++) if (pcPeek(ino, idx + i) != 0) return false;
  return true;
}

function raMaxPages(ra: Ra): i64 { return (knob(Knob.READAHEAD_BYTES) >> 12) * ra.scale; }

/** get_init_ra_size */
function initRaSize(req: i64, max: i64): i64 {
  let s: i64 = 1;
  while (s < req) s <<= 1;
  if (s <= max / 32) s *= 4;
  else if (s <= max / 4) s *= 2;
  else s = max;
  return s;
}

/** get_next_ra_size */
function nextRaSize(cur: i64, max: i64): i64 {
  if (cur < max / 16) return 4 * cur;
  if (cur <= max / 2) return 2 * cur;
  return max;
}

function maxOrderFor(size: i64): i32 {
  let o = <i32>knob(Knob.FOLIO_MAX_ORDER);
  let l = 63 - <i32>clz<i64>(size < 1 ? 1 : size);
  return o < l ? o : l;
}

/**
 * page_cache_sync_readahead: page `idx` is missing and the reader wants `req` pages from it. Sequential access
 * (from page 0, or right after the last window) starts or continues a window; otherwise just the request is
 * read. Returns pages read from the disk.
 */
export function raSync(ino: i32, ra: Ra, idx: i64, req: i64): i64 {
  const max = raMaxPages(ra);
  if (max == 0) return raReadWindow(ino, idx, req, 0, -1);
  const sequential = idx == 0 || idx == ra.prevIndex + 1 || idx == ra.start + ra.size;
  if (!sequential) {
    ra.start = idx;
    ra.size = req < max ? req : max;
    ra.asyncSize = 0;
    return raReadWindow(ino, idx, ra.size, 0, -1);
  }
  if (idx == ra.start + ra.size && ra.size > 0) {
    ra.start = idx;
    ra.size = nextRaSize(ra.size, max);
    ra.asyncSize = ra.size;
  } else {
    ra.start = idx;
    ra.size = initRaSize(req, max);
    ra.asyncSize = ra.size > req ? ra.size - req : 0;
    ra.order = 0;
  }
  const mark = ra.asyncSize > 0 ? ra.start + ra.size - ra.asyncSize : -1;
  return raReadWindow(ino, ra.start, ra.size, ra.order, mark);
}

/** page_cache_async_readahead: the reader reached the PG_readahead folio at `idx`: read the next window. */
export function raAsync(ino: i32, ra: Ra, head: u32, idx: i64): i64 {
  frClearFlag(head, FL_READAHEAD);
  const max = raMaxPages(ra);
  if (max == 0) return 0;
  // the window the mark belongs to ends at ra.start + ra.size
  if (idx < ra.start || idx >= ra.start + ra.size) { ra.start = idx; ra.size = 1; }
  ra.start = ra.start + ra.size;
  ra.size = nextRaSize(ra.size, max);
  ra.asyncSize = ra.size;
  let o = ra.order + 2;
  const mo = maxOrderFor(ra.size);
  if (o > mo) o = mo;
  ra.order = o;
  // the window's end is aligned up to the new folio size (measured on Linux 6.18: after windows of 4 and 16
  // pages, the 64-page window starting at page 20 ends at page 96, not 84)
  const align: i64 = (<i64>1) << o;
  const end = (ra.start + ra.size + align - 1) & ~(align - 1);
  ra.size = end - ra.start;
  ra.asyncSize = ra.size;
  return raReadWindow(ino, ra.start, ra.size, ra.order, ra.start);
}

/**
 * Makes pages [idx, idx + n) present for a reader (filemap_get_pages): sync readahead on a miss (the reader
 * then waits for the disk: a major fault's or a read's sleep), async readahead on a PG_readahead folio.
 * Returns true if the reader had to wait for the disk.
 */
export function pcReadPrepare(ino: i32, ra: Ra, idx: i64, n: i64): bool {
  let waited = false;
  const npages = (unchecked(inoSize[ino]) + 4095) >> 12;
  let i = idx;
  const end = idx + n < npages ? idx + n : npages;
  while (i < end) {
    let pfn = pcLookup(ino, i);
    if (pfn == 0) {
      const got = raSync(ino, ra, i, end - i);
      if (got > 0) waited = true;
      pfn = pcPeek(ino, i);
      if (pfn == 0) { pcAddFolio(ino, i, 0); pfn = pcPeek(ino, i); }
    }
    const head = frHead(pfn);
    if (frFlags(head) & FL_READAHEAD) raAsync(ino, ra, head, i);
    const o = frOrder(head);
    i = (i | ((1 << o) - 1)) + 1;
  }
  ra.prevIndex = end - 1;
  if (waited) sleepFor(WAIT_DISK, 0);
  return waited;
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
