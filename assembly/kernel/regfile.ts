// Regular files: their file_operations (fs/ext4/file.c: ext4_file_operations) over the page cache
// (mm/filemap.c: filemap_read, filemap_splice_read; mm/filemap.c + fs/ext4: generic_perform_write;
// fs/splice.c: iter_file_splice_write; fs/read_write.c: generic_file_llseek). A sink file (the scenario's output
// file) keeps no pages: its writes land in one scratch frame and the sink verifies them.
import { CopyWhat, Errno, Flags } from "../abi";
import { PAGE_SHIFT, pageOff, pageStep, pageIndex } from "../machine";
import { frAlloc, frInitRef, frSetIdent, FK_KBUF, mkIdent } from "../mm/frames";
import {
  inoSizeOf, inoSinkOf, inoSetSize, inoPatternOf, pcPeek, pcAddFolio, pcPage, pcReadPrepare, dirtyFolio,
  dirtySinkRange, writeBegin, pcWriteback, pcWaitWriteback,
} from "../mm/pagecache";
import { copyToUser, copyFromUser, cpuCopyPiece, uaccessFault } from "../mm/usercopy";
import { FileOperations, Kiocb, registerFops, FT_REG, fileObj, filePos, fileSetPos, fileRa } from "./file";
import { pipeFull, pipeEmpty, pipeOccupancy, pipeMaxUsage, pipeReaders, pipePush, pipeConsume, pipeBytes, bufPage, bufOff, bufLen } from "./pipe";
import { sinkReceive } from "./sink";
import { wouldBlock } from "./wait";

/** ext4's s_maxbytes with 4 KiB blocks */
export const MAX_FILE_BYTES: i64 = 17592186040320;
/** The model keeps a regular file's page cache under this (a sparse write far out is EFBIG here). */
export const MODEL_MAX_FILE_BYTES: i64 = 16 << 30;

/** One scratch frame standing for a sink file's page-cache page (the model keeps no sink pages). */
let sinkScratch: u32 = 0;
export function regfileReset(): void { sinkScratch = 0; }

/** The largest size the file may reach (s_maxbytes, or the model's bound for a file that keeps its pages). */
export function maxBytesOf(ino: i32): i64 { return inoSinkOf(ino) >= 0 ? MAX_FILE_BYTES : MODEL_MAX_FILE_BYTES; }

/** filemap_read: copies [pos, pos+count) of the file to user memory. Returns bytes or -errno. */
function filemapRead(f: i32, ino: i32, pos: i64, buf: i64, cnt: i64): i64 {
  const size = inoSizeOf(ino);
  if (pos >= size || cnt == 0) return 0;
  let n = size - pos < cnt ? size - pos : cnt;
  const first = pageIndex(pos);
  const last = pageIndex(pos + n - 1);
  pcReadPrepare(ino, fileRa(f), first, last - first + 1);
  let done: i64 = 0;
  while (done < n) {
    const p = pos + done;
    const pfn = pcPage(ino, pageIndex(p));
    const m = pageStep(p, n - done);
    const got = copyToUser(buf + done, pfn, pageOff(p), m, CopyWhat.TO_USER);
    done += got;
    if (got < m) break;
  }
  if (done == 0 && uaccessFault != 0) return -Errno.EFAULT;
  return done;
}

/** The page a write at page index `idx` of `ino` lands in: a sink's scratch page, or the page cache's. */
function pageForWrite(ino: i32, idx: i64): u32 {
  if (inoSinkOf(ino) >= 0) {
    if (sinkScratch == 0) { sinkScratch = frAlloc(0, FK_KBUF); frInitRef(sinkScratch, 1); }
    return sinkScratch;
  }
  let pfn = pcPeek(ino, idx);
  if (pfn == 0) {
    const head = pcAddFolio(ino, idx, 0);
    const pat = inoPatternOf(ino);
    frSetIdent(head, pat >= 0 && (idx << PAGE_SHIFT) < inoSizeOf(ino) ? mkIdent(pat, idx << PAGE_SHIFT, 0) : 0);
    pfn = head;
  }
  return pfn;
}

/** After bytes [pos, pos+n) of a page were written: sinks verify them; the file grows. */
function wrote(ino: i32, pfn: u32, off: i32, n: i32, pos: i64): void {
  const s = inoSinkOf(ino);
  if (s >= 0) { sinkReceive(s, pfn, off, n, pos); dirtySinkRange(ino, pos, n); }
  else dirtyFolio(pfn);
  if (pos + n > inoSizeOf(ino)) inoSetSize(ino, pos + n);
}

/** generic_write_check_limits: a write at or past the limit is EFBIG, one reaching past it is cut there. */
function writeLimit(ino: i32, pos: i64, cnt: i64): i64 {
  const max = maxBytesOf(ino);
  if (pos >= max) return -Errno.EFBIG;
  return cnt > max - pos ? max - pos : cnt;
}

