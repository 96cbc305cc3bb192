// GENERATED from src/scenario/abi.ts and src/scenario/calls.ts by scripts/gen-abi.mjs. Do not edit: edit the source and run npm run gen:abi.

export const COUNTER_COUNT: i32 = 48;
export const HEADER_WORDS: i32 = 10;
export const PROGRAM_MAGIC: i32 = 1514360881;
export const PROGRAM_VERSION: i32 = 1;
export const SO_EE_CODE_ZEROCOPY_COPIED: i32 = 1;

export namespace BufRec {
  export const NAME: i32 = 0;
  export const SIZE: i32 = 1;
  export const REG: i32 = 2;
  export const WORDS: i32 = 3;
}

export namespace Cache {
  export const warm: i32 = 0;
  export const cold: i32 = 1;
}

export namespace Call {
  export const open: i32 = 1;
  export const close: i32 = 2;
  export const read: i32 = 3;
  export const write: i32 = 4;
  export const pread64: i32 = 5;
  export const pwrite64: i32 = 6;
  export const lseek: i32 = 7;
  export const mmap: i32 = 8;
  export const munmap: i32 = 9;
  export const madvise: i32 = 10;
  export const fcntl: i32 = 11;
  export const pipe: i32 = 12;
  export const pipe2: i32 = 13;
  export const sendfile: i32 = 14;
  export const splice: i32 = 15;
  export const tee: i32 = 16;
  export const vmsplice: i32 = 17;
  export const copy_file_range: i32 = 18;
  export const setsockopt: i32 = 19;
  export const send: i32 = 20;
  export const recv_errqueue: i32 = 21;
  export const ftruncate: i32 = 22;
  export const fsync: i32 = 23;
  export const fdatasync: i32 = 24;
  export const posix_fadvise: i32 = 25;
  export const poll: i32 = 26;
  export const fallocate: i32 = 27;
  export const mem_read: i32 = 40;
  export const mem_write: i32 = 41;
  export const peer_read: i32 = 42;
}

export namespace CallInsn {
  export const OP: i32 = 0;
  export const CALL: i32 = 1;
  export const STEP: i32 = 2;
  export const NARGS: i32 = 3;
  export const RET0: i32 = 4;
  export const RET1: i32 = 5;
  export const RET2: i32 = 6;
  export const BRK: i32 = 7;
  export const ARGS: i32 = 8;
}

export namespace CopyWhat {
  export const TO_USER: i32 = 1;
  export const FROM_USER: i32 = 2;
  export const LINEARIZE: i32 = 3;
  export const PEER_TO_USER: i32 = 4;
  export const PAGE_TO_PAGE: i32 = 5;
}

