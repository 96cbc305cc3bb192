// The page-fault handler (handle_mm_fault and its file and anonymous paths).
//
// A read fault on a file mapping first tries fault-around (do_fault_around): a window of FAULT_AROUND_BYTES,
// aligned in the virtual address space, clipped to the VMA and to one page table, in which filemap_map_pages maps
// every cached, uptodate page that is not marked PG_readahead; a large folio it meets is mapped whole when the
// folio lies inside the VMA and inside one PMD and is not the folio holding EOF (Linux 6.18). If that did not map
// the faulting page, filemap_fault finds it (sync read-around on a miss: a major fault; async readahead on a
// PG_readahead folio) and finish_fault maps that one page. Write faults on shared mappings make the PTE writable
// (page_mkwrite); on private ones they copy the page (COW). Anonymous read faults map the zero page.
//
// Reads are in flight until their block request ends (dev/disk.ts): fault-around skips a folio still under I/O,
// and filemap_fault sleeps for it. Whenever filemap_fault drops the fault lock (to sleep on I/O, or to submit
// readahead) it returns VM_FAULT_RETRY and the whole fault (fault-around included) runs again; which retries make
// the fault major depends on the lock it started under (handleFault):
//
//   kernel-mode fault (copy_from_user)      user-mode fault
//   mmap_lock ─RETRY─> mmap_lock, TRIED     VMA lock ─RETRY|MAJOR─> mmap_lock, TRIED ─> major
//   (any retry: major)                      VMA lock ─RETRY──────> mmap_lock, first try ─(no retry)─> minor
//
// Who counts: a fault from user mode counts FAULTS_* and the tracepoint exceptions:page_fault_user; a fault taken
// in the kernel while it copies to or from user memory counts FAULTS_* only (the tracepoint is page_fault_kernel);
// MAP_POPULATE's faults (GUP, inside mmap) count FAULTS_MINOR only.
import { Counter, Ev, Knob, Flags, CopyWhat } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob } from "../machine";
import {
  frAlloc, frInitRef, frHead, frOrder, frFlags, getPage, getPages, putPage,
  FK_ANON, FL_READAHEAD, ZERO_PFN,
} from "./frames";
import { walk, walkPmd, setPte, entryPfn, ptTouched, ptGen, PTE_P, PTE_W, PTE_H } from "./pagetable";
import { findVma, vmaStart, vmaEnd, vmaProt, vmaIno, vmaPgoff, vmaShared, vmaUsed, vmaAdvice, MAX_VMAS } from "./vma";
import { pcLookup, pcPeek, inoSizeOf, Ra, raReadWindow, raAsync, raSync, dirtyFolio, pcUnderIo, pcWaitFolio } from "./pagecache";
import { cpuCopyPiece } from "./copy";

export const FM_USER: i32 = 0;     // a load or store by the program
export const FM_GUP: i32 = 1;      // get_user_pages: MAP_POPULATE inside mmap()
export const FM_KERNEL: i32 = 2;   // the kernel touching user memory in a syscall (copy_to/from_user)

export const FAULT_OK: i32 = 0;
export const FAULT_SIGBUS: i32 = 7;
export const FAULT_SIGSEGV: i32 = 11;
const FAULT_RETRY: i32 = -1;       // VM_FAULT_RETRY: the handler dropped the fault lock; the fault is handled again

/** the read-around state of mmap faults (file->f_ra of the mapping; one per inode is enough here) */
const mmapRa = new Array<Ra>(0);
function raOf(ino: i32): Ra {
  while (mmapRa.length <= ino) mmapRa.push(new Ra());
  return mmapRa[ino];
}
export function faultReset(): void { mmapRa.length = 0; anonPages = 0; }

let mapped: i32 = 0;     // pages the current fault mapped (all its attempts)
let major: bool = false; // VM_FAULT_MAJOR of the current attempt: the page was not in the page cache

/** set_pte_range for one page; false if a PTE was already there. The caller takes the references. */
function mapPage(va: i64, pfn: u32, flags: u64): bool {
  const slot = walk(va, true);
  if (load<u64>(slot) & PTE_P) return false;
  setPte(slot, va, pfn, flags);
  mapped++;
  return true;
}

