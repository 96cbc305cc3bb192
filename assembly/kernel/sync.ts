// fsync (fs/sync.c): through f_op->fsync; a file without one is EINVAL.
import { Errno } from "../abi";
import { fileOps } from "./file";
import { fdGet } from "./fdtable";

export function sys_fsync(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const fsync = fileOps(f).fsync;
  if (fsync == null) return -Errno.EINVAL;
  fsync(f);
  return 0;
}
