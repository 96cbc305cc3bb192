// mmap, munmap (mm/mmap.c, mm/vma.c) and madvise (mm/madvise.c): the process's mappings. A file mapping's pages
// come from what the file's f_op->mmap names (a regular file: its page cache); faults fill the mapping later
// (fault.ts), or now with MAP_POPULATE.
import { Errno, Flags } from "../abi";
import { PAGE_MASK, PAGE_SHIFT, pageIndex, pageAlign } from "../machine";
import { findVma, pickAddress, vmaFirstPickTop, vmaInsert, vmaRemove, vmaIno, vmaStart, vmaEnd, vmaPgoff, vmaOverlaps, vmaSetAdvice } from "./vma";
import { ptReserve, ptPrebuilt } from "./pagetable";
import { populate, zapRange, FM_GUP } from "./fault";
import { inoSizeOf, pcWillneed, Ra } from "./pagecache";
import { fileOps, fileFlags, fileReadable } from "../kernel/file";
import { fdGet } from "../kernel/fdtable";

/** TASK_SIZE on x86-64 with 4-level tables: the top of user space */
const TASK_SIZE: i64 = 0x7ffffffff000;
const MAP_FIXED_NOREPLACE: i64 = 0x100000;
/** LEGACY_MAP_MASK: the flags MAP_SHARED_VALIDATE accepts (regular files offer no MAP_SYNC here) */
const LEGACY_MAP_MASK: i64 = 0x01 | 0x02 | 0x10 | 0x20 | 0x800 | 0x1000 | 0x4000000 | 0x100 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000;
/** a PMD's span: 2 MiB */
const PMD_MASK_LOW: i64 = (<i64>1 << 21) - 1;

export function sys_mmap(addr: i64, length: i64, prot: i64, flags: i64, fd: i64, offset: i64): i64 {
  const type = flags & 3;
  if (offset & PAGE_MASK) return -Errno.EINVAL;
  if (length == 0) return -Errno.EINVAL;
  // do_mmap: the page-aligned length must not wrap to 0 nor exceed the address space
  const len = <i64>((<u64>length + <u64>PAGE_MASK) & ~(<u64>PAGE_MASK));
  if (len == 0 || <u64>len > <u64>TASK_SIZE) return -Errno.ENOMEM;
  if (type != Flags.MAP_SHARED && type != Flags.MAP_PRIVATE && type != 3) return -Errno.EINVAL;
  const fixed = (flags & (Flags.MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
  if (fixed) {
    if (addr & PAGE_MASK) return -Errno.EINVAL;
    if (<u64>addr > <u64>TASK_SIZE - <u64>len) return -Errno.ENOMEM;
  }
  let ino = -1;
  if (!(flags & Flags.MAP_ANONYMOUS)) {
    const f = fdGet(fd);
    if (f < 0) return -Errno.EBADF;
    const mmap = fileOps(f).mmap;
    if (mmap == null) return -Errno.ENODEV;
    // MAP_SHARED_VALIDATE refuses flags it does not know
    if (type == 3 && (flags & ~LEGACY_MAP_MASK) != 0) return -Errno.EOPNOTSUPP;
    if (!fileReadable(f)) return -Errno.EACCES;
    if ((type & Flags.MAP_SHARED) && (prot & Flags.PROT_WRITE) && (fileFlags(f) & 3) != Flags.O_RDWR) return -Errno.EACCES;
    ino = mmap(f);
  }
  let start: i64;
  if (flags & MAP_FIXED_NOREPLACE) {
    if (vmaOverlaps(addr, addr + len)) return -Errno.EEXIST;
    start = addr;
  } else if (flags & Flags.MAP_FIXED) {
    start = addr;
    zapRange(start, start + len);
    vmaRemove(start, start + len);
  } else {
    start = pickAddress(len, ino >= 0);
    // get_unmapped_area is top-down: the first pick ends where the host's own memory begins (its call log, mapped
    // with MAP_POPULATE last in setup). When that is inside a PMD, the PMD already has its PTE table, so the
    // mapping's top part faults into a table that exists (see mapPages in mm/fault.ts).
    const top = vmaFirstPickTop();
    if (top >= 0 && (top & PMD_MASK_LOW) != 0) ptPrebuilt(top);
  }
  const v = vmaInsert(start, start + len, <i32>prot, <i32>(flags & ~Flags.MAP_POPULATE), ino, pageIndex(offset));
  ptReserve(len);
  if (v < 0) return -Errno.ENOMEM;
  if (flags & Flags.MAP_POPULATE) {
    // populate_vma_page_range: GUP faults; a private writable mapping breaks COW, a shared one reads
    const write = (prot & Flags.PROT_WRITE) != 0 && type == Flags.MAP_PRIVATE;
    let end = start + len;
    if (ino >= 0) {
      const fileEnd = (pageIndex(pageAlign(inoSizeOf(ino))) - pageIndex(offset)) << PAGE_SHIFT;
      if (start + fileEnd < end) end = start + (fileEnd > 0 ? fileEnd : 0);
    }
    populate(start, end, write, FM_GUP);
  }
  return start;
}

export function sys_munmap(addr: i64, length: i64): i64 {
  if ((addr & PAGE_MASK) != 0 || length <= 0) return -Errno.EINVAL;
  if (<u64>addr > <u64>TASK_SIZE || <u64>length > <u64>(TASK_SIZE - addr)) return -Errno.EINVAL;
  const len = pageAlign(length);
  zapRange(addr, addr + len);
  vmaRemove(addr, addr + len);
  return 0;
}

export function sys_madvise(addr: i64, length: i64, advice: i64): i64 {
  if ((addr & PAGE_MASK) != 0 || length < 0) return -Errno.EINVAL;
  if (<u64>addr + <u64>length < <u64>addr) return -Errno.EINVAL;
  const len = pageAlign(length);
  if (advice == Flags.MADV_DONTNEED) zapRange(addr, addr + len);
  else if (advice == Flags.MADV_NORMAL || advice == Flags.MADV_RANDOM || advice == Flags.MADV_SEQUENTIAL) vmaSetAdvice(addr, addr + len, <i32>advice);
  else if (advice == Flags.MADV_WILLNEED) {
    // madvise_willneed: readahead of the file pages under [addr, addr + len)
    const v = findVma(addr);
    if (v >= 0 && vmaIno(v) >= 0) {
      let end = addr + len < vmaEnd(v) ? addr + len : vmaEnd(v);
      const pg = vmaPgoff(v) + ((addr - vmaStart(v)) >> PAGE_SHIFT);
      pcWillneed(vmaIno(v), new Ra(), pg, (end - addr) >> PAGE_SHIFT);
    }
  } else return -Errno.EINVAL;
  return 0;
}
