// Physical frames: a flat table of 12-byte records (REC), one per simulated 4 KiB frame, with the frame's reference
// count, folio order, kind, and what the frame holds. A frame holds identities, not bytes: byte o of a frame is
// byte (base + o) of file `file` at `version`, or a run of such pieces when copies wrote parts of it.
//
//   frame record (12 bytes, at frameTable + 12 * pfn)
//   0                 8        10      11       12
//   +-----------------+--------+-------+--------+
//   |  ident / aux    | refcnt | order | flags  |
//   +-----------------+--------+-------+--------+
//   flags: bits 0-3 kind (FK_*), 4 MIXED (content is a run list), 5 READAHEAD (PG_readahead), 6 DIRTY
//   ident: what the page holds; frames that hold no payload keep something else there (aux): a PT frame its
//   table's content block, a free frame the next free pfn
//   A folio of order o starts at a pfn aligned to 2^o (as the buddy allocator's do): its head is pfn & ~(2^o - 1).
//
//   ident (u64): one run of file bytes, position-independent, so clipping a run never changes it
//   63       52 51      40 39                            0
//   +----------+----------+-------------------------------+
//   | version  |  file+1  |      base + 2^39 (bytes)      |
//   +----------+----------+-------------------------------+
//   file+1 == 0: zero bytes (anonymous memory); file+1 == 0xfff: bytes the model lost track of (never intact)
//
// A MIXED frame's content is a run list (sorted, covering [0, PAGE_SIZE)) kept in a side table: pfn -> block of up
// to RUN_MAX runs. Only frames written in part by copies become MIXED; page-cache pages never do unless a store
// changes part of them.
import { Counter, Ev } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, PAGE_SIZE } from "../machine";
import { Knob } from "../abi";
import { rgrow, arenaAlloc, arenaGrow } from "../mem";

export const FK_FREE: i32 = 0;
export const FK_CACHE: i32 = 1;   // a page-cache folio page
export const FK_ANON: i32 = 2;    // anonymous process memory
export const FK_ZERO: i32 = 3;    // the shared zero page
export const FK_PT: i32 = 4;      // a page-table page (PUD, PMD or PTE level, or the PGD)
export const FK_KBUF: i32 = 5;    // a kernel buffer page (pipe data copied in, skb data, sink staging)
export const FL_MIXED: i32 = 0x10;
export const FL_READAHEAD: i32 = 0x20;
export const FL_DIRTY: i32 = 0x40;

const REC: usize = 12;
const BIAS: i64 = (<i64>1) << 39;
export const IDENT_ZERO: u64 = 0;
export const IDENT_LOST: u64 = (<u64>0xfff) << 40;
export const ZERO_PFN: u32 = 1;

let frameTable: usize = 0;          // base of the records
let frameCap: u32 = 0;              // records allocated
let frameTop: u32 = 2;              // next never-used pfn (0 is null, 1 the zero page)
const freeHead = new StaticArray<u32>(16);  // free lists by order, linked through aux
export let framesInUse: i64 = 0;    // frames allocated and not freed
export let framesPeak: i64 = 0;     // most frames in use at once

// ---- identities -------------------------------------------------------------------------------------------
@inline export function mkIdent(file: i32, base: i64, ver: i32): u64 {
  return ((<u64>ver) << 52) | ((<u64>(file + 1) & 0xfff) << 40) | (<u64>(base + BIAS) & 0xffffffffff);
}
@inline export function identFile(id: u64): i32 { return (<i32>((id >> 40) & 0xfff)) - 1; }
@inline export function identBase(id: u64): i64 { return (<i64>(id & 0xffffffffff)) - BIAS; }
@inline export function identVer(id: u64): i32 { return <i32>(id >> 52); }
/** the same bytes seen `delta` bytes later in the page (base - delta) */
@inline export function identShift(id: u64, delta: i64): u64 {
  if (((id >> 40) & 0xfff) == 0 || ((id >> 40) & 0xfff) == 0xfff) return id;
  return (id & ~(<u64>0xffffffffff)) | (<u64>(<i64>(id & 0xffffffffff) - delta) & 0xffffffffff);
}