/** One page mapped, with its reference. */
function mapOne(va: i64, pfn: u32, flags: u64): void {
  if (mapPage(va, pfn, flags)) getPage(pfn);
}

/**
 * filemap_map_pages over file pages [startPg, endPg] of area v (inclusive), for a fault at `va`. Its first step
 * is the PMD (Linux 6.18, after 74207de2ba10 "do not populate page table entries beyond i_size"):
 *
 *   first uptodate folio in the window ── none ──────────────────────────────> nothing mapped
 *     │ wholly below EOF (file_end >= folio_next_index)?
 *     ├─ yes: filemap_map_pmd: a PMD-sized folio -> do_set_pmd (done); an empty PMD gets the preallocated table
 *     └─ no (it holds EOF): filemap_map_pmd is skipped, so an empty PMD stays empty
 *   pte_offset_map_lock: no PTE table under the PMD ───────────────────────> nothing mapped
 *
 * so the first fault into an empty PMD whose window starts at the folio holding EOF maps only its own page
 * (filemap_fault + finish_fault, which allocates the table); the next fault there finds the table.
 */
function mapPages(v: i32, startPg: i64, endPg: i64, va: i64): void {
  const ino = vmaIno(v);
  const fileEnd = ((inoSizeOf(ino) + 4095) >> 12) - 1;
  if (endPg > fileEnd) endPg = fileEnd;              // next_uptodate_folio stops at i_size
  let pg = startPg;
  let first = true;
  while (pg <= endPg) {
    const pfn = pcPeek(ino, pg);
    if (pfn == 0) { pg++; continue; }
    const head = frHead(pfn);
    const nr: i64 = 1 << frOrder(head);
    const fi = pg - <i64>(pfn - head);              // the folio's first page index
    const next = fi + nr;
    // next_uptodate_folio: a PG_readahead folio, or one still under its read (locked, !uptodate), is left to the fault
    if ((frFlags(head) & FL_READAHEAD) || pcUnderIo(ino, pg, pfn)) { pg = next; continue; }
    if (first) {
      first = false;
      if (fileEnd >= next) { if (mapPmd(v, va)) return; }
      else if (walk(va, false) == 0) return;
    }
    let a = pg;
    let b = next - 1 < endPg ? next - 1 : endPg;
    if (nr > 1 && fileEnd >= next) {
      const va0 = vmaStart(v) + ((fi - vmaPgoff(v)) << 12);
      const va1 = va0 + (nr << 12) - 1;
      if (va0 >= vmaStart(v) && va1 < vmaEnd(v) && (va0 >> 21) == (va1 >> 21)) { a = fi; b = next - 1; }
    }
    // filemap_map_folio_range: the PTEs of a run of the folio's pages, then one folio_ref_add for the run
    let run = 0;
    for (let p = a; p <= b; p++) {
      if (mapPage(vmaStart(v) + ((p - vmaPgoff(v)) << 12), head + <u32>(p - fi), 0)) { run++; continue; }
      if (run > 0) { getPages(head, run); run = 0; }
    }
    if (run > 0) getPages(head, run);
    pg = next;
  }
}

/** do_fault_around for a read fault at `va` in area v. */
function faultAround(v: i32, va: i64): void {
  let nr = knob(Knob.FAULT_AROUND_BYTES) >> 12;
  if (nr <= 1) return;
  nr = (<i64>1) << (63 - <i32>clz<i64>(nr));     // fault_around_pages: rounded down to a power of two
  const pteOff = (va >> 12) & 511;
  const vmaOff = (va - vmaStart(v)) >> 12;
  const vmaPages = (vmaEnd(v) - vmaStart(v)) >> 12;
  let from = pteOff & ~(nr - 1);
  const lo = pteOff - (pteOff < vmaOff ? pteOff : vmaOff);
  if (lo > from) from = lo;
  let to = from + nr;
  if (to > 512) to = 512;
  const vend = pteOff + vmaPages - vmaOff;
  if (vend < to) to = vend;
  to -= 1;
  const pg = vmaPgoff(v) + vmaOff;
  mapPages(v, pg - (pteOff - from), pg - (pteOff - from) + (to - from), va);
}

