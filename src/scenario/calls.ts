/**
 * Every call of the scenario format, described once. The compiler (how an argument is written, checked and encoded),
 * both engines (how many arguments, which are descriptors, buffers or offset pointers, whether the call is a syscall,
 * which descriptor its bytes go to) and the reports (strace's name, each argument's rendering) all read this table;
 * `npm run gen:abi` writes the engines' share of it into assembly/abi.ts and native-host/abi.h.
 *
 * To add a call: an entry here, its model in assembly/kernel/ and a line in assembly/program.ts's dispatch, and its
 * real call in native-host/program.c (docs/contributing.md).
 *
 * Argument order follows the man page (and the kernel's syscall). Pseudo-calls (`syscall: false`) are actions of the
 * program that are not syscalls: a load or a store through the process's page tables, or a wait on the peer.
 *
 *   kind    written as                      compiler operand     native host checks        strace shows
 *   fd      a bound name or a number        REG / IMM / EXPR     not one of its own (100+)  3
 *   sink    a sink's name                   REG                  (the call's own check)    3
 *   path    a file name in the sandbox      STR                  a name of the program's   "data"
 *   buf     an expression, or null          IMM / EXPR / NULL    with the `len` after it:   0x7f...
 *                                                               no byte of the host's
 *   addr    an expression, or null          IMM / EXPR / NULL    -                          0x7f...
 *   len     an expression                   IMM / EXPR           (with its buf)             4096
 *   num     an expression                   IMM / EXPR           -                          4096
 *   flags   macro names (OR'ed) or a number IMM                  -                          O_CREAT|O_TRUNC
 *   const   one macro name or a number      IMM                  -                          SEEK_SET
 *   loff    null, &variable or a value      NULL / REF           a loff_t pointer           [0 => 4096]
 *   iov     [{ iov_base, iov_len }...]      IOV                  each entry, as a buf       [{iov_base=...}]
 */

export type ArgKind = "fd" | "sink" | "path" | "buf" | "addr" | "len" | "num" | "flags" | "const" | "loff" | "iov";

export interface ArgSpec {
  kind: ArgKind;
  /** flags/const: the macro prefixes the argument takes ([]: a number only, no macro) */
  family?: readonly string[];
  /** the value when the argument is left out (absent: required; an argument named `flags` defaults to 0) */
  default?: number | null;
  /** the native host leaves the check of this descriptor to the call's own (mmap's fd is -1 with MAP_ANONYMOUS) */
  hostUnchecked?: true;
}

export interface CallSpec {
  id: number;
  syscall: boolean;
  args: Readonly<Record<string, ArgSpec>>;
  /** what the call returns: a descriptor, an address, or a number */
  ret?: "fd" | "ptr" | "num";
  /** the names `ret` may bind, in order (default: one, the return value); `retAll`: all of them must be given */
  rets?: readonly string[];
  retAll?: true;
  /** the argument naming the descriptor the call moves its returned byte count to (a sink's stream grows by it) */
  to?: string;
  /** the syscall's name as strace prints it for glibc's wrapper on x86_64 (default: the call's own) */
  strace?: string;
  /** one line for docs and tooltips */
  doc?: string;
}

/** Flag and constant values (Linux x86_64): the scenario writes the macro names, the compiler ORs the values; a
 *  flags or const argument takes those of its family. */
export const Flags = {
  O_RDONLY: 0, O_WRONLY: 0o1, O_RDWR: 0o2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000, O_DIRECT: 0o40000, O_CLOEXEC: 0o2000000,
  PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4,
  MAP_SHARED: 0x01, MAP_PRIVATE: 0x02, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_POPULATE: 0x8000,
  SPLICE_F_MOVE: 1, SPLICE_F_NONBLOCK: 2, SPLICE_F_MORE: 4, SPLICE_F_GIFT: 8,
  F_GETFL: 3, F_SETFL: 4, F_SETPIPE_SZ: 1031, F_GETPIPE_SZ: 1032,
  MSG_DONTWAIT: 0x40, MSG_MORE: 0x8000, MSG_ZEROCOPY: 0x4000000, MSG_ERRQUEUE: 0x2000,
  SOL_SOCKET: 1, SO_ZEROCOPY: 60, SO_SNDBUF: 7, SO_RCVBUF: 8,
  SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2,
  MADV_NORMAL: 0, MADV_RANDOM: 1, MADV_SEQUENTIAL: 2, MADV_WILLNEED: 3, MADV_DONTNEED: 4,
  POSIX_FADV_NORMAL: 0, POSIX_FADV_RANDOM: 1, POSIX_FADV_SEQUENTIAL: 2, POSIX_FADV_WILLNEED: 3,
  POSIX_FADV_DONTNEED: 4, POSIX_FADV_NOREUSE: 5,
  POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10,
  FALLOC_FL_KEEP_SIZE: 0x01,
} as const;

const fd = { kind: "fd" } as const;
const buf = { kind: "buf" } as const;
const len = { kind: "len" } as const;
const num = { kind: "num" } as const;
const loff = { kind: "loff", default: null } as const;
const flags = (family: readonly string[], def?: number) => ({ kind: "flags", family, ...(def === undefined ? {} : { default: def }) }) as const;
const konst = (family: readonly string[], def?: number) => ({ kind: "const", family, ...(def === undefined ? {} : { default: def }) }) as const;

