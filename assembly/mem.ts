// Raw memory helpers: the model keeps its per-page state in flat, growable tables outside the GC heap, so that a
// 1 GiB transfer costs a few bytes per simulated page and no per-page object is ever allocated.

/** Allocates `bytes` of zeroed raw memory. */
export function ralloc(bytes: usize): usize {
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

/** Grows raw block `p` from `old` to `nu` bytes; the new part is zeroed. */
export function rgrow(p: usize, old: usize, nu: usize): usize {
  const q = p == 0 ? heap.alloc(nu) : heap.realloc(p, nu);
  memory.fill(q + old, 0, nu - old);
  return q;
}

export function rfree(p: usize): void {
  if (p != 0) heap.free(p);
}

/** Smallest power of two >= x (x >= 1). */
export function roundupPow2(x: i64): i64 {
  if (x <= 1) return 1;
  return (<i64>1) << (64 - clz<i64>(x - 1));
}

/** floor(log2(x)) for x >= 1. */
export function ilog2(x: i64): i32 {
  return 63 - <i32>clz<i64>(x);
}

export function min64(a: i64, b: i64): i64 { return a < b ? a : b; }
export function max64(a: i64, b: i64): i64 { return a > b ? a : b; }

// ---- the arena ------------------------------------------------------------------------------------------------
// The big per-page tables (the frame table, the page-cache indexes, the page-table blocks) live in memory the
// model grows itself with memory.grow, outside the allocator: they then cost exactly their size, where the
// allocator would double the memory each time it grows. The allocator never sees these chunks (it only adds the
// ranges it grows itself). arenaReset() at setup rewinds; the chunks are reused run after run.
const ARENA_CHUNKS: i32 = 64;
const chStart = new StaticArray<usize>(ARENA_CHUNKS);   // first byte of each chunk
const chEnd = new StaticArray<usize>(ARENA_CHUNKS);     // one past its last byte
let nch: i32 = 0;                                        // chunks grown so far
let cur: i32 = 0;                                        // the chunk being filled
let curTop: usize = 0;                                   // next free byte in it

let headroom = false;
export function arenaReset(): void {
  if (!headroom) {
    // the allocator (TLSF) grows the memory by its whole size when it needs room: give it its room once, while
    // the memory is small, so that the small tables it holds never double a memory the arena has made large
    headroom = true;
    heap.free(heap.alloc(512 << 10));
  }
  cur = 0;
  curTop = nch > 0 ? unchecked(chStart[0]) : 0;
}

/** `bytes` of zeroed arena memory (16-byte aligned). */
export function arenaAlloc(bytes: usize): usize {
  bytes = (bytes + 15) & ~15;
  for (let c = cur; c < nch; c++) {
    const top = c == cur ? curTop : unchecked(chStart[c]);
    if (top + bytes <= unchecked(chEnd[c])) {
      cur = c;
      curTop = top + bytes;
      memory.fill(top, 0, bytes);
      return top;
    }
  }
  const pages = <i32>((bytes + 0xffff) >> 16);
  const old = memory.grow(pages);
  if (old < 0 || nch >= ARENA_CHUNKS) unreachable();
  const start = <usize>old << 16;
  unchecked(chStart[nch] = start);
  unchecked(chEnd[nch] = start + (<usize>pages << 16));
  cur = nch;
  nch++;
  curTop = start + bytes;
  memory.fill(start, 0, bytes);
  return start;
}

/** A bigger arena block holding the old one's bytes (the old block stays until the next reset). */
export function arenaGrow(p: usize, old: usize, nu: usize): usize {
  const q = arenaAlloc(nu);
  if (p != 0 && old > 0) memory.copy(q, p, old);
  return q;
}
