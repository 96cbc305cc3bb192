// Open file descriptions (struct file, fs/file_table.c) and their operations (struct file_operations,
// include/linux/fs.h): what an fd refers to, its position, flags, readahead state, and the table of functions the
// system calls go through. Each kind of file provides its table (regfile.ts, null.ts, pipe.ts, sockfs.ts) and
// registers it at start-up; a call dispatches through f_op as Linux does (fs/read_write.c: file->f_op->read_iter):
//
//   fd --fdtable--> file f --fOps[f]--> FileOperations { read, write, llseek, poll, splice_read, splice_write,
//                     |                                  splice_eof, mmap, fsync, release }
//                     `- fObj[f]: the inode, pipe or socket the operations act on
//
// A missing operation (null) means what the caller says it means, as in Linux: no llseek is ESPIPE, no poll is
// the default mask, no splice_read or splice_write is EINVAL.
import { Flags } from "../abi";
import { Ra } from "../mm/pagecache";

export const MAX_FILES: i32 = 256;
export const FT_REG: i32 = 1;      // a regular file (obj: inode)
export const FT_NULL: i32 = 2;     // /dev/null (obj: inode)
export const FT_PIPE_R: i32 = 3;   // a pipe's read end (obj: pipe)
export const FT_PIPE_W: i32 = 4;   // a pipe's write end (obj: pipe)
export const FT_SOCK: i32 = 5;     // a connected TCP socket (obj: socket)
const FT_COUNT: i32 = 6;

/**
 * The position an operation starts at and leaves at its end: the kiocb's ki_pos (and IOCB_APPEND) of read_iter and
 * write_iter, the loff_t *ppos of splice_read and splice_write. An operation moves it only by what it moved.
 */
export class Kiocb {
  pos: i64 = 0;
  append: bool = false;
}

/** read_iter, write_iter: (file, user buffer, count, position) -> bytes moved or -errno */
export type RwFn = (f: i32, buf: i64, cnt: i64, pos: Kiocb) => i64;
/** splice_read: (file, position, pipe, len) -> bytes put in the pipe or -errno */
export type SpliceReadFn = (f: i32, pos: Kiocb, pipe: i32, len: i64) => i64;
/** splice_write: (pipe, file, position, len, more to come) -> bytes taken from the pipe or -errno */
export type SpliceWriteFn = (pipe: i32, f: i32, pos: Kiocb, len: i64, more: bool) => i64;
/** llseek: (file, offset, whence) -> the new position or -errno */
export type LlseekFn = (f: i32, off: i64, whence: i64) => i64;
/** poll: the file's POLL* mask now */
export type PollFn = (f: i32) => i64;
/** mmap: the inode the mapping's pages come from, or -1 */
export type MmapFn = (f: i32) => i32;
/** fsync, splice_eof, release: (file) */
export type FileFn = (f: i32) => void;

export class FileOperations {
  /** FMODE_STREAM (stream_open): no position; pread, pwrite and explicit offsets are ESPIPE */
  stream: bool = false;
  read: RwFn | null = null;
  write: RwFn | null = null;
  llseek: LlseekFn | null = null;
  poll: PollFn | null = null;
  splice_read: SpliceReadFn | null = null;
  splice_write: SpliceWriteFn | null = null;
  /** the splice source is exhausted: push what is held back (sock_splice_eof) */
  splice_eof: FileFn | null = null;
  mmap: MmapFn | null = null;
  fsync: FileFn | null = null;
  /** the last reference went (fput -> __fput -> f_op->release) */
  release: FileFn | null = null;
}

/** The operations each kind of file opens with (inode->i_fop), registered by the file kinds at start-up. */
const opsOfType = new StaticArray<FileOperations | null>(FT_COUNT);
export function registerFops(type: i32, ops: FileOperations): void { unchecked(opsOfType[type] = ops); }
/** An empty table (a file kind that has not registered: every call on it fails as it would without f_op). */
const noOps = new FileOperations();

const fType = new StaticArray<i32>(MAX_FILES);   // FT_*, 0 = free
const fObj = new StaticArray<i32>(MAX_FILES);    // inode, pipe or socket id
const fPos = new StaticArray<i64>(MAX_FILES);    // f_pos
const fFlags = new StaticArray<i32>(MAX_FILES);  // f_flags (O_ACCMODE, O_APPEND, O_NONBLOCK...)
const fRefs = new StaticArray<i32>(MAX_FILES);   // descriptors referring to it
const fRa = new Array<Ra>(MAX_FILES);             // file_ra_state
const fOps = new StaticArray<FileOperations>(MAX_FILES);   // f_op

export function filesReset(): void {
  for (let i = 0; i < MAX_FILES; i++) { unchecked(fType[i] = 0); unchecked(fRefs[i] = 0); }
}

export function fileNew(type: i32, obj: i32, flags: i32): i32 {
  for (let i = 0; i < MAX_FILES; i++) {
    if (unchecked(fType[i]) != 0) continue;
    unchecked(fType[i] = type); unchecked(fObj[i] = obj); unchecked(fPos[i] = 0); unchecked(fFlags[i] = flags); unchecked(fRefs[i] = 0);
    const ops = unchecked(opsOfType[type]);
    unchecked(fOps[i] = ops != null ? ops : noOps);
    fRa[i] = new Ra();
    return i;
  }
  return -1;
}
@inline export function fileType(f: i32): i32 { return unchecked(fType[f]); }
@inline export function fileOps(f: i32): FileOperations { return unchecked(fOps[f]); }
@inline export function fileObj(f: i32): i32 { return unchecked(fObj[f]); }
@inline export function filePos(f: i32): i64 { return unchecked(fPos[f]); }
@inline export function fileSetPos(f: i32, p: i64): void { unchecked(fPos[f] = p); }
@inline export function fileFlags(f: i32): i32 { return unchecked(fFlags[f]); }
@inline export function fileSetFlags(f: i32, v: i32): void { unchecked(fFlags[f] = v); }
@inline export function fileRa(f: i32): Ra { return fRa[f]; }
export function fileRef(f: i32): void { unchecked(fRefs[f] = unchecked(fRefs[f]) + 1); }
/** Drops a descriptor's reference; true when it was the last (the caller releases the object). */
export function fileUnref(f: i32): bool {
  unchecked(fRefs[f] = unchecked(fRefs[f]) - 1);
  if (unchecked(fRefs[f]) > 0) return false;
  unchecked(fType[f] = 0);
  return true;
}
export function fileReadable(f: i32): bool {
  const m = unchecked(fFlags[f]) & 3;
  return m == Flags.O_RDONLY || m == Flags.O_RDWR;
}
export function fileWritable(f: i32): bool {
  const m = unchecked(fFlags[f]) & 3;
  return m == Flags.O_WRONLY || m == Flags.O_RDWR;
}