// ---- the table --------------------------------------------------------------------------------------------
@inline function rec(pfn: u32): usize { return frameTable + (<usize>pfn) * REC; }
@inline export function frIdent(pfn: u32): u64 { return load<u64>(rec(pfn)); }
@inline export function frSetIdentRaw(pfn: u32, id: u64): void { store<u64>(rec(pfn), id); }
@inline export function frRef(pfn: u32): i32 { return <i32>load<u16>(rec(pfn), 8); }
@inline function frSetRef(pfn: u32, r: i32): void { store<u16>(rec(pfn), <u16>r, 8); }
@inline export function frOrder(pfn: u32): i32 { return <i32>load<u8>(rec(pfn), 10); }
@inline export function frFlags(pfn: u32): i32 { return <i32>load<u8>(rec(pfn), 11); }
@inline export function frKind(pfn: u32): i32 { return <i32>load<u8>(rec(pfn), 11) & 15; }
@inline export function frSetFlag(pfn: u32, f: i32): void { store<u8>(rec(pfn), <u8>(load<u8>(rec(pfn), 11) | f), 11); }
@inline export function frClearFlag(pfn: u32, f: i32): void { store<u8>(rec(pfn), <u8>(load<u8>(rec(pfn), 11) & ~f), 11); }
@inline export function frAux(pfn: u32): u32 { return <u32>load<u64>(rec(pfn)); }
@inline export function frSetAux(pfn: u32, v: u32): void { store<u64>(rec(pfn), <u64>v); }

/** The head frame of the folio `pfn` belongs to. */
export function frHead(pfn: u32): u32 {
  const o = frOrder(pfn);
  if (o == 0) return pfn;
  return pfn & ~((<u32>1 << o) - 1);
}

export function framesReset(): void {
  // the arena was rewound: the table starts afresh (program.ts reserves the files' frames right after)
  frameCap = 1024;
  frameTable = arenaAlloc(<usize>frameCap * REC);
  frameTop = 2;
  for (let i = 0; i < 16; i++) unchecked(freeHead[i] = 0);
  store<u8>(rec(ZERO_PFN), <u8>FK_ZERO, 11);
  frSetRef(ZERO_PFN, 1);
  framesInUse = 0;
  framesPeak = 0;
  mixedReset();
}

/** Makes room for `n` more frames at once (setup knows how many the files need: no doubling, no copies). */
export function framesReserve(n: u32): void {
  const want = frameTop + n;
  if (want <= frameCap) return;
  frameTable = arenaGrow(frameTable, <usize>frameCap * REC, <usize>want * REC);
  frameCap = want;
}

/** Bytes of wasm memory the frame table and run blocks occupy (for the memory-per-page figure). */
export function framesBytes(): i64 {
  return <i64>frameCap * <i64>REC + <i64>mixedCap * 12 + <i64>blockCap * <i64>BLOCK;
}

/**
 * Allocates 2^order contiguous frames of `kind`, refcount 0, holding zeros. Counts nothing: the caller counts the
 * allocation where it means something (a page-table page, a page-cache folio).
 */
export function frAlloc(order: i32, kind: i32): u32 {
  const n: u32 = 1 << order;
  let pfn = unchecked(freeHead[order]);
  if (pfn != 0) {
    unchecked(freeHead[order] = frAux(pfn));
  } else {
    if (frameTop + n > frameCap) {
      let nu = frameCap + (frameCap >> 1);
      while (frameTop + n > nu) nu += nu >> 1;
      frameTable = arenaGrow(frameTable, <usize>frameCap * REC, <usize>nu * REC);
      frameCap = nu;
    }
    // natural alignment: the frames skipped go to the order-0 free list
    while (frameTop & (n - 1)) {
      const f = frameTop++;
      store<u8>(rec(f), 0, 10);
      store<u8>(rec(f), <u8>FK_FREE, 11);
      frSetAux(f, unchecked(freeHead[0]));
      unchecked(freeHead[0] = f);
    }
    if (frameTop + n > frameCap) {
      let nu = frameCap + (frameCap >> 1);
      while (frameTop + n > nu) nu += nu >> 1;
      frameTable = arenaGrow(frameTable, <usize>frameCap * REC, <usize>nu * REC);
      frameCap = nu;
    }
    pfn = frameTop;
    frameTop += n;
  }
  for (let i: u32 = 0; i < n; i++) {
    const p = rec(pfn + i);
    store<u64>(p, IDENT_ZERO);
    store<u16>(p, 0, 8);
    store<u8>(p, <u8>order, 10);
    store<u8>(p, <u8>kind, 11);
  }
  framesInUse += n;
  if (framesInUse > framesPeak) framesPeak = framesInUse;
  return pfn;
}

