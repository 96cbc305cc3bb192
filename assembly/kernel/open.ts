// open, close, ftruncate and fallocate (fs/open.c, fs/file.c): a path's inode becomes an open file with the operations of its kind
// (inode->i_fop), and a descriptor; the last close of a file releases what it refers to (f_op->release).
import { Errno, Flags } from "../abi";
import { strEq } from "../args";
import { inodeNew, inodeCount, inoKindOf, inoNameOf, inoSizeOf, inoSetSize, IK_REGULAR, IK_NULL } from "../mm/pagecache";
import { truncateTo } from "../mm/truncate";
import { fileNew, fileOps, fileRef, fileUnref, fileType, fileObj, fileWritable, FT_REG, FT_NULL, FT_PIPE_R, FT_PIPE_W } from "./file";
import { fdAlloc, fdGet, fdClear } from "./fdtable";
import { maxBytesOf } from "./regfile";

export function sys_open(path: i32, flags: i32): i64 {
  let ino = -1;
  for (let i = 0; i < inodeCount(); i++) if (inoKindOf(i) != 0 && strEq(inoNameOf(i), path)) { ino = i; break; }
  if (ino < 0) {
    if (!(flags & Flags.O_CREAT)) return -Errno.ENOENT;
    ino = inodeNew(IK_REGULAR, 0, -1, path);
    if (ino < 0) return -Errno.ENFILE;
  } else if ((flags & Flags.O_CREAT) && (flags & Flags.O_EXCL)) return -Errno.EEXIST;
  const acc = flags & 3;
  if (acc == 3) return -Errno.EINVAL;
  const f = fileNew(inoKindOf(ino) == IK_NULL ? FT_NULL : FT_REG, ino, flags);
  if (f < 0) return -Errno.ENFILE;
  const fd = fdAlloc(f);
  if (fd < 0) { fileUnref(f); return -Errno.EMFILE; }
  fileRef(f);
  if ((flags & Flags.O_TRUNC) && acc != Flags.O_RDONLY && inoKindOf(ino) == IK_REGULAR) truncateTo(ino, 0);
  return fd;
}

export function sys_close(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  fdClear(fd);
  if (fileUnref(f)) {
    const release = fileOps(f).release;   // __fput
    if (release != null) release(f);
  }
  return 0;
}

/** ftruncate (do_sys_ftruncate): a regular file open for writing, up to s_maxbytes. */
export function sys_ftruncate(fd: i64, length: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  if (length < 0) return -Errno.EINVAL;
  if (fileType(f) != FT_REG || !fileWritable(f)) return -Errno.EINVAL;
  if (length > maxBytesOf(fileObj(f))) return -Errno.EFBIG;
  truncateTo(fileObj(f), length);
  return 0;
}

/**
 * fallocate (ksys_fallocate, vfs_fallocate; ext4_fallocate): the blocks of [offset, offset+len) are reserved (as
 * unwritten extents): no page enters the cache, no byte moves, nothing is written now. Mode 0 grows i_size to
 * offset+len; FALLOC_FL_KEEP_SIZE leaves it. The other modes (punch hole, zero range, collapse, insert) are not
 * modeled: EOPNOTSUPP here, and the native host does not run them.
 */
export function sys_fallocate(fd: i64, mode: i64, offset: i64, len: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  if (offset < 0 || len <= 0) return -Errno.EINVAL;
  if (mode & ~Flags.FALLOC_FL_KEEP_SIZE) return -Errno.EOPNOTSUPP;
  if (!fileWritable(f)) return -Errno.EBADF;                     // FMODE_WRITE
  const t = fileType(f);
  if (t == FT_PIPE_R || t == FT_PIPE_W) return -Errno.ESPIPE;    // S_ISFIFO
  if (t != FT_REG) return -Errno.ENODEV;                         // not S_ISREG: a socket, /dev/null
  const ino = fileObj(f);
  const end = offset + len;
  if (end < 0 || end > maxBytesOf(ino)) return -Errno.EFBIG;     // s_maxbytes, or wrapped
  if (!(mode & Flags.FALLOC_FL_KEEP_SIZE) && end > inoSizeOf(ino)) inoSetSize(ino, end);
  return 0;
}
