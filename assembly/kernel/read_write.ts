// read, write, their positioned forms, lseek, sendfile and copy_file_range (fs/read_write.c). Each checks its
// arguments as Linux does and goes through the file's operations (vfs_read: file->f_op->read_iter); sendfile and
// copy_file_range hand the transfer to the splice machinery (splice.ts), as do_sendfile and the copy_file_range
// fallback do.
//
// /proc/self/io: read()/write() (and pread64/pwrite64) add what they moved to rchar/wchar and count syscr/syscw
// (vfs_read/vfs_write); sendfile and copy_file_range count both; splice, tee, vmsplice, send and mmap access count
// nothing (do_splice and sock_sendmsg do not account).
import { Counter, Ev, Errno, Flags } from "../abi";
import { count } from "../counters";
import { ev } from "../trace";
import { MAX_RW_COUNT } from "../machine";
import { reg, setReg } from "../args";
import { inoSizeOf, inoFsOf } from "../mm/pagecache";
import {
  Kiocb, fileOps, fileType, fileObj, filePos, fileSetPos, fileFlags, fileReadable, fileWritable, FT_REG,
} from "./file";
import { fdGet } from "./fdtable";
import { pipeOf, pipeReaders } from "./pipe";
import { MAX_FILE_BYTES } from "./regfile";
import { spliceDirect, spliceFileToPipe, splicesOut } from "./splice";
import { nbOf, setNonblock } from "./wait";

/** The kiocb of the call being made (one call at a time). */
const iocb = new Kiocb();
/** sendfile's and copy_file_range's positions, in and out */
const inPos = new Kiocb();
const outPos = new Kiocb();

/** rw_verify_area: a negative position, or one that would pass LLONG_MAX, is EINVAL. */
function badRange(pos: i64, cnt: i64): bool {
  if (pos < 0) return true;
  return pos + cnt < 0;
}

/** add_rchar, add_wchar, inc_syscr, inc_syscw */
function ioAcct(rchar: i64, wchar: i64, syscr: i64, syscw: i64): void {
  count(Counter.IO_RCHAR, rchar);
  count(Counter.IO_WCHAR, wchar);
  count(Counter.IO_SYSCR, syscr);
  count(Counter.IO_SYSCW, syscw);
  ev(Ev.IO_ACCT, rchar, wchar, syscr, syscw, 0, 0);
}

// ---- read -------------------------------------------------------------------------------------------------
export function sys_read(fd: i64, buf: i64, cnt: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileReadable(f)) return -Errno.EBADF;
  setNonblock(nbOf(f));
  if (cnt < 0) return -Errno.EFAULT;   // a count above SSIZE_MAX cannot describe user memory (access_ok)
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const ops = fileOps(f);
  const read = ops.read;
  if (read == null) return -Errno.EBADF;
  iocb.pos = filePos(f);
  iocb.append = false;
  const r = read(f, buf, cnt, iocb);
  if (r > 0 && !ops.stream) fileSetPos(f, iocb.pos);
  ioAcct(r > 0 ? r : 0, 0, 1, 0);
  return r;
}

export function sys_pread64(fd: i64, buf: i64, cnt: i64, off: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileReadable(f)) return -Errno.EBADF;
  const ops = fileOps(f);
  if (ops.stream) return -Errno.ESPIPE;
  if (cnt < 0) return -Errno.EFAULT;
  if (badRange(off, cnt)) return -Errno.EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const read = ops.read;
  if (read == null) return -Errno.EBADF;
  iocb.pos = off;
  iocb.append = false;
  const r = read(f, buf, cnt, iocb);
  ioAcct(r > 0 ? r : 0, 0, 1, 0);
  return r;
}

// ---- write ------------------------------------------------------------------------------------------------
export function sys_write(fd: i64, buf: i64, cnt: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileWritable(f)) return -Errno.EBADF;
  setNonblock(nbOf(f));
  if (cnt < 0) return -Errno.EFAULT;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const ops = fileOps(f);
  const write = ops.write;
  if (write == null) return -Errno.EBADF;
  iocb.pos = filePos(f);
  iocb.append = (fileFlags(f) & Flags.O_APPEND) != 0;
  const r = write(f, buf, cnt, iocb);
  if (r > 0 && !ops.stream) fileSetPos(f, iocb.pos);
  ioAcct(0, r > 0 ? r : 0, 0, 1);
  return r;
}

export function sys_pwrite64(fd: i64, buf: i64, cnt: i64, off: i64): i64 {
  const f = fdGet(fd);
  if (f < 0 || !fileWritable(f)) return -Errno.EBADF;
  const ops = fileOps(f);
  if (ops.stream) return -Errno.ESPIPE;
  if (cnt < 0) return -Errno.EFAULT;
  if (badRange(off, cnt)) return -Errno.EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  const write = ops.write;
  if (write == null) return -Errno.EBADF;
  iocb.pos = off;
  iocb.append = false;   // the model's pwrite writes at `off` even with O_APPEND
  const r = write(f, buf, cnt, iocb);
  ioAcct(0, r > 0 ? r : 0, 0, 1);
  return r;
}

