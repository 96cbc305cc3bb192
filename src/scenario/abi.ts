/**
 * The one source of every number shared by the compiler, the wasm model and the native host.
 *
 * `npm run gen:abi` writes `assembly/abi.ts` (AssemblyScript) and `native-host/abi.h` (C) from this file;
 * a test checks the generated files are current. Never edit those two by hand.
 *
 * The compiled program format these numbers build is described in docs/program-format.md.
 */

/** "ZCP1": the first word of every compiled program. */
export const PROGRAM_MAGIC = 0x5a435031;
export const PROGRAM_VERSION = 1;
/** Words in the program header (each word is a little-endian int64). */
export const HEADER_WORDS = 10;

/** Instruction opcodes of the code section. */
export const Op = {
  /** [CALL, call, step, nargs, ret0, ret1, brk_pc, (tag,val) x nargs] */
  CALL: 1,
  /** [SET, reg, tag, val]                       reg = operand */
  SET: 2,
  /** [JZ, tag, val, target_pc]                  if operand == 0 goto target */
  JZ: 3,
  /** [JUMP, target_pc] */
  JUMP: 4,
  /** [HALT] end of program (always the last instruction) */
  HALT: 5,
} as const;

/** Operand tags: every call argument is a (tag, value) pair. */
export const Tag = {
  /** value is the number itself */
  IMM: 0,
  /** value is a register index; the operand is the register's content */
  REG: 1,
  /** value is a word offset into the expression pool (RPN, see Rpn) */
  EXPR: 2,
  /** a NULL pointer (off_in: null) */
  NULL: 3,
  /** value is a string index (a path) */
  STR: 4,
  /** value is a register index; the engine passes a pointer to a loff_t holding the register and writes the
   *  updated offset back into the register after the call (off_in: "&pos") */
  REF: 5,
  /** value is a word offset into the expression pool where an iovec array starts: [n, (tag,val base, tag,val len) x n] */
  IOV: 6,
} as const;

/** Expression pool items, RPN, each item two words [rpn_op, value]. An expression starts with a word giving its
 *  item count. Arithmetic is int64; DIV by zero yields 0 (the compiler refuses constant division by zero). */
export const Rpn = {
  IMM: 0, REG: 1, ADD: 2, SUB: 3, MUL: 4, DIV: 5, MIN: 6, MAX: 7, LT: 8, LE: 9, GT: 10, GE: 11, EQ: 12, NE: 13, MOD: 14,
} as const;

/**
 * Calls. Argument order follows the man page (and the kernel's syscall); `args` lists the names the scenario
 * format uses. Pseudo-calls (`syscall: false`) are actions of the program that are not syscalls: a load or a store
 * through the process's page tables, or a wait on the peer.
 */
