/* GENERATED from src/scenario/abi.ts and src/scenario/calls.ts by scripts/gen-abi.mjs. Do not edit: edit the source and run npm run gen:abi. */
#ifndef ZCSIM_ABI_H
#define ZCSIM_ABI_H

#include <stdint.h>

#define COUNTER_COUNT 48
#define HEADER_WORDS 10
#define PROGRAM_MAGIC 1514360881
#define PROGRAM_VERSION 1
#define SO_EE_CODE_ZEROCOPY_COPIED 1

/* BufRec */
#define BUF_REC_NAME 0
#define BUF_REC_SIZE 1
#define BUF_REC_REG 2
#define BUF_REC_WORDS 3

/* Cache */
#define CACHE_WARM 0
#define CACHE_COLD 1

/* Call */
#define CALL_OPEN 1
#define CALL_CLOSE 2
#define CALL_READ 3
#define CALL_WRITE 4
#define CALL_PREAD64 5
#define CALL_PWRITE64 6
#define CALL_LSEEK 7
#define CALL_MMAP 8
#define CALL_MUNMAP 9
#define CALL_MADVISE 10
#define CALL_FCNTL 11
#define CALL_PIPE 12
#define CALL_PIPE2 13
#define CALL_SENDFILE 14
#define CALL_SPLICE 15
#define CALL_TEE 16
#define CALL_VMSPLICE 17
#define CALL_COPY_FILE_RANGE 18
#define CALL_SETSOCKOPT 19
#define CALL_SEND 20
#define CALL_RECV_ERRQUEUE 21
#define CALL_FTRUNCATE 22
#define CALL_FSYNC 23
#define CALL_FDATASYNC 24
#define CALL_POSIX_FADVISE 25
#define CALL_POLL 26
#define CALL_FALLOCATE 27
#define CALL_MEM_READ 40
#define CALL_MEM_WRITE 41
#define CALL_PEER_READ 42
static const char *const CALL_NAMES[] = {
  0,
  "open",
  "close",
  "read",
  "write",
  "pread64",
  "pwrite64",
  "lseek",
  "mmap",
  "munmap",
  "madvise",
  "fcntl",
  "pipe",
  "pipe2",
  "sendfile",
  "splice",
  "tee",
  "vmsplice",
  "copy_file_range",
  "setsockopt",
  "send",
  "recv_errqueue",
  "ftruncate",
  "fsync",
  "fdatasync",
  "posix_fadvise",
  "poll",
  "fallocate",
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  "mem_read",
  "mem_write",
  "peer_read",
};
#define CALL_MAX 42

/* CallInsn */
#define CALL_INSN_OP 0
#define CALL_INSN_CALL 1
#define CALL_INSN_STEP 2
#define CALL_INSN_NARGS 3
#define CALL_INSN_RET0 4
#define CALL_INSN_RET1 5
#define CALL_INSN_RET2 6
#define CALL_INSN_BRK 7
#define CALL_INSN_ARGS 8

/* CopyWhat */
#define COPY_WHAT_TO_USER 1
#define COPY_WHAT_FROM_USER 2
#define COPY_WHAT_LINEARIZE 3
#define COPY_WHAT_PEER_TO_USER 4
#define COPY_WHAT_PAGE_TO_PAGE 5