/** Returns the folio headed by `head` to the free lists. */
export function frFree(head: u32): void {
  const o = frOrder(head);
  const n: u32 = 1 << o;
  for (let i: u32 = 0; i < n; i++) {
    if (frFlags(head + i) & FL_MIXED) mixedDrop(head + i);
    store<u8>(rec(head + i), <u8>FK_FREE, 11);
    store<u64>(rec(head + i), 0);
  }
  frSetAux(head, unchecked(freeHead[o]));
  unchecked(freeHead[o] = head);
  framesInUse -= n;
  if (frameTop > 0) ev(Ev.PAGE_FREE, head, n, 0, 0, 0, 0);
}

/** get_page: takes a reference on the folio of `pfn` (a pipe buffer, an skb frag, a mapping). */
export function getPage(pfn: u32): void { getPages(pfn, 1); }

/**
 * folio_ref_add: takes `n` references on the folio of `pfn` in one atomic add, as filemap_map_folio_range does for
 * the run of a folio's pages one fault maps. Counted as n references; costs one.
 */
export function getPages(pfn: u32, n: i32): void {
  const h = frHead(pfn);
  const r = frRef(h) + n;
  frSetRef(h, r);
  const c = knob(Knob.COST_PAGE_REF_NS);
  count(Counter.PAGE_REFS, n);
  spend(c);
  ev(Ev.PAGE_REF, h, r, n, 0, 0, c);
}

/** put_page: drops a reference; the folio is freed when none is left. */
export function putPage(pfn: u32): void {
  const h = frHead(pfn);
  const r = frRef(h) - 1;
  frSetRef(h, r);
  ev(Ev.PAGE_UNREF, h, r, 0, 0, 0, 0);
  if (r <= 0 && frKind(h) != FK_ZERO) frFree(h);
}

/**
 * split_folio to order 0: each page of the folio headed by `head` becomes a folio of its own, with the head's
 * state (dirty, readahead) and one reference each (the page cache's), as __split_unmapped_folio leaves them. The
 * caller has checked that nothing but the page cache holds the folio.
 */
export function frSplit(head: u32): void {
  const o = frOrder(head);
  if (o == 0) return;
  const n: u32 = 1 << o;
  const state = <u8>(frFlags(head) & ~FL_MIXED);
  for (let i: u32 = 0; i < n; i++) {
    const p = rec(head + i);
    store<u8>(p, 0, 10);
    store<u8>(p, <u8>((load<u8>(p, 11) & FL_MIXED) | state), 11);
    frSetRef(head + i, 1);
  }
}

/** Sets the reference count without counting a get_page (the owner's own reference: cache, allocation). */
export function frInitRef(pfn: u32, r: i32): void { frSetRef(frHead(pfn), r); }

// ---- run lists of MIXED frames ------------------------------------------------------------------------------
//   block (BLOCK bytes): [n u32, pad u32, RUN_MAX x (lo u16, hi u16, pad u32, ident u64)]
export const RUN_MAX: i32 = 16;
const BLOCK: usize = 8 + 16 * 16;
let mixedKeys: usize = 0;      // open-addressed table: [pfn u32, block u32, pad u32 x 1] (12 bytes), 0 = empty
let mixedCap: u32 = 0;         // slots in the table (power of two)
let mixedUsed: u32 = 0;        // slots in use
let blocks: usize = 0;         // run blocks
let blockCap: u32 = 0;         // blocks allocated
let blockTop: u32 = 1;         // next never-used block (0 = none)
let blockFree: u32 = 0;        // free blocks, linked through n