export namespace Counter {
  export const SYSCALLS: i32 = 0;
  export const MODE_SWITCHES: i32 = 1;
  export const FAULTS_MINOR: i32 = 2;
  export const FAULTS_MAJOR: i32 = 3;
  export const CPU_COPY_OPS: i32 = 4;
  export const CPU_COPY_BYTES: i32 = 5;
  export const DMA_OPS: i32 = 6;
  export const DMA_BYTES: i32 = 7;
  export const IO_RCHAR: i32 = 8;
  export const IO_WCHAR: i32 = 9;
  export const IO_SYSCR: i32 = 10;
  export const IO_SYSCW: i32 = 11;
  export const IO_READ_BYTES: i32 = 12;
  export const IO_WRITE_BYTES: i32 = 13;
  export const DELIVERED_BYTES: i32 = 14;
  export const DELIVERED_BAD: i32 = 15;
  export const TP_PAGE_FAULT_USER: i32 = 16;
  export const TP_FILEMAP_ADD: i32 = 17;
  export const TP_BLOCK_RQ_ISSUE: i32 = 18;
  export const TP_NET_DEV_XMIT: i32 = 19;
  export const TP_SKB_COPY_DATAGRAM: i32 = 20;
  export const CSUM_BYTES: i32 = 21;
  export const PEER_COPY_OPS: i32 = 22;
  export const PEER_COPY_BYTES: i32 = 23;
  export const PEER_SYSCALLS: i32 = 24;
  export const NIC_DESCRIPTORS: i32 = 25;
  export const SKBS: i32 = 26;
  export const SKB_FRAG_BYTES: i32 = 27;
  export const SKB_LINEAR_BYTES: i32 = 28;
  export const PAGE_REFS: i32 = 29;
  export const PTES_SET: i32 = 30;
  export const PT_PAGES: i32 = 31;
  export const NVCSW: i32 = 32;
  export const NIVCSW: i32 = 33;
  export const TIME_NS: i32 = 34;
  export const USER_NS: i32 = 35;
  export const SYS_NS: i32 = 36;
  export const ZC_COMPLETIONS: i32 = 37;
  export const ZC_COPIED: i32 = 38;
  export const DISK_PAGES: i32 = 39;
  export const RESIDENT_PAGES: i32 = 40;
  export const FILE_PAGES: i32 = 41;
  export const SIGNALS: i32 = 42;
  export const DELIVERED_MODIFIED: i32 = 43;
  export const PEER_WAKEUPS: i32 = 44;
  export const COPY_COLD_SRC_BYTES: i32 = 45;
  export const COPY_COLD_DST_BYTES: i32 = 46;
}

export namespace Dev {
  export const DISK: i32 = 1;
  export const DMA_ENGINE: i32 = 2;
  export const NIC: i32 = 3;
  export const LOOPBACK: i32 = 4;
}

export namespace Errno {
  export const EPERM: i32 = 1;
  export const ENOENT: i32 = 2;
  export const EINTR: i32 = 4;
  export const EIO: i32 = 5;
  export const EBADF: i32 = 9;
  export const EAGAIN: i32 = 11;
  export const ENOMEM: i32 = 12;
  export const EACCES: i32 = 13;
  export const EFAULT: i32 = 14;
  export const EBUSY: i32 = 16;
  export const EEXIST: i32 = 17;
  export const EXDEV: i32 = 18;
  export const ENODEV: i32 = 19;
  export const EISDIR: i32 = 21;
  export const EINVAL: i32 = 22;
  export const ENFILE: i32 = 23;
  export const EMFILE: i32 = 24;
  export const EFBIG: i32 = 27;
  export const ENOSPC: i32 = 28;
  export const ESPIPE: i32 = 29;
  export const EPIPE: i32 = 32;
  export const ERANGE: i32 = 34;
  export const ENOSYS: i32 = 38;
  export const EOVERFLOW: i32 = 75;
  export const ENOTSOCK: i32 = 88;
  export const EOPNOTSUPP: i32 = 95;
  export const ECONNRESET: i32 = 104;
  export const ENOTCONN: i32 = 107;
  export const ETIMEDOUT: i32 = 110;
  export const ENOPROTOOPT: i32 = 92;
}

export namespace Ev {
  export const SYS_ENTER: i32 = 1;
  export const SYS_EXIT: i32 = 2;
  export const FAULT: i32 = 3;
  export const PTE_SET: i32 = 4;
  export const PT_ALLOC: i32 = 5;
  export const CPU_COPY: i32 = 6;
  export const DMA: i32 = 7;
  export const DESC_POST: i32 = 8;
  export const DESC_DONE: i32 = 9;
  export const CACHE_ADD: i32 = 10;
  export const PIPE_PUSH: i32 = 11;
  export const PIPE_POP: i32 = 12;
  export const SKB_ALLOC: i32 = 13;
  export const SKB_FRAG: i32 = 14;
  export const XMIT: i32 = 15;
  export const DELIVER: i32 = 16;
  export const CSUM: i32 = 17;
  export const PAGE_REF: i32 = 18;
  export const PAGE_FREE: i32 = 19;
  export const SIGNAL: i32 = 20;
  export const WAIT: i32 = 21;
  export const MODE_SWITCH: i32 = 22;
  export const BLOCK_RQ: i32 = 23;
  export const ZC_COMPLETE: i32 = 24;
  export const TRACE_CUT: i32 = 25;
  export const IO_ACCT: i32 = 26;
  export const PEER_CALL: i32 = 27;
  export const SETUP: i32 = 28;
  export const USER_OP: i32 = 29;
  export const PAGE_UNREF: i32 = 30;
  export const COST: i32 = 31;
  export const PEER_WAKE: i32 = 32;
  export const CACHE_MISS: i32 = 33;
}

