// The process's descriptor table: fd -> open file description. New descriptors take the lowest free number;
// 0, 1 and 2 are taken (stdin, stdout, stderr), so a program's first open() returns 3, as in a fresh process.
export const MAX_FDS: i32 = 1024;
const fdFile = new StaticArray<i32>(MAX_FDS);   // file id, -1 = free

export function fdReset(): void {
  for (let i = 0; i < MAX_FDS; i++) fdFile[i] = -1;
}
/** Reserves fds 0..2 for `f` (a /dev/null description standing for the standard streams). */
export function fdStdio(f: i32): void { fdFile[0] = f; fdFile[1] = f; fdFile[2] = f; }
export function fdAlloc(file: i32): i32 {
  for (let i = 0; i < MAX_FDS; i++) if (fdFile[i] < 0) { fdFile[i] = file; return i; }
  return -1;
}
/** The file behind `fd`, or -1 (EBADF). */
export function fdGet(fd: i64): i32 {
  if (fd < 0 || fd >= MAX_FDS) return -1;
  return fdFile[<i32>fd];
}
export function fdClear(fd: i64): void { fdFile[<i32>fd] = -1; }