function mixedReset(): void {
  if (mixedKeys == 0) {
    mixedCap = 64;
    mixedKeys = rgrow(0, 0, <usize>mixedCap * 12);
    blockCap = 16;
    blocks = rgrow(0, 0, <usize>blockCap * BLOCK);
  } else memory.fill(mixedKeys, 0, <usize>mixedCap * 12);
  mixedUsed = 0;
  blockTop = 1;
  blockFree = 0;
}

@inline function blk(b: u32): usize { return blocks + <usize>b * BLOCK; }

function slotOf(pfn: u32): usize {
  let i = (pfn * 0x9E3779B1) & (mixedCap - 1);
  while (true) {
    const p = mixedKeys + <usize>i * 12;
    const k = load<u32>(p);
    if (k == pfn || k == 0) return p;
    i = (i + 1) & (mixedCap - 1);
  }
}

function blockOf(pfn: u32): u32 {
  const p = slotOf(pfn);
  return load<u32>(p) == pfn ? load<u32>(p, 4) : 0;
}

function newBlock(pfn: u32): u32 {
  if ((mixedUsed + 1) * 2 > mixedCap) {
    // rehash into a table twice the size
    const old = mixedKeys;
    const oldCap = mixedCap;
    mixedCap *= 2;
    mixedKeys = rgrow(0, 0, <usize>mixedCap * 12);
    for (let i: u32 = 0; i < oldCap; i++) {
      const k = load<u32>(old + <usize>i * 12);
      if (k != 0 && load<u32>(old + <usize>i * 12, 8) == 0) {
        const s = slotOf(k);
        store<u32>(s, k);
        store<u32>(s, load<u32>(old + <usize>i * 12, 4), 4);
      }
    }
    heap.free(old);
  }
  let b = blockFree;
  if (b != 0) blockFree = load<u32>(blk(b));
  else {
    if (blockTop >= blockCap) {
      blocks = rgrow(blocks, <usize>blockCap * BLOCK, <usize>blockCap * 2 * BLOCK);
      blockCap *= 2;
    }
    b = blockTop++;
  }
  const s = slotOf(pfn);
  store<u32>(s, pfn);
  store<u32>(s, b, 4);
  store<u32>(s, 0, 8);
  mixedUsed++;
  return b;
}

function mixedDrop(pfn: u32): void {
  // delete with backward-shift so probing stays correct
  let p = slotOf(pfn);
  if (load<u32>(p) != pfn) return;
  const b = load<u32>(p, 4);
  store<u32>(blk(b), blockFree);
  blockFree = b;
  let i = <u32>((p - mixedKeys) / 12);
  let j = i;
  while (true) {
    j = (j + 1) & (mixedCap - 1);
    const q = mixedKeys + <usize>j * 12;
    const k = load<u32>(q);
    if (k == 0) break;
    const home = (k * 0x9E3779B1) & (mixedCap - 1);
    // can k move to slot i?
    const fits = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (fits) {
      const pi = mixedKeys + <usize>i * 12;
      store<u32>(pi, k);
      store<u32>(pi, load<u32>(q, 4), 4);
      i = j;
    }
  }
  store<u32>(mixedKeys + <usize>i * 12, 0);
  mixedUsed--;
  frClearFlag(pfn, FL_MIXED);
}

// scratch run lists: R (read from a source) and W (being built)
const rLo = new StaticArray<i32>(64);
const rHi = new StaticArray<i32>(64);
const rId = new StaticArray<u64>(64);
const wLo = new StaticArray<i32>(80);
const wHi = new StaticArray<i32>(80);
const wId = new StaticArray<u64>(80);

/** Reads the runs of `pfn` that cover [lo, hi) into R, clipped; returns how many. */
export function readRuns(pfn: u32, lo: i32, hi: i32): i32 {
  if (!(frFlags(pfn) & FL_MIXED)) {
    unchecked(rLo[0] = lo); unchecked(rHi[0] = hi); unchecked(rId[0] = frIdent(pfn));
    return 1;
  }
  const b = blk(blockOf(pfn));
  const n = <i32>load<u32>(b);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = b + 8 + (<usize>i << 4);
    const a = <i32>load<u16>(r);
    const z = <i32>load<u16>(r, 2) + 1;
    if (z <= lo || a >= hi) continue;
    unchecked(rLo[k] = a < lo ? lo : a);
    unchecked(rHi[k] = z > hi ? hi : z);
    unchecked(rId[k] = load<u64>(r, 8));
    k++;
  }
  return k;
}
@inline export function runLo(i: i32): i32 { return unchecked(rLo[i]); }
@inline export function runHi(i: i32): i32 { return unchecked(rHi[i]); }
@inline export function runId(i: i32): u64 { return unchecked(rId[i]); }