export namespace FaultMode {
  export const USER: i32 = 0;
  export const GUP: i32 = 1;
  export const KERNEL: i32 = 2;
}

export namespace FileRec {
  export const NAME: i32 = 0;
  export const SIZE: i32 = 1;
  export const CACHE: i32 = 2;
  export const FILL: i32 = 3;
  export const FILL_CHUNK: i32 = 4;
  export const WORDS: i32 = 5;
}

export namespace Fill {
  export const write: i32 = 1;
  export const read: i32 = 2;
  export const none: i32 = 3;
}

export namespace Flags {
  export const O_RDONLY: i32 = 0;
  export const O_WRONLY: i32 = 1;
  export const O_RDWR: i32 = 2;
  export const O_CREAT: i32 = 64;
  export const O_EXCL: i32 = 128;
  export const O_TRUNC: i32 = 512;
  export const O_APPEND: i32 = 1024;
  export const O_NONBLOCK: i32 = 2048;
  export const O_DIRECT: i32 = 16384;
  export const O_CLOEXEC: i32 = 524288;
  export const PROT_NONE: i32 = 0;
  export const PROT_READ: i32 = 1;
  export const PROT_WRITE: i32 = 2;
  export const PROT_EXEC: i32 = 4;
  export const MAP_SHARED: i32 = 1;
  export const MAP_PRIVATE: i32 = 2;
  export const MAP_FIXED: i32 = 16;
  export const MAP_ANONYMOUS: i32 = 32;
  export const MAP_POPULATE: i32 = 32768;
  export const SPLICE_F_MOVE: i32 = 1;
  export const SPLICE_F_NONBLOCK: i32 = 2;
  export const SPLICE_F_MORE: i32 = 4;
  export const SPLICE_F_GIFT: i32 = 8;
  export const F_GETFL: i32 = 3;
  export const F_SETFL: i32 = 4;
  export const F_SETPIPE_SZ: i32 = 1031;
  export const F_GETPIPE_SZ: i32 = 1032;
  export const MSG_DONTWAIT: i32 = 64;
  export const MSG_MORE: i32 = 32768;
  export const MSG_ZEROCOPY: i32 = 67108864;
  export const MSG_ERRQUEUE: i32 = 8192;
  export const SOL_SOCKET: i32 = 1;
  export const SO_ZEROCOPY: i32 = 60;
  export const SO_SNDBUF: i32 = 7;
  export const SO_RCVBUF: i32 = 8;
  export const SEEK_SET: i32 = 0;
  export const SEEK_CUR: i32 = 1;
  export const SEEK_END: i32 = 2;
  export const MADV_NORMAL: i32 = 0;
  export const MADV_RANDOM: i32 = 1;
  export const MADV_SEQUENTIAL: i32 = 2;
  export const MADV_WILLNEED: i32 = 3;
  export const MADV_DONTNEED: i32 = 4;
  export const POSIX_FADV_NORMAL: i32 = 0;
  export const POSIX_FADV_RANDOM: i32 = 1;
  export const POSIX_FADV_SEQUENTIAL: i32 = 2;
  export const POSIX_FADV_WILLNEED: i32 = 3;
  export const POSIX_FADV_DONTNEED: i32 = 4;
  export const POSIX_FADV_NOREUSE: i32 = 5;
  export const POLLIN: i32 = 1;
  export const POLLPRI: i32 = 2;
  export const POLLOUT: i32 = 4;
  export const POLLERR: i32 = 8;
  export const POLLHUP: i32 = 16;
  export const FALLOC_FL_KEEP_SIZE: i32 = 1;
}

