/*
 * The bracket around the transfer phase, and what the host derives from the calls it made.
 *
 *   getrusage  /proc/self/io  prctl(PR_TASK_PERF_EVENTS_ENABLE)  [marker]  t0  ... the code ...  t1  [marker]
 *   prctl(PR_TASK_PERF_EVENTS_DISABLE)  /proc/self/io  getrusage
 *
 * Measured: getrusage (minflt, majflt, nvcsw, nivcsw, utime, stime); /proc/self/io (less the host's own pread of
 * it: its bytes and its one call); perf_event_open software counters and tracepoints on this task only (they
 * count events that fire while this task runs, softirq work done in its context included); the wall clock
 * (CLOCK_MONOTONIC, vDSO: no syscall). Nothing here allocates or prints between the two brackets.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "host.h"

static const struct { const char *name; uint32_t type; uint64_t config; const char *sys, *event, *filter; } PC[PC_COUNT] = {
  [PC_PAGE_FAULTS] = { "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0, 0, 0 },
  [PC_FAULTS_MIN] = { "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 0, 0, 0 },
  [PC_FAULTS_MAJ] = { "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 0, 0, 0 },
  [PC_CS] = { "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0, 0, 0 },
  [PC_TASK_CLOCK] = { "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 0, 0, 0 },
  [PC_TP_PAGE_FAULT_USER] = { "exceptions:page_fault_user", PERF_TYPE_TRACEPOINT, 0, "exceptions", "page_fault_user", 0 },
  [PC_TP_PAGE_FAULT_KERNEL] = { "exceptions:page_fault_kernel", PERF_TYPE_TRACEPOINT, 0, "exceptions", "page_fault_kernel", 0 },
  [PC_TP_FILEMAP_ADD] = { "filemap:mm_filemap_add_to_page_cache", PERF_TYPE_TRACEPOINT, 0, "filemap", "mm_filemap_add_to_page_cache", 0 },
  [PC_TP_BLOCK_RQ_ISSUE] = { "block:block_rq_issue", PERF_TYPE_TRACEPOINT, 0, "block", "block_rq_issue", 0 },
  [PC_TP_NET_XMIT] = { "net:net_dev_start_xmit", PERF_TYPE_TRACEPOINT, 0, "net", "net_dev_start_xmit", 0 },
  [PC_TP_NET_XMIT_DATA] = { "net:net_dev_start_xmit(len>66)", PERF_TYPE_TRACEPOINT, 0, "net", "net_dev_start_xmit", "len > 66" },
  [PC_TP_SKB_COPY] = { "skb:skb_copy_datagram_iovec", PERF_TYPE_TRACEPOINT, 0, "skb", "skb_copy_datagram_iovec", 0 },
};

int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The tracepoint's id from tracefs; its absence or a refusal is said in `why`. */
int64_t tracepoint_id(const char *sys, const char *event, char *why, size_t whylen) {
  static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
  int first_err = 0;
  for (int i = 0; i < 2; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s/events/%s/%s/id", roots[i], sys, event);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { if (!first_err) first_err = errno; continue; }
    char b[32] = { 0 };
    ssize_t n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n > 0) return strtoll(b, NULL, 10);
  }
  if (first_err == ENOENT)
    snprintf(why, whylen, "no tracefs events at /sys/kernel/tracing or /sys/kernel/debug/tracing (tracefs not mounted: as root, mount -t tracefs nodev /sys/kernel/tracing; or no %s:%s)", sys, event);
  else
    snprintf(why, whylen, "cannot read /sys/kernel/tracing/events/%s/%s/id: %s (tracefs needs root)", sys, event, strerror(first_err));
  return -1;
}

