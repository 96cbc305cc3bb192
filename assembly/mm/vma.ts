// The process's virtual memory areas (struct vm_area_struct): [start, end), protections, flags, and the file
// and page offset they map (or anonymous memory). mmap() places new areas top-down below MMAP_BASE, as Linux
// does, and aligns a file mapping of 2 MiB or more to 2 MiB (thp_get_unmapped_area).
import { Flags, Knob } from "../abi";
import { knob, PAGE_MASK, PAGE_SHIFT } from "../machine";

export const MAX_VMAS: i32 = 128;
// The top of the free space: the host's own memory (loader, libraries, its buffers and call log) begins here. The
// kernel's mmap_base is random to the page, so that memory rarely starts on a 2 MiB boundary: MMAP_BASE sits 1 MiB
// into its PMD, and a first mapping just below it shares that PMD, whose PTE table the host's pages already have.
export const MMAP_BASE: i64 = 0x7f0000000000 - (1 << 20);
const PMD_SIZE: i64 = 2 << 20;

const vStart = new StaticArray<i64>(MAX_VMAS);   // first byte
const vEnd = new StaticArray<i64>(MAX_VMAS);     // one past the last byte
const vProt = new StaticArray<i32>(MAX_VMAS);    // PROT_*
const vFlags = new StaticArray<i32>(MAX_VMAS);   // MAP_SHARED / MAP_PRIVATE / MAP_ANONYMOUS
const vIno = new StaticArray<i32>(MAX_VMAS);     // inode mapped, -1 anonymous
const vPgoff = new StaticArray<i64>(MAX_VMAS);   // file page mapped at vStart
const vUsed = new StaticArray<bool>(MAX_VMAS);   // slot in use
const vAdvice = new StaticArray<i32>(MAX_VMAS);  // madvise: MADV_NORMAL, MADV_RANDOM (VM_RAND_READ), MADV_SEQUENTIAL
let mmapLow: i64 = MMAP_BASE;                    // the lowest address handed out so far
let mmapPicks: i32 = 0;                          // addresses get_unmapped_area has picked (the k-th mmap(NULL))
let pickTop: i64 = -1;                           // where the memory right above the last pick begins, -1: not known

export function vmaReset(): void {
  for (let i = 0; i < MAX_VMAS; i++) unchecked(vUsed[i] = false);
  mmapLow = MMAP_BASE;
  mmapPicks = 0;
  pickTop = -1;
}

@inline export function vmaAdvice(v: i32): i32 { return unchecked(vAdvice[v]); }
/** madvise's access hint over [start, end): the areas there take it (the model does not split an area for it). */
export function vmaSetAdvice(start: i64, end: i64, adv: i32): void {
  for (let i = 0; i < MAX_VMAS; i++) if (unchecked(vUsed[i]) && unchecked(vEnd[i]) > start && unchecked(vStart[i]) < end) unchecked(vAdvice[i] = adv);
}
@inline export function vmaUsed(v: i32): bool { return unchecked(vUsed[v]); }
@inline export function vmaStart(v: i32): i64 { return unchecked(vStart[v]); }
@inline export function vmaEnd(v: i32): i64 { return unchecked(vEnd[v]); }
@inline export function vmaProt(v: i32): i32 { return unchecked(vProt[v]); }
@inline export function vmaFlags(v: i32): i32 { return unchecked(vFlags[v]); }
@inline export function vmaIno(v: i32): i32 { return unchecked(vIno[v]); }
@inline export function vmaPgoff(v: i32): i64 { return unchecked(vPgoff[v]); }
@inline export function vmaShared(v: i32): bool { return (unchecked(vFlags[v]) & Flags.MAP_SHARED) != 0; }

/** find_vma: the area holding `va`, or -1. */
export function findVma(va: i64): i32 {
  for (let i = 0; i < MAX_VMAS; i++) if (unchecked(vUsed[i]) && va >= unchecked(vStart[i]) && va < unchecked(vEnd[i])) return i;
  return -1;
}

