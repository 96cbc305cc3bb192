/**
 * The one source of every number shared by the compiler, the wasm model and the native host.
 *
 * `npm run gen:abi` writes `assembly/abi.ts` (AssemblyScript) and `native-host/abi.h` (C) from this file and calls.ts;
 * a test checks the generated files are current. Never edit those two by hand.
 *
 * The compiled program format these numbers build is described in docs/program-format.md. Calls are described in
 * calls.ts (with the flag macros their arguments take); this module gives their ids.
 */
import { CALLS, Flags } from "./calls.js";

export { CALLS, Flags };

/** "ZCP1": the first word of every compiled program. */
export const PROGRAM_MAGIC = 0x5a435031;
export const PROGRAM_VERSION = 1;
/** Words in the program header (each word is a little-endian int64). */
export const HEADER_WORDS = 10;

/*
 * The program's layout (docs/program-format.md), word by word. Every reader and writer of a program (the compiler,
 * both engines, calibration's knob rewriting, the trace decoder) indexes records with these.
 *
 *   header  [MAGIC, VERSION, NREGS, NKNOBS, NSTRINGS, NFILES, NSINKS, NBUFS, NCODE, NPOOL]
 *   knobs   [id, value] x NKNOBS
 *   strings [nbytes, bytes packed 8 a word...] x NSTRINGS
 *   files   FileRec x NFILES      sinks SinkRec x NSINKS      bufs BufRec x NBUFS
 *   code    NCODE words           pool  NPOOL words
 */
/** Word of each header field. */
export const Header = { MAGIC: 0, VERSION: 1, NREGS: 2, NKNOBS: 3, NSTRINGS: 4, NFILES: 5, NSINKS: 6, NBUFS: 7, NCODE: 8, NPOOL: 9 } as const;
/** A setup file: [name (string index), size, cache (Cache), fill (Fill), fill chunk] */
export const FileRec = { NAME: 0, SIZE: 1, CACHE: 2, FILL: 3, FILL_CHUNK: 4, WORDS: 5 } as const;
/** A sink: [name, kind (SinkKind), register holding its fd, file id it must receive or -1, lazy peer 1/0] */
export const SinkRec = { NAME: 0, KIND: 1, REG: 2, EXPECT: 3, LAZY: 4, WORDS: 5 } as const;
/** A buffer: [name, size, register holding its address] */
export const BufRec = { NAME: 0, SIZE: 1, REG: 2, WORDS: 3 } as const;
/** A CALL instruction: [CALL, call, step, nargs, ret0, ret1, ret2, brk_pc, (tag,val) x nargs]; ARGS is the first
 *  operand's word */
export const CallInsn = { OP: 0, CALL: 1, STEP: 2, NARGS: 3, RET0: 4, RET1: 5, RET2: 6, BRK: 7, ARGS: 8 } as const;

