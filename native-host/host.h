/*
 * zcsim-native: runs a compiled scenario program (docs/program-format.md) with the real syscalls on this machine's
 * kernel and measures the transfer phase. One file per job:
 *
 *   main.c     arguments, signals, the order of the run (setup, bracket, teardown), the JSON report
 *   program.c  loads and checks the program words; the interpreter (operands, RPN, the calls themselves)
 *   setup.c    the sandbox, the setup files and their cache state, sinks, buffers, teardown
 *   peer.c     the forked TCP peer on 127.0.0.1 that reads, verifies and reports
 *   nic.c      the nic sink: a veth pair, the peer in a network namespace of its own, SIOCETHTOOL features
 *   skbtrace.c the shape of every data skb a driver was handed: raw tracepoint samples (format file, perf ring)
 *   netns.c    the host's own network namespace (and user namespace when it is not root): its loopback, its sysctls
 *   measure.c  the bracket: getrusage, /proc/self/io, perf_event_open counters and tracepoints, the clock
 *   pattern.c  the byte pattern every file holds and every sink verifies
 *   knobs.c    the program's knobs on this machine: applied, or compared with the kernel's own (report rows)
 *   util.c     the helpers every file may call (notes, a failed phase, internal descriptors, CPU pinning); it calls
 *              no other file
 *
 * All state lives in one struct (H, below), every field commented, so a reader sees the whole host at once.
 */
#ifndef ZCSIM_HOST_H
#define ZCSIM_HOST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include "abi.h"

#define HOST_VERSION 1
#define MAX_FILES 64
#define MAX_SINKS 16
#define MAX_BUFS 64
#define MAX_REGIONS 256
#define MAX_FDS 1024            /* program descriptors tracked (kinds); internal ones live at >= FD_INTERNAL */
#define FD_INTERNAL 100         /* internal descriptors are moved to >= 100 so the program's get 3, 4, ... */
#define MAX_ERRORS 256          /* distinct (step, errno) pairs */
#define MAX_SIGNALS 64
#define MAX_NOT_RUN 64          /* distinct steps the host did not run */
#define MAX_HOST_MAPS 1024      /* the host's own mappings (/proc/self/maps) right before the phase */
#define MAX_STRINGS 4096
#define PATTERN_MAX_VERSION 4095 /* the k-th mem_write of the phase writes version min(k, this) (12 bits) */
#define PATTERN_KEY 0x7A6373696D2D7061ull        /* "zcsim-pa": keys the pattern (docs/program-format.md) */
#define PATTERN_DIGEST_KEY 0x7A6373696D2D6467ull /* "zcsim-dg": keys the stream digest's weights */
#define PATTERN_INDEX_MASK ((1ull << 37) - 1)    /* word indices: files up to 1 TiB */
#define PEER_EXC_CAP (1 << 17)  /* words a peer keeps that differ from version 0 (4 MiB, shared, touched as used) */
#define DEFAULT_STEP_BUDGET 100000000LL
#define DEFAULT_MAX_STEPS 100000000LL      /* the run's cap on instructions unless --max-steps raises it ... */
#define MAX_MAX_STEPS 10000000000LL        /* ... up to this (src/scenario/limits.ts MAX_STEPS) */
#define MAX_TIMEOUT_S 3600                 /* --timeout's maximum (the phase bound) */
#define BLOCKED_NS 500000000LL             /* a call still in progress this long when the bound runs out: "blocked" */
#define DEFAULT_LOG_CAP 65536
#define FS2_DIR "fs2+"         /* the second filesystem's directory: '+' is in no program name */

/* What a program descriptor is: decides the copy semantics of the calls made on it. */
enum fd_kind { FK_NONE = 0, FK_FILE, FK_PIPE_R, FK_PIPE_W, FK_TCP, FK_NULL, FK_OTHER };

/* A memory range the program may hand to the kernel or touch. A call on a range that holds none of the host's own
 * mappings is made as written (the kernel answers for the holes); one that would reach the host's is not run. */
enum region_kind { RG_FREE = 0, RG_BUF, RG_MAP };
struct region {
  uintptr_t addr, len;   /* [addr, addr+len), len rounded to pages for mappings */
  int kind;              /* enum region_kind */
  int file;              /* setup file id behind a file mapping, else -1 */
  int64_t offset;        /* file offset of addr for a file mapping */
  int index;             /* buffer index, or the mapping's sequence number (for "map" in signal records) */
};

