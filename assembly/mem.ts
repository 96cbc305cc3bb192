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