static int perf_open(struct perf_event_attr *a, pid_t pid) {
  return (int)syscall(SYS_perf_event_open, a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void perf_why(char *why, size_t whylen, int e) {
  if (e == EACCES || e == EPERM) {
    int par = -9;
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (f) { if (fscanf(f, "%d", &par) != 1) par = -9; fclose(f); }
    snprintf(why, whylen, "perf_event_open: %s (kernel.perf_event_paranoid=%d and no CAP_PERFMON: kernel-side counting not permitted)", strerror(e), par);
  } else if (e == ENOENT || e == ENODEV || e == EOPNOTSUPP) {
    snprintf(why, whylen, "perf_event_open: %s (event not supported by this kernel)", strerror(e));
  } else if (e == ENOSYS) {
    snprintf(why, whylen, "perf_event_open: not available (ENOSYS; seccomp or a kernel without perf events)");
  } else {
    snprintf(why, whylen, "perf_event_open: %s", strerror(e));
  }
}

/* A counting (not sampling) tracepoint counter on `pid` (0: this task), disabled until the bracket enables it. */
int open_tracepoint(int64_t id, pid_t pid, const char *filter, char *why, size_t whylen) {
  struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof a, .config = (uint64_t)id, .disabled = pid == 0 ? 0 : 1 };
  int fd = perf_open(&a, pid);
  if (fd < 0) { perf_why(why, whylen, errno); return -1; }
  if (filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
    snprintf(why, whylen, "PERF_EVENT_IOC_SET_FILTER \"%s\": %s", filter, strerror(errno));
    close(fd);
    return -1;
  }
  return hi_fd(fd);
}

/* Names every counter and marks it not opened, so a report made before the phase (a refused program) is whole. */
void measure_names(void) {
  for (int i = 0; i < PC_COUNT; i++) {
    H.pc[i].name = PC[i].name;
    H.pc[i].fd = -1;
    snprintf(H.pc[i].why, sizeof H.pc[i].why, "not opened: the program did not run");
  }
}

void measure_init(void) {
  H.io_fd = hi_fd(open("/proc/self/io", O_RDONLY | O_CLOEXEC));
  if (H.io_fd < 0) snprintf(H.io_why, sizeof H.io_why, "cannot open /proc/self/io: %s (no CONFIG_TASK_IO_ACCOUNTING, or /proc mounted with hidepid)", strerror(errno));
  for (int i = 0; i < PC_COUNT; i++) {
    struct pcounter *c = &H.pc[i];
    c->name = PC[i].name;
    c->fd = -1;
    c->value = 0;
    c->why[0] = 0;
    struct perf_event_attr a = { .type = PC[i].type, .size = sizeof a, .config = PC[i].config, .disabled = 1, .exclude_hv = 1 };
    if (PC[i].type == PERF_TYPE_TRACEPOINT) {
      int64_t id = tracepoint_id(PC[i].sys, PC[i].event, c->why, sizeof c->why);
      if (id < 0) continue;
      a.config = (uint64_t)id;
    }
    int fd = perf_open(&a, 0);
    if (fd < 0) { perf_why(c->why, sizeof c->why, errno); continue; }
    if (PC[i].filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, PC[i].filter) < 0) {
      snprintf(c->why, sizeof c->why, "PERF_EVENT_IOC_SET_FILTER \"%s\": %s", PC[i].filter, strerror(errno));
      close(fd);
      continue;
    }
    c->fd = hi_fd(fd);
    ioctl(c->fd, PERF_EVENT_IOC_RESET, 0);
  }
}

static char io_text[512];

/* /proc/self/io, read with one pread(); nread = the bytes that read returned (it counts itself in rchar/syscr) */
static void io_snap(struct io_snap *s) {
  memset(s, 0, sizeof *s);
  if (H.io_fd < 0) return;
  ssize_t n = pread(H.io_fd, io_text, sizeof io_text - 1, 0);
  if (n <= 0) { s->nread = -1; return; }
  io_text[n] = 0;
  s->nread = n;
  const char *p = io_text;
  while (*p) {
    int64_t *dst = NULL;
    if (!strncmp(p, "rchar:", 6)) dst = &s->rchar;
    else if (!strncmp(p, "wchar:", 6)) dst = &s->wchar;
    else if (!strncmp(p, "syscr:", 6)) dst = &s->syscr;
    else if (!strncmp(p, "syscw:", 6)) dst = &s->syscw;
    else if (!strncmp(p, "read_bytes:", 11)) dst = &s->read_bytes;
    else if (!strncmp(p, "write_bytes:", 12)) dst = &s->write_bytes;
    const char *colon = strchr(p, ':');
    if (dst && colon) *dst = strtoll(colon + 1, NULL, 10);
    const char *nl = strchr(p, '\n');
    if (!nl) break;
    p = nl + 1;
  }
}

static void ru_snap(int64_t *minflt, int64_t *majflt, int64_t *nvcsw, int64_t *nivcsw, int64_t *ut, int64_t *st) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  *minflt = r.ru_minflt; *majflt = r.ru_majflt; *nvcsw = r.ru_nvcsw; *nivcsw = r.ru_nivcsw;
  *ut = (int64_t)r.ru_utime.tv_sec * 1000000000LL + r.ru_utime.tv_usec * 1000LL;
  *st = (int64_t)r.ru_stime.tv_sec * 1000000000LL + r.ru_stime.tv_usec * 1000LL;
}

/* A marker syscall that fails and changes nothing, lseek(-1, MARK_BEGIN or MARK_END, SEEK_SET) = -1 EBADF, which
 * strace and perf (syscalls:sys_enter_lseek shows the offset) see, so they can cut out the phase. Only when
 * ZCSIM_MARK or --mark asks: it is not one of the program's calls and is not counted. */
