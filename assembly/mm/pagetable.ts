// Per-process 4-level page tables, x86-64 style, 4 KiB pages. Each table is a page-table frame (FK_PT) whose
// 512 entries live in a 4 KiB content block of raw memory (the frame's aux names the block).
//
//   virtual address (48 bits)
//   47      39 38      30 29      21 20      12 11         0
//   +---------+----------+----------+----------+------------+
//   | PGD idx |  PUD idx |  PMD idx |  PTE idx |   offset   |
//   +---------+----------+----------+----------+------------+
//
//   entry (u64)
//   63                          12 11     8 7 6 5 4   2 1 0
//   +-----------------------------+--------+-+-+-+-----+-+-+
//   |            pfn              |  avl   |H|D|A|     |W|P|
//   +-----------------------------+--------+-+-+-+-----+-+-+
//   P present, W writable, A accessed, D dirty, H huge (a PMD entry mapping 2 MiB directly)
//
// Levels below the PGD are allocated on first use (__pte_alloc & co): each is one PT_PAGES count and a
// PT_ALLOC event.
import { Counter, Ev, Knob } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, PAGE_SHIFT } from "../machine";
import { arenaAlloc, arenaGrow } from "../mem";
import { frAlloc, frAux, frSetAux, frInitRef, FK_PT } from "./frames";

export const PTE_P: u64 = 1;
export const PTE_W: u64 = 2;
export const PTE_A: u64 = 0x20;
export const PTE_D: u64 = 0x40;
export const PTE_H: u64 = 0x80;

let blocks: usize = 0;       // content blocks, 4 KiB each
let blockCap: u32 = 0;       // blocks allocated
let blockTop: u32 = 0;       // blocks used
export let pgd: u32 = 0;     // the process's PGD frame
export let ptPages: i64 = 0; // page-table frames of the process, the PGD included
/** Bumped whenever a page-table entry changes: translations cached elsewhere (fault.ts) hold while it stays. */
export let ptGen: u32 = 1;
export function ptTouched(): void { ptGen++; }

export function ptReset(): void {
  ptGen++;
  tlbKey = -1;
  blockCap = 8;
  blocks = arenaAlloc(<usize>blockCap << PAGE_SHIFT);
  blockTop = 0;
  ptPages = 0;
  pgd = newTable();
}

export function ptBytes(): i64 { return <i64>blockCap << PAGE_SHIFT; }

/** Makes room for the tables `bytes` of new mappings may need (one PTE table per 2 MiB, plus the upper levels). */
export function ptReserve(bytes: i64): void {
  const want = <u32>(blockTop + (bytes >> 21) + 8);
  if (want <= blockCap) return;
  blocks = arenaGrow(blocks, <usize>blockTop << PAGE_SHIFT, <usize>want << PAGE_SHIFT);
  blockCap = want;
}

function newTable(): u32 {
  if (blockTop >= blockCap) {
    blocks = arenaGrow(blocks, <usize>blockTop << PAGE_SHIFT, <usize>blockCap << (PAGE_SHIFT + 1));
    blockCap *= 2;
  }
  const b = blockTop++;
  const pfn = frAlloc(0, FK_PT);
  frInitRef(pfn, 1);
  frSetAux(pfn, b);
  ptPages++;
  return pfn;
}

/** The content (512 u64 entries) of page-table frame `pfn`. */
@inline export function tableOf(pfn: u32): usize { return blocks + (<usize>frAux(pfn) << PAGE_SHIFT); }

@inline export function entryPfn(e: u64): u32 { return <u32>(e >> PAGE_SHIFT); }

/**
 * Walks the tables for `va`. Returns the address of the PTE slot (or of a huge PMD entry), or 0 when a level is
 * missing and `alloc` is false. With `alloc`, missing levels are allocated and counted.
 */
export function walk(va: i64, alloc: bool): usize {
  return walkTo(va, alloc, 1);
}

/** The PMD entry's slot for `va` (allocating the PUD and PMD levels with `alloc`), or 0. */
export function walkPmd(va: i64, alloc: bool): usize {
  return walkTo(va, alloc, 2);
}

// The walk's one-entry TLB: the PTE table that maps the last 2 MiB region walked to. A PMD entry that points to a
// PTE table keeps pointing to it for the whole run (tables are freed only by ptReset, huge entries are set only on
// empty PMDs), so the entry stays valid until ptReset; the table is kept by frame (its block may move).
let tlbKey: i64 = -1;     // va >> 21, or -1
let tlbTable: u32 = 0;    // the PTE table's frame

function walkTo(va: i64, alloc: bool, stop: i32): usize {
  if (stop == 1 && (va >> 21) == tlbKey) return tableOf(tlbTable) + (<usize>((va >> PAGE_SHIFT) & 511) << 3);
  let table = pgd;
  for (let level = 4; level > 1; level--) {
    if (level == stop) return tableOf(table) + (<usize>((va >> (12 + 9 * (level - 1))) & 511) << 3);
    const shift = 12 + 9 * (level - 1);
    const slot = tableOf(table) + (<usize>((va >> shift) & 511) << 3);
    let e = load<u64>(slot);
    if (!(e & PTE_P)) {
      if (!alloc) return 0;
      const t = newTable();
      e = ((<u64>t) << PAGE_SHIFT) | PTE_P | PTE_W;
      store<u64>(slot, e);
      ptGen++;
      const c = knob(Knob.COST_PAGE_ALLOC_NS);
      count(Counter.PT_PAGES, 1);
      spend(c);
      ev(Ev.PT_ALLOC, level - 1, t, va & ~(((<i64>1) << shift) - 1), 0, 0, c);
    } else if (level == 2 && (e & PTE_H)) {
      return slot;
    }
    table = entryPfn(e);
  }
  if (stop == 1) { tlbKey = va >> 21; tlbTable = table; }
  return tableOf(table) + (<usize>((va >> PAGE_SHIFT) & 511) << 3);
}

/**
 * A PTE table that exists before the phase: the host's own memory shares the PMD holding `va` and was touched
 * during setup. Allocated as walk() would, but not counted: the phase did not make it.
 */
export function ptPrebuilt(va: i64): void {
  let table = pgd;
  for (let level = 4; level > 1; level--) {
    const slot = tableOf(table) + (<usize>((va >> (12 + 9 * (level - 1))) & 511) << 3);
    let e = load<u64>(slot);
    if (level == 2 && (e & PTE_H)) return;
    if (!(e & PTE_P)) {
      e = ((<u64>newTable()) << PAGE_SHIFT) | PTE_P | PTE_W;
      store<u64>(slot, e);
      ptGen++;
    }
    table = entryPfn(e);
  }
}

/** Sets the PTE at `slot` (for `va`) to map `pfn` with `flags`; counts it. */
export function setPte(slot: usize, va: i64, pfn: u32, flags: u64): void {
  store<u64>(slot, ((<u64>pfn) << PAGE_SHIFT) | flags | PTE_P);
  ptGen++;
  const c = knob(Knob.COST_PTE_NS);
  count(Counter.PTES_SET, 1);
  spend(c);
  ev(Ev.PTE_SET, va, pfn, <i64>(flags | PTE_P), 0, 0, c);
}

/** The PTE for `va`, or 0 if none (no tables allocated). */
export function pteOf(va: i64): u64 {
  const s = walk(va, false);
  return s == 0 ? 0 : load<u64>(s);
}
