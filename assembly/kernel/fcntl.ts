// fcntl (fs/fcntl.c): the file status flags; the pipe's size goes to pipe_fcntl.
import { Errno, Flags } from "../abi";
import { fileFlags, fileSetFlags } from "./file";
import { fdGet } from "./fdtable";
import { pipeOf, pipeFcntl } from "./pipe";

export function sys_fcntl(fd: i64, cmd: i64, arg: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  if (cmd == Flags.F_GETFL) return fileFlags(f);
  if (cmd == Flags.F_SETFL) {
    const settable = Flags.O_APPEND | Flags.O_NONBLOCK | Flags.O_DIRECT;
    fileSetFlags(f, (fileFlags(f) & ~settable) | (<i32>arg & settable));
    return 0;
  }
  if (cmd == Flags.F_SETPIPE_SZ || cmd == Flags.F_GETPIPE_SZ) {
    const p = pipeOf(f);
    if (p < 0) return -Errno.EBADF;
    return pipeFcntl(p, cmd, arg);
  }
  return -Errno.EINVAL;
}
