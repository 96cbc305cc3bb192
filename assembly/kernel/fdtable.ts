// The process's descriptor table: fd -> open file description. New descriptors take the lowest free number;
// 0, 1 and 2 are taken (stdin, stdout, stderr), so a program's first open() returns 3, as in a fresh process.
import { fileNew, fileRef } from "./file";

export const MAX_FDS: i32 = 1024;
const fdFile = new StaticArray<i32>(MAX_FDS);   // file id, -1 = free

export function fdReset(): void {
  for (let i = 0; i < MAX_FDS; i++) unchecked(fdFile[i] = -1);
}
/** Reserves fds 0..2 for `f` (a /dev/null description standing for the standard streams). */
export function fdStdio(f: i32): void { unchecked(fdFile[0] = f); unchecked(fdFile[1] = f); unchecked(fdFile[2] = f); }
export function fdAlloc(file: i32): i32 {
  for (let i = 0; i < MAX_FDS; i++) if (unchecked(fdFile[i]) < 0) { unchecked(fdFile[i] = file); return i; }
  return -1;
}
/** The file behind `fd`, or -1 (EBADF). */
export function fdGet(fd: i64): i32 {
  if (fd < 0 || fd >= MAX_FDS) return -1;
  return unchecked(fdFile[<i32>fd]);
}
export function fdClear(fd: i64): void { unchecked(fdFile[<i32>fd] = -1); }

/** A new open file of `type` on `obj` (alloc_file) installed at the lowest free descriptor (fd_install). */
export function openObject(type: i32, obj: i32, flags: i32): i64 {
  const f = fileNew(type, obj, flags);
  const fd = fdAlloc(f);
  fileRef(f);
  return fd;
}