export namespace Header {
  export const MAGIC: i32 = 0;
  export const VERSION: i32 = 1;
  export const NREGS: i32 = 2;
  export const NKNOBS: i32 = 3;
  export const NSTRINGS: i32 = 4;
  export const NFILES: i32 = 5;
  export const NSINKS: i32 = 6;
  export const NBUFS: i32 = 7;
  export const NCODE: i32 = 8;
  export const NPOOL: i32 = 9;
}

export namespace Knob {
  export const PIPE_DEFAULT_BYTES: i32 = 1;
  export const PIPE_MAX_SIZE: i32 = 2;
  export const FAULT_AROUND_BYTES: i32 = 3;
  export const NIC_SG: i32 = 4;
  export const NIC_CSUM: i32 = 5;
  export const NIC_TX_RING: i32 = 6;
  export const READAHEAD_BYTES: i32 = 7;
  export const FOLIO_MAX_ORDER: i32 = 8;
  export const TCP_SNDBUF: i32 = 9;
  export const TCP_RCVBUF: i32 = 10;
  export const TCP_GSO_MAX: i32 = 11;
  export const PEER_BUF_BYTES: i32 = 12;
  export const TRACE: i32 = 13;
  export const TRACE_CAP: i32 = 14;
  export const STEP_BUDGET: i32 = 15;
  export const PEER_LAZY: i32 = 16;
  export const SKB_LINEAR_MAX: i32 = 17;
  export const COST_MODE_SWITCH_NS: i32 = 18;
  export const COST_COPY_PS_PER_BYTE: i32 = 19;
  export const COST_FAULT_NS: i32 = 20;
  export const COST_PAGECACHE_LOOKUP_NS: i32 = 21;
  export const COST_PTE_NS: i32 = 22;
  export const COST_DMA_PS_PER_BYTE: i32 = 23;
  export const COST_DISK_REQUEST_NS: i32 = 24;
  export const COST_DESC_NS: i32 = 25;
  export const COST_WAKEUP_NS: i32 = 26;
  export const COST_CSUM_PS_PER_BYTE: i32 = 27;
  export const COST_PAGE_REF_NS: i32 = 28;
  export const COST_PAGE_ALLOC_NS: i32 = 29;
  export const OTHER_FS_FILES: i32 = 30;
  export const COST_SKB_NS: i32 = 31;
  export const COST_PEER_COPY_PS_PER_BYTE: i32 = 32;
  export const COST_COPY_OP_NS: i32 = 33;
  export const COST_DIRTY_PAGE_NS: i32 = 34;
  export const BLOCK_MAX_REQUEST_BYTES: i32 = 35;
  export const COST_USER_ACCESS_PS_PER_BYTE: i32 = 36;
  export const COST_TRUNCATE_PAGE_NS: i32 = 37;
  export const PEER_WINDOW_BYTES: i32 = 38;
  export const TCP_WMEM_MAX: i32 = 39;
  export const TCP_RMEM_MAX: i32 = 40;
  export const MMAP_PLACEMENT_0: i32 = 41;
  export const MMAP_PLACEMENT_1: i32 = 42;
  export const MMAP_PLACEMENT_2: i32 = 43;
  export const MMAP_PLACEMENT_3: i32 = 44;
  export const COST_LINEARIZE_PS_PER_BYTE: i32 = 45;
  export const PEER_WINDOW_GROWTH_PCT: i32 = 46;
  export const COST_REMOTE_WAKEUP_NS: i32 = 47;
  export const COST_PEER_WAKE_LATENCY_NS: i32 = 48;
  export const PEER_POLL: i32 = 49;
  export const PEER_WAKE_JITTER_PCT: i32 = 50;
  export const TCP_CONGESTION: i32 = 51;
  export const COST_COPY_COLD_SRC_PS_PER_BYTE: i32 = 52;
  export const COST_COPY_COLD_DST_PS_PER_BYTE: i32 = 53;
  export const CPU_CACHE_BYTES: i32 = 54;
}

