// splice, tee, vmsplice and the splice machinery sendfile and copy_file_range use (fs/splice.c). Pages move by
// reference: a file's splice_read puts page-cache pages into a pipe, a splice_write takes them out to a socket (as
// fragments), a file (copied) or /dev/null (dropped); tee duplicates the references; vmsplice puts the process's
// own pages in. Every file-side step goes through the file's operations (do_splice_read: in->f_op->splice_read,
// do_splice_from: out->f_op->splice_write).
//
//   sendfile / copy_file_range (do_splice_direct):   in --splice_read--> the task's pipe --splice_write--> out
//   splice(file -> pipe): splice_read     splice(pipe -> file): splice_write     splice(pipe -> pipe): moved
import { Errno, Flags, CopyWhat } from "../abi";
import { MAX_RW_COUNT, pageOff, pageStep } from "../machine";
import { reg, setReg, iovN, iovBase, iovLen } from "../args";
import { translate, FM_GUP } from "../mm/fault";
import { copyToUser } from "../mm/usercopy";
import { Kiocb, fileOps, fileType, filePos, fileSetPos, fileFlags, fileReadable, fileWritable, FT_REG } from "./file";
import { fdGet } from "./fdtable";
import {
  pipeNew, pipeOf, pipeFull, pipeEmpty, pipeOccupancy, pipeReaders, pipeWriters, pipePush, pipeConsume,
  bufPage, bufOff, bufLen, bufFlags, BUF_CAN_MERGE,
} from "./pipe";
import { wouldBlock, nbOf, setNonblock } from "./wait";

const SPLICE_F_ALL: i64 = 0xf;

/** The task's internal pipe for sendfile/copy_file_range (current->splice_pipe), made on first use. */
let taskPipe: i32 = -1;
/** The positions splice passes to the operations (its loff_t in and out). */
const inPos = new Kiocb();
const outPos = new Kiocb();
const readPos = new Kiocb();
export function spliceReset(): void { taskPipe = -1; }

/** Drops whatever is left in a pipe (the task's pipe after a short write). */
function pipeDrain(p: i32): void { while (!pipeEmpty(p)) pipeConsume(p, bufLen(p, 0)); }

/** Whether `out` can take pipe buffers (it has splice_write). */
export function splicesOut(out: i32): bool { return fileOps(out).splice_write != null; }

/** splice_file_to_pipe: the file's splice_read into pipe `p` from `pos` (advanced by what moved). */
export function spliceFileToPipe(inF: i32, pos: Kiocb, p: i32, len: i64): i64 {
  const splice_read = fileOps(inF).splice_read;
  if (splice_read == null) return -Errno.EINVAL;
  return splice_read(inF, pos, p, len);
}

/**
 * do_splice_direct / splice_direct_to_actor: file -> the task's pipe -> `out`, pipe-load by pipe-load, until
 * `count` bytes or EOF. Returns bytes moved; `pos` (the input's) advances by what was written, `opos` by the
 * output's splice_write.
 */
export function spliceDirect(inF: i32, pos: Kiocb, out: i32, opos: Kiocb, count: i64): i64 {
  if (taskPipe < 0) taskPipe = pipeNew();
  const p = taskPipe;
  const splice_write = fileOps(out).splice_write;
  if (splice_write == null) return -Errno.EINVAL;
  let total: i64 = 0;
  let err: i64 = 0;
  while (total < count) {
    readPos.pos = pos.pos;
    const r = spliceFileToPipe(inF, readPos, p, count - total);
    if (r <= 0) { if (r < 0) err = r; break; }
    const w = splice_write(p, out, opos, r, r < count - total);   // SPLICE_F_MORE: more reads to come
    if (w < 0) { err = w; pipeDrain(p); break; }
    total += w;
    pos.pos += w;
    if (w < r) { pipeDrain(p); break; }
  }
  // the call's end: do_splice_eof (the model calls it whatever the reads returned)
  const splice_eof = fileOps(out).splice_eof;
  if (splice_eof != null) splice_eof(out);
  if (total == 0 && err != 0) return err;
  return total;
}

/** splice_pipe_to_pipe: buffers move from `ip` to `op` (their references go with them). */
function splicePipeToPipe(ip: i32, op: i32, len: i64): i64 {
  if (pipeReaders(op) == 0) return -Errno.EPIPE;
  let done: i64 = 0;
  while (done < len && !pipeEmpty(ip) && !pipeFull(op)) {
    let m = bufLen(ip, 0);
    if (<i64>m > len - done) m = <i32>(len - done);
    pipePush(op, bufPage(ip, 0), bufOff(ip, 0), m, bufFlags(ip, 0) & ~BUF_CAN_MERGE, true);
    pipeConsume(ip, m);
    done += m;
  }
  if (done == 0 && pipeFull(op)) return wouldBlock();
  return done;
}