/** generic_perform_write from user memory. */
function performWrite(ino: i32, pos: i64, buf: i64, cnt: i64): i64 {
  cnt = writeLimit(ino, pos, cnt);
  if (cnt <= 0) return cnt;
  writeBegin(ino, pos, cnt);
  let done: i64 = 0;
  while (done < cnt) {
    const p = pos + done;
    const off = pageOff(p);
    const m = pageStep(p, cnt - done);
    const pfn = pageForWrite(ino, pageIndex(p));
    const got = copyFromUser(buf + done, pfn, off, m, CopyWhat.FROM_USER);
    if (got > 0) wrote(ino, pfn, off, got, p);
    done += got;
    if (got < m) break;
  }
  if (done == 0 && uaccessFault != 0) return -Errno.EFAULT;
  return done;
}

/**
 * filemap_splice_read: references file pages [pos, pos+len) into pipe `p`, one buffer per page, as many as the
 * pipe has free slots. Returns bytes moved (0 at EOF), or -EAGAIN when the pipe is full.
 */
function filemapSpliceRead(f: i32, ino: i32, pos: i64, p: i32, len: i64): i64 {
  const size = inoSizeOf(ino);
  if (pos >= size || len <= 0) return 0;
  if (pipeFull(p)) return wouldBlock();
  let n = size - pos < len ? size - pos : len;
  const slots = <i64>(pipeMaxUsage(p) - pipeOccupancy(p));
  const cap = (slots << PAGE_SHIFT) - pageOff(pos);
  if (n > cap) n = cap;
  const first = pageIndex(pos);
  pcReadPrepare(ino, fileRa(f), first, pageIndex(pos + n - 1) - first + 1);
  let done: i64 = 0;
  while (done < n && !pipeFull(p)) {
    const q = pos + done;
    const pfn = pcPage(ino, pageIndex(q));
    const m = pageStep(q, n - done);
    pipePush(p, pfn, pageOff(q), m, 0, true);
    done += m;
  }
  return done;
}

// ---- the operations -----------------------------------------------------------------------------------------
function reg_read(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 {
  const r = filemapRead(f, fileObj(f), pos.pos, buf, cnt);
  if (r > 0) pos.pos += r;
  return r;
}

function reg_write(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 {
  const ino = fileObj(f);
  const at = pos.append ? inoSizeOf(ino) : pos.pos;   // generic_write_checks: IOCB_APPEND writes at i_size
  const r = performWrite(ino, at, buf, cnt);
  if (r > 0) pos.pos = at + r;
  return r;
}

/** generic_file_llseek */
function reg_llseek(f: i32, off: i64, whence: i64): i64 {
  let base: i64 = 0;
  if (whence == Flags.SEEK_SET) base = 0;
  else if (whence == Flags.SEEK_CUR) base = filePos(f);
  else if (whence == Flags.SEEK_END) base = inoSizeOf(fileObj(f));
  else return -Errno.EINVAL;
  const np = base + off;
  if (np < 0) return -Errno.EINVAL;
  fileSetPos(f, np);
  return np;
}

/** splice_file_to_pipe's wait_for_space (no readers: EPIPE) and rw_verify_area, then filemap_splice_read. */
function reg_splice_read(f: i32, pos: Kiocb, p: i32, len: i64): i64 {
  if (pipeReaders(p) == 0) return -Errno.EPIPE;
  if (pos.pos < 0) return -Errno.EINVAL;
  const r = filemapSpliceRead(f, fileObj(f), pos.pos, p, len);
  if (r > 0) pos.pos += r;
  return r;
}

/**
 * iter_file_splice_write (fs/splice.c): the pipe's pages are copied into the file (vfs_iter_write), all the
 * buffers in one write, at *pos.
 */
function reg_splice_write(p: i32, out: i32, pos: Kiocb, len: i64, more: bool): i64 {
  const ino = fileObj(out);
  let done: i64 = 0;
  let wlen = pipeBytes(p);
  if (wlen > len) wlen = len;
  wlen = writeLimit(ino, pos.pos, wlen);
  if (wlen <= 0) return wlen == 0 ? 0 : wlen;
  len = wlen;
  writeBegin(ino, pos.pos, wlen);
  while (done < len && !pipeEmpty(p)) {
    const pfn = bufPage(p, 0);
    const off = bufOff(p, 0);
    let m = bufLen(p, 0);
    if (<i64>m > len - done) m = <i32>(len - done);
    let k: i32 = 0;
    while (k < m) {
      const q = pos.pos + k;
      const doff = pageOff(q);
      const piece = pageStep(q, m - k);
      const dst = pageForWrite(ino, pageIndex(q));
      cpuCopyPiece(pfn, off + k, dst, doff, piece, CopyWhat.PAGE_TO_PAGE);
      wrote(ino, dst, doff, piece, q);
      k += piece;
    }
    pos.pos += m;
    pipeConsume(p, m);
    done += m;
  }
  return done;
}

/** generic_file_mmap: the mapping's pages are the inode's page cache. */
function reg_mmap(f: i32): i32 { return fileObj(f); }

/** ext4_sync_file: it waits for the writes it starts. */
function reg_fsync(f: i32): void {
  if (pcWriteback(fileObj(f)) > 0) pcWaitWriteback();
}

export const regFops: FileOperations = {
  stream: false,
  read: reg_read,
  write: reg_write,
  llseek: reg_llseek,
  poll: null,                   // DEFAULT_POLLMASK
  splice_read: reg_splice_read,
  splice_write: reg_splice_write,
  splice_eof: null,
  mmap: reg_mmap,
  fsync: reg_fsync,
  release: null,
};
registerFops(FT_REG, regFops);