export const Call = {
  open:            { id: 1,  syscall: true,  args: ["path", "flags", "mode"] },
  close:           { id: 2,  syscall: true,  args: ["fd"] },
  read:            { id: 3,  syscall: true,  args: ["fd", "buf", "count"] },
  write:           { id: 4,  syscall: true,  args: ["fd", "buf", "count"] },
  pread64:         { id: 5,  syscall: true,  args: ["fd", "buf", "count", "offset"] },
  pwrite64:        { id: 6,  syscall: true,  args: ["fd", "buf", "count", "offset"] },
  lseek:           { id: 7,  syscall: true,  args: ["fd", "offset", "whence"] },
  mmap:            { id: 8,  syscall: true,  args: ["addr", "length", "prot", "flags", "fd", "offset"] },
  munmap:          { id: 9,  syscall: true,  args: ["addr", "length"] },
  madvise:         { id: 10, syscall: true,  args: ["addr", "length", "advice"] },
  fcntl:           { id: 11, syscall: true,  args: ["fd", "cmd", "arg"] },
  pipe:            { id: 12, syscall: true,  args: [] },
  pipe2:           { id: 13, syscall: true,  args: ["flags"] },
  sendfile:        { id: 14, syscall: true,  args: ["out_fd", "in_fd", "offset", "count"] },
  splice:          { id: 15, syscall: true,  args: ["fd_in", "off_in", "fd_out", "off_out", "len", "flags"] },
  tee:             { id: 16, syscall: true,  args: ["fd_in", "fd_out", "len", "flags"] },
  vmsplice:        { id: 17, syscall: true,  args: ["fd", "iov", "flags"] },
  copy_file_range: { id: 18, syscall: true,  args: ["fd_in", "off_in", "fd_out", "off_out", "len", "flags"] },
  setsockopt:      { id: 19, syscall: true,  args: ["sockfd", "level", "optname", "optval"] },
  send:            { id: 20, syscall: true,  args: ["sockfd", "buf", "len", "flags"] },
  /** recvmsg(sockfd, msg, MSG_ERRQUEUE): reads one MSG_ZEROCOPY completion; returns 0 and sets the registers
   *  bound by ret to [ee_info (lo), ee_data (hi), ee_code] */
  recv_errqueue:   { id: 21, syscall: true,  args: ["sockfd"] },
  ftruncate:       { id: 22, syscall: true,  args: ["fd", "length"] },
  fsync:           { id: 23, syscall: true,  args: ["fd"] },
  fdatasync:       { id: 24, syscall: true,  args: ["fd"] },
  posix_fadvise:   { id: 25, syscall: true,  args: ["fd", "offset", "len", "advice"] },
  /** poll(2) on one descriptor: returns 1 when it is ready (revents has one of `events`, or POLLERR/POLLHUP,
   *  which poll always reports), 0 when `timeout` (ms) ran out. MSG_ZEROCOPY waits for completions this way. */
  poll:            { id: 26, syscall: true,  args: ["fd", "events", "timeout"] },
  /** load `len` bytes at `addr` through the page tables (faults happen here); returns len, or -1 and the signal */
  mem_read:        { id: 40, syscall: false, args: ["addr", "len"] },
  /** store `len` bytes at `addr`; the bytes take a new version (the page-sharing hazard) */
  mem_write:       { id: 41, syscall: false, args: ["addr", "len"] },
  /** let the sink's peer read what is queued for it now (peer: "lazy" holds it back until then) */
  peer_read:       { id: 42, syscall: false, args: ["sink"] },
} as const;
export type CallName = keyof typeof Call;

/** Sink kinds (setup.sinks.*.kind). `nic` exists in the model only. */
export const SinkKind = { tcp: 1, file: 2, null: 3, nic: 4 } as const;
/** How a warm file was brought into the page cache (setup.files.*.fill). */
export const Fill = { write: 1, read: 2, none: 3 } as const;
export const Cache = { warm: 0, cold: 1 } as const;

/**
 * Machine knobs: [id, value] pairs in the program's knob section. An engine that cannot apply a knob ignores
 * it (the native host cannot change the kernel's fault-around) and says so in its result.
 */