/** Instruction opcodes of the code section. */
export const Op = {
  /** [CALL, call, step, nargs, ret0, ret1, ret2, brk_pc, (tag,val) x nargs] (CallInsn) */
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
 * Calls by name: id, whether a syscall, and argument names in order, derived from the call table (calls.ts, where each
 * argument's kind, default and flag family, the call's results and its strace name are described).
 */
export const Call = Object.fromEntries(
  Object.entries(CALLS).map(([name, c]) => [name, { id: c.id, syscall: c.syscall, args: Object.keys(c.args) }]),
) as unknown as { readonly [K in keyof typeof CALLS]: { readonly id: number; readonly syscall: boolean; readonly args: readonly string[] } };
export type CallName = keyof typeof Call;

/** Sink kinds (setup.sinks.*.kind). `nic` exists in the model only. */
export const SinkKind = { tcp: 1, file: 2, null: 3, nic: 4 } as const;
/** How a warm file was brought into the page cache (setup.files.*.fill). */
export const Fill = { write: 1, read: 2, none: 3 } as const;
export const Cache = { warm: 0, cold: 1 } as const;

/**
 * Machine knobs: [id, value] pairs in the program's knob section. An engine that cannot apply a knob ignores
 * it (the native host cannot change the kernel's fault-around) and says so in its result.
 * `default` is the model's value when no program sets the knob (assembly/machine.ts knobDefaults reads it from the
 * generated KNOB_DEFAULTS); the machine parameters (machine-params.ts) and calibration start from the same values.
 */
export const KNOBS = {
  /** default pipe capacity in bytes (16 slots of 4 KiB) */
  PIPE_DEFAULT_BYTES: { id: 1, default: 16 * 4096 },  // PIPE_DEF_BUFFERS pages
  /** /proc/sys/fs/pipe-max-size: the F_SETPIPE_SZ limit for an unprivileged caller */
  PIPE_MAX_SIZE: { id: 2, default: 1048576 },
  /** fault_around_bytes (64 KiB) */
  FAULT_AROUND_BYTES: { id: 3, default: 65536 },
  /** NIC scatter-gather (NETIF_F_SG), 0 or 1 */
  NIC_SG: { id: 4, default: 1 },
  /** NIC checksum offload (NETIF_F_HW_CSUM), 0 or 1 */
  NIC_CSUM: { id: 5, default: 1 },
  /** NIC TX ring size in descriptors */
  NIC_TX_RING: { id: 6, default: 256 },
  /** readahead window maximum in bytes (the block device's read_ahead_kb) */
  READAHEAD_BYTES: { id: 7, default: 131072 },  // read_ahead_kb = 128
  /** largest page-cache folio order the filesystem allows */
  FOLIO_MAX_ORDER: { id: 8, default: 9 },  // measured on ext4, Linux 6.18: a 8 MiB write() makes order-9 folios
  /** TCP send buffer (sk_sndbuf) in bytes */
  TCP_SNDBUF: { id: 9, default: 0 },
  /** TCP receive buffer of the peer in bytes */
  TCP_RCVBUF: { id: 10, default: 0 },
  /** largest skb payload the loopback/NIC path builds (GSO size) */
  TCP_GSO_MAX: { id: 11, default: 65536 },  // GSO_LEGACY_MAX_SIZE
  /** the peer's read buffer in bytes */
  PEER_BUF_BYTES: { id: 12, default: 65536 },
  /** 1: keep the event trace, 0: counters only */
  TRACE: { id: 13, default: 0 },
  /** maximum events kept in the trace (the cap; the trace records that it was cut) */
  TRACE_CAP: { id: 14, default: 1 << 20 },
  /** maximum instructions a program may execute before it is stopped with an error (no endless loops) */
  STEP_BUDGET: { id: 15, default: 100000000 },  // limits.ts DEFAULT_MAX_STEPS
  /** peer mode: 0 eager (reads as data arrives), 1 lazy (reads only at peer_read or close) */
  PEER_LAZY: { id: 16, default: 0 },
  /** size of a linear skb head the socket layer allocates for copied data (bytes) */
  SKB_LINEAR_MAX: { id: 17, default: 65536 },
  /* The model's cost model (TIME_NS): per-action costs, set by calibration. Picoseconds where marked _PS. */
  /** one user<->kernel transition (a syscall costs two) */
  COST_MODE_SWITCH_NS: { id: 18, default: 60 },
  /** CPU copy, per byte, in picoseconds */
  COST_COPY_PS_PER_BYTE: { id: 19, default: 30 },  // between cached lines (measured: pread of a page just read)
  /** entering and leaving the page-fault handler */
  COST_FAULT_NS: { id: 20, default: 400 },
  /** one page-cache lookup (xarray walk) */
  COST_PAGECACHE_LOOKUP_NS: { id: 21, default: 15 },
  /** setting one page table entry */
  COST_PTE_NS: { id: 22, default: 4 },
  /** device DMA, per byte, in picoseconds (its bandwidth) */
  COST_DMA_PS_PER_BYTE: { id: 23, default: 250 },  // ~4 GB/s device
  /** one block request's latency at the disk */
  COST_DISK_REQUEST_NS: { id: 24, default: 80000 },
  /** posting one NIC descriptor (and its doorbell share) */
  COST_DESC_NS: { id: 25, default: 30 },
  /** a sleep and wake-up (pipe full, socket buffer full, disk wait) */
  COST_WAKEUP_NS: { id: 26, default: 3000 },
  /** CPU checksum, per byte, in picoseconds */
  COST_CSUM_PS_PER_BYTE: { id: 27, default: 120 },
  /** taking or dropping one page reference */
  COST_PAGE_REF_NS: { id: 28, default: 2 },
  /** allocating a page (a page-cache folio page, a page table, a kernel buffer) */
  COST_PAGE_ALLOC_NS: { id: 29, default: 60 },
  /** bitmask of setup file ids made on a second filesystem (copy_file_range between the two: EXDEV). Natively a
   *  tmpfs in the sandbox, in the host's own mount namespace (root only; otherwise the host answers UNSUPPORTED) */
  OTHER_FS_FILES: { id: 30, default: 0 },
  /* More of the cost model (issue 7, calibration): actions whose cost the knobs above did not carry. */
  /** one skb built, handed to the device and, on loopback, received (TCP/IP headers, xmit, the receive softirq) */
  COST_SKB_NS: { id: 31, default: 1000 },
  /** the loopback peer's copy to its buffer, per byte, in picoseconds (the sender waits for it once its socket
   *  buffer is full) */
  COST_PEER_COPY_PS_PER_BYTE: { id: 32, default: 100 },
  /** the fixed part of one CPU copy operation (setup, the user-access checks): small copies cost more per byte */
  COST_COPY_OP_NS: { id: 33, default: 50 },
  /** one page of a regular file turning dirty (write_begin/write_end, block reservation), per 4 KiB */
  COST_DIRTY_PAGE_NS: { id: 34, default: 300 },
  /** the block device's max_sectors_kb in bytes: the block layer splits a larger read into requests of this size
   *  (Linux's default cap 1280 KiB; a virtio disk often says 4096 KiB) */
  BLOCK_MAX_REQUEST_BYTES: { id: 35, default: 1280 * 1024 },  // BLK_DEF_MAX_SECTORS_CAP
  /** the program's own loads and stores through its mappings (mem_read/mem_write), per byte, in picoseconds */
  COST_USER_ACCESS_PS_PER_BYTE: { id: 36, default: 100 },
  /** one page leaving the page cache on a truncate (truncate_inode_pages, the filesystem freeing its block) */
  COST_TRUNCATE_PAGE_NS: { id: 37, default: 500 },
  /** retired (read and ignored): the fitted window the loopback peer's clock replaced (assembly/kernel/socket.ts,
   *  "Two CPUs, two clocks"). Kept so that older programs and profiles that set it still load */
  PEER_WINDOW_BYTES: { id: 38, default: 0 },
  /** tcp_wmem[2]: the ceiling the kernel autotunes a sender's socket buffer to (TCP_SNDBUF 0). Read, never set */
  TCP_WMEM_MAX: { id: 39, default: 4194304 },
  /** tcp_rmem[2]: the ceiling the kernel autotunes a receiver's socket buffer to (TCP_RCVBUF 0). Read, never set */
  TCP_RMEM_MAX: { id: 40, default: 6291456 },
  /** where the k-th mmap(NULL, ...) of the program lands: its address's offset within 2 MiB (ASLR picks it in the
   *  kernel; measured natively and given to the model), -1: the model's own choice */
  MMAP_PLACEMENT_0: { id: 41, default: -1 },
  MMAP_PLACEMENT_1: { id: 42, default: -1 },
  MMAP_PLACEMENT_2: { id: 43, default: -1 },
  MMAP_PLACEMENT_3: { id: 44, default: -1 },
  /** a kernel copy of page fragments into an skb's own pages, per byte, in picoseconds: skb_orphan_frags_rx for a
   *  loopback receiver of MSG_ZEROCOPY pages, linearizing for a device without scatter-gather (fresh pages, data
   *  copied cold: dearer than a copy into a small, cache-hot user buffer) */
  COST_LINEARIZE_PS_PER_BYTE: { id: 45, default: 100 },  // as COST_COPY_PS_PER_BYTE until calibrated
  /** retired (read and ignored), with PEER_WINDOW_BYTES */
  PEER_WINDOW_GROWTH_PCT: { id: 46, default: 0 },
  /** waking the loopback peer from the sender's CPU (try_to_wake_up and the inter-processor interrupt, dear in a
   *  virtual machine): an skb arrives while the peer sleeps in recv, its clock behind the skb's arrival */
  COST_REMOTE_WAKEUP_NS: { id: 47, default: 2000 },
  /** from that wake-up until the peer runs on its CPU (the interrupt's delivery, a context switch): skbs arriving
   *  meanwhile find it already woken. On the peer's clock, not the sender's; calibration chooses it by search */
  COST_PEER_WAKE_LATENCY_NS: { id: 48, default: 5000 },
  /** 1: the loopback peer polls (recv with MSG_DONTWAIT in a loop) instead of sleeping in recv: it is never woken,
   *  and sees each skb as it arrives. Calibration's control for what the wake-ups cost the sender */
  PEER_POLL: { id: 49, default: 0 },
  /** how much one wake-up's latency varies around COST_PEER_WAKE_LATENCY_NS, in per cent: each is drawn evenly
   *  from latency * (1 +- pct/100) by the run's own seeded generator (reproducible). perf sched here: 9, 14 and
   *  22 us at the 10th, 50th and 90th percentile. Without the spread every wake-up is alike, and the peer either
   *  sleeps between every two sends or never */
  PEER_WAKE_JITTER_PCT: { id: 50, default: 50 },
  /** the TCP congestion control of the sink's connection (TCP_CONGESTION, both ends): 0 the system's default
   *  (net.ipv4.tcp_congestion_control; the native host reports which), 1 reno, 2 cubic, 3 bbr. BBR paces every
   *  skb by its departure time (sk_pacing_status SK_PACING_NEEDED on a qdisc-less loopback: TCP's own hrtimer);
   *  reno and cubic do not pace there */
  TCP_CONGESTION: { id: 51, default: 2 },  // cubic: Linux's default (CONFIG_DEFAULT_TCP_CONG)
  /** what a CPU copy costs more per byte, in picoseconds, when its source is not in the copying CPU's cache (not
   *  touched by it within its last CPU_CACHE_BYTES of misses: assembly/mm/cache.ts): a page-cache page last
   *  written long ago, or by the other CPU. COST_COPY_PS_PER_BYTE is then the copy between cached lines */
  COST_COPY_COLD_SRC_PS_PER_BYTE: { id: 52, default: 80 },  // a line fetched from memory, over a cached copy
  /** the same for a copy's destination: a fresh skb or pipe page, a buffer the other CPU used last */
  COST_COPY_COLD_DST_PS_PER_BYTE: { id: 53, default: 80 },
  /** the cache each CPU keeps what it touched in, in bytes (its private L2: /sys/devices/system/cpu/cpuN/cache,
   *  the level-2 unified cache; the native host reports it) */
  CPU_CACHE_BYTES: { id: 54, default: 2 * 1024 * 1024 },  // a private L2 of 2 MiB per CPU
} as const satisfies Record<string, { id: number; default: number }>;
/** Knob ids by name (from KNOBS). */
export const Knob = Object.fromEntries(Object.entries(KNOBS).map(([k, v]) => [k, v.id])) as unknown as { readonly [K in keyof typeof KNOBS]: number };
export type KnobName = keyof typeof KNOBS;

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

/**
 * Trace events (the model's event records; see docs/program-format.md "Events"): each record is 8 int64 words
 * [seq, kind, a, b, c, d, e, f]. `fields` names words a..e in order; word f is the action's cost-model ns, except where
 * an event names six fields (SYS_ENTER). The model's decoder (src/model/events.ts) and the widget's
 * (src/widget/events.ts) read these names; the emitters in assembly/ write the words in this order.
 */
export const EVENTS = {
  /** a syscall begins: its first four argument values (f is arg3, not ns) */
  SYS_ENTER: { id: 1, fields: ["call", "step", "arg0", "arg1", "arg2", "arg3"] },
  /** a syscall returns: ret (-1 on an error) and errno */
  SYS_EXIT: { id: 2, fields: ["call", "step", "ret", "errno"] },
  /** a page fault: major 1, minor 0, -1 when it failed (signal: the VM_FAULT code, not accounted); pages mapped; mode: FaultMode (USER a load or store, GUP MAP_POPULATE inside mmap, KERNEL the kernel touching user memory) */
  FAULT: { id: 3, fields: ["vaddr", "major", "pages", "mode", "signal"] },
  /** a page table entry set */
  PTE_SET: { id: 4, fields: ["vaddr", "frame", "flags"] },
  /** a page-table page allocated: level (3 PUD, 2 PMD, 1 PTE table), the vaddr it covers */
  PT_ALLOC: { id: 5, fields: ["level", "frame", "vaddr"] },
  /** a CPU copy between frames: what (CopyWhat); opStart 1 on the first piece of one copy operation */
  CPU_COPY: { id: 6, fields: ["src", "dst", "bytes", "what", "opStart"] },
  /** a device transfer (Dev): src or dst frame, -1 for the device side */
  DMA: { id: 7, fields: ["device", "src", "dst", "bytes"] },
  /** a NIC TX descriptor posted: ring index, flags (EOP) */
  DESC_POST: { id: 8, fields: ["index", "frame", "len", "flags", "skb"] },
  /** the NIC marks a TX descriptor done (status DD) */
  DESC_DONE: { id: 9, fields: ["index", "status"] },
  /** a folio added to the page cache */
  CACHE_ADD: { id: 10, fields: ["file", "index", "order", "frame"] },
  /** a page reference enters a pipe slot */
  PIPE_PUSH: { id: 11, fields: ["pipe", "slot", "frame", "len", "offset"] },
  /** a pipe slot hands its page reference on */
  PIPE_POP: { id: 12, fields: ["pipe", "slot", "frame", "len"] },
  /** an skb built: linear bytes, total len, page frags */
  SKB_ALLOC: { id: 13, fields: ["skb", "linear", "socket", "len", "frags"] },
  /** a page fragment attached to an skb (by reference) */
  SKB_FRAG: { id: 14, fields: ["skb", "frame", "offset", "len", "frag"] },
  /** an skb handed to a device (Dev) as its driver gets it */
  XMIT: { id: 15, fields: ["skb", "device", "bytes", "socket", "linear"] },
  /** bytes reach a sink: intact 1/0, bad and modified bytes among them */
  DELIVER: { id: 16, fields: ["sink", "bytes", "intact", "bad", "modified"] },
  /** the CPU reads bytes to compute a checksum */
  CSUM: { id: 17, fields: ["frame", "bytes", "skb"] },
  /** get_page / folio_ref_add: the new refcount, references taken */
  PAGE_REF: { id: 18, fields: ["frame", "refcount", "count"] },
  /** a frame (of so many pages) freed */
  PAGE_FREE: { id: 19, fields: ["frame", "pages"] },
  /** a signal delivered: si_code, address */
  SIGNAL: { id: 20, fields: ["signo", "code", "addr"] },
  /** the process slept: what for (Wait), ns */
  WAIT: { id: 21, fields: ["what", "waitNs"] },
  /** a mode switch: 1 user->kernel, 0 kernel->user */
  MODE_SWITCH: { id: 22, fields: ["toKernel", "call"] },
  /** a block request: first index, pages, 1 a write (writeback) 0 a read; endNs when the device ends it, on the process clock */
  BLOCK_RQ: { id: 23, fields: ["file", "index", "pages", "write", "endNs"] },
  /** a MSG_ZEROCOPY completion for sends lo..hi; copied 1/0 */
  ZC_COMPLETE: { id: 24, fields: ["lo", "hi", "copied"] },
  /** events dropped after the cap */
  TRACE_CUT: { id: 25, fields: ["dropped"] },
  /** /proc/self/io accounting of one action */
  IO_ACCT: { id: 26, fields: ["rchar", "wchar", "syscr", "syscw", "writeBytes"] },
  /** the loopback peer's own syscall (read) and its return value */
  PEER_CALL: { id: 27, fields: ["call", "ret", "socket"] },
  /** the state setup left: resident source pages, source pages in all (the first event) */
  SETUP: { id: 28, fields: ["residentPages", "filePages"] },
  /** a pseudo-call (mem_read/mem_write/peer_read): addr or sink, len */
  USER_OP: { id: 29, fields: ["call", "step", "arg0", "arg1"] },
  /** put_page: the new refcount */
  PAGE_UNREF: { id: 30, fields: ["frame", "refcount"] },
  /** ns (f) of actions the trace does not record one by one (page-cache lookups, small allocations) */
  COST: { id: 31, fields: [] },
  /** the sender's softirq wakes the sleeping peer (f: the sender's ns) */
  PEER_WAKE: { id: 32, fields: ["socket", "skb"] },
  /** a copy's source (dst 0) or destination (dst 1) not in the process's CPU cache (f: the extra ns) */
  CACHE_MISS: { id: 33, fields: ["frame", "bytes", "dst"] },
} as const satisfies Record<string, { id: number; fields: readonly string[] }>;
/** Trace event kinds by name (from EVENTS). */
export const Ev = Object.fromEntries(Object.entries(EVENTS).map(([k, v]) => [k, v.id])) as unknown as { readonly [K in keyof typeof EVENTS]: number };
/** How a fault was taken (Ev.FAULT mode; assembly/mm/fault.ts FM_*). */
export const FaultMode = { USER: 0, GUP: 1, KERNEL: 2 } as const;
/** What a process waited for (Ev.WAIT what). */
export const Wait = {
  DISK: 1,
  SOCKET: 2,
  PIPE: 3,
  /** a sleep nothing ends: the run stops with TIMEOUT */
  BLOCKED: 4,
  /** poll's timeout ran out */
  POLL: 5,
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

/* Flags (the macro names calls take, Linux x86_64 values) are in calls.ts, beside the calls. */

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

/** A signal's name (SIGBUS), and a si_code's for that signal (BUS_ADRERR), from Sig. */
export function signalName(signo: number): string | undefined {
  return Object.entries(Sig).find(([k, v]) => k.startsWith("SIG") && v === signo)?.[0];
}
export function siCodeName(signal: string, code: number): string | undefined {
  const prefix = { SIGBUS: "BUS_", SIGSEGV: "SEGV_" }[signal];
  return prefix && Object.entries(Sig).find(([k, v]) => k.startsWith(prefix) && v === code)?.[0];
}