struct file_spec {
  const char *name;      /* name in the sandbox */
  int64_t size, cache, fill, fill_chunk;
  int64_t pages;         /* pages of the file (size rounded up) */
  int64_t resident;      /* pages resident right before the phase (mincore) */
  int attempts;          /* rounds of making the cache state before it verified */
  int verified;          /* 1 if the residency matched the requested state */
  int64_t fill_folios;   /* folios the fill added to the page cache (filemap tracepoint), -1 if not measured */
  int other_fs;          /* 1: made on the second filesystem (Knob.OTHER_FS_FILES), reached through a symlink */
  int64_t folio_orders[12]; /* the warm file's page-cache folios by order (pagemap + kpageflags), if folios_ok */
  int folios_ok;          /* 1 if folio_orders was measured */
  int64_t rewarmed;      /* pages read back in because they had left the cache before the phase */
  int64_t disk_breaks[4]; /* a cold file's offsets whose block does not follow the previous one's on the disk (FIEMAP) */
  int nbreaks;            /* how many there are (more than 4 are counted, not kept); -1: not measured */
};

/* The delivery proof (pattern.c). A received word that is not version 0 of the expected file, as read. */
struct pexc {
  int64_t pos;            /* stream position of the word (a multiple of 8) */
  uint64_t w;             /* the bytes received, little-endian; bytes outside mask are 0 */
  uint64_t mask;          /* 0xff in each byte this piece held */
  int64_t t;              /* CLOCK_MONOTONIC ns when the read that got it returned */
};
/* What one sink received: its digest, its length, and the words to classify once the phase is over. */
struct pverify {
  int64_t file;           /* the expected file, -1: none (unverified) */
  int64_t bytes;          /* bytes received */
  uint64_t digest;        /* sum of w_i * R_i over the stream's words (pattern.c) */
  struct pexc *exc;       /* exception list (the peer's: shared with the host) */
  int64_t exc_cap, nexc;
  int64_t unchecked;      /* bytes of words past exc_cap: counted bad, never intact */
  int64_t bad, modified, first_bad; /* pv_classify's verdict; first_bad -1 if none */
};
/* The k-th store of the phase (mem_write), H.stores[k - 1]: version k over [lo, hi) of file `file` (-2: bytes of
 * several files; -1: no file bytes). Stores past PATTERN_MAX_VERSION all write that version: they widen its record. */
struct store_rec { int64_t t0; int64_t file; uint64_t lo, hi; };
/* A sink's stream as the calls sent it: bytes [previous end, end) were sent by calls made after e stores. */
struct sent_rec { int64_t end, e; };
#define MAX_SENT (PATTERN_MAX_VERSION + 2)
/* ZCSIM_TEST_CORRUPT (pattern.c, tests only) */
struct corrupt { int kind; int64_t pos; int64_t shift; int done; unsigned char held; int held_valid; };
/* skbtrace.c: where a tracepoint's fields are in its raw entry (from its tracefs format file), -1 if absent */
struct tp_field { int offset, size; };
struct tp_format {
  int64_t id;             /* the tracepoint's id (its "ID:" line) */
  int entry_size;         /* bytes up to the end of the last field */
  struct tp_field name, len, data_len, ip_summed, gso_size, gso_segs, nr_frags, transport_offset, err;
};
#define SKB_FRAGS_HIST 18 /* nr_frags 0..MAX_SKB_FRAGS (17) */
/* The data skbs a driver was handed (net_dev_start_xmit) and their frags (netif_rx_entry), summed */
struct skb_shapes {
  int64_t ok;             /* 1 if sampled */
  int64_t skbs;           /* data skbs (payload > 0) */
  int64_t linear_bytes;   /* payload bytes in the linear part: len - data_len - headers */
  int64_t frag_bytes;     /* payload bytes in page frags: data_len */
  int64_t linear_skbs;    /* data skbs with payload in the linear part */
  int64_t csum_partial;   /* data skbs with ip_summed CHECKSUM_PARTIAL: the device's checksum (offload) */
  int64_t csum_sw_skbs;   /* data skbs checksummed before the driver (skb_checksum_help in validate_xmit_skb) */
  int64_t csum_sw_bytes;  /* their payload bytes */
  int64_t gso_skbs, gso_segs, gso_size_max; /* GSO skbs, their segments, the largest gso_size */
  int64_t payload_max;    /* the largest payload of one skb */
  int64_t rx_skbs;        /* data skbs seen at netif_rx_entry */
  int64_t frags_hist[SKB_FRAGS_HIST]; /* data skbs by nr_frags */
  int64_t retrans_skbs, retrans_bytes; /* retransmissions, taken out of the figures above */
  int64_t lost;           /* samples the rings lost (PERF_RECORD_LOST): the shapes are then incomplete */
  int64_t malformed;      /* records shorter than the format says */
};
#define SKBTRACE_MAX_CPUS 64
struct skb_ring { int fd; void *base; size_t len; int rx; };
struct skbtrace {
  struct tp_format fx, fr; /* net_dev_start_xmit, netif_rx_entry */
  struct skb_ring rings[2 * SKBTRACE_MAX_CPUS];
  int n;
  int64_t retrans_id;     /* tcp:tcp_retransmit_skb, sampled into each CPU's xmit ring (-1: not) */
  struct tp_format ft;    /* its format (err) */
  int64_t queue_id;       /* net:net_dev_queue, into the same ring: where each transmission starts */
  int extra[SKBTRACE_MAX_CPUS], nextra; /* its events */
  int opt_slack;          /* payload up to which an skb with no frags may be an ACK with options (one device, both ways) */
  struct skb_shapes shapes;
  char why[160];          /* why it could not be opened */
};