/** Stores W (n runs, covering [0, PAGE_SIZE)) as the content of `pfn`, merging neighbours. */
function storeW(pfn: u32, n: i32): void {
  // merge adjacent runs with the same ident (idents are position-independent)
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (unchecked(wHi[i]) <= unchecked(wLo[i])) continue;
    if (m > 0 && unchecked(wId[m - 1]) == unchecked(wId[i]) && unchecked(wHi[m - 1]) == unchecked(wLo[i])) {
      unchecked(wHi[m - 1] = unchecked(wHi[i]));
      continue;
    }
    unchecked(wLo[m] = unchecked(wLo[i])); unchecked(wHi[m] = unchecked(wHi[i])); unchecked(wId[m] = unchecked(wId[i]));
    m++;
  }
  if (m == 1) {
    if (frFlags(pfn) & FL_MIXED) mixedDrop(pfn);
    frSetIdentRaw(pfn, unchecked(wId[0]));
    return;
  }
  if (m > RUN_MAX) {
    // more pieces than a block holds: keep the first RUN_MAX - 1 and mark the rest as lost (never intact)
    unchecked(wLo[RUN_MAX - 1] = unchecked(wLo[RUN_MAX - 1]));
    unchecked(wHi[RUN_MAX - 1] = <i32>PAGE_SIZE);
    unchecked(wId[RUN_MAX - 1] = IDENT_LOST);
    m = RUN_MAX;
  }
  let b = (frFlags(pfn) & FL_MIXED) ? blockOf(pfn) : 0;
  if (b == 0) { b = newBlock(pfn); frSetFlag(pfn, FL_MIXED); }
  const p = blk(b);
  store<u32>(p, m);
  for (let i = 0; i < m; i++) {
    const r = p + 8 + (<usize>i << 4);
    store<u16>(r, <u16>unchecked(wLo[i]));
    store<u16>(r, <u16>(unchecked(wHi[i]) - 1), 2);
    store<u64>(r, unchecked(wId[i]), 8);
  }
  frSetIdentRaw(pfn, unchecked(wId[0]));
}

/** Writes the n runs in R, moved by `shift` bytes, over [lo, hi) of `pfn`. */
function writeRuns(pfn: u32, lo: i32, hi: i32, n: i32, shift: i32): void {
  let w = 0;
  // what stays before lo
  const keepN = readRunsInto(pfn);
  for (let i = 0; i < keepN; i++) {
    if (unchecked(kLo[i]) < lo) {
      unchecked(wLo[w] = unchecked(kLo[i])); unchecked(wHi[w] = unchecked(kHi[i]) < lo ? unchecked(kHi[i]) : lo); unchecked(wId[w] = unchecked(kId[i])); w++;
    }
  }
  for (let i = 0; i < n; i++) {
    unchecked(wLo[w] = unchecked(rLo[i]) + shift); unchecked(wHi[w] = unchecked(rHi[i]) + shift); unchecked(wId[w] = identShift(unchecked(rId[i]), shift)); w++;
  }
  for (let i = 0; i < keepN; i++) {
    if (unchecked(kHi[i]) > hi) {
      unchecked(wLo[w] = unchecked(kLo[i]) > hi ? unchecked(kLo[i]) : hi); unchecked(wHi[w] = unchecked(kHi[i])); unchecked(wId[w] = unchecked(kId[i])); w++;
    }
  }
  storeW(pfn, w);
}