#define MARK_BEGIN 0x5a43000bL
#define MARK_END 0x5a43000eL
static void marker(long which) {
  if (H.mark) syscall(SYS_lseek, -1, which, SEEK_SET);
}

void measure_begin(void) {
  ru_snap(&H.ru0.minflt, &H.ru0.majflt, &H.ru0.nvcsw, &H.ru0.nivcsw, &H.ru0.utime_ns, &H.ru0.stime_ns);
  io_snap(&H.io0);
  prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
  marker(MARK_BEGIN);
  H.t_start = now_ns();
}

void measure_end(void) {
  int64_t t_end = now_ns();
  marker(MARK_END);
  prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0);
  io_snap(&H.io1);
  ru_snap(&H.ru1.minflt, &H.ru1.majflt, &H.ru1.nvcsw, &H.ru1.nivcsw, &H.ru1.utime_ns, &H.ru1.stime_ns);
  H.wall_ns = t_end - H.t_start;
  for (int i = 0; i < PC_COUNT; i++) {
    uint64_t v = 0;
    if (H.pc[i].fd >= 0 && read(H.pc[i].fd, &v, sizeof v) == sizeof v) H.pc[i].value = (int64_t)v;
    else if (H.pc[i].fd >= 0) { snprintf(H.pc[i].why, sizeof H.pc[i].why, "read: %s", strerror(errno)); close(H.pc[i].fd); H.pc[i].fd = -1; }
  }
  /* counters: measured */
  H.counters[COUNTER_FAULTS_MINOR] = H.ru1.minflt - H.ru0.minflt - H.peer_wait_minflt;
  H.counters[COUNTER_FAULTS_MAJOR] = H.ru1.majflt - H.ru0.majflt - H.peer_wait_majflt;
  H.counters[COUNTER_NVCSW] = H.ru1.nvcsw - H.ru0.nvcsw - H.peer_wait_nvcsw;
  H.counters[COUNTER_NIVCSW] = H.ru1.nivcsw - H.ru0.nivcsw - H.peer_wait_nivcsw;
  H.counters[COUNTER_TIME_NS] = H.wall_ns;
  H.counters[COUNTER_USER_NS] = H.ru1.utime_ns - H.ru0.utime_ns;
  H.counters[COUNTER_SYS_NS] = H.ru1.stime_ns - H.ru0.stime_ns;
  if (H.io0.nread > 0 && H.io1.nread > 0) {
    /* the first pread of /proc/self/io counted itself (its bytes, one call) after its own snapshot */
    H.counters[COUNTER_IO_RCHAR] = H.io1.rchar - H.io0.rchar - H.io0.nread - H.peer_io_rchar;
    H.counters[COUNTER_IO_SYSCR] = H.io1.syscr - H.io0.syscr - 1 - H.peer_io_syscr;
    H.counters[COUNTER_IO_WCHAR] = H.io1.wchar - H.io0.wchar - H.peer_io_wchar;
    H.counters[COUNTER_IO_SYSCW] = H.io1.syscw - H.io0.syscw - H.peer_io_syscw;
    H.counters[COUNTER_IO_READ_BYTES] = H.io1.read_bytes - H.io0.read_bytes;
    H.counters[COUNTER_IO_WRITE_BYTES] = H.io1.write_bytes - H.io0.write_bytes;
  }
  H.counters[COUNTER_MODE_SWITCHES] = 2 * H.counters[COUNTER_SYSCALLS];
  if (H.pc[PC_TP_PAGE_FAULT_USER].fd >= 0) H.counters[COUNTER_TP_PAGE_FAULT_USER] = H.pc[PC_TP_PAGE_FAULT_USER].value;
  if (H.pc[PC_TP_FILEMAP_ADD].fd >= 0) H.counters[COUNTER_TP_FILEMAP_ADD] = H.pc[PC_TP_FILEMAP_ADD].value;
  if (H.pc[PC_TP_BLOCK_RQ_ISSUE].fd >= 0) H.counters[COUNTER_TP_BLOCK_RQ_ISSUE] = H.pc[PC_TP_BLOCK_RQ_ISSUE].value;
  if (H.pc[PC_TP_NET_XMIT].fd >= 0) H.counters[COUNTER_TP_NET_DEV_XMIT] = H.pc[PC_TP_NET_XMIT].value;
  if (H.pc[PC_TP_SKB_COPY].fd >= 0) H.counters[COUNTER_TP_SKB_COPY_DATAGRAM] = H.pc[PC_TP_SKB_COPY].value;
  /* derived: the disk's DMA into the page cache is what /proc/self/io read_bytes counts for this task */
  H.counters[COUNTER_DMA_BYTES] = H.counters[COUNTER_IO_READ_BYTES];
  H.counters[COUNTER_DISK_PAGES] = H.counters[COUNTER_IO_READ_BYTES] / 4096;
  if (H.pc[PC_TP_BLOCK_RQ_ISSUE].fd >= 0) H.counters[COUNTER_DMA_OPS] = H.pc[PC_TP_BLOCK_RQ_ISSUE].value;
}