/**
 * filemap_map_pmd / do_set_pmd: a PMD-sized folio (order 9) mapped at a 2 MiB-aligned address, its PMD entry
 * still empty and the VMA covering the whole 2 MiB: one huge PMD entry maps all of it, no PTE table.
 */
function mapPmd(v: i32, va: i64): bool {
  const ino = vmaIno(v);
  const va0 = va & ~((<i64>1 << 21) - 1);
  if (va0 < vmaStart(v) || va0 + (<i64>1 << 21) > vmaEnd(v)) return false;
  const pg0 = vmaPgoff(v) + ((va0 - vmaStart(v)) >> 12);
  if (pg0 & 511) return false;
  const pfn = pcPeek(ino, pg0);
  if (pfn == 0 || frOrder(pfn) != 9 || frHead(pfn) != pfn || (frFlags(pfn) & FL_READAHEAD)) return false;
  if (pcUnderIo(ino, pg0, pfn)) return false;
  const slot = walkPmd(va0, true);
  if (load<u64>(slot) & PTE_P) return false;
  getPage(pfn);
  setPte(slot, va0, pfn, PTE_H);
  mapped += 512;
  return true;
}

/**
 * filemap_fault + finish_fault: returns FAULT_OK, FAULT_SIGBUS, or FAULT_RETRY when it dropped the fault lock to
 * wait for I/O or to start readahead (only on a first try: a retry, FAULT_FLAG_TRIED, keeps the lock and waits).
 *   - not in the page cache: a major fault; do_sync_mmap_readahead submits a window and drops the lock, then
 *     lock_folio_maybe_drop_mmap sleeps until the faulting folio's read ends: VM_FAULT_MAJOR | VM_FAULT_RETRY.
 *   - a PG_readahead folio: do_async_mmap_readahead submits the next window and drops the lock: VM_FAULT_RETRY.
 *   - a folio still under its read (locked, !uptodate): lock_folio_maybe_drop_mmap drops the lock and sleeps
 *     until the read ends: VM_FAULT_RETRY.
 */
function fileFault(v: i32, va: i64, write: bool, mode: i32, tried: bool): i32 {
  const ino = vmaIno(v);
  const pg = vmaPgoff(v) + ((va - vmaStart(v)) >> 12);
  const npages = (inoSizeOf(ino) + 4095) >> 12;
  if (pg >= npages) return FAULT_SIGBUS;
  let pfn = pcLookup(ino, pg);
  const ra = raOf(ino);
  const adv = vmaAdvice(v);
  if (pfn == 0) {
    const max = knob(Knob.READAHEAD_BYTES) >> 12;
    if (adv == Flags.MADV_RANDOM || max == 0) {
      // VM_RAND_READ: no readahead, the one page is read
      raReadWindow(ino, pg, 1, 0, -1);
    } else if (adv == Flags.MADV_SEQUENTIAL) {
      // VM_SEQ_READ: a sequential window from the fault (page_cache_sync_ra)
      raSync(ino, ra, pg, max);
    } else {
      // do_sync_mmap_readahead: read-around, ra_pages centred on the fault
      let start = pg - max / 2;
      if (start < 0) start = 0;
      ra.start = start;
      ra.size = max;
      ra.asyncSize = max / 4;
      ra.order = 0;
      raReadWindow(ino, ra.start, ra.size, 0, ra.asyncSize > 0 ? ra.start + ra.size - ra.asyncSize : -1);
    }
    pfn = pcPeek(ino, pg);
    major = true;
    pcWaitFolio(ino, pg, pfn);
    // the fault waited for I/O with the lock dropped: its retry finds the page uptodate and maps it, with the
    // fault-around window's uptodate folios
    if (!tried) return FAULT_RETRY;
  } else {
    const head = frHead(pfn);
    let dropped = false;
    if (!tried && (frFlags(head) & FL_READAHEAD) && adv != Flags.MADV_RANDOM && knob(Knob.READAHEAD_BYTES) > 0) {
      raAsync(ino, ra, head, pg);
      dropped = true;
    }
    if (pcWaitFolio(ino, pg, pfn) && !tried) dropped = true;
    if (dropped) return FAULT_RETRY;
  }
  // finish_fault on an empty PMD (fault-around maps nothing there when the folio holds EOF): a PMD-sized folio
  // at an aligned address is mapped by do_set_pmd, whole
  if (!write && walk(va, false) == 0 && mapPmd(v, va)) return FAULT_OK;
  const slot = walk(va, true);
  const e = load<u64>(slot);
  if (!vmaShared(v) && write) {
    // do_cow_fault / wp_page_copy: a private copy of the page
    const np = frAlloc(0, FK_ANON);
    frInitRef(np, 0);
    cpuCopyPiece(pfn, 0, np, 0, 4096, CopyWhat.PAGE_TO_PAGE);
    if (e & PTE_P) { store<u64>(slot, 0); ptTouched(); putPage(entryPfn(e)); }
    mapOne(va, np, PTE_W | PTE_DIRTY_BITS);
    return FAULT_OK;
  }
  if (e & PTE_P) {
    // write to a present read-only shared page: page_mkwrite, the PTE becomes writable
    store<u64>(slot, e | PTE_W | PTE_DIRTY_BITS); ptTouched();
    dirtyFolio(pfn);
    return FAULT_OK;
  }
  mapOne(va, pfn, write ? PTE_W | PTE_DIRTY_BITS : 0);
  if (write) dirtyFolio(pfn);
  return FAULT_OK;
}
const PTE_DIRTY_BITS: u64 = 0x60;