// the destination's own runs, whole page
const kLo = new StaticArray<i32>(RUN_MAX);
const kHi = new StaticArray<i32>(RUN_MAX);
const kId = new StaticArray<u64>(RUN_MAX);
function readRunsInto(pfn: u32): i32 {
  if (!(frFlags(pfn) & FL_MIXED)) {
    unchecked(kLo[0] = 0); unchecked(kHi[0] = <i32>PAGE_SIZE); unchecked(kId[0] = frIdent(pfn));
    return 1;
  }
  const b = blk(blockOf(pfn));
  const n = <i32>load<u32>(b);
  for (let i = 0; i < n; i++) {
    const r = b + 8 + (<usize>i << 4);
    unchecked(kLo[i] = <i32>load<u16>(r));
    unchecked(kHi[i] = <i32>load<u16>(r, 2) + 1);
    unchecked(kId[i] = load<u64>(r, 8));
  }
  return n;
}

/** Sets the whole content of `pfn` to one run. */
export function frSetIdent(pfn: u32, id: u64): void {
  if (frFlags(pfn) & FL_MIXED) mixedDrop(pfn);
  frSetIdentRaw(pfn, id);
}

/**
 * Copies identities: bytes [soff, soff+len) of frame `src` to [doff, doff+len) of frame `dst` (one page each).
 * This is what a CPU copy or a DMA transfer does to the simulated memory; the callers count it.
 */
export function frCopy(src: u32, soff: i32, dst: u32, doff: i32, len: i32): void {
  if (len <= 0) return;
  const srcMixed = frFlags(src) & FL_MIXED;
  if (!srcMixed && doff == 0 && <i64>len == PAGE_SIZE) {
    frSetIdent(dst, identShift(frIdent(src), doff - soff));
    return;
  }
  const n = readRuns(src, soff, soff + len);
  writeRuns(dst, doff, doff + len, n, doff - soff);
}

/** A store of `len` bytes at `off`: the file bytes take version `ver` (the store's sequence number, capped at
 * PATTERN_MAX_VERSION: docs/program-format.md, "The byte pattern"); zeros stay zeros. */
export function frBumpVersion(pfn: u32, off: i32, len: i32, ver: i32): void {
  const n = readRuns(pfn, off, off + len);
  for (let i = 0; i < n; i++) {
    const id = unchecked(rId[i]);
    const f = (id >> 40) & 0xfff;
    if (f != 0 && f != 0xfff) unchecked(rId[i] = (id & ~((<u64>0xfff) << 52)) | ((<u64>ver) << 52));
  }
  writeRuns(pfn, off, off + len, n, 0);
}


// ---- the byte pattern (native-host/pattern.c, one definition per engine, tested equal) ------------------------
//   W(f, o, v) = mix(PATTERN_KEY ^ (o/8 | f << 37 | v << 44)); byte o of file f at version v is byte o % 8 of it
export const PATTERN_MAX_VERSION: i32 = 4095;
const PATTERN_KEY: u64 = 0x7A6373696D2D7061;
const PATTERN_DIGEST_KEY: u64 = 0x7A6373696D2D6467;
const PATTERN_INDEX_MASK: u64 = ((<u64>1) << 37) - 1;
/** splitmix64's finaliser: a bijection of 64-bit words */
@inline export function patternMix(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}
@inline export function patternWord(file: i32, off: i64, ver: i32): u64 {
  const x = ((<u64>off >> 3) & PATTERN_INDEX_MASK) | ((<u64>file & 0x7f) << 37) | ((<u64>ver & 0xfff) << 44);
  return patternMix(PATTERN_KEY ^ x);
}
/** the stream digest's weight of word i: odd, so one changed byte always changes the digest */
@inline export function digestWeight(i: i64): u64 { return patternMix(PATTERN_DIGEST_KEY ^ <u64>i) | 1; }

// ---- stores -----------------------------------------------------------------------------------------------
/** mem_write calls made in the phase: the k-th writes version min(k, PATTERN_MAX_VERSION) */
export let storeSeq: i64 = 0;
export function storesReset(): void { storeSeq = 0; }
/** A new store begins; returns the version it writes. */
export function storeBegin(): i32 {
  storeSeq++;
  return storeSeq < <i64>PATTERN_MAX_VERSION ? <i32>storeSeq : PATTERN_MAX_VERSION;
}