export const CALLS = {
  open: { id: 1, syscall: true, args: { path: { kind: "path" }, flags: flags(["O_"]), mode: flags([], 0o644) }, ret: "fd", strace: "openat" },
  close: { id: 2, syscall: true, args: { fd } },
  read: { id: 3, syscall: true, args: { fd, buf, count: len } },
  write: { id: 4, syscall: true, args: { fd, buf, count: len }, to: "fd" },
  pread64: { id: 5, syscall: true, args: { fd, buf, count: len, offset: num } },
  pwrite64: { id: 6, syscall: true, args: { fd, buf, count: len, offset: num }, to: "fd" },
  lseek: { id: 7, syscall: true, args: { fd, offset: num, whence: konst(["SEEK_"]) } },
  mmap: {
    id: 8, syscall: true, ret: "ptr",
    args: { addr: { kind: "addr", default: null }, length: num, prot: flags(["PROT_"]), flags: flags(["MAP_"]), fd: { kind: "fd", hostUnchecked: true }, offset: { kind: "num", default: 0 } },
  },
  munmap: { id: 9, syscall: true, args: { addr: { kind: "addr" }, length: num } },
  madvise: { id: 10, syscall: true, args: { addr: { kind: "addr" }, length: num, advice: konst(["MADV_"], 0) } },
  fcntl: { id: 11, syscall: true, args: { fd, cmd: konst(["F_"]), arg: { kind: "num", default: 0 } } },
  pipe: { id: 12, syscall: true, args: {}, ret: "fd", rets: ["read end", "write end"], retAll: true, strace: "pipe2" },
  pipe2: { id: 13, syscall: true, args: { flags: flags(["O_"], 0) }, ret: "fd", rets: ["read end", "write end"], retAll: true },
  sendfile: { id: 14, syscall: true, args: { out_fd: fd, in_fd: fd, offset: loff, count: num }, to: "out_fd" },
  splice: {
    id: 15, syscall: true, to: "fd_out",
    args: { fd_in: fd, off_in: loff, fd_out: fd, off_out: loff, len: num, flags: flags(["SPLICE_F_"], 0) },
  },
  tee: { id: 16, syscall: true, args: { fd_in: fd, fd_out: fd, len: num, flags: flags(["SPLICE_F_"], 0) }, to: "fd_out" },
  vmsplice: { id: 17, syscall: true, args: { fd, iov: { kind: "iov" }, flags: flags(["SPLICE_F_"], 0) } },
  copy_file_range: {
    id: 18, syscall: true, to: "fd_out",
    args: { fd_in: fd, off_in: loff, fd_out: fd, off_out: loff, len: num, flags: flags([], 0) },
  },
  setsockopt: { id: 19, syscall: true, args: { sockfd: fd, level: konst(["SOL_"]), optname: konst(["SO_"]), optval: num } },
  send: { id: 20, syscall: true, args: { sockfd: fd, buf, len, flags: flags(["MSG_"], 0) }, to: "sockfd", strace: "sendto" },
  recv_errqueue: {
    id: 21, syscall: true, args: { sockfd: fd }, rets: ["ee_info", "ee_data", "ee_code"], strace: "recvmsg",
    doc: "recvmsg(sockfd, msg, MSG_ERRQUEUE): reads one MSG_ZEROCOPY completion; returns 0 and sets the registers bound by ret to [ee_info (lo), ee_data (hi), ee_code]",
  },
  ftruncate: { id: 22, syscall: true, args: { fd, length: num } },
  fsync: { id: 23, syscall: true, args: { fd } },
  fdatasync: { id: 24, syscall: true, args: { fd } },
  posix_fadvise: {
    id: 25, syscall: true, strace: "fadvise64",
    args: { fd, offset: { kind: "num", default: 0 }, len: { kind: "num", default: 0 }, advice: konst(["POSIX_FADV_"]) },
  },
  poll: {
    id: 26, syscall: true, args: { fd, events: flags(["POLL"]), timeout: num },
    doc: "poll(2) on one descriptor: returns 1 when it is ready (revents has one of `events`, or POLLERR/POLLHUP, which poll always reports), 0 when `timeout` (ms) ran out. MSG_ZEROCOPY waits for completions this way",
  },
  fallocate: {
    id: 27, syscall: true, args: { fd, mode: flags(["FALLOC_FL_"], 0), offset: num, len: num },
    doc: "fallocate(2): reserves the file's blocks for [offset, offset+len); mode 0 grows the file to offset+len, FALLOC_FL_KEEP_SIZE does not (other modes: not modeled, not run natively)",
  },
  mem_read: {
    id: 40, syscall: false, args: { addr: { kind: "addr" }, len: num },
    doc: "load `len` bytes at `addr` through the page tables (faults happen here); returns len, or -1 and the signal",
  },
  mem_write: {
    id: 41, syscall: false, args: { addr: { kind: "addr" }, len: num },
    doc: "store `len` bytes at `addr`; the bytes take a new version (the page-sharing hazard)",
  },
  peer_read: {
    id: 42, syscall: false, args: { sink: { kind: "sink" } },
    doc: "let the sink's peer read what is queued for it now (peer: \"lazy\" holds it back until then)",
  },
} as const satisfies Record<string, CallSpec>;