/* Counter */
#define COUNTER_SYSCALLS 0
#define COUNTER_MODE_SWITCHES 1
#define COUNTER_FAULTS_MINOR 2
#define COUNTER_FAULTS_MAJOR 3
#define COUNTER_CPU_COPY_OPS 4
#define COUNTER_CPU_COPY_BYTES 5
#define COUNTER_DMA_OPS 6
#define COUNTER_DMA_BYTES 7
#define COUNTER_IO_RCHAR 8
#define COUNTER_IO_WCHAR 9
#define COUNTER_IO_SYSCR 10
#define COUNTER_IO_SYSCW 11
#define COUNTER_IO_READ_BYTES 12
#define COUNTER_IO_WRITE_BYTES 13
#define COUNTER_DELIVERED_BYTES 14
#define COUNTER_DELIVERED_BAD 15
#define COUNTER_TP_PAGE_FAULT_USER 16
#define COUNTER_TP_FILEMAP_ADD 17
#define COUNTER_TP_BLOCK_RQ_ISSUE 18
#define COUNTER_TP_NET_DEV_XMIT 19
#define COUNTER_TP_SKB_COPY_DATAGRAM 20
#define COUNTER_CSUM_BYTES 21
#define COUNTER_PEER_COPY_OPS 22
#define COUNTER_PEER_COPY_BYTES 23
#define COUNTER_PEER_SYSCALLS 24
#define COUNTER_NIC_DESCRIPTORS 25
#define COUNTER_SKBS 26
#define COUNTER_SKB_FRAG_BYTES 27
#define COUNTER_SKB_LINEAR_BYTES 28
#define COUNTER_PAGE_REFS 29
#define COUNTER_PTES_SET 30
#define COUNTER_PT_PAGES 31
#define COUNTER_NVCSW 32
#define COUNTER_NIVCSW 33
#define COUNTER_TIME_NS 34
#define COUNTER_USER_NS 35
#define COUNTER_SYS_NS 36
#define COUNTER_ZC_COMPLETIONS 37
#define COUNTER_ZC_COPIED 38
#define COUNTER_DISK_PAGES 39
#define COUNTER_RESIDENT_PAGES 40
#define COUNTER_FILE_PAGES 41
#define COUNTER_SIGNALS 42
#define COUNTER_DELIVERED_MODIFIED 43
#define COUNTER_PEER_WAKEUPS 44
#define COUNTER_COPY_COLD_SRC_BYTES 45
#define COUNTER_COPY_COLD_DST_BYTES 46

/* Dev */
#define DEV_DISK 1
#define DEV_DMA_ENGINE 2
#define DEV_NIC 3
#define DEV_LOOPBACK 4

/* Errno */
#define ERRNO_EPERM 1
#define ERRNO_ENOENT 2
#define ERRNO_EINTR 4
#define ERRNO_EIO 5
#define ERRNO_EBADF 9
#define ERRNO_EAGAIN 11
#define ERRNO_ENOMEM 12
#define ERRNO_EACCES 13
#define ERRNO_EFAULT 14
#define ERRNO_EBUSY 16
#define ERRNO_EEXIST 17
#define ERRNO_EXDEV 18
#define ERRNO_ENODEV 19
#define ERRNO_EISDIR 21
#define ERRNO_EINVAL 22
#define ERRNO_ENFILE 23
#define ERRNO_EMFILE 24
#define ERRNO_EFBIG 27
#define ERRNO_ENOSPC 28
#define ERRNO_ESPIPE 29
#define ERRNO_EPIPE 32
#define ERRNO_ERANGE 34
#define ERRNO_ENOSYS 38
#define ERRNO_EOVERFLOW 75
#define ERRNO_ENOTSOCK 88
#define ERRNO_EOPNOTSUPP 95
#define ERRNO_ECONNRESET 104
#define ERRNO_ENOTCONN 107
#define ERRNO_ETIMEDOUT 110
#define ERRNO_ENOPROTOOPT 92
static inline const char *errno_name(int e) {
  switch (e) {
  case 1: return "EPERM";
  case 2: return "ENOENT";
  case 4: return "EINTR";
  case 5: return "EIO";
  case 9: return "EBADF";
  case 11: return "EAGAIN";
  case 12: return "ENOMEM";
  case 13: return "EACCES";
  case 14: return "EFAULT";
  case 16: return "EBUSY";
  case 17: return "EEXIST";
  case 18: return "EXDEV";
  case 19: return "ENODEV";
  case 21: return "EISDIR";
  case 22: return "EINVAL";
  case 23: return "ENFILE";
  case 24: return "EMFILE";
  case 27: return "EFBIG";
  case 28: return "ENOSPC";
  case 29: return "ESPIPE";
  case 32: return "EPIPE";
  case 34: return "ERANGE";
  case 38: return "ENOSYS";
  case 75: return "EOVERFLOW";
  case 88: return "ENOTSOCK";
  case 95: return "EOPNOTSUPP";
  case 104: return "ECONNRESET";
  case 107: return "ENOTCONN";
  case 110: return "ETIMEDOUT";
  case 92: return "ENOPROTOOPT";
  default: return 0;
  }
}