export const Knob = {
  /** default pipe capacity in bytes (16 slots of 4 KiB) */
  PIPE_DEFAULT_BYTES: 1,
  /** /proc/sys/fs/pipe-max-size: the F_SETPIPE_SZ limit for an unprivileged caller */
  PIPE_MAX_SIZE: 2,
  /** fault_around_bytes (64 KiB) */
  FAULT_AROUND_BYTES: 3,
  /** NIC scatter-gather (NETIF_F_SG), 0 or 1 */
  NIC_SG: 4,
  /** NIC checksum offload (NETIF_F_HW_CSUM), 0 or 1 */
  NIC_CSUM: 5,
  /** NIC TX ring size in descriptors */
  NIC_TX_RING: 6,
  /** readahead window maximum in bytes (the block device's read_ahead_kb) */
  READAHEAD_BYTES: 7,
  /** largest page-cache folio order the filesystem allows */
  FOLIO_MAX_ORDER: 8,
  /** TCP send buffer (sk_sndbuf) in bytes */
  TCP_SNDBUF: 9,
  /** TCP receive buffer of the peer in bytes */
  TCP_RCVBUF: 10,
  /** largest skb payload the loopback/NIC path builds (GSO size) */
  TCP_GSO_MAX: 11,
  /** the peer's read buffer in bytes */
  PEER_BUF_BYTES: 12,
  /** 1: keep the event trace, 0: counters only */
  TRACE: 13,
  /** maximum events kept in the trace (the cap; the trace records that it was cut) */
  TRACE_CAP: 14,
  /** maximum instructions a program may execute before it is stopped with an error (no endless loops) */
  STEP_BUDGET: 15,
  /** peer mode: 0 eager (reads as data arrives), 1 lazy (reads only at peer_read or close) */
  PEER_LAZY: 16,
  /** size of a linear skb head the socket layer allocates for copied data (bytes) */
  SKB_LINEAR_MAX: 17,
  /* The model's cost model (TIME_NS): per-action costs, set by calibration. Picoseconds where marked _PS. */
  /** one user<->kernel transition (a syscall costs two) */
  COST_MODE_SWITCH_NS: 18,
  /** CPU copy, per byte, in picoseconds */
  COST_COPY_PS_PER_BYTE: 19,
  /** entering and leaving the page-fault handler */
  COST_FAULT_NS: 20,
  /** one page-cache lookup (xarray walk) */
  COST_PAGECACHE_LOOKUP_NS: 21,
  /** setting one page table entry */
  COST_PTE_NS: 22,
  /** device DMA, per byte, in picoseconds (its bandwidth) */
  COST_DMA_PS_PER_BYTE: 23,
  /** one block request's latency at the disk */
  COST_DISK_REQUEST_NS: 24,
  /** posting one NIC descriptor (and its doorbell share) */
  COST_DESC_NS: 25,
  /** a sleep and wake-up (pipe full, socket buffer full, disk wait) */
  COST_WAKEUP_NS: 26,
  /** CPU checksum, per byte, in picoseconds */
  COST_CSUM_PS_PER_BYTE: 27,
  /** taking or dropping one page reference */
  COST_PAGE_REF_NS: 28,
  /** allocating a page (a page-cache folio page, a page table, a kernel buffer) */
  COST_PAGE_ALLOC_NS: 29,
  /** bitmask of setup file ids made on a second filesystem (copy_file_range between the two: EXDEV). Natively a
   *  tmpfs in the sandbox, in the host's own mount namespace (root only; otherwise the host answers UNSUPPORTED) */
  OTHER_FS_FILES: 30,
  /* More of the cost model (issue 7, calibration): actions whose cost the knobs above did not carry. */
  /** one skb built, handed to the device and, on loopback, received (TCP/IP headers, xmit, the receive softirq) */
  COST_SKB_NS: 31,
  /** the loopback peer's copy to its buffer, per byte, in picoseconds (the sender waits for it once its socket
   *  buffer is full) */
  COST_PEER_COPY_PS_PER_BYTE: 32,
  /** the fixed part of one CPU copy operation (setup, the user-access checks): small copies cost more per byte */
  COST_COPY_OP_NS: 33,
  /** one page of a regular file turning dirty (write_begin/write_end, block reservation), per 4 KiB */
  COST_DIRTY_PAGE_NS: 34,
  /** the block device's max_sectors_kb in bytes: the block layer splits a larger read into requests of this size
   *  (Linux's default cap 1280 KiB; a virtio disk often says 4096 KiB) */
  BLOCK_MAX_REQUEST_BYTES: 35,
  /** the program's own loads and stores through its mappings (mem_read/mem_write), per byte, in picoseconds */
  COST_USER_ACCESS_PS_PER_BYTE: 36,
  /** one page leaving the page cache on a truncate (truncate_inode_pages, the filesystem freeing its block) */
  COST_TRUNCATE_PAGE_NS: 37,
  /** retired (read and ignored): the fitted window the loopback peer's clock replaced (assembly/kernel/socket.ts,
   *  "Two CPUs, two clocks"). Kept so that older programs and profiles that set it still load */
  PEER_WINDOW_BYTES: 38,
  /** tcp_wmem[2]: the ceiling the kernel autotunes a sender's socket buffer to (TCP_SNDBUF 0). Read, never set */
  TCP_WMEM_MAX: 39,
  /** tcp_rmem[2]: the ceiling the kernel autotunes a receiver's socket buffer to (TCP_RCVBUF 0). Read, never set */
  TCP_RMEM_MAX: 40,
  /** where the k-th mmap(NULL, ...) of the program lands: its address's offset within 2 MiB (ASLR picks it in the
   *  kernel; measured natively and given to the model), -1: the model's own choice */
  MMAP_PLACEMENT_0: 41,
  MMAP_PLACEMENT_1: 42,
  MMAP_PLACEMENT_2: 43,
  MMAP_PLACEMENT_3: 44,
  /** a kernel copy of page fragments into an skb's own pages, per byte, in picoseconds: skb_orphan_frags_rx for a
   *  loopback receiver of MSG_ZEROCOPY pages, linearizing for a device without scatter-gather (fresh pages, data
   *  copied cold: dearer than a copy into a small, cache-hot user buffer) */
  COST_LINEARIZE_PS_PER_BYTE: 45,
  /** retired (read and ignored), with PEER_WINDOW_BYTES */
  PEER_WINDOW_GROWTH_PCT: 46,
  /** waking the loopback peer from the sender's CPU (try_to_wake_up and the inter-processor interrupt, dear in a
   *  virtual machine): an skb arrives while the peer sleeps in recv, its clock behind the skb's arrival */
  COST_REMOTE_WAKEUP_NS: 47,
  /** from that wake-up until the peer runs on its CPU (the interrupt's delivery, a context switch): skbs arriving
   *  meanwhile find it already woken. On the peer's clock, not the sender's; calibration chooses it by search */
  COST_PEER_WAKE_LATENCY_NS: 48,
  /** 1: the loopback peer polls (recv with MSG_DONTWAIT in a loop) instead of sleeping in recv: it is never woken,
   *  and sees each skb as it arrives. Calibration's control for what the wake-ups cost the sender */
  PEER_POLL: 49,
  /** how much one wake-up's latency varies around COST_PEER_WAKE_LATENCY_NS, in per cent: each is drawn evenly
   *  from latency * (1 +- pct/100) by the run's own seeded generator (reproducible). perf sched here: 9, 14 and
   *  22 us at the 10th, 50th and 90th percentile. Without the spread every wake-up is alike, and the peer either
   *  sleeps between every two sends or never */
  PEER_WAKE_JITTER_PCT: 50,
  /** the TCP congestion control of the sink's connection (TCP_CONGESTION, both ends): 0 the system's default
   *  (net.ipv4.tcp_congestion_control; the native host reports which), 1 reno, 2 cubic, 3 bbr. BBR paces every
   *  skb by its departure time (sk_pacing_status SK_PACING_NEEDED on a qdisc-less loopback: TCP's own hrtimer);
   *  reno and cubic do not pace there */
  TCP_CONGESTION: 51,
  /** what a CPU copy costs more per byte, in picoseconds, when its source is not in the copying CPU's cache (not
   *  touched by it within its last CPU_CACHE_BYTES of misses: assembly/mm/cache.ts): a page-cache page last
   *  written long ago, or by the other CPU. COST_COPY_PS_PER_BYTE is then the copy between cached lines */
  COST_COPY_COLD_SRC_PS_PER_BYTE: 52,
  /** the same for a copy's destination: a fresh skb or pipe page, a buffer the other CPU used last */
  COST_COPY_COLD_DST_PS_PER_BYTE: 53,
  /** the cache each CPU keeps what it touched in, in bytes (its private L2: /sys/devices/system/cpu/cpuN/cache,
   *  the level-2 unified cache; the native host reports it) */
  CPU_CACHE_BYTES: 54,
  /** where the first setup file's blocks jump on the disk: the k-th file offset (bytes) whose block does not follow
   *  the previous one's (FIEMAP, measured natively after setup and given to the model; the filesystem's free space
   *  decides it), -1: none. A read's bio ends there (ext4_mpage_readpages), so the block request does too */
  DISK_BREAK_0: 55,
  DISK_BREAK_1: 56,
  DISK_BREAK_2: 57,
  DISK_BREAK_3: 58,
} as const;