/**
 * get_unmapped_area, top-down: the highest free address below the areas handed out so far. Where that is depends
 * on ASLR's random mmap_base, so the k-th pick can be told its offset within 2 MiB (knob MMAP_PLACEMENT_k, as the
 * kernel chose it natively): fault-around windows are aligned in the virtual address space and clipped to one
 * page table, so the offset changes how many faults a mapping takes. A file mapping of 2 MiB or more is aligned
 * to 2 MiB whatever ASLR chose (ext4's thp_get_unmapped_area pads the search and aligns to the file offset).
 *
 *   PMD_SIZE boundary      a (offset `off` within 2 MiB)      mmapLow - len
 *   |-----------------------|----------------------------------|
 */
export function pickAddress(len: i64, file: bool): i64 {
  const k = mmapPicks++;
  let a = (mmapLow - len) & ~PAGE_MASK;
  pickTop = -1;
  if (file && len >= PMD_SIZE) return a & ~(PMD_SIZE - 1);
  const off = k < 4 ? knob(Knob.MMAP_PLACEMENT_0 + k) : -1;
  if (off >= 0) {
    const o = off & (PMD_SIZE - 1) & ~PAGE_MASK;
    let b = (a & ~(PMD_SIZE - 1)) + o;
    if (b > a) b -= PMD_SIZE;
    a = b;
  }
  // the k-th pick lies right below what was mapped before it: for the first, the host's own memory
  if (k == 0) pickTop = a + len;
  return a;
}

/** Where the host's memory right above the program's first pick begins (just after that pick), or -1. */
export function vmaFirstPickTop(): i64 { return pickTop; }

export function vmaInsert(start: i64, end: i64, prot: i32, flags: i32, ino: i32, pgoff: i64): i32 {
  for (let i = 0; i < MAX_VMAS; i++) {
    if (unchecked(vUsed[i])) continue;
    unchecked(vUsed[i] = true);
    unchecked(vStart[i] = start); unchecked(vEnd[i] = end); unchecked(vProt[i] = prot); unchecked(vFlags[i] = flags); unchecked(vIno[i] = ino); unchecked(vPgoff[i] = pgoff);
    if (start < mmapLow) mmapLow = start;
    unchecked(vAdvice[i] = 0);
    return i;
  }
  return -1;
}

/** Removes [start, end) from every area (splitting where needed). Returns false if out of slots. */
export function vmaRemove(start: i64, end: i64): bool {
  for (let i = 0; i < MAX_VMAS; i++) {
    if (!unchecked(vUsed[i]) || unchecked(vEnd[i]) <= start || unchecked(vStart[i]) >= end) continue;
    if (unchecked(vStart[i]) < start && unchecked(vEnd[i]) > end) {
      // split: keep [vStart, start), add [end, vEnd)
      const tail = vmaInsert(end, unchecked(vEnd[i]), unchecked(vProt[i]), unchecked(vFlags[i]), unchecked(vIno[i]), unchecked(vPgoff[i]) + ((end - unchecked(vStart[i])) >> PAGE_SHIFT));
      if (tail < 0) return false;
      unchecked(vAdvice[tail] = unchecked(vAdvice[i]));
      unchecked(vEnd[i] = start);
    } else if (unchecked(vStart[i]) < start) {
      unchecked(vEnd[i] = start);
    } else if (unchecked(vEnd[i]) > end) {
      unchecked(vPgoff[i] = unchecked(vPgoff[i]) + ((end - unchecked(vStart[i])) >> PAGE_SHIFT));
      unchecked(vStart[i] = end);
    } else unchecked(vUsed[i] = false);
  }
  return true;
}

/** Whether any area overlaps [start, end). */
export function vmaOverlaps(start: i64, end: i64): bool {
  for (let i = 0; i < MAX_VMAS; i++) if (unchecked(vUsed[i]) && unchecked(vEnd[i]) > start && unchecked(vStart[i]) < end) return true;
  return false;
}