/* Ev */
#define EV_SYS_ENTER 1
#define EV_SYS_EXIT 2
#define EV_FAULT 3
#define EV_PTE_SET 4
#define EV_PT_ALLOC 5
#define EV_CPU_COPY 6
#define EV_DMA 7
#define EV_DESC_POST 8
#define EV_DESC_DONE 9
#define EV_CACHE_ADD 10
#define EV_PIPE_PUSH 11
#define EV_PIPE_POP 12
#define EV_SKB_ALLOC 13
#define EV_SKB_FRAG 14
#define EV_XMIT 15
#define EV_DELIVER 16
#define EV_CSUM 17
#define EV_PAGE_REF 18
#define EV_PAGE_FREE 19
#define EV_SIGNAL 20
#define EV_WAIT 21
#define EV_MODE_SWITCH 22
#define EV_BLOCK_RQ 23
#define EV_ZC_COMPLETE 24
#define EV_TRACE_CUT 25
#define EV_IO_ACCT 26
#define EV_PEER_CALL 27
#define EV_SETUP 28
#define EV_USER_OP 29
#define EV_PAGE_UNREF 30
#define EV_COST 31
#define EV_PEER_WAKE 32
#define EV_CACHE_MISS 33

/* FaultMode */
#define FAULT_MODE_USER 0
#define FAULT_MODE_GUP 1
#define FAULT_MODE_KERNEL 2

/* FileRec */
#define FILE_REC_NAME 0
#define FILE_REC_SIZE 1
#define FILE_REC_CACHE 2
#define FILE_REC_FILL 3
#define FILE_REC_FILL_CHUNK 4
#define FILE_REC_WORDS 5

/* Fill */
#define FILL_WRITE 1
#define FILL_READ 2
#define FILL_NONE 3

/* Flags */
#define FLAGS_O_RDONLY 0
#define FLAGS_O_WRONLY 1
#define FLAGS_O_RDWR 2
#define FLAGS_O_CREAT 64
#define FLAGS_O_EXCL 128
#define FLAGS_O_TRUNC 512
#define FLAGS_O_APPEND 1024
#define FLAGS_O_NONBLOCK 2048
#define FLAGS_O_DIRECT 16384
#define FLAGS_O_CLOEXEC 524288
#define FLAGS_PROT_NONE 0
#define FLAGS_PROT_READ 1
#define FLAGS_PROT_WRITE 2
#define FLAGS_PROT_EXEC 4
#define FLAGS_MAP_SHARED 1
#define FLAGS_MAP_PRIVATE 2
#define FLAGS_MAP_FIXED 16
#define FLAGS_MAP_ANONYMOUS 32
#define FLAGS_MAP_POPULATE 32768
#define FLAGS_SPLICE_F_MOVE 1
#define FLAGS_SPLICE_F_NONBLOCK 2
#define FLAGS_SPLICE_F_MORE 4
#define FLAGS_SPLICE_F_GIFT 8
#define FLAGS_F_GETFL 3
#define FLAGS_F_SETFL 4
#define FLAGS_F_SETPIPE_SZ 1031
#define FLAGS_F_GETPIPE_SZ 1032
#define FLAGS_MSG_DONTWAIT 64
#define FLAGS_MSG_MORE 32768
#define FLAGS_MSG_ZEROCOPY 67108864
#define FLAGS_MSG_ERRQUEUE 8192
#define FLAGS_SOL_SOCKET 1
#define FLAGS_SO_ZEROCOPY 60
#define FLAGS_SO_SNDBUF 7
#define FLAGS_SO_RCVBUF 8
#define FLAGS_SEEK_SET 0
#define FLAGS_SEEK_CUR 1
#define FLAGS_SEEK_END 2
#define FLAGS_MADV_NORMAL 0
#define FLAGS_MADV_RANDOM 1
#define FLAGS_MADV_SEQUENTIAL 2
#define FLAGS_MADV_WILLNEED 3
#define FLAGS_MADV_DONTNEED 4
#define FLAGS_POSIX_FADV_NORMAL 0
#define FLAGS_POSIX_FADV_RANDOM 1
#define FLAGS_POSIX_FADV_SEQUENTIAL 2
#define FLAGS_POSIX_FADV_WILLNEED 3
#define FLAGS_POSIX_FADV_DONTNEED 4
#define FLAGS_POSIX_FADV_NOREUSE 5
#define FLAGS_POLLIN 1
#define FLAGS_POLLPRI 2
#define FLAGS_POLLOUT 4
#define FLAGS_POLLERR 8
#define FLAGS_POLLHUP 16
#define FLAGS_FALLOC_FL_KEEP_SIZE 1