/**
 * Counters: the index of each counter in the engines' counter array (int64 each). The model increments them as it
 * acts; the native host fills the ones it measures. The result JSON is built from these by src/ (see result.ts).
 */
export const Counter = {
  SYSCALLS: 0,
  MODE_SWITCHES: 1,
  FAULTS_MINOR: 2,
  FAULTS_MAJOR: 3,
  CPU_COPY_OPS: 4,
  CPU_COPY_BYTES: 5,
  DMA_OPS: 6,
  DMA_BYTES: 7,
  IO_RCHAR: 8,
  IO_WCHAR: 9,
  IO_SYSCR: 10,
  IO_SYSCW: 11,
  IO_READ_BYTES: 12,
  IO_WRITE_BYTES: 13,
  DELIVERED_BYTES: 14,
  DELIVERED_BAD: 15,
  /** page faults as the tracepoint exceptions:page_fault_user sees them (MAP_POPULATE's are not among them) */
  TP_PAGE_FAULT_USER: 16,
  /** filemap:mm_filemap_add_to_page_cache: folios added to the page cache */
  TP_FILEMAP_ADD: 17,
  /** block:block_rq_issue: block requests issued to the disk */
  TP_BLOCK_RQ_ISSUE: 18,
  /** net:net_dev_start_xmit: skbs handed to a device (loopback or NIC) */
  TP_NET_DEV_XMIT: 19,
  /** skb:skb_copy_datagram_iovec: receive-side copies of skb data to a user iovec (the peer's) */
  TP_SKB_COPY_DATAGRAM: 20,
  /** bytes the CPU read to compute checksums (no checksum offload) */
  CSUM_BYTES: 21,
  PEER_COPY_OPS: 22,
  PEER_COPY_BYTES: 23,
  PEER_SYSCALLS: 24,
  /** NIC TX descriptors posted */
  NIC_DESCRIPTORS: 25,
  /** skbs built by the socket layer */
  SKBS: 26,
  /** bytes carried in skb page frags (by reference) */
  SKB_FRAG_BYTES: 27,
  /** bytes carried in skb linear parts (copied) */
  SKB_LINEAR_BYTES: 28,
  /** page references taken (get_page) by pipes, skbs and mappings */
  PAGE_REFS: 29,
  /** page table entries set */
  PTES_SET: 30,
  /** page table pages allocated (PUD, PMD and PTE levels) */
  PT_PAGES: 31,
  /** voluntary context switches (the process slept: pipe full, socket buffer full, disk wait) */
  NVCSW: 32,
  NIVCSW: 33,
  /** predicted (sim) or measured (native) nanoseconds of the transfer phase */
  TIME_NS: 34,
  USER_NS: 35,
  SYS_NS: 36,
  /** MSG_ZEROCOPY completions read from the error queue */
  ZC_COMPLETIONS: 37,
  /** MSG_ZEROCOPY completions that carried SO_EE_CODE_ZEROCOPY_COPIED */
  ZC_COPIED: 38,
  /** pages read from the disk (DMA into the page cache) */
  DISK_PAGES: 39,
  /** source-file pages resident in the page cache right before the phase (verified by mincore natively) */
  RESIDENT_PAGES: 40,
  /** source-file pages in all */
  FILE_PAGES: 41,
  /** signals delivered to the process (SIGBUS, SIGPIPE) */
  SIGNALS: 42,
  /** delivered bytes that carried a version written after the transfer began (the page-sharing hazard) */
  DELIVERED_MODIFIED: 43,
  /** the loopback peer woken from its sleep in recv by data arriving (sim: its clock was behind an skb's arrival;
   *  native: the peer's voluntary context switches while it read) */
  PEER_WAKEUPS: 44,
  /** bytes the process's CPU copies read from lines not in its cache (model only: no hardware cache events here) */
  COPY_COLD_SRC_BYTES: 45,
  /** bytes the process's CPU copies wrote to lines not in its cache (model only) */
  COPY_COLD_DST_BYTES: 46,
} as const;
export const COUNTER_COUNT = 48;