/** The most anonymous pages the simulated machine has (4 GiB): past it a fault fails (VM_FAULT_OOM). */
const ANON_MAX_PAGES: i64 = 1 << 20;
let anonPages: i64 = 0;
export function faultResetAnon(): void { anonPages = 0; }

function anonFault(va: i64, write: bool): bool {
  const slot = walk(va, true);
  const e = load<u64>(slot);
  if (!write) { mapOne(va, ZERO_PFN, 0); return true; }
  if (anonPages >= ANON_MAX_PAGES) return false;
  anonPages++;
  const np = frAlloc(0, FK_ANON);
  frInitRef(np, 0);
  if (e & PTE_P) {
    const old = entryPfn(e);
    if (old != ZERO_PFN) { cpuCopyPiece(old, 0, np, 0, 4096, CopyWhat.PAGE_TO_PAGE); }
    store<u64>(slot, 0); ptTouched();
    putPage(old);
  }
  mapOne(va, np, PTE_W | PTE_DIRTY_BITS);
  return true;
}

/**
 * handle_mm_fault for an access at `va`. Returns FAULT_OK, FAULT_SIGSEGV (no area, or the area forbids the
 * access) or FAULT_SIGBUS (a file page wholly past EOF).
 */
export function handleFault(va: i64, write: bool, mode: i32): i32 {
  const c = knob(Knob.COST_FAULT_NS);
  spend(c);
  // the arch entry (exc_page_fault) fires the tracepoint for faults from user mode, whatever follows
  if (mode == FM_USER) count(Counter.TP_PAGE_FAULT_USER, 1);
  mapped = 0;
  major = false;
  let tried = false;
  let r = FAULT_OK;
  const v = findVma(va);
  if (v < 0) r = FAULT_SIGSEGV;
  else {
    const prot = vmaProt(v);
      if (write ? !(prot & Flags.PROT_WRITE) : prot == Flags.PROT_NONE) r = FAULT_SIGSEGV;   // x86: write or exec implies read
    else if (vmaIno(v) < 0) { if (!anonFault(va, write)) r = FAULT_SIGBUS; }
    else {
      // do_user_addr_fault: a fault from user mode first tries under the VMA's own lock (lock_vma_under_rcu); a
      // fault the kernel takes on a user address goes straight to mmap_lock. A VM_FAULT_RETRY is handled again
      // under mmap_lock, with FAULT_FLAG_TRIED, except when a per-VMA-lock attempt was not VM_FAULT_MAJOR: then
      // the next attempt is a first try again. mm_account_fault counts the fault once, major if its last attempt
      // was VM_FAULT_MAJOR or it had FAULT_FLAG_TRIED.
      let vmaLock = mode == FM_USER;
      for (;;) {
        major = false;
        let slot = walk(va, false);
        if (!write && (slot == 0 || !(load<u64>(slot) & PTE_P))) faultAround(v, va);
        slot = walk(va, false);
        r = FAULT_OK;
        if (slot == 0 || !(load<u64>(slot) & PTE_P) || write) r = fileFault(v, va, write, mode, tried);
        if (r != FAULT_RETRY) break;
        if (!vmaLock || major) tried = true;
        vmaLock = false;
      }
    }
  }
  if (r != FAULT_OK) {
    // VM_FAULT_SIGBUS / a bad area: not accounted as a minor or major fault (mm_account_fault skips errors)
    ev(Ev.FAULT, va, -1, 0, mode, r, c);
    return r;
  }
  const isMajor = (major || tried) && mode != FM_GUP;
  count(isMajor ? Counter.FAULTS_MAJOR : Counter.FAULTS_MINOR, 1);
  ev(Ev.FAULT, va, isMajor ? 1 : 0, mapped, mode, 0, c);
  return FAULT_OK;
}