/* The peer's report, sent back through a pipe at EOF. */
struct peer_report {
  int64_t bytes;          /* bytes received */
  uint64_t digest;        /* the stream digest (pattern.c) */
  int64_t nexc;           /* words in the shared exception list (struct pexc), classified by the host */
  int64_t unchecked;      /* bytes past the exception list's capacity */
  int64_t reads;          /* read() calls, including the one that returned 0 */
  int64_t polls;          /* poll() calls (lazy peer) */
  int64_t recvs;          /* recv(MSG_DONTWAIT) calls (lazy peer, at peer_read) */
  int64_t copy_ops;       /* reads that returned data: each copies skb data to the peer's buffer */
  int64_t err;            /* errno of a failed read, or 0 */
  int64_t tp_ok;          /* 1 if its tracepoint counters below were measured */
  int64_t tp_copy;        /* skb:skb_copy_datagram_iovec in the peer's context */
  int64_t tp_xmit;        /* net:net_dev_start_xmit in the peer's context (its ACKs, and data the ACKs released) */
  int64_t tp_xmit_data;   /* the same, only skbs longer than a bare TCP header (carrying payload) */
  int64_t done;           /* 1: saw EOF */
  int64_t sleeps;         /* its voluntary context switches from ready to EOF: sleeps in read/poll, each ended by a
                           * wake-up from the sender's side (data arrived) */
  int64_t cpu_ns;         /* its CPU time (user + system) from ready to EOF: what reading, copying and verifying cost */
  struct skb_shapes shapes; /* data skbs sampled from ready to EOF: in its own context (tcp), on the device (nic) */
  char shapes_why[160];   /* why not sampled */
};

struct sink_spec {
  const char *name;
  int64_t kind, reg, expect, lazy;
  int fd;                 /* the program's descriptor (3, 4, ...) */
  pid_t peer;             /* tcp: the peer's pid, 0 once reaped */
  int ctl;                /* tcp: host -> peer commands */
  int rep;                /* tcp: peer -> host acks and the final report */
  int peer_status;        /* tcp: waitpid status */
  int reported;           /* tcp: 1 once the report arrived */
  struct peer_report report;
  struct pexc *exc;       /* tcp: the exception list the peer fills (MAP_SHARED, PEER_EXC_CAP words) */
  int64_t written;        /* bytes the program's calls returned as moved to it (null: all that is known) */
  struct pverify pv;      /* tcp, file: what it received and the verdict (after teardown) */
  int verified;           /* 1 once pv holds a verdict */
  struct sent_rec sent[MAX_SENT]; /* the calls that sent its stream, by stores before them */
  int64_t nsent;
};

struct buf_spec { const char *name; int64_t size, reg; void *addr; };

