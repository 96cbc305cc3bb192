// posix_fadvise (mm/fadvise.c: generic_fadvise): the access pattern of the open file, or what to do with a range
// of its page cache now (drop it, read it ahead).
import { Errno, Flags } from "../abi";
import { pageIndex, pageAlign } from "../machine";
import { inoSizeOf, pcDrop, pcWillneed } from "./pagecache";
import { fileType, fileObj, fileRa, FT_REG } from "../kernel/file";
import { fdGet } from "../kernel/fdtable";
import { pipeOf } from "../kernel/pipe";

export function sys_posix_fadvise(fd: i64, offset: i64, len: i64, advice: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  if (pipeOf(f) >= 0) return -Errno.ESPIPE;
  if (advice < 0 || advice > 5 || len < 0) return -Errno.EINVAL;
  if (fileType(f) != FT_REG) return 0;
  const ino = fileObj(f);
  // the access pattern is the open file's (f_mode FMODE_RANDOM, ra_pages doubled for SEQUENTIAL)
  if (advice == Flags.POSIX_FADV_RANDOM) { fileRa(f).scale = 0; return 0; }
  if (advice == Flags.POSIX_FADV_SEQUENTIAL) { fileRa(f).scale = 2; return 0; }
  if (advice == Flags.POSIX_FADV_NORMAL) { fileRa(f).scale = 1; return 0; }
  // [offset, offset + len - 1], len 0 (or a wrap) meaning to the end; only the file's pages matter
  const size = inoSizeOf(ino);
  let endbyte: i64 = len == 0 || <u64>offset + <u64>len < <u64>len ? i64.MAX_VALUE : offset + len - 1;
  if (offset < 0 && endbyte < 0) return 0;
  const start = offset < 0 ? 0 : offset;
  if (endbyte >= size) endbyte = size - 1;
  if (start > endbyte) return 0;
  if (advice == Flags.POSIX_FADV_DONTNEED) {
    // whole pages only: the partial first page is kept
    const first = pageIndex(pageAlign(start));
    const last = endbyte == size - 1 ? pageIndex(endbyte) : pageIndex(endbyte + 1) - 1;
    if (last >= first) pcDrop(ino, first, last);
  } else if (advice == Flags.POSIX_FADV_WILLNEED) {
    pcWillneed(ino, fileRa(f), pageIndex(start), pageIndex(endbyte) - pageIndex(start) + 1);
  }
  return 0;
}