/**
 * The frame behind `va` for an access (write: a store), faulting it in if needed. Returns the frame, or 0 with
 * `lastFault` set to the signal.
 */
export let lastFault: i32 = 0;
// A small software TLB: the last translations, valid while no page-table entry changed (ptGen). It saves the
// four-level walk of every page a copy touches; it does not change what is counted.
const TLB_SIZE: i32 = 64;
const tlbVpn = new StaticArray<i64>(TLB_SIZE);   // virtual page number cached in each slot
const tlbE = new StaticArray<u64>(TLB_SIZE);     // its entry (PTE, or huge PMD)
const tlbGen = new StaticArray<u32>(TLB_SIZE);   // ptGen when it was cached

export function translate(va: i64, write: bool, mode: i32): u32 {
  const vpn = va >> 12;
  const t = <i32>(vpn & (TLB_SIZE - 1));
  let e: u64 = 0;
  if (unchecked(tlbGen[t]) == ptGen && unchecked(tlbVpn[t]) == vpn) e = unchecked(tlbE[t]);
  else {
    const s0 = walk(va, false);
    e = s0 == 0 ? 0 : load<u64>(s0);
    if (e & PTE_P) { unchecked(tlbGen[t] = ptGen); unchecked(tlbVpn[t] = vpn); unchecked(tlbE[t] = e); }
  }
  let slot: usize = 0;
  if (!(e & PTE_P) || (write && !(e & PTE_W))) {
    const r = handleFault(va, write, mode);
    if (r != FAULT_OK) { lastFault = r; return 0; }
    slot = walk(va, false);
    e = load<u64>(slot);
  }
  if (e & PTE_H) return entryPfn(e) + <u32>((va >> 12) & 511);
  return entryPfn(e);
}

/** Pre-faults [start, end) for setup or MAP_POPULATE (GUP). Returns FAULT_OK or the signal of the first failure. */
export function populate(start: i64, end: i64, write: bool, mode: i32): i32 {
  for (let va = start; va < end; va += 4096) {
    const slot = walk(va, false);
    const e: u64 = slot == 0 ? 0 : load<u64>(slot);
    if ((e & PTE_P) && (!write || (e & PTE_W))) continue;
    const r = handleFault(va, write, mode);
    if (r != FAULT_OK) return r;
  }
  return FAULT_OK;
}

/** munmap's zap: clears the PTEs of [start, end) and drops their page references. */
export function zapRange(start: i64, end: i64): void {
  // only mapped areas have entries: walk each area's part of the range
  for (let v = 0; v < MAX_VMAS; v++) {
    if (!vmaUsed(v)) continue;
    const a = vmaStart(v) > start ? vmaStart(v) : start;
    const b = vmaEnd(v) < end ? vmaEnd(v) : end;
    if (a < b) zapPages(a, b);
  }
}

function zapPages(start: i64, end: i64): void {
  for (let va = start; va < end; va += 4096) {
    const slot = walk(va, false);
    if (slot == 0) { va = (va | ((1 << 21) - 1)) + 1 - 4096; continue; }
    const e = load<u64>(slot);
    if (!(e & PTE_P)) continue;
    store<u64>(slot, 0); ptTouched();
    putPage(entryPfn(e));
  }
}