/* One call as made in the phase. */
struct call_rec {
  int32_t call, step;
  int64_t args[6];        /* values as passed (pointers as addresses, a path as its string index, REF as the
                             offset after the call; pipe: a4, a5 = the two ends) */
  int64_t ret;
  int32_t err;
  int32_t refused;        /* 0 made as written; 1 not run by the host (notRun says why) */
  int64_t t0, t1;         /* ns from the start of the phase */
};

struct error_rec { int32_t step, call, err; int64_t count; };
struct signal_rec { int32_t step, signo, code; uintptr_t addr; int region; int64_t offset; };
/* A step the host did not run, and why (a call that would touch its own memory or descriptors): no errno, no
 * signal, no count is reported for it. */
struct not_run_rec { int32_t step, call; int64_t count; const char *why; };
/* An address range [lo, hi) */
struct span { uintptr_t lo, hi; };

/* perf counters the host opens on itself for the phase */
enum pc_id {
  PC_PAGE_FAULTS, PC_FAULTS_MIN, PC_FAULTS_MAJ, PC_CS, PC_TASK_CLOCK,
  PC_TP_PAGE_FAULT_USER, PC_TP_PAGE_FAULT_KERNEL, PC_TP_FILEMAP_ADD, PC_TP_BLOCK_RQ_ISSUE, PC_TP_NET_XMIT,
  PC_TP_NET_XMIT_DATA, PC_TP_SKB_COPY, PC_COUNT
};
struct pcounter {
  const char *name;       /* "page-faults", "exceptions:page_fault_user", ... */
  int fd;                 /* >= FD_INTERNAL, or -1 */
  int64_t value;
  char why[160];          /* why it is unavailable */
};

struct io_snap { int64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes; int64_t nread; };

