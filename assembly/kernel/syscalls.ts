// The system call table: every call the interpreter (program.ts) makes, and where it lives, after Linux's own map.
// Each call validates its arguments as Linux does and returns the result, or -errno; the interpreter wraps each in
// the mode switches of the syscall entry and exit and records failures. The calls reach the files through their
// operations (file.ts: struct file_operations), registered by the kinds of file imported below.
//
//   open, close, ftruncate          kernel/open.ts       fs/open.c
//   read, write, pread64, pwrite64,
//   lseek, sendfile, copy_file_range kernel/read_write.ts fs/read_write.c
//   splice, tee, vmsplice           kernel/splice.ts     fs/splice.c
//   pipe2 (F_*PIPE_SZ)              kernel/pipe.ts       fs/pipe.c
//   fcntl                           kernel/fcntl.ts      fs/fcntl.c
//   poll                            kernel/select.ts     fs/select.c
//   fsync                           kernel/sync.ts       fs/sync.c
//   setsockopt, send, recvmsg       kernel/sockfs.ts     net/socket.c
//   mmap, munmap, madvise           mm/mmap.ts           mm/mmap.c, mm/madvise.c
//   posix_fadvise                   mm/fadvise.ts        mm/fadvise.c
//   mem_read, mem_write (loads and stores)  mm/access.ts arch/x86/mm/fault.c
import { fdGet } from "./fdtable";
import { fileType, fileObj, FT_SOCK, FT_REG, FT_NULL } from "./file";
import { inoSinkOf } from "../mm/pagecache";
import { sockStalled, sockStallReset, sockCount, sockClosed, sockSettle, sockSink } from "./socket";
import { callNonblock, blockedForever, waitReset } from "./wait";
import { regfileReset } from "./regfile";
import { spliceReset } from "./splice";
import { resetSignal } from "../mm/access";
// the kinds of file: importing them registers their operations
import "./null";
import "./sockfs";

export { sys_open, sys_close, sys_ftruncate } from "./open";
export { openObject } from "./fdtable";
export { sys_pipe2, pipeRd, pipeWr } from "./pipe";
export { sys_read, sys_write, sys_pread64, sys_pwrite64, sys_lseek, sys_sendfile, sys_copy_file_range } from "./read_write";
export { sys_splice, sys_tee, sys_vmsplice } from "./splice";
export { sys_fcntl } from "./fcntl";
export { sys_poll } from "./select";
export { sys_fsync } from "./sync";
export { sys_setsockopt, sys_send, sys_recv_errqueue, peer_read, zcLo, zcHi, zcCode } from "./sockfs";
export { sys_mmap, sys_munmap, sys_madvise } from "../mm/mmap";
export { sys_posix_fadvise } from "../mm/fadvise";
export { mem_read, mem_write, sigNo, sigCode, sigAddr, resetSignal } from "../mm/access";

/** Before every call: it may block until it says otherwise. */
export function callStart(): void { waitReset(); sockStallReset(); }
/** After a call: a blocking socket send that stalled for room never returns. */
export function stalledForever(): bool { return blockedForever || (!callNonblock && sockStalled); }

export function syscallsReset(): void {
  spliceReset();
  regfileReset();
  resetSignal();
}

/** The sink a descriptor sends to, or -1: a TCP or NIC sink's socket, a file sink's or a null sink's inode. */
export function sinkOfFd(fd: i64): i32 {
  const f = fdGet(fd);
  if (f < 0) return -1;
  const t = fileType(f);
  if (t == FT_SOCK) return sockSink(fileObj(f));
  if (t == FT_REG || t == FT_NULL) return inoSinkOf(fileObj(f));
  return -1;
}

/** After every call: eager peers read what was queued, the NIC driver reclaims. */
export function settleAll(): void {
  for (let k = 0; k < sockCount(); k++) if (!sockClosed(k)) sockSettle(k);
}