/* Header */
#define HEADER_MAGIC 0
#define HEADER_VERSION 1
#define HEADER_NREGS 2
#define HEADER_NKNOBS 3
#define HEADER_NSTRINGS 4
#define HEADER_NFILES 5
#define HEADER_NSINKS 6
#define HEADER_NBUFS 7
#define HEADER_NCODE 8
#define HEADER_NPOOL 9

/* Knob */
#define KNOB_PIPE_DEFAULT_BYTES 1
#define KNOB_PIPE_MAX_SIZE 2
#define KNOB_FAULT_AROUND_BYTES 3
#define KNOB_NIC_SG 4
#define KNOB_NIC_CSUM 5
#define KNOB_NIC_TX_RING 6
#define KNOB_READAHEAD_BYTES 7
#define KNOB_FOLIO_MAX_ORDER 8
#define KNOB_TCP_SNDBUF 9
#define KNOB_TCP_RCVBUF 10
#define KNOB_TCP_GSO_MAX 11
#define KNOB_PEER_BUF_BYTES 12
#define KNOB_TRACE 13
#define KNOB_TRACE_CAP 14
#define KNOB_STEP_BUDGET 15
#define KNOB_PEER_LAZY 16
#define KNOB_SKB_LINEAR_MAX 17
#define KNOB_COST_MODE_SWITCH_NS 18
#define KNOB_COST_COPY_PS_PER_BYTE 19
#define KNOB_COST_FAULT_NS 20
#define KNOB_COST_PAGECACHE_LOOKUP_NS 21
#define KNOB_COST_PTE_NS 22
#define KNOB_COST_DMA_PS_PER_BYTE 23
#define KNOB_COST_DISK_REQUEST_NS 24
#define KNOB_COST_DESC_NS 25
#define KNOB_COST_WAKEUP_NS 26
#define KNOB_COST_CSUM_PS_PER_BYTE 27
#define KNOB_COST_PAGE_REF_NS 28
#define KNOB_COST_PAGE_ALLOC_NS 29
#define KNOB_OTHER_FS_FILES 30
#define KNOB_COST_SKB_NS 31
#define KNOB_COST_PEER_COPY_PS_PER_BYTE 32
#define KNOB_COST_COPY_OP_NS 33
#define KNOB_COST_DIRTY_PAGE_NS 34
#define KNOB_BLOCK_MAX_REQUEST_BYTES 35
#define KNOB_COST_USER_ACCESS_PS_PER_BYTE 36
#define KNOB_COST_TRUNCATE_PAGE_NS 37
#define KNOB_PEER_WINDOW_BYTES 38
#define KNOB_TCP_WMEM_MAX 39
#define KNOB_TCP_RMEM_MAX 40
#define KNOB_MMAP_PLACEMENT_0 41
#define KNOB_MMAP_PLACEMENT_1 42
#define KNOB_MMAP_PLACEMENT_2 43
#define KNOB_MMAP_PLACEMENT_3 44
#define KNOB_COST_LINEARIZE_PS_PER_BYTE 45
#define KNOB_PEER_WINDOW_GROWTH_PCT 46
#define KNOB_COST_REMOTE_WAKEUP_NS 47
#define KNOB_COST_PEER_WAKE_LATENCY_NS 48
#define KNOB_PEER_POLL 49
#define KNOB_PEER_WAKE_JITTER_PCT 50
#define KNOB_TCP_CONGESTION 51
#define KNOB_COST_COPY_COLD_SRC_PS_PER_BYTE 52
#define KNOB_COST_COPY_COLD_DST_PS_PER_BYTE 53
#define KNOB_CPU_CACHE_BYTES 54

