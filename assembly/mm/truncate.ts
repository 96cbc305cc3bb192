// Truncating a file (mm/truncate.c): the mappings past the new EOF are zapped, a large folio
// the new EOF cuts is split, the partial last page's tail is zeroed, and the pages past EOF leave the cache.
import { PAGE_SHIFT, PAGE_SIZE, pageIndex, pageOff, pageAlign } from "../machine";
import { frAlloc, frInitRef, frHead, frOrder, frRef, frSplit, frCopy, putPage, FK_KBUF } from "./frames";
import { pcPeek, pcTruncate, accountDirty } from "./pagecache";
import { findVma, vmaStart, vmaEnd, vmaPgoff, vmaIno, MAX_VMAS } from "./vma";
import { walk, entryPfn, PTE_P, PTE_H } from "./pagetable";
import { zapRange } from "./fault";

/** Whether VMA slot `v` is a live mapping of `ino`. */
function mapsIno(v: i32, ino: i32): bool {
  if (vmaEnd(v) <= vmaStart(v)) return false;
  if (findVma(vmaStart(v)) != v) return false;
  return vmaIno(v) == ino;
}

/** truncate_pagecache: the file `ino` becomes `size` bytes long. */
export function truncateTo(ino: i32, size: i64): void {
  // unmap_mapping_range: PTEs of pages wholly past the new EOF go; then the pages leave the cache
  const first = pageIndex(pageAlign(size));
  for (let v = 0; v < MAX_VMAS; v++) {
    if (!mapsIno(v, ino)) continue;
    const s = vmaStart(v), e = vmaEnd(v), pg = vmaPgoff(v);
    let from = s + ((first - pg) << PAGE_SHIFT);
    if (from < s) from = s;
    if (from < e) zapRange(from, e);
  }
  // truncate_inode_partial_folio: a large folio that the new EOF cuts (it starts before EOF and goes on past it)
  // is split (split_folio), so that the pages past EOF can leave; a file folio is unmapped whole to be split
  // (unmap_folio: try_to_unmap) and not mapped again afterwards (remap_page leaves file folios), so the pages
  // that stay, before EOF, fault again at their next access. A folio pinned by more than the cache and its
  // mappings (a pipe, an skb) is not split (can_split_folio) and stays mapped.
  splitAtEof(ino, size);
  // the tail of the last partial page reads as zeros
  if (pageOff(size) != 0) {
    // ext4_block_truncate_page: the rest of the block holding EOF is zeroed and that page turns dirty (the large
    // folio is split first, so one page is accounted)
    const pfn = pcPeek(ino, pageIndex(size));
    if (pfn != 0) { zeroTail(pfn, pageOff(size)); accountDirty(PAGE_SIZE); }
  }
  pcTruncate(ino, size);
}

function splitAtEof(ino: i32, size: i64): void {
  const pfn = pcPeek(ino, pageIndex(size));
  if (pfn == 0) return;
  const head = frHead(pfn);
  const order = frOrder(head);
  if (order == 0) return;
  const n: i64 = (<i64>1) << order;
  const first = pageIndex(size) - <i64>(pfn - head);  // the folio's first page index
  if ((first << PAGE_SHIFT) >= size) return;          // it starts at EOF: truncated whole, not split
  // can_split_folio: the only references are the cache's and one per page mapped
  let mapped: i32 = 0;
  for (let v = 0; v < MAX_VMAS; v++) {
    if (!mapsIno(v, ino)) continue;
    for (let p = first; p < first + n; p++) {
      const va = vmaStart(v) + ((p - vmaPgoff(v)) << PAGE_SHIFT);
      if (va < vmaStart(v) || va >= vmaEnd(v)) continue;
      const slot = walk(va, false);
      if (slot == 0) continue;
      const e = load<u64>(slot);
      if ((e & PTE_P) && !(e & PTE_H) && entryPfn(e) >= head && entryPfn(e) < head + <u32>n) mapped++;
    }
  }
  if (frRef(head) != 1 + mapped) return;
  for (let v = 0; v < MAX_VMAS; v++) {
    if (!mapsIno(v, ino)) continue;
    let a = vmaStart(v) + ((first - vmaPgoff(v)) << PAGE_SHIFT);
    let b = a + (n << PAGE_SHIFT);
    if (a < vmaStart(v)) a = vmaStart(v);
    if (b > vmaEnd(v)) b = vmaEnd(v);
    if (a < b) zapRange(a, b);
  }
  frSplit(head);
}

/** A run of zeros over [off, PAGE_SIZE) of the page: copied from a fresh (zeroed) frame. */
function zeroTail(pfn: u32, off: i32): void {
  const z = frAlloc(0, FK_KBUF);
  frInitRef(z, 1);
  frCopy(z, off, pfn, off, <i32>PAGE_SIZE - off);
  putPage(z);
}
