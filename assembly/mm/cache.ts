// The CPUs' caches: whether the CPU that copies a page still holds its lines.
//
// A copy between two cached buffers runs at the speed of the cache; a copy that reads a page-cache page written
// long ago, or writes a page the other CPU used last, waits for memory (measured here with pread of 64 KiB
// chunks: 30 ps/byte from a page just read, 110 ps/byte streaming through a 256 MiB file). The model keeps no
// lines, only which frames each CPU touched lately. Each CPU has a miss clock: the bytes it has brought into its
// cache so far; and a table of the frames it touched, each with the quarters of it (1 KiB each) it touched and its
// clock then. A piece of a frame is still cached for a CPU if its table has the frame, with every quarter the
// piece lies in, and fewer than CPU_CACHE_BYTES came into its cache since: LRU by stack distance, a quarter frame
// at a time. The tables hold what a cache can hold, not a record per frame: memory grows with the cache, never
// with the file.
//
//   table entry (8 bytes; pfn 0: never used)        table: open addressing, TABLE_PROBE slots from hash(pfn);
//   0        4  5       8                           a full window gives up its oldest entry (approximate LRU)
//   +--------+---------------------------------+
//   |  pfn   | quarters(4) | clock / 256 (28)  |
//   +--------+---------------------------------+
//
// The process runs on one CPU and the loopback peer on the other (the native host pins them so). Only the
// process's copies are priced by the cache (the peer's cost per byte is measured whole), so only its CPU touches a
// table now: the peer reads what the process wrote, which leaves it in the process's cache, and writes only its
// own buffer. A device's DMA into a frame takes it out of every cache. At the start of the phase no cache holds
// anything the phase uses: the native host writes a scratch file larger than the setup files right before it
// (native-host/README.md, "Guest memory"), which leaves nothing of them cached.
import { Knob } from "../abi";
import { knob, PAGE_SHIFT } from "../machine";
import { ralloc, rfree, roundupPow2 } from "../mem";

export const CPU_PROCESS: i32 = 0;   // the program's CPU
export const CPU_PEER: i32 = 1;      // the loopback peer's CPU (its table stays empty: see above)

const UNIT_SHIFT: i32 = 8;           // the clock's unit in an entry: 256 bytes
const CLOCK_MASK: u32 = 0xfffffff;   // 28 bits of units: 64 GiB of misses before an entry's clock wraps
const QUARTER_SHIFT: i32 = 28;       // bits 28-31: the quarters touched
const TABLE_PROBE: u32 = 8;          // slots looked at from an entry's home

const missClock = new StaticArray<i64>(2);   // per CPU: bytes brought into its cache so far
const table = new StaticArray<usize>(2);     // per CPU: its entries (u32 pfn, u32 stamp)
const tableMask = new StaticArray<u32>(2);   // per CPU: slots - 1
const used = new StaticArray<bool>(2);       // per CPU: it has touched something since the reset
let cacheUnits: i64 = 0;                      // CPU_CACHE_BYTES in clock units

/** A new machine: nothing cached, clocks at zero; each table sized for 4 entries per frame the cache holds. */
export function cacheReset(): void {
  const bytes = knob(Knob.CPU_CACHE_BYTES);
  cacheUnits = bytes >> UNIT_SHIFT;
  const slots = <u32>roundupPow2(max<i64>(64, (bytes >> PAGE_SHIFT) * 4));
  for (let c = 0; c < 2; c++) {
    rfree(unchecked(table[c]));
    unchecked(table[c] = ralloc(<usize>slots << 3));
    unchecked(tableMask[c] = slots - 1);
    unchecked(missClock[c] = 0);
    unchecked(used[c] = false);
  }
}

/** The phase begins with every cache holding nothing the setup touched: both clocks move past every entry. */
export function cacheForget(): void {
  const step = knob(Knob.CPU_CACHE_BYTES) + (<i64>1 << UNIT_SHIFT);
  unchecked(missClock[0] = missClock[0] + step);
  unchecked(missClock[1] = missClock[1] + step);
}