/* Op */
#define OP_CALL 1
#define OP_SET 2
#define OP_JZ 3
#define OP_JUMP 4
#define OP_HALT 5

/* Rpn */
#define RPN_IMM 0
#define RPN_REG 1
#define RPN_ADD 2
#define RPN_SUB 3
#define RPN_MUL 4
#define RPN_DIV 5
#define RPN_MIN 6
#define RPN_MAX 7
#define RPN_LT 8
#define RPN_LE 9
#define RPN_GT 10
#define RPN_GE 11
#define RPN_EQ 12
#define RPN_NE 13
#define RPN_MOD 14

/* Sig */
#define SIG_SIGBUS 7
#define SIG_SIGSEGV 11
#define SIG_SIGPIPE 13
#define SIG_BUS_ADRERR 2
#define SIG_SEGV_MAPERR 1
#define SIG_SEGV_ACCERR 2

/* SinkKind */
#define SINK_KIND_TCP 1
#define SINK_KIND_FILE 2
#define SINK_KIND_NULL 3
#define SINK_KIND_NIC 4

/* SinkRec */
#define SINK_REC_NAME 0
#define SINK_REC_KIND 1
#define SINK_REC_REG 2
#define SINK_REC_EXPECT 3
#define SINK_REC_LAZY 4
#define SINK_REC_WORDS 5

/* Status */
#define STATUS_OK 0
#define STATUS_BAD_MAGIC 1
#define STATUS_BAD_VERSION 2
#define STATUS_BAD_PROGRAM 3
#define STATUS_BUDGET_EXCEEDED 4
#define STATUS_OUT_OF_MEMORY 5
#define STATUS_SETUP_FAILED 6
#define STATUS_PEER_FAILED 7
#define STATUS_DONE 8
#define STATUS_UNSUPPORTED 9
#define STATUS_TIMEOUT 10

/* Tag */
#define TAG_IMM 0
#define TAG_REG 1
#define TAG_EXPR 2
#define TAG_NULL 3
#define TAG_STR 4
#define TAG_REF 5
#define TAG_IOV 6

/* Wait */
#define WAIT_DISK 1
#define WAIT_SOCKET 2
#define WAIT_PIPE 3
#define WAIT_BLOCKED 4
#define WAIT_POLL 5

/* Each call's signature (calls.ts): how the host checks each argument (A_PTR is a user buffer whose length is
 * the A_LEN after it), whether it is a syscall, and the argument holding the descriptor its returned bytes go to. */