// ---- lseek ------------------------------------------------------------------------------------------------
export function sys_lseek(fd: i64, off: i64, whence: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const llseek = fileOps(f).llseek;
  if (llseek == null) return -Errno.ESPIPE;   // no_llseek
  return llseek(f, off, whence);
}

// ---- sendfile ---------------------------------------------------------------------------------------------
/** do_sendfile: to a pipe, splice_file_to_pipe; to anything else, do_splice_direct through the task's pipe. */
export function sys_sendfile(outFd: i64, inFd: i64, offReg: i64, offIsRef: bool, cnt: i64): i64 {
  const inF = fdGet(inFd);
  const out = fdGet(outFd);
  if (inF < 0 || !fileReadable(inF)) return -Errno.EBADF;
  setNonblock(nbOf(out) || nbOf(inF));
  let pos: i64;
  if (offIsRef) {
    pos = reg(offReg);
    if (fileOps(inF).stream) return -Errno.ESPIPE;
  } else pos = filePos(inF);
  if (cnt < 0) return -Errno.EINVAL;
  if (badRange(pos, cnt)) return -Errno.EINVAL;
  if (cnt > MAX_RW_COUNT) cnt = MAX_RW_COUNT;
  if (out < 0 || !fileWritable(out)) return -Errno.EBADF;
  if (fileType(inF) != FT_REG) return -Errno.EINVAL;   // the model's sendfile reads regular files only
  if (fileFlags(out) & Flags.O_APPEND) return -Errno.EINVAL;
  let r: i64;
  inPos.pos = pos;
  const op = pipeOf(out);
  if (op >= 0) {
    if (pipeReaders(op) == 0) return -Errno.EPIPE;   // wait_for_space, before any accounting
    r = spliceFileToPipe(inF, inPos, op, cnt);
  } else {
    if (!splicesOut(out)) return -Errno.EINVAL;
    outPos.pos = filePos(out);
    r = spliceDirect(inF, inPos, out, outPos, cnt);
    if (r > 0 && !fileOps(out).stream) fileSetPos(out, outPos.pos);
  }
  if (r > 0) ioAcct(r, r, 1, 1); else ioAcct(0, 0, 1, 1);
  if (r >= 0) { if (offIsRef) setReg(offReg, inPos.pos); else fileSetPos(inF, inPos.pos); }
  return r;
}

// ---- copy_file_range --------------------------------------------------------------------------------------
/**
 * copy_file_range on one filesystem without reflink (ext4): the kernel falls back to splice (do_splice_direct):
 * the pages go through the task's pipe and are copied into the destination's page cache. At most MAX_RW_COUNT
 * per call. /proc/self/io counts it as a read and a write.
 */
export function sys_copy_file_range(fdIn: i64, offInReg: i64, offInRef: bool, fdOut: i64, offOutReg: i64, offOutRef: bool, len: i64, flags: i64): i64 {
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (flags != 0) return -Errno.EINVAL;
  if (inF < 0 || out < 0) return -Errno.EBADF;
  // generic_file_rw_checks: regular files first, then the modes, then O_APPEND
  if (fileType(inF) != FT_REG || fileType(out) != FT_REG) return -Errno.EINVAL;
  if (!fileReadable(inF) || !fileWritable(out)) return -Errno.EBADF;
  if (fileFlags(out) & Flags.O_APPEND) return -Errno.EBADF;
  const pin = offInRef ? reg(offInReg) : filePos(inF);
  const pout = offOutRef ? reg(offOutReg) : filePos(out);
  // generic_copy_file_checks: offset + count must not wrap (unsigned), then s_maxbytes
  const ulen = <u64>len;
  if (<u64>pin + ulen < <u64>pin || <u64>pout + ulen < <u64>pout) return -Errno.EOVERFLOW;
  if (pin < 0 || pout < 0) return -Errno.EINVAL;
  if (fileObj(inF) == fileObj(out) && <u64>pin + ulen > <u64>pout && <u64>pout + ulen > <u64>pin) return -Errno.EINVAL;
  if (pout >= MAX_FILE_BYTES) return -Errno.EFBIG;
  if (ulen > <u64>MAX_RW_COUNT) len = MAX_RW_COUNT;
  // generic_copy_file_checks clips the length to the source's size: at EOF the call returns 0 before it is
  // accounted in /proc/self/io
  const sizeIn = inoSizeOf(fileObj(inF));
  if (pin >= sizeIn) return 0;
  if (len > sizeIn - pin) len = sizeIn - pin;
  // no filesystem copies across filesystems here, and the splice fallback is for one filesystem only
  if (inoFsOf(fileObj(inF)) != inoFsOf(fileObj(out))) return -Errno.EXDEV;
  inPos.pos = pin;
  outPos.pos = pout;
  const r = spliceDirect(inF, inPos, out, outPos, len);
  if (r > 0) ioAcct(r, r, 1, 1); else ioAcct(0, 0, 1, 1);
  if (r > 0) {
    if (offInRef) setReg(offInReg, pin + r); else fileSetPos(inF, pin + r);
    if (offOutRef) setReg(offOutReg, pout + r); else fileSetPos(out, pout + r);
  }
  return r;
}