struct host {
  /* program */
  int64_t *w;             /* the program words */
  int64_t nwords;
  int64_t nregs, nknobs, nstrings, nfiles, nsinks, nbufs, ncode, npool;
  const int64_t *knobs, *filew, *sinkw, *bufw, *code, *pool;
  char *strings[MAX_STRINGS];
  int64_t *regs;
  int64_t step_budget;     /* the program's STEP_BUDGET knob, capped by max_steps */
  int64_t max_steps;       /* the run's cap (--max-steps): past it the run ends TIMEOUT, "looping" */
  int64_t steps;          /* instructions executed */
  volatile int64_t call_step_now, call_t0_now; /* the call in progress (its step, its start), step -1 between calls */
  int64_t alarm_step, alarm_call_ns; /* at the phase bound: the call in progress and how long it had run, or -1 */
  /* setup */
  char sandbox[256];      /* absolute path of the private directory, "" if none or removed */
  char sandbox_path[256]; /* the same, kept for the report */
  char sandbox_fs[32];    /* the sandbox's filesystem type (statfs): the copy semantics depend on it */
  int err_fd;             /* the host's stderr (>= FD_INTERNAL) */
  int dirfd;              /* the sandbox, >= FD_INTERNAL */
  struct file_spec files[MAX_FILES];
  struct sink_spec sinks[MAX_SINKS];
  struct buf_spec bufs[MAX_BUFS];
  struct region regions[MAX_REGIONS];
  int nmaps;              /* mappings made so far (their sequence numbers) */
  uint8_t fd_kind[MAX_FDS];
  int16_t fd_file[MAX_FDS];   /* setup file id opened on the descriptor, or -1 */
  int16_t fd_sink[MAX_FDS];   /* sink index, or -1 */
  uint8_t fd_zerocopy[MAX_FDS]; /* SO_ZEROCOPY set on it */
  int64_t peer_buf;       /* the peer's read buffer */
  int peer_poll;          /* the eager peer polls recv (MSG_DONTWAIT) instead of sleeping in read() */
  int64_t sndbuf, rcvbuf; /* knobs applied (0: kernel default) */
  int tcp_cc;             /* Knob.TCP_CONGESTION: 0 the system's default, 1 reno, 2 cubic, 3 bbr */
  char tcp_cc_default[16]; /* net.ipv4.tcp_congestion_control */
  char tcp_cc_used[16];   /* the congestion control the sink's connection ran with (getsockopt), "" if none */
  char netns[32];         /* the network namespace the host runs in: "own (user+net)", "own (net)" or "machine" */
  char netns_why[200];    /* why it runs in the machine's, "" when in its own */
  int peer_lazy_default;
  int timeout_s;          /* bound on the phase and on waits for the peer */
  int keep;               /* keep the sandbox (debugging) */
  int64_t other_fs_files; /* Knob.OTHER_FS_FILES: bitmask of setup files on the second filesystem */
  char fs2_path[300];     /* the second filesystem's mount point (a tmpfs in the sandbox), "" if none */
  int mark;               /* ZCSIM_MARK: marker syscalls around the phase for strace/perf */
  /* phase */
  struct call_rec *log;
  int64_t log_cap, nlog, log_dropped;
  struct error_rec errors[MAX_ERRORS];
  int nerrors;
  int64_t errors_dropped;
  struct signal_rec signals[MAX_SIGNALS];
  int nsignals;
  int64_t t_start;        /* CLOCK_MONOTONIC ns at the start of the phase */
  int64_t counters[COUNTER_COUNT];
  int64_t calls_by_id[CALL_MAX + 1];
  int64_t refused;        /* calls the host did not run */
  struct not_run_rec not_run[MAX_NOT_RUN];
  int nnot_run;
  int64_t not_run_dropped;
  /* the host's own memory during the phase: its mappings right before it (program_snapshot_maps), and below its
   * stack the range the kernel would grow the stack into on a fault there (expand_stack) */
  struct span host_maps[MAX_HOST_MAPS];
  int nhost_maps;         /* -1: /proc/self/maps unreadable, every address outside the program's memory is the host's */
  int64_t nstores;        /* mem_write calls made in the phase: the k-th writes version min(k, PATTERN_MAX_VERSION) */
  struct store_rec stores[PATTERN_MAX_VERSION]; /* what each store covered, and when it began */
  struct corrupt corrupt; /* ZCSIM_TEST_CORRUPT, tests only */
  int64_t peer_io_calls;  /* host syscalls made for peer_read (control pipe), subtracted from /proc/self/io */
  int64_t peer_io_rchar, peer_io_wchar, peer_io_syscr, peer_io_syscw;
  /* peer_read waits for the peer: that wait is the host's, not the program's. Its context switches and faults are
   * subtracted from getrusage's, and the perf counters are off meanwhile; its time is reported apart. */
  int64_t peer_wait_nvcsw, peer_wait_nivcsw, peer_wait_minflt, peer_wait_majflt, peer_wait_ns, peer_waits;
  int status;             /* Status */
  char status_detail[256];
  volatile sig_atomic_t timed_out;
  volatile sig_atomic_t in_mem;        /* a mem_read/mem_write is in progress: SIGBUS/SIGSEGV jump back */
  volatile sig_atomic_t mem_signo, mem_code;
  volatile uintptr_t mem_addr;
  sigjmp_buf mem_jmp;
  /* measurement */
  int io_fd;              /* /proc/self/io, >= FD_INTERNAL */
  char io_why[160];       /* why /proc/self/io could not be read, "" if it could */
  struct pcounter pc[PC_COUNT];
  int64_t tp_filemap_id;  /* filemap:mm_filemap_add_to_page_cache, or -1 */
  int64_t tp_id[PC_COUNT];
  char tp_why[160];
  struct io_snap io0, io1;
  struct { int64_t minflt, majflt, nvcsw, nivcsw, utime_ns, stime_ns; } ru0, ru1;
  int64_t wall_ns;
  int mlock_ok;
  char mlock_why[128];
  /* the machine made ready for the phase (setup.c, prime_guest_memory and pin_cpus) */
  int64_t prime_bytes, prime_ns; /* guest memory touched and freed right before the phase, and how long it took */
  int cpu_host, cpu_peer;        /* the CPUs the program and its peers run on, -1 where not pinned */
  /* the nic sink (nic.c) and the skb shapes (skbtrace.c) */
  int netns_own;          /* 1: the host is in a network namespace of its own */
  char nic_dev[16], nic_peer_dev[16]; /* the veth pair: the host's end, the peer's end ("" if no nic sink) */
  int nic_sg_want, nic_csum_want; /* Knob.NIC_SG, Knob.NIC_CSUM */
  int nic_sg, nic_csum, nic_tso, nic_mtu; /* the device's features read back after they were set (-1 unknown) */
  int64_t tp_xmit_id, tp_copy_id; /* net:net_dev_start_xmit, skb:skb_copy_datagram_iovec (-1 if none) */
  char lo_dev[16];        /* the loopback's name: "lo" renamed zclo<pid> in the host's own namespace, so that its skbs
                           * can be sampled on every CPU by name; "" when the loopback is the machine's */
  int64_t nic_page_calls; /* sendfile/splice calls that moved bytes to the nic sink's socket */
  /* notes for the reader */
  char notes[32][200];
  int nnotes;
};