/** Trace event kinds (the model's event records; see docs/program-format.md "Events"). */
export const Ev = {
  SYS_ENTER: 1,      // a: call id, b: step, c..f: first four args
  SYS_EXIT: 2,       // a: call id, b: step, c: ret, d: errno
  FAULT: 3,          // a: vaddr, b: 0 minor 1 major, c: pages mapped, d: 1 if inside mmap (populate)
  PTE_SET: 4,        // a: vaddr, b: frame, c: flags
  PT_ALLOC: 5,       // a: level (3 PUD, 2 PMD, 1 PTE table), b: frame, c: vaddr it covers
  CPU_COPY: 6,       // a: src frame, b: dst frame, c: bytes, d: what (CopyWhat)
  DMA: 7,            // a: device (Dev), b: src frame or -1, c: dst frame or -1, d: bytes
  DESC_POST: 8,      // a: ring index, b: frame, c: len, d: flags (EOP)
  DESC_DONE: 9,      // a: ring index, b: status (DD)
  CACHE_ADD: 10,     // a: file, b: index, c: order, d: frame
  PIPE_PUSH: 11,     // a: pipe id, b: slot, c: frame, d: len
  PIPE_POP: 12,      // a: pipe id, b: slot, c: frame, d: len
  SKB_ALLOC: 13,     // a: skb id, b: linear bytes, c: socket id
  SKB_FRAG: 14,      // a: skb id, b: frame, c: offset, d: len
  XMIT: 15,          // a: skb id, b: device (Dev), c: bytes
  DELIVER: 16,       // a: sink id, b: bytes, c: intact (1/0)
  CSUM: 17,          // a: frame, b: bytes
  PAGE_REF: 18,      // a: frame, b: new refcount
  PAGE_FREE: 19,     // a: frame
  SIGNAL: 20,        // a: signo, b: si_code, c: address
  WAIT: 21,          // a: what the process waited for (Wait), b: ns
  MODE_SWITCH: 22,   // a: 1 user->kernel, 0 kernel->user
  BLOCK_RQ: 23,      // a: file, b: first index, c: pages, d: 1 for a write (writeback), 0 for a read
  ZC_COMPLETE: 24,   // a: lo, b: hi, c: copied (1/0)
  TRACE_CUT: 25,     // a: events dropped after the cap
  IO_ACCT: 26,       // a: rchar, b: wchar, c: syscr, d: syscw, e: write_bytes (/proc/self/io accounting of one action)
  PEER_CALL: 27,     // a: call id (read), b: return value (the loopback peer's own syscall)
  SETUP: 28,         // a: resident source pages, b: source pages in all (first event; the state setup left)
  USER_OP: 29,       // a: call id (mem_read/mem_write/peer_read), b: step, c: addr or sink, d: len
  PAGE_UNREF: 30,    // a: frame, b: new refcount (put_page)
  COST: 31,          // f: ns of actions the trace does not record one by one (page-cache lookups, small allocations)
  PEER_WAKE: 32,     // a: socket, b: skb id (the sender's softirq wakes the sleeping peer; f: the sender's ns)
  CACHE_MISS: 33,    // a: frame, b: bytes, c: 0 a copy's source, 1 its destination (the process's CPU; f: the extra ns)
} as const;