// ---- splice -----------------------------------------------------------------------------------------------
export function sys_splice(fdIn: i64, offInReg: i64, offInRef: bool, fdOut: i64, offOutReg: i64, offOutRef: bool, len: i64, flags: i64): i64 {
  if (len == 0) return 0;
  if (flags & ~SPLICE_F_ALL) return -Errno.EINVAL;
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (inF < 0 || out < 0) return -Errno.EBADF;
  if (!fileReadable(inF) || !fileWritable(out)) return -Errno.EBADF;
  setNonblock((flags & Flags.SPLICE_F_NONBLOCK) != 0 || nbOf(inF) || nbOf(out));
  const ip = pipeOf(inF);
  const op = pipeOf(out);
  if (ip >= 0 && op >= 0) {
    if (offInRef || offOutRef) return -Errno.ESPIPE;
    if (ip == op) return -Errno.EINVAL;
    if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
    return splicePipeToPipe(ip, op, len);
  }
  if (ip >= 0) {
    // do_splice_from: pipe -> file
    const ops = fileOps(out);
    if (offInRef) return -Errno.ESPIPE;
    if (offOutRef && ops.stream) return -Errno.ESPIPE;
    if (fileType(out) == FT_REG && (fileFlags(out) & Flags.O_APPEND)) return -Errno.EINVAL;
    const splice_write = ops.splice_write;
    if (splice_write == null) return -Errno.EINVAL;
    if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
    if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
    outPos.pos = offOutRef ? reg(offOutReg) : filePos(out);
    if (outPos.pos < 0) return -Errno.EINVAL;
    const r = splice_write(ip, out, outPos, len, false);
    if (r > 0 && !ops.stream) { if (offOutRef) setReg(offOutReg, outPos.pos); else fileSetPos(out, outPos.pos); }
    return r;
  }
  if (op >= 0) {
    // splice_file_to_pipe: file -> pipe
    if (offOutRef) return -Errno.ESPIPE;
    if (offInRef && fileOps(inF).stream) return -Errno.ESPIPE;
    if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
    inPos.pos = offInRef ? reg(offInReg) : filePos(inF);
    const r = spliceFileToPipe(inF, inPos, op, len);
    if (r > 0) { if (offInRef) setReg(offInReg, inPos.pos); else fileSetPos(inF, inPos.pos); }
    return r;
  }
  return -Errno.EINVAL;
}

// ---- tee --------------------------------------------------------------------------------------------------
export function sys_tee(fdIn: i64, fdOut: i64, len: i64, flags: i64): i64 {
  if (flags & ~SPLICE_F_ALL) return -Errno.EINVAL;
  if (len == 0) return 0;
  const inF = fdGet(fdIn);
  const out = fdGet(fdOut);
  if (inF < 0 || out < 0) return -Errno.EBADF;
  setNonblock((flags & Flags.SPLICE_F_NONBLOCK) != 0 || nbOf(inF) || nbOf(out));
  const ip = pipeOf(inF);
  const op = pipeOf(out);
  if (ip < 0 || op < 0 || ip == op) return -Errno.EINVAL;
  if (!fileReadable(inF) || !fileWritable(out)) return -Errno.EBADF;
  if (pipeEmpty(ip)) return pipeWriters(ip) == 0 ? 0 : wouldBlock();
  if (pipeReaders(op) == 0) return -Errno.EPIPE;
  if (pipeFull(op)) return wouldBlock();
  // link_pipe: duplicate buffer references, the input stays as it is
  let done: i64 = 0;
  let k: u32 = 0;
  while (done < len && k < pipeOccupancy(ip) && !pipeFull(op)) {
    let m = bufLen(ip, k);
    if (<i64>m > len - done) m = <i32>(len - done);
    pipePush(op, bufPage(ip, k), bufOff(ip, k), m, bufFlags(ip, k) & ~BUF_CAN_MERGE, true);
    done += m;
    k++;
  }
  return done;
}

// ---- vmsplice ---------------------------------------------------------------------------------------------
/**
 * vmsplice: to a pipe's write end, the user pages of the iovec are referenced into the pipe (no copy; the pipe
 * then holds the process's own pages); from a read end, the pipe's data is copied out to the iovec.
 */
export function sys_vmsplice(fd: i64, flags: i64): i64 {
  if (flags & ~SPLICE_F_ALL) return -Errno.EINVAL;
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const p = pipeOf(f);
  if (p < 0) return -Errno.EBADF;
  // vmsplice honours SPLICE_F_NONBLOCK only, not the pipe's O_NONBLOCK (measured on Linux 6.18)
  setNonblock((flags & Flags.SPLICE_F_NONBLOCK) != 0);
  let total: i64 = 0;
  for (let i = 0; i < iovN; i++) {
    const len = unchecked(iovLen[i]);
    if (len < 0) return -Errno.EINVAL;
    total += len;
  }
  if (total == 0) return 0;
  if (fileWritable(f)) {
    // vmsplice_to_pipe
    if (pipeReaders(p) == 0) return -Errno.EPIPE;
    if (pipeFull(p)) return wouldBlock();
    let done: i64 = 0;
    for (let i = 0; i < iovN && !pipeFull(p); i++) {
      const base = unchecked(iovBase[i]);
      const len = unchecked(iovLen[i]);
      let k: i64 = 0;
      while (k < len && !pipeFull(p)) {
        const va = base + k;
        const n = pageStep(va, len - k);
        const pfn = translate(va, false, FM_GUP);   // iov_iter_get_pages: GUP, faulting in if needed
        if (pfn == 0) return done > 0 ? done : -Errno.EFAULT;
        pipePush(p, pfn, pageOff(va), n, 0, true);
        k += n;
        done += n;
      }
    }
    // iter_to_pipe stops when the pipe is full and the call returns what fitted: it waits for room only before
    // it starts (wait_for_space), never for the rest of the iovec
    return done;
  }
  // vmsplice_to_user: the read end's data is copied out
  if (pipeEmpty(p)) return pipeWriters(p) == 0 ? 0 : wouldBlock();
  let done: i64 = 0;
  for (let i = 0; i < iovN && !pipeEmpty(p); i++) {
    const base = unchecked(iovBase[i]);
    const len = unchecked(iovLen[i]);
    let k: i64 = 0;
    while (k < len && !pipeEmpty(p)) {
      let m = bufLen(p, 0);
      if (<i64>m > len - k) m = <i32>(len - k);
      const got = copyToUser(base + k, bufPage(p, 0), bufOff(p, 0), m, CopyWhat.TO_USER);
      pipeConsume(p, got);
      k += got;
      done += got;
      if (got < m) return done > 0 ? done : -Errno.EFAULT;
    }
  }
  return done;
}