extern struct host H;

/* Knob.TCP_CONGESTION's values: the names setsockopt(TCP_CONGESTION) takes (0: the system's default); the same
 * order as TCP_CONGESTION_NAMES in src/scenario/machine-params.ts */
static const char *const TCP_CC_NAMES[4] = { "", "reno", "cubic", "bbr" };

/* util.c */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failed(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hi_fd(int fd);
int has_nic(void);
void pin_cpus(void);
void pin_peer(void);
/* knobs.c */
#define MAX_KNOB_ROWS 64
struct knob_row { int64_t id, program, kernel; int applied; const char *name, *how; };
extern struct knob_row knob_rows[MAX_KNOB_ROWS];
extern int nknob_rows;
void knobs(void);
/* pattern.c */
uint64_t pattern_mix(uint64_t z);
uint64_t pattern_word(int64_t file, uint64_t off, uint64_t version);
uint8_t pattern_byte(int64_t file, uint64_t off, uint64_t version);
uint64_t pattern_digest_weight(uint64_t word_index);
void pattern_fill(int64_t file, uint64_t off, unsigned char *buf, size_t len);
int pattern_identify(uint64_t w, int64_t nfiles, const int64_t *sizes, int64_t *file, uint64_t *off, uint64_t *version);
void pv_feed(struct pverify *v, uint64_t pos, const unsigned char *b, size_t n, int64_t t_read);
void pv_classify(struct pverify *v, const struct store_rec *st, int64_t nst, const struct sent_rec *sent, int64_t nsent);
int corrupt_parse(const char *s, struct corrupt *c);
void corrupt_feed(struct corrupt *c, struct pverify *v, uint64_t in_pos, const unsigned char *b, size_t n, int64_t t);
void corrupt_end(struct corrupt *c, struct pverify *v, uint64_t in_end, int64_t t);
/* program.c */
int program_load(const char *path);
int program_run(void);
int region_contains(uintptr_t addr, uint64_t len);
void program_snapshot_maps(void);
/* setup.c */
int setup_all(void);
int setup_verify_cache(void);
void teardown(void);
void setup_own_pages(void);
void prime_guest_memory(void);
void cpu_lock(void);
void cleanup_async(void);
int name_ok(const char *s);
/* netns.c */
int netns_enter(void);
void tracefs_own(void);
int netns_link_up(const char *ifname);
int netns_rmem_push(int64_t bytes, char *saved, size_t len);
void netns_rmem_pop(const char *saved);
/* peer.c */
int peer_start(struct sink_spec *s);
void peer_main(struct sink_spec *s, int sock, int ctl, int rep) __attribute__((noreturn));
int peer_read_now(struct sink_spec *s);
int peer_finish(struct sink_spec *s);
/* nic.c */
int nic_own_netns(char *why, size_t whylen);
int nic_name_loopback(void);
int nic_start(struct sink_spec *s);
/* skbtrace.c */
int tp_format_parse(const char *text, struct tp_format *f, char *why, size_t whylen);
int tp_format_read(const char *sys, const char *event, struct tp_format *f, char *why, size_t whylen);
int skbtrace_open(struct skbtrace *t, pid_t pid, int cpu_wide, const char *dev, const char *peer_dev, int dport, int64_t expect_bytes);
void skbtrace_enable(struct skbtrace *t, int on);
void skbtrace_collect(struct skbtrace *t);
void skbtrace_close(struct skbtrace *t);
void skb_shapes_add(struct skb_shapes *a, const struct skb_shapes *b);
/* measure.c */
void measure_names(void);
void measure_init(void);
void measure_begin(void);
void measure_end(void);
int open_tracepoint(int64_t id, pid_t pid, const char *filter, char *why, size_t whylen);
int64_t tracepoint_id(const char *sys, const char *event, char *why, size_t whylen);
void derive_call(int call, const int64_t *a, int64_t ret);
int64_t now_ns(void);
#endif
