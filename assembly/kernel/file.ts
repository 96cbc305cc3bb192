// Open file descriptions (struct file): what an fd refers to, its position, flags and readahead state.
import { Flags } from "../abi";
import { Ra } from "../mm/pagecache";

export const MAX_FILES: i32 = 256;
export const FT_REG: i32 = 1;      // a regular file (obj: inode)
export const FT_NULL: i32 = 2;     // /dev/null (obj: inode)
export const FT_PIPE_R: i32 = 3;   // a pipe's read end (obj: pipe)
export const FT_PIPE_W: i32 = 4;   // a pipe's write end (obj: pipe)
export const FT_SOCK: i32 = 5;     // a connected TCP socket (obj: socket)

const fType = new StaticArray<i32>(MAX_FILES);   // FT_*, 0 = free
const fObj = new StaticArray<i32>(MAX_FILES);    // inode, pipe or socket id
const fPos = new StaticArray<i64>(MAX_FILES);    // f_pos
const fFlags = new StaticArray<i32>(MAX_FILES);  // f_flags (O_ACCMODE, O_APPEND, O_NONBLOCK...)
const fRefs = new StaticArray<i32>(MAX_FILES);   // descriptors referring to it
const fRa = new Array<Ra>(MAX_FILES);             // file_ra_state

export function filesReset(): void {
  for (let i = 0; i < MAX_FILES; i++) { unchecked(fType[i] = 0); unchecked(fRefs[i] = 0); }
}

export function fileNew(type: i32, obj: i32, flags: i32): i32 {
  for (let i = 0; i < MAX_FILES; i++) {
    if (unchecked(fType[i]) != 0) continue;
    unchecked(fType[i] = type); unchecked(fObj[i] = obj); unchecked(fPos[i] = 0); unchecked(fFlags[i] = flags); unchecked(fRefs[i] = 0);
    fRa[i] = new Ra();
    return i;
  }
  return -1;
}
@inline export function fileType(f: i32): i32 { return unchecked(fType[f]); }
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