/* ---------------------------------------------------------------- derived: the semantics of the calls made */

static int kind(int64_t fd) { return fd >= 0 && fd < MAX_FDS ? H.fd_kind[fd] : FK_NONE; }

static void copy(int64_t bytes) {
  H.counters[COUNTER_CPU_COPY_OPS]++;
  H.counters[COUNTER_CPU_COPY_BYTES] += bytes;
}

/* Bytes a call returned as moved to a sink: its stream grows by them, sent after H.nstores stores (the delivery
 * proof's "version at the call", pattern.c). */
static void to_sink(int64_t fd, int64_t bytes) {
  if (fd < 0 || fd >= MAX_FDS || H.fd_sink[fd] < 0) return;
  struct sink_spec *s = &H.sinks[H.fd_sink[fd]];
  s->written += bytes;
  if (s->nsent > 0 && s->sent[s->nsent - 1].e == H.nstores) s->sent[s->nsent - 1].end = s->written;
  else if (s->nsent < MAX_SENT) s->sent[s->nsent++] = (struct sent_rec){ s->written, H.nstores };
  else s->sent[s->nsent - 1] = (struct sent_rec){ s->written, H.nstores }; /* more than one entry per version */
}

/* a page call (sendfile, splice) to the nic sink's socket: its skbs' copy, if the device makes one, is its op */
static void nic_page_call(int64_t fd) {
  if (fd >= 0 && fd < MAX_FDS && H.fd_sink[fd] >= 0 && H.sinks[H.fd_sink[fd]].kind == SINK_KIND_NIC) H.nic_page_calls++;
}

/* CPU copies of payload made by the kernel on behalf of this process for a successful call, from what the call
 * is and what its descriptors are (this kernel: ext4 page cache, loopback TCP with checksum offload and
 * scatter-gather, so no linearization and no checksum pass on transmit):
 *   read/pread (file, pipe, socket -> user)             1 copy    write/pwrite/send (user -> file, pipe, socket)   1 copy
 *   write to /dev/null                                  0         send MSG_ZEROCOPY with SO_ZEROCOPY, loopback    1 (at delivery)
 *   sendfile/splice file -> pipe or socket              0 (page references)                                       
 *   splice/sendfile -> regular file                     1 (iter_file_splice_write copies into the page cache)
 *   splice pipe -> socket, pipe -> pipe, tee            0         vmsplice user -> pipe 0; pipe -> user 1 copy
 *   copy_file_range file -> file (ext4: no reflink)     1 (the splice path copies page to page)
 * The receiver's copy on a TCP sink is the peer's, reported apart. Through the nic sink's device the socket keeps
 * scatter-gather whatever the device has (sk_setup_caps: TCP always has software GSO, hence SG): sendfile and splice
 * still reference pages; the copy a device without SG (or without checksumming) costs is made later, by software GSO
 * (skb_segment in validate_xmit_skb), and is derived from the skbs' shapes in main.c, not here. */
void derive_call(int call, const int64_t *a, int64_t ret) {
  if (ret <= 0) return;
  /* the bytes a call returned extend the stream of the sink its `to` descriptor is (calls.ts; the model's sentToSink) */
  if (call >= 0 && call <= CALL_MAX && CALL_SIG[call].to >= 0) to_sink(a[CALL_SIG[call].to], ret);
  /* the copies the kernel made for it: which call, to or from what kind of file */
  switch (call) {
  case CALL_READ: case CALL_PREAD64:
    if (kind(a[0]) != FK_NULL) copy(ret);
    break;
  case CALL_WRITE: case CALL_PWRITE64:
    if (kind(a[0]) != FK_NULL) copy(ret);
    break;
  case CALL_SEND:
    copy(ret);
    break;
  case CALL_SENDFILE:
    if (kind(a[0]) == FK_FILE) copy(ret);
    nic_page_call(a[0]);
    break;
  case CALL_SPLICE:
    if (kind(a[2]) == FK_FILE) copy(ret);
    nic_page_call(a[2]);
    break;
  case CALL_VMSPLICE:
    if (kind(a[0]) == FK_PIPE_R) copy(ret);
    break;
  case CALL_COPY_FILE_RANGE:
    copy(ret);
    break;
  default: break;
  }
}