/** What a CPU copy copied (Ev.CPU_COPY d). */
export const CopyWhat = { TO_USER: 1, FROM_USER: 2, LINEARIZE: 3, PEER_TO_USER: 4, PAGE_TO_PAGE: 5 } as const;
/** Devices (Ev.DMA a, Ev.XMIT b). */
export const Dev = { DISK: 1, DMA_ENGINE: 2, NIC: 3, LOOPBACK: 4 } as const;

/** Errno values (Linux x86_64). */
export const Errno = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16,
  EEXIST: 17, EXDEV: 18, ENODEV: 19, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, EFBIG: 27, ENOSPC: 28,
  ESPIPE: 29, EPIPE: 32, ERANGE: 34, ENOSYS: 38, EOVERFLOW: 75, ENOTSOCK: 88, EOPNOTSUPP: 95, ECONNRESET: 104,
  ENOTCONN: 107, ETIMEDOUT: 110, ENOPROTOOPT: 92,
} as const;

/** Flag and constant values (Linux x86_64): the scenario writes the macro names, the compiler ORs the values. */
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
} as const;

/** Signals and their si_codes. */
export const Sig = { SIGBUS: 7, SIGSEGV: 11, SIGPIPE: 13, BUS_ADRERR: 2, SEGV_MAPERR: 1, SEGV_ACCERR: 2 } as const;
/** ee_code of a MSG_ZEROCOPY completion that was copied after all. */
export const SO_EE_CODE_ZEROCOPY_COPIED = 1;

/** Engine status codes returned by the interpreters' entry points. */
export const Status = {
  OK: 0, BAD_MAGIC: 1, BAD_VERSION: 2, BAD_PROGRAM: 3, BUDGET_EXCEEDED: 4, OUT_OF_MEMORY: 5, SETUP_FAILED: 6,
  PEER_FAILED: 7, DONE: 8, UNSUPPORTED: 9,
  /** native host: the bound on the phase ran out (a call blocked: a full pipe nobody reads, a peer held back) */
  TIMEOUT: 10,
} as const;