export namespace Op {
  export const CALL: i32 = 1;
  export const SET: i32 = 2;
  export const JZ: i32 = 3;
  export const JUMP: i32 = 4;
  export const HALT: i32 = 5;
}

export namespace Rpn {
  export const IMM: i32 = 0;
  export const REG: i32 = 1;
  export const ADD: i32 = 2;
  export const SUB: i32 = 3;
  export const MUL: i32 = 4;
  export const DIV: i32 = 5;
  export const MIN: i32 = 6;
  export const MAX: i32 = 7;
  export const LT: i32 = 8;
  export const LE: i32 = 9;
  export const GT: i32 = 10;
  export const GE: i32 = 11;
  export const EQ: i32 = 12;
  export const NE: i32 = 13;
  export const MOD: i32 = 14;
}

export namespace Sig {
  export const SIGBUS: i32 = 7;
  export const SIGSEGV: i32 = 11;
  export const SIGPIPE: i32 = 13;
  export const BUS_ADRERR: i32 = 2;
  export const SEGV_MAPERR: i32 = 1;
  export const SEGV_ACCERR: i32 = 2;
}

export namespace SinkKind {
  export const tcp: i32 = 1;
  export const file: i32 = 2;
  export const null_: i32 = 3;
  export const nic: i32 = 4;
}

export namespace SinkRec {
  export const NAME: i32 = 0;
  export const KIND: i32 = 1;
  export const REG: i32 = 2;
  export const EXPECT: i32 = 3;
  export const LAZY: i32 = 4;
  export const WORDS: i32 = 5;
}

export namespace Status {
  export const OK: i32 = 0;
  export const BAD_MAGIC: i32 = 1;
  export const BAD_VERSION: i32 = 2;
  export const BAD_PROGRAM: i32 = 3;
  export const BUDGET_EXCEEDED: i32 = 4;
  export const OUT_OF_MEMORY: i32 = 5;
  export const SETUP_FAILED: i32 = 6;
  export const PEER_FAILED: i32 = 7;
  export const DONE: i32 = 8;
  export const UNSUPPORTED: i32 = 9;
  export const TIMEOUT: i32 = 10;
}

export namespace Tag {
  export const IMM: i32 = 0;
  export const REG: i32 = 1;
  export const EXPR: i32 = 2;
  export const NULL: i32 = 3;
  export const STR: i32 = 4;
  export const REF: i32 = 5;
  export const IOV: i32 = 6;
}

export namespace Wait {
  export const DISK: i32 = 1;
  export const SOCKET: i32 = 2;
  export const PIPE: i32 = 3;
  export const BLOCKED: i32 = 4;
  export const POLL: i32 = 5;
}

/** The largest call id. */
export const CALL_MAX: i32 = 42;
/** Per call id: 1 when the call is a syscall (it enters the kernel: two mode switches). */
export const CALL_SYSCALL: StaticArray<u8> = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Per call id: the argument holding the descriptor the call moves its returned bytes to, -1 none. */
export const CALL_TO_ARG: StaticArray<i8> = [-1, -1, -1, -1, 0, -1, 0, -1, -1, -1, -1, -1, -1, -1, 0, 2, 1, -1, 2, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

/** The largest knob id. */
export const KNOB_MAX: i32 = 54;
/** Per knob id: its value when no program sets it. */
export const KNOB_DEFAULTS: StaticArray<i64> = [0, 65536, 1048576, 65536, 1, 1, 256, 131072, 9, 0, 0, 65536, 65536, 0, 1048576, 100000000, 0, 65536, 60, 30, 400, 15, 4, 250, 80000, 30, 3000, 120, 2, 60, 0, 1000, 100, 50, 300, 1310720, 100, 500, 0, 4194304, 6291456, -1, -1, -1, -1, 100, 0, 2000, 5000, 0, 50, 2, 80, 80, 2097152];