enum call_arg_kind { A_NUM, A_FD, A_PATH, A_OFFP, A_PTR, A_LEN, A_IOV };
struct call_sig { int nargs; uint8_t kind[6]; uint8_t syscall; int8_t to; };
__attribute__((unused)) static const struct call_sig CALL_SIG[CALL_MAX + 1] = {
  [CALL_OPEN] = {3, {A_PATH, A_NUM, A_NUM}, 1, -1},
  [CALL_CLOSE] = {1, {A_FD}, 1, -1},
  [CALL_READ] = {3, {A_FD, A_PTR, A_LEN}, 1, -1},
  [CALL_WRITE] = {3, {A_FD, A_PTR, A_LEN}, 1, 0},
  [CALL_PREAD64] = {4, {A_FD, A_PTR, A_LEN, A_NUM}, 1, -1},
  [CALL_PWRITE64] = {4, {A_FD, A_PTR, A_LEN, A_NUM}, 1, 0},
  [CALL_LSEEK] = {3, {A_FD, A_NUM, A_NUM}, 1, -1},
  [CALL_MMAP] = {6, {A_NUM, A_NUM, A_NUM, A_NUM, A_NUM, A_NUM}, 1, -1},
  [CALL_MUNMAP] = {2, {A_NUM, A_NUM}, 1, -1},
  [CALL_MADVISE] = {3, {A_NUM, A_NUM, A_NUM}, 1, -1},
  [CALL_FCNTL] = {3, {A_FD, A_NUM, A_NUM}, 1, -1},
  [CALL_PIPE] = {0, {0}, 1, -1},
  [CALL_PIPE2] = {1, {A_NUM}, 1, -1},
  [CALL_SENDFILE] = {4, {A_FD, A_FD, A_OFFP, A_NUM}, 1, 0},
  [CALL_SPLICE] = {6, {A_FD, A_OFFP, A_FD, A_OFFP, A_NUM, A_NUM}, 1, 2},
  [CALL_TEE] = {4, {A_FD, A_FD, A_NUM, A_NUM}, 1, 1},
  [CALL_VMSPLICE] = {3, {A_FD, A_IOV, A_NUM}, 1, -1},
  [CALL_COPY_FILE_RANGE] = {6, {A_FD, A_OFFP, A_FD, A_OFFP, A_NUM, A_NUM}, 1, 2},
  [CALL_SETSOCKOPT] = {4, {A_FD, A_NUM, A_NUM, A_NUM}, 1, -1},
  [CALL_SEND] = {4, {A_FD, A_PTR, A_LEN, A_NUM}, 1, 0},
  [CALL_RECV_ERRQUEUE] = {1, {A_FD}, 1, -1},
  [CALL_FTRUNCATE] = {2, {A_FD, A_NUM}, 1, -1},
  [CALL_FSYNC] = {1, {A_FD}, 1, -1},
  [CALL_FDATASYNC] = {1, {A_FD}, 1, -1},
  [CALL_POSIX_FADVISE] = {4, {A_FD, A_NUM, A_NUM, A_NUM}, 1, -1},
  [CALL_POLL] = {3, {A_FD, A_NUM, A_NUM}, 1, -1},
  [CALL_FALLOCATE] = {4, {A_FD, A_NUM, A_NUM, A_NUM}, 1, -1},
  [CALL_MEM_READ] = {2, {A_NUM, A_NUM}, 0, -1},
  [CALL_MEM_WRITE] = {2, {A_NUM, A_NUM}, 0, -1},
  [CALL_PEER_READ] = {1, {A_NUM}, 0, -1},
};

/* Per knob id: the model's value when no program sets it. */
#define KNOB_MAX 54
__attribute__((unused)) static const int64_t KNOB_DEFAULTS[KNOB_MAX + 1] = {0, 65536, 1048576, 65536, 1, 1, 256, 131072, 9, 0, 0, 65536, 65536, 0, 1048576, 100000000, 0, 65536, 60, 30, 400, 15, 4, 250, 80000, 30, 3000, 120, 2, 60, 0, 1000, 100, 50, 300, 1310720, 100, 500, 0, 4194304, 6291456, -1, -1, -1, -1, 100, 0, 2000, 5000, 0, 50, 2, 80, 80, 2097152};

#endif