@inline function clockNow(cpu: i32): u32 { return <u32>(unchecked(missClock[cpu]) >> UNIT_SHIFT) & CLOCK_MASK; }
@inline function ageOf(stamp: u32, now: u32): u32 { return (now - (stamp & CLOCK_MASK)) & CLOCK_MASK; }
@inline function home(pfn: u32, mask: u32): u32 { return (pfn * 0x9e3779b1) >> 7 & mask; }

/** The quarters of a frame that [off, off+len) lies in (len > 0). */
@inline function quarters(off: i32, len: i32): u32 {
  const first = off >> 10, last = (off + len - 1) >> 10;
  return ((<u32>2 << last) - 1) & ~((<u32>1 << first) - 1);
}

/** The slot of `pfn` in `cpu`'s table, or -1. */
function find(pfn: u32, cpu: i32): i32 {
  const t = unchecked(table[cpu]), mask = unchecked(tableMask[cpu]);
  let i = home(pfn, mask);
  for (let k: u32 = 0; k < TABLE_PROBE; k++, i = (i + 1) & mask) {
    const p = load<u32>(t + (<usize>i << 3));
    if (p == pfn) return <i32>i;
    if (p == 0) break;   // entries are never emptied once used (an invalidated one keeps its pfn, no quarters)
  }
  return -1;
}

/** The quarters of the entry in `slot` of `cpu`'s table that are still held (0: none, or no slot). */
function heldAt(slot: i32, cpu: i32): u32 {
  if (slot < 0) return 0;
  const st = load<u32>(unchecked(table[cpu]) + (<usize>slot << 3), 4);
  if (<i64>ageOf(st, clockNow(cpu)) >= cacheUnits) return 0;
  return st >> QUARTER_SHIFT;
}

/** The quarters of frame `pfn` that `cpu` still holds (0: none). */
function held(pfn: u32, cpu: i32): u32 { return heldAt(find(pfn, cpu), cpu); }

/** Whether `cpu` still holds [off, off+len) of frame `pfn` in its cache. */
export function cached(pfn: u32, off: i32, len: i32, cpu: i32): bool {
  const q = quarters(off, len);
  return (held(pfn, cpu) & q) == q;
}

/** Frame `pfn` was written by someone else than `keep` (the other CPU, a device's DMA: `keep` -1): no other cache
 *  holds its old lines. */
export function cacheInvalidate(pfn: u32, keep: i32): void {
  for (let c = 0; c < 2; c++) {
    if (c == keep || !unchecked(used[c])) continue;
    const i = find(pfn, c);
    if (i >= 0) store<u32>(unchecked(table[c]) + (<usize>i << 3), 0, 4);   // no quarters held: a miss next time
  }
}

/**
 * `cpu` touches [off, off+len) of frame `pfn` (reads it, or writes it: `write`, which takes the lines from the
 * other CPU's cache). Returns whether they were in its cache; if not, they come in (the CPU's clock advances by
 * `len`). Either way the frame is now its most recently used.
 */
export function cacheTouch(pfn: u32, off: i32, len: i32, cpu: i32, write: bool): bool {
  if (write) cacheInvalidate(pfn, cpu);
  unchecked(used[cpu] = true);
  const q = quarters(off, len);
  let slot = find(pfn, cpu);
  const h = heldAt(slot, cpu);
  const hit = (h & q) == q;
  if (!hit) unchecked(missClock[cpu] = missClock[cpu] + <i64>len);
  const now = clockNow(cpu);
  const t = unchecked(table[cpu]), mask = unchecked(tableMask[cpu]);
  if (slot < 0) {
    // an empty or aged-out slot in the window, else the window's oldest
    let i = home(pfn, mask);
    let oldest: u32 = 0;
    for (let k: u32 = 0; k < TABLE_PROBE; k++, i = (i + 1) & mask) {
      const e = t + (<usize>i << 3);
      const age = ageOf(load<u32>(e, 4), now);
      const st = load<u32>(e, 4);
      if (load<u32>(e) == 0 || <i64>age >= cacheUnits || (st >> QUARTER_SHIFT) == 0) { slot = <i32>i; break; }
      if (age >= oldest) { oldest = age; slot = <i32>i; }
    }
  }
  const e = t + (<usize>slot << 3);
  store<u32>(e, pfn);
  store<u32>(e, ((h | q) << QUARTER_SHIFT) | now, 4);
  return hit;
}
