/*
 * zcsim-native [--timeout SECONDS] [--max-steps N] [--keep] [--log-cap N] [--mark] PROGRAM|-
 *
 * Runs the compiled program (a file of little-endian int64 words, or stdin with "-") on this kernel and prints one
 * JSON object on stdout: what it measured, what it derived, what it could not observe and why. Exit status 0 when
 * the program ran (its calls may have failed: that is in the result), 2 when the program or the setup was refused,
 * 3 on a usage error. ZCSIM_MARK=1 (or --mark) makes a failed lseek(-1, 0x5a43000b, SEEK_SET) right after the
 * phase's start and lseek(-1, 0x5a43000e, SEEK_SET) right before its end, so strace and perf can cut it out.
 * ZCSIM_TEST_CORRUPT=kind:pos damages what every sink received at stream position pos before it is checked
 * (pattern.c): for the tests of the delivery proof only; the result then says so in its notes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"

struct host H = { .err_fd = 2, .dirfd = -1, .io_fd = -1, .timeout_s = 30, .log_cap = DEFAULT_LOG_CAP, .max_steps = DEFAULT_MAX_STEPS };
static int out_fd = 1;
#define err_fd H.err_fd

/* The same address-space layout on every run: a file mapping's fault count depends on where mmap(NULL) puts it
 * (fault-around windows are aligned in the address space, and a neighbour's page table decides whether the first
 * fault maps a whole folio), so with ASLR the kernel's count of one program moves from run to run by placement alone
 * (mmap-write 1 MiB warm: 16, 17 or 18 minor faults). The host re-executes itself once with ADDR_NO_RANDOMIZE
 * (what setarch -R does); ZCSIM_NATIVE_ASLR=1 keeps the machine's randomization. Reported as machine.aslr. */
static int aslr_on = 1;
static void no_aslr(char **argv) {
  const char *keep = getenv("ZCSIM_NATIVE_ASLR");
  int p = personality(0xffffffff);
  if (p < 0) return;
  aslr_on = !(p & ADDR_NO_RANDOMIZE);
  if (!aslr_on || (keep && !strcmp(keep, "1"))) return;
  if (personality((unsigned long)p | ADDR_NO_RANDOMIZE) < 0) return;
  execv("/proc/self/exe", argv); /* on failure: run as we are, randomized, and say so */
  personality((unsigned long)p);
}

static FILE *J;
static void report_knobs(void);

/* ---------------------------------------------------------------- signals */

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, or a fault of the host's own: kill the peers, remove the sandbox,
 * then die of the same signal (its default action), so the caller sees what happened. */
static void on_fatal(int sig) {
  cleanup_async();
  signal(sig, SIG_DFL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  raise(sig);
  _exit(128 + sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (H.in_mem) {
    H.mem_signo = sig;
    H.mem_code = si->si_code;
    H.mem_addr = (uintptr_t)si->si_addr;
    siglongjmp(H.mem_jmp, 1);
  }
  on_fatal(sig); /* a fault of the host's own: clean up, then die of it */
}

static void on_alarm(int sig) {
  (void)sig;
  if (H.timed_out) { /* the second one: the program did not come back from a call */
    static const char m[] = "zcsim-native: timeout, giving up\n";
    if (write(err_fd, m, sizeof m - 1) < 0) {}
    on_fatal(SIGTERM);
  }
  /* blocked or looping: which call was in progress, and for how long (clock_gettime is async-signal-safe) */
  int64_t step = H.call_step_now;
  H.alarm_step = step;
  H.alarm_call_ns = step >= 0 ? now_ns() - H.call_t0_now : 0;
  H.timed_out = 1;
  alarm(5);
}

static void install_signals(void) {
  struct sigaction sa = { 0 };
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL); /* a write with no reader returns EPIPE, recorded */
  sa.sa_handler = on_fatal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGQUIT, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
  sa.sa_handler = on_alarm; /* no SA_RESTART: a blocked call returns EINTR */
  sigaction(SIGALRM, &sa, NULL);
  struct sigaction sf = { 0 };
  sf.sa_sigaction = on_fault;
  sf.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sf.sa_mask);
  sigaction(SIGBUS, &sf, NULL);
  sigaction(SIGSEGV, &sf, NULL);
}

/* ---------------------------------------------------------------- JSON */

static void jstr(const char *s) {
  fputc('"', J);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(J, "\\%c", c);
    else if (c < 0x20) fprintf(J, "\\u%04x", c);
    else fputc(c, J);
  }
  fputc('"', J);
}
static void jkey(const char *k) { jstr(k); fputc(':', J); }
static void jnum(const char *k, int64_t v) { jkey(k); fprintf(J, "%lld", (long long)v); }

static const char *status_name(int s) {
  static const char *const n[] = { "OK", "BAD_MAGIC", "BAD_VERSION", "BAD_PROGRAM", "BUDGET_EXCEEDED", "OUT_OF_MEMORY",
                                    "SETUP_FAILED", "PEER_FAILED", "DONE", "UNSUPPORTED", "TIMEOUT" };
  return s >= 0 && s <= STATUS_TIMEOUT ? n[s] : "?";
}

static const char *ename(int e) {
  const char *n = errno_name(e);
  if (n) return n;
  n = strerrorname_np(e);
  return n ? n : "E?";
}

static const char *sig_name(int s) { return s == SIGBUS ? "SIGBUS" : s == SIGSEGV ? "SIGSEGV" : s == SIGPIPE ? "SIGPIPE" : "SIG?"; }
static const char *sig_code(int s, int c) {
  if (s == SIGBUS) return c == BUS_ADRERR ? "BUS_ADRERR" : c == BUS_ADRALN ? "BUS_ADRALN" : c == BUS_OBJERR ? "BUS_OBJERR" : "BUS_?";
  if (s == SIGSEGV) return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "SEGV_?";
  return "?";
}

static const char *const COUNTER_NAMES[COUNTER_COUNT] = {
  [COUNTER_SYSCALLS] = "SYSCALLS", [COUNTER_MODE_SWITCHES] = "MODE_SWITCHES", [COUNTER_FAULTS_MINOR] = "FAULTS_MINOR",
  [COUNTER_FAULTS_MAJOR] = "FAULTS_MAJOR", [COUNTER_CPU_COPY_OPS] = "CPU_COPY_OPS", [COUNTER_CPU_COPY_BYTES] = "CPU_COPY_BYTES",
  [COUNTER_DMA_OPS] = "DMA_OPS", [COUNTER_DMA_BYTES] = "DMA_BYTES", [COUNTER_IO_RCHAR] = "IO_RCHAR", [COUNTER_IO_WCHAR] = "IO_WCHAR",
  [COUNTER_IO_SYSCR] = "IO_SYSCR", [COUNTER_IO_SYSCW] = "IO_SYSCW", [COUNTER_IO_READ_BYTES] = "IO_READ_BYTES",
  [COUNTER_IO_WRITE_BYTES] = "IO_WRITE_BYTES", [COUNTER_DELIVERED_BYTES] = "DELIVERED_BYTES", [COUNTER_DELIVERED_BAD] = "DELIVERED_BAD",
  [COUNTER_TP_PAGE_FAULT_USER] = "TP_PAGE_FAULT_USER", [COUNTER_TP_FILEMAP_ADD] = "TP_FILEMAP_ADD",
  [COUNTER_TP_BLOCK_RQ_ISSUE] = "TP_BLOCK_RQ_ISSUE", [COUNTER_TP_NET_DEV_XMIT] = "TP_NET_DEV_XMIT",
  [COUNTER_TP_SKB_COPY_DATAGRAM] = "TP_SKB_COPY_DATAGRAM", [COUNTER_CSUM_BYTES] = "CSUM_BYTES", [COUNTER_PEER_COPY_OPS] = "PEER_COPY_OPS",
  [COUNTER_PEER_COPY_BYTES] = "PEER_COPY_BYTES", [COUNTER_PEER_SYSCALLS] = "PEER_SYSCALLS", [COUNTER_NIC_DESCRIPTORS] = "NIC_DESCRIPTORS",
  [COUNTER_SKBS] = "SKBS", [COUNTER_SKB_FRAG_BYTES] = "SKB_FRAG_BYTES", [COUNTER_SKB_LINEAR_BYTES] = "SKB_LINEAR_BYTES",
  [COUNTER_PAGE_REFS] = "PAGE_REFS", [COUNTER_PTES_SET] = "PTES_SET", [COUNTER_PT_PAGES] = "PT_PAGES", [COUNTER_NVCSW] = "NVCSW",
  [COUNTER_NIVCSW] = "NIVCSW", [COUNTER_TIME_NS] = "TIME_NS", [COUNTER_USER_NS] = "USER_NS", [COUNTER_SYS_NS] = "SYS_NS",
  [COUNTER_ZC_COMPLETIONS] = "ZC_COMPLETIONS", [COUNTER_ZC_COPIED] = "ZC_COPIED", [COUNTER_DISK_PAGES] = "DISK_PAGES",
  [COUNTER_RESIDENT_PAGES] = "RESIDENT_PAGES", [COUNTER_FILE_PAGES] = "FILE_PAGES", [COUNTER_SIGNALS] = "SIGNALS",
  [COUNTER_DELIVERED_MODIFIED] = "DELIVERED_MODIFIED", [COUNTER_COPY_COLD_SRC_BYTES] = "COPY_COLD_SRC_BYTES",
  [COUNTER_COPY_COLD_DST_BYTES] = "COPY_COLD_DST_BYTES",
};

/* Which counters the native host has, and how: measured by the kernel, derived from measured calls and their
 * semantics, or not observable here. Counters absent from this list the native host does not report. */
static const struct { int counter; const char *how; } COUNTER_EVIDENCE[] = {
  { COUNTER_SYSCALLS, "measured" }, { COUNTER_MODE_SWITCHES, "derived" }, { COUNTER_FAULTS_MINOR, "measured" },
  { COUNTER_FAULTS_MAJOR, "measured" }, { COUNTER_CPU_COPY_OPS, "derived" }, { COUNTER_CPU_COPY_BYTES, "derived" },
  { COUNTER_DMA_OPS, "measured" }, { COUNTER_DMA_BYTES, "derived" }, { COUNTER_IO_RCHAR, "measured" }, { COUNTER_IO_WCHAR, "measured" },
  { COUNTER_IO_SYSCR, "measured" }, { COUNTER_IO_SYSCW, "measured" }, { COUNTER_IO_READ_BYTES, "measured" },
  { COUNTER_IO_WRITE_BYTES, "measured" }, { COUNTER_DELIVERED_BYTES, "measured" }, { COUNTER_DELIVERED_BAD, "measured" },
  { COUNTER_DELIVERED_MODIFIED, "measured" }, { COUNTER_TP_PAGE_FAULT_USER, "measured" }, { COUNTER_TP_FILEMAP_ADD, "measured" },
  { COUNTER_TP_BLOCK_RQ_ISSUE, "measured" }, { COUNTER_TP_NET_DEV_XMIT, "measured" }, { COUNTER_TP_SKB_COPY_DATAGRAM, "measured" },
  { COUNTER_CSUM_BYTES, "derived" }, { COUNTER_PEER_COPY_OPS, "measured" }, { COUNTER_PEER_COPY_BYTES, "measured" },
  { COUNTER_PEER_SYSCALLS, "measured" }, { COUNTER_NIC_DESCRIPTORS, "unobservable" }, { COUNTER_SKBS, "measured" },
  { COUNTER_SKB_FRAG_BYTES, "measured" }, { COUNTER_SKB_LINEAR_BYTES, "measured" }, { COUNTER_PAGE_REFS, "unobservable" },
  { COUNTER_PTES_SET, "unobservable" }, { COUNTER_PT_PAGES, "unobservable" }, { COUNTER_NVCSW, "measured" },
  { COUNTER_NIVCSW, "measured" }, { COUNTER_TIME_NS, "measured" }, { COUNTER_USER_NS, "measured" }, { COUNTER_SYS_NS, "measured" },
  { COUNTER_ZC_COMPLETIONS, "measured" }, { COUNTER_ZC_COPIED, "measured" }, { COUNTER_DISK_PAGES, "derived" },
  { COUNTER_RESIDENT_PAGES, "measured" }, { COUNTER_FILE_PAGES, "measured" }, { COUNTER_SIGNALS, "measured" },
  /* cache misses need the hardware's events, which this kind of machine (a VM) often lacks: not read at all */
  { COUNTER_COPY_COLD_SRC_BYTES, "unobservable" }, { COUNTER_COPY_COLD_DST_BYTES, "unobservable" },
};

/* The data skbs' shapes of the run: every peer's (skbtrace.c: each samples its device on every CPU), and
 * why they are not whole ("" if they are). */
static struct skb_shapes shapes;
static char shapes_why[200] = "not sampled: the program did not run";

static void sum_shapes(void) {
  memset(&shapes, 0, sizeof shapes);
  shapes_why[0] = 0;
  for (int i = 0; i < H.nsinks; i++) {
    struct sink_spec *s = &H.sinks[i];
    if (s->kind != SINK_KIND_TCP && s->kind != SINK_KIND_NIC) continue;
    if (!s->reported) { if (!shapes_why[0]) snprintf(shapes_why, sizeof shapes_why, "the peer of sink %s did not report", s->name); continue; }
    if (!s->report.shapes.ok && !shapes_why[0]) snprintf(shapes_why, sizeof shapes_why, "the peer of sink %s: %s", s->name, s->report.shapes_why);
    skb_shapes_add(&shapes, &s->report.shapes);
  }
  if (!shapes_why[0] && shapes.lost)
    snprintf(shapes_why, sizeof shapes_why, "the perf rings lost %lld samples (too many skbs for their size): the shapes are incomplete", (long long)shapes.lost);
  if (!shapes_why[0] && shapes.malformed)
    snprintf(shapes_why, sizeof shapes_why, "%lld samples shorter than the tracepoint's format", (long long)shapes.malformed);
  shapes.ok = !shapes_why[0];
}

static int tp_counter_pc(int counter) {
  switch (counter) {
  case COUNTER_TP_PAGE_FAULT_USER: return PC_TP_PAGE_FAULT_USER;
  case COUNTER_TP_FILEMAP_ADD: return PC_TP_FILEMAP_ADD;
  case COUNTER_TP_BLOCK_RQ_ISSUE: case COUNTER_DMA_OPS: return PC_TP_BLOCK_RQ_ISSUE;
  case COUNTER_TP_NET_DEV_XMIT: return PC_TP_NET_XMIT;
  case COUNTER_TP_SKB_COPY_DATAGRAM: return PC_TP_SKB_COPY;
  case COUNTER_SKBS: return PC_TP_NET_XMIT_DATA;
  default: return -1;
  }
}

/* Why a counter has no value here, or NULL: a tracepoint or perf counter that could not be opened, or
 * /proc/self/io that could not be read. */
static const char *unavailable_why(int c) {
  if ((c == COUNTER_SKB_FRAG_BYTES || c == COUNTER_SKB_LINEAR_BYTES) && !shapes.ok) return shapes_why;
  /* a device without checksum offload or scatter-gather: the CPU's passes are derived from the skbs' shapes */
  if ((c == COUNTER_CSUM_BYTES || c == COUNTER_CPU_COPY_OPS || c == COUNTER_CPU_COPY_BYTES) && !shapes.ok && has_nic() && (H.nic_sg != 1 || H.nic_csum != 1))
    return shapes_why;
  if (c == COUNTER_SKBS && shapes.ok) return NULL;
  int p = tp_counter_pc(c);
  if (p >= 0 && H.pc[p].fd < 0) return H.pc[p].why;
  if (c >= COUNTER_IO_RCHAR && c <= COUNTER_IO_WRITE_BYTES && !(H.io0.nread > 0 && H.io1.nread > 0))
    return H.io_why[0] ? H.io_why : "/proc/self/io could not be read";
  if (c == COUNTER_DMA_BYTES && !(H.io0.nread > 0 && H.io1.nread > 0)) return "derived from /proc/self/io read_bytes, which could not be read";
  return NULL;
}

/* {"skbs":..,"linearBytes":..,...,"nrFrags":[skbs with 0 frags, 1, ...]} */
static void report_shapes(const struct skb_shapes *h) {
  fprintf(J, "{\"skbs\":%lld,\"linearBytes\":%lld,\"fragBytes\":%lld,\"linearSkbs\":%lld,\"csumPartial\":%lld,\"csumSoftwareSkbs\":%lld,\"csumSoftwareBytes\":%lld,"
             "\"gsoSkbs\":%lld,\"gsoSegs\":%lld,\"gsoSizeMax\":%lld,\"payloadMax\":%lld,\"rxSkbs\":%lld,\"retransSkbs\":%lld,\"retransBytes\":%lld,\"lost\":%lld,\"nrFrags\":[",
          (long long)h->skbs, (long long)h->linear_bytes, (long long)h->frag_bytes, (long long)h->linear_skbs, (long long)h->csum_partial,
          (long long)h->csum_sw_skbs, (long long)h->csum_sw_bytes, (long long)h->gso_skbs, (long long)h->gso_segs, (long long)h->gso_size_max,
          (long long)h->payload_max, (long long)h->rx_skbs, (long long)h->retrans_skbs, (long long)h->retrans_bytes, (long long)h->lost);
  int top = SKB_FRAGS_HIST - 1;
  while (top > 0 && !h->frags_hist[top]) top--;
  for (int k = 0; k <= top; k++) fprintf(J, "%s%lld", k ? "," : "", (long long)h->frags_hist[k]);
  fputs("]}", J);
}

static void report(void) {
  J = fdopen(out_fd, "w");
  if (!J) return;
  struct utsname u;
  uname(&u);
  fputc('{', J);
  jkey("host"); jstr("zcsim-native"); fputc(',', J);
  jnum("hostVersion", HOST_VERSION); fputc(',', J);
  jkey("status"); jstr(status_name(H.status)); fputc(',', J);
  jkey("detail"); jstr(H.status_detail); fputc(',', J);
  jkey("kernel"); fprintf(J, "{\"sysname\":"); jstr(u.sysname); fprintf(J, ",\"release\":"); jstr(u.release);
  fprintf(J, ",\"machine\":"); jstr(u.machine); fprintf(J, ",\"pageSize\":%ld},", sysconf(_SC_PAGESIZE));
  jkey("sandbox"); jstr(H.sandbox_path); fputc(',', J);
  jkey("sandboxFs"); jstr(H.sandbox_fs); fputc(',', J);
  jkey("sandboxRemoved"); fputs(H.sandbox_path[0] && !H.sandbox[0] ? "true," : "false,", J);
  jnum("steps", H.steps); fputc(',', J);
  jnum("timeNs", H.wall_ns); fputc(',', J);

  /* counters with their evidence; tracepoint-backed ones are null when unavailable */
  jkey("counters"); fputc('{', J);
  int first = 1;
  for (size_t i = 0; i < sizeof COUNTER_EVIDENCE / sizeof COUNTER_EVIDENCE[0]; i++) {
    int c = COUNTER_EVIDENCE[i].counter;
    if (!first) fputc(',', J);
    first = 0;
    jkey(COUNTER_NAMES[c]);
    if (strcmp(COUNTER_EVIDENCE[i].how, "unobservable") == 0 || unavailable_why(c)) fputs("null", J);
    else fprintf(J, "%lld", (long long)H.counters[c]);
  }
  fputs("},", J);
  jkey("evidence"); fputc('{', J);
  for (size_t i = 0; i < sizeof COUNTER_EVIDENCE / sizeof COUNTER_EVIDENCE[0]; i++) {
    int c = COUNTER_EVIDENCE[i].counter;
    if (i) fputc(',', J);
    jkey(COUNTER_NAMES[c]);
    jstr(unavailable_why(c) ? "unavailable" : COUNTER_EVIDENCE[i].how);
  }
  fputs("},", J);
  jkey("unavailable"); fputc('{', J);
  first = 1;
  for (size_t i = 0; i < sizeof COUNTER_EVIDENCE / sizeof COUNTER_EVIDENCE[0]; i++) {
    int c = COUNTER_EVIDENCE[i].counter;
    const char *why = unavailable_why(c);
    if (why) {
      if (!first) fputc(',', J);
      first = 0;
      jkey(COUNTER_NAMES[c]); jstr(why);
    }
  }
  fputs("},", J);

  jkey("syscalls"); fprintf(J, "{\"total\":%lld,\"byName\":{", (long long)H.counters[COUNTER_SYSCALLS]);
  first = 1;
  for (int c = 1; c <= CALL_MAX; c++)
    if (H.calls_by_id[c]) { if (!first) fputc(',', J); first = 0; jnum(CALL_NAMES[c], H.calls_by_id[c]); }
  fprintf(J, "},\"refused\":%lld},", (long long)H.refused);

  jkey("rusage"); fprintf(J, "{\"minflt\":%lld,\"majflt\":%lld,\"nvcsw\":%lld,\"nivcsw\":%lld,\"utimeNs\":%lld,\"stimeNs\":%lld},",
                          (long long)(H.ru1.minflt - H.ru0.minflt), (long long)(H.ru1.majflt - H.ru0.majflt),
                          (long long)(H.ru1.nvcsw - H.ru0.nvcsw), (long long)(H.ru1.nivcsw - H.ru0.nivcsw),
                          (long long)(H.ru1.utime_ns - H.ru0.utime_ns), (long long)(H.ru1.stime_ns - H.ru0.stime_ns));
  jkey("ioBracket"); fprintf(J, "{\"ownReadBytes\":%lld,\"ownReadCalls\":1,\"peerPipeRchar\":%lld,\"peerPipeSyscr\":%lld,\"peerPipeWchar\":%lld,\"peerPipeSyscw\":%lld,\"available\":%s},",
                             (long long)H.io0.nread, (long long)H.peer_io_rchar, (long long)H.peer_io_syscr,
                             (long long)H.peer_io_wchar, (long long)H.peer_io_syscw, H.io0.nread > 0 ? "true" : "false");
  jkey("machine"); fprintf(J, "{\"primeBytes\":%lld,\"primeNs\":%lld,\"cpuProgram\":%d,\"cpuPeer\":%d,\"tcpCongestionDefault\":",
                           (long long)H.prime_bytes, (long long)H.prime_ns, H.cpu_host, H.cpu_peer);
  jstr(H.tcp_cc_default);
  fputs(",\"tcpCongestion\":", J);
  if (H.tcp_cc_used[0]) jstr(H.tcp_cc_used); else fputs("null", J);
  fprintf(J, ",\"aslr\":%s", aslr_on ? "true" : "false");
  fprintf(J, ",\"netnsOwn\":%s", H.netns_own ? "true" : "false");
  if (H.nic_dev[0]) {
    fputs(",\"nicDevice\":", J); jstr(H.nic_dev);
    fputs(",\"nicPeerDevice\":", J); jstr(H.nic_peer_dev);
    fprintf(J, ",\"nicDriver\":\"veth\",\"nicSg\":%d,\"nicCsum\":%d,\"nicTso\":%d,\"nicMtu\":%d", H.nic_sg, H.nic_csum, H.nic_tso, H.nic_mtu);
  }
  fputs(",\"netns\":", J);
  jstr(H.netns[0] ? H.netns : "machine");
  fputs(",\"netnsWhy\":", J);
  if (H.netns_why[0]) jstr(H.netns_why); else fputs("null", J);
  fputs("},", J);
  jkey("skbShapes");
  if (shapes.ok) report_shapes(&shapes); else fputs("null", J);
  fputs(",\"skbShapesWhy\":", J);
  jstr(shapes_why);
  fputc(',', J);
  jkey("peerWait"); fprintf(J, "{\"waits\":%lld,\"ns\":%lld,\"nvcsw\":%lld,\"nivcsw\":%lld,\"minflt\":%lld,\"majflt\":%lld},",
                            (long long)H.peer_waits, (long long)H.peer_wait_ns, (long long)H.peer_wait_nvcsw,
                            (long long)H.peer_wait_nivcsw, (long long)H.peer_wait_minflt, (long long)H.peer_wait_majflt);
  jkey("perf"); fputc('{', J);
  for (int i = 0; i < PC_COUNT; i++) {
    if (i) fputc(',', J);
    jkey(H.pc[i].name);
    if (H.pc[i].fd >= 0) fprintf(J, "{\"value\":%lld}", (long long)H.pc[i].value);
    else { fputs("{\"value\":null,\"why\":", J); jstr(H.pc[i].why); fputc('}', J); }
  }
  fputs("},", J);

  jkey("files"); fputc('[', J);
  for (int i = 0; i < H.nfiles; i++) {
    struct file_spec *f = &H.files[i];
    if (i) fputc(',', J);
    fputc('{', J); jkey("name"); jstr(f->name);
    fprintf(J, ",\"size\":%lld,\"pages\":%lld,\"resident\":%lld,\"cache\":\"%s\",\"fill\":\"%s\",\"fillChunk\":%lld,\"attempts\":%d,\"verified\":%s,\"fillFolios\":%lld,\"rewarmedPages\":%lld,\"otherFs\":%s",
            (long long)f->size, (long long)f->pages, (long long)f->resident, f->cache == CACHE_COLD ? "cold" : "warm",
            f->fill == FILL_READ ? "read" : f->fill == FILL_WRITE ? "write" : "none", (long long)f->fill_chunk, f->attempts,
            f->verified ? "true" : "false", (long long)f->fill_folios, (long long)f->rewarmed, f->other_fs ? "true" : "false");
    if (f->nbreaks >= 0) {
      fprintf(J, ",\"diskBreaks\":[");
      for (int k = 0; k < f->nbreaks && k < 4; k++) fprintf(J, "%s%lld", k ? "," : "", (long long)f->disk_breaks[k]);
      fprintf(J, "],\"diskBreaksTotal\":%d", f->nbreaks);
    }
    fputs(",\"folioOrders\":", J);
    if (f->folios_ok) {
      int top = 11;
      while (top > 0 && !f->folio_orders[top]) top--;
      fputc('[', J);
      for (int k = 0; k <= top; k++) fprintf(J, "%s%lld", k ? "," : "", (long long)f->folio_orders[k]);
      fputc(']', J);
    } else {
      fputs("null", J);
    }
    fputc('}', J);
  }
  fputs("],", J);

  jkey("sinks"); fputc('[', J);
  for (int i = 0; i < H.nsinks; i++) {
    struct sink_spec *s = &H.sinks[i];
    if (i) fputc(',', J);
    fputc('{', J); jkey("name"); jstr(s->name);
    fprintf(J, ",\"kind\":\"%s\",\"expect\":%lld,\"lazy\":%s", s->kind == SINK_KIND_TCP ? "tcp" : s->kind == SINK_KIND_FILE ? "file" : s->kind == SINK_KIND_NULL ? "null" : "nic",
            (long long)s->expect, s->lazy ? "true" : "false");
    if (s->kind == SINK_KIND_TCP || s->kind == SINK_KIND_NIC) {
      struct peer_report *r = &s->report;
      fprintf(J, ",\"verified\":\"peer\",\"reported\":%s,\"bytes\":%lld,\"bad\":%lld,\"modified\":%lld,\"firstBad\":%lld,\"digest\":\"%016llx\",\"exceptions\":%lld,\"unchecked\":%lld,\"written\":%lld",
              s->reported ? "true" : "false", (long long)r->bytes, (long long)s->pv.bad, (long long)s->pv.modified, (long long)s->pv.first_bad,
              (unsigned long long)s->pv.digest, (long long)r->nexc, (long long)r->unchecked, (long long)s->written);
      fprintf(J, ",\"peer\":{\"reads\":%lld,\"recvs\":%lld,\"polls\":%lld,\"copyOps\":%lld,\"copyBytes\":%lld,\"sleeps\":%lld,\"cpuNs\":%lld,\"eof\":%s,\"errno\":",
              (long long)r->reads, (long long)r->recvs, (long long)r->polls, (long long)r->copy_ops, (long long)r->bytes, (long long)r->sleeps, (long long)r->cpu_ns, r->done ? "true" : "false");
      if (r->err) jstr(ename((int)r->err)); else fputs("null", J);
      if (r->tp_ok) fprintf(J, ",\"tp\":{\"skb_copy_datagram_iovec\":%lld,\"net_dev_start_xmit\":%lld,\"net_dev_start_xmit_data\":%lld}",
                            (long long)r->tp_copy, (long long)r->tp_xmit, (long long)r->tp_xmit_data);
      else fputs(",\"tp\":null", J);
      fputs(",\"skbShapes\":", J);
      if (r->shapes.ok) report_shapes(&r->shapes); else { fputs("null,\"skbShapesWhy\":", J); jstr(r->shapes_why); }
      int st = s->peer_status;
      fprintf(J, ",\"exit\":%d}", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    } else if (s->kind == SINK_KIND_FILE) {
      fprintf(J, ",\"verified\":\"file\",\"bytes\":%lld,\"bad\":%lld,\"modified\":%lld,\"firstBad\":%lld,\"digest\":\"%016llx\",\"exceptions\":%lld,\"unchecked\":%lld,\"written\":%lld",
              (long long)s->pv.bytes, (long long)s->pv.bad, (long long)s->pv.modified, (long long)s->pv.first_bad,
              (unsigned long long)s->pv.digest, (long long)s->pv.nexc, (long long)s->pv.unchecked, (long long)s->written);
    } else {
      fprintf(J, ",\"verified\":\"none\",\"bytes\":%lld", (long long)s->written);
    }
    fputc('}', J);
  }
  fputs("],", J);

  jkey("errors"); fputc('[', J);
  for (int i = 0; i < H.nerrors; i++) {
    if (i) fputc(',', J);
    fprintf(J, "{\"step\":%d,\"call\":\"%s\",\"errno\":\"%s\",\"errnoValue\":%d,\"count\":%lld}", H.errors[i].step,
            CALL_NAMES[H.errors[i].call], ename(H.errors[i].err), H.errors[i].err, (long long)H.errors[i].count);
  }
  fprintf(J, "],\"errorsDropped\":%lld,", (long long)H.errors_dropped);
  jkey("signals"); fputc('[', J);
  for (int i = 0; i < H.nsignals; i++) {
    struct signal_rec *s = &H.signals[i];
    if (i) fputc(',', J);
    fprintf(J, "{\"step\":%d,\"signal\":\"%s\",\"code\":\"%s\",\"addr\":\"%llu\",\"map\":%d,\"mapOffset\":%lld}", s->step,
            sig_name(s->signo), sig_code(s->signo, s->code), (unsigned long long)s->addr, s->region, (long long)s->offset);
  }
  fputs("],", J);
  /* steps the host did not run: no errno, signal or count stands for them */
  jkey("notRun"); fputc('[', J);
  for (int i = 0; i < H.nnot_run; i++) {
    struct not_run_rec *n = &H.not_run[i];
    if (i) fputc(',', J);
    fprintf(J, "{\"step\":%d,\"call\":\"%s\",\"count\":%lld,\"why\":", n->step, CALL_NAMES[n->call], (long long)n->count);
    jstr(n->why);
    fputc('}', J);
  }
  fprintf(J, "],\"notRunDropped\":%lld,", (long long)H.not_run_dropped);

  jkey("callFields"); fputs("[\"call\",\"step\",\"ret\",\"errno\",\"refused\",\"t0Ns\",\"t1Ns\",\"a0\",\"a1\",\"a2\",\"a3\",\"a4\",\"a5\"],", J);
  jkey("calls"); fputc('[', J);
  for (int64_t i = 0; i < H.nlog; i++) {
    struct call_rec *c = &H.log[i];
    if (i) fputc(',', J);
    fprintf(J, "[\"%s\",%d,%lld,%d,%d,%lld,%lld", CALL_NAMES[c->call], c->step, (long long)c->ret, c->err, c->refused,
            (long long)c->t0, (long long)c->t1);
    for (int k = 0; k < 6; k++) fprintf(J, ",%lld", (long long)c->args[k]);
    fputc(']', J);
  }
  fprintf(J, "],\"callsDropped\":%lld,", (long long)H.log_dropped);

  report_knobs();
  jkey("notes"); fputc('[', J);
  for (int i = 0; i < H.nnotes; i++) { if (i) fputc(',', J); jstr(H.notes[i]); }
  fputs("]}\n", J);
  fflush(J);
}

/* ---------------------------------------------------------------- knobs */

/* The program's knobs and what this kernel has instead: the host applies the few it can (the peer's buffer, the
 * socket buffers, the step budget) and, for the others, reads the kernel's own value where it can, so that a
 * reader comparing with the model sees which mechanism differs. */
static void report_knobs(void) {
  jkey("knobs"); fputc('[', J);
  for (int i = 0; i < nknob_rows; i++) {
    struct knob_row *r = &knob_rows[i];
    if (i) fputc(',', J);
    fprintf(J, "{\"knob\":\"%s\",\"id\":%lld,\"program\":%lld,\"kernel\":", r->name, (long long)r->id, (long long)r->program);
    if (r->kernel >= 0) fprintf(J, "%lld", (long long)r->kernel); else fputs("null", J);
    fprintf(J, ",\"applied\":%s,\"how\":", r->applied ? "true" : "false");
    jstr(r->how);
    fputc('}', J);
  }
  fputs("],", J);
}

/* --tp-format FILE: the offsets skbtrace.c reads from a tracepoint's format file, as JSON (for tests); exit 0, or 2
 * with the reason on stderr */
static int tp_format_print(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { dprintf(2, "zcsim-native: %s: %s\n", path, strerror(errno)); return 2; }
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  struct tp_format t;
  char why[160];
  if (tp_format_parse(text, &t, why, sizeof why) < 0) { dprintf(2, "zcsim-native: %s: %s\n", path, why); return 2; }
  const struct { const char *k; struct tp_field *v; } F[] = { { "name", &t.name }, { "len", &t.len }, { "data_len", &t.data_len },
    { "ip_summed", &t.ip_summed }, { "gso_size", &t.gso_size }, { "gso_segs", &t.gso_segs }, { "nr_frags", &t.nr_frags },
    { "transport_offset", &t.transport_offset } };
  printf("{\"id\":%lld,\"entrySize\":%d", (long long)t.id, t.entry_size);
  for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
    if (F[i].v->offset >= 0) printf(",\"%s\":{\"offset\":%d,\"size\":%d}", F[i].k, F[i].v->offset, F[i].v->size);
    else printf(",\"%s\":null", F[i].k);
  printf("}\n");
  return 0;
}

static void usage(void) {
  static const char m[] = "usage: zcsim-native [--timeout SECONDS] [--max-steps N] [--keep] [--log-cap N] [--mark] PROGRAM|-\n";
  if (write(2, m, sizeof m - 1) < 0) {}
  exit(3);
}

int main(int argc, char **argv) {
  no_aslr(argv);
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--timeout") && i + 1 < argc) H.timeout_s = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--max-steps") && i + 1 < argc) H.max_steps = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--keep")) H.keep = 1;
    else if (!strcmp(argv[i], "--mark")) H.mark = 1;
    else if (!strcmp(argv[i], "--log-cap") && i + 1 < argc) H.log_cap = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--tp-format") && i + 1 < argc) return tp_format_print(argv[++i]);
    else if (argv[i][0] == '-' && argv[i][1]) usage();
    else if (!path) path = argv[i];
    else usage();
  }
  if (!path) usage();
  if (H.timeout_s < 1 || H.timeout_s > MAX_TIMEOUT_S) H.timeout_s = 30;
  if (H.max_steps < 1) H.max_steps = DEFAULT_MAX_STEPS;
  if (H.max_steps > MAX_MAX_STEPS) H.max_steps = MAX_MAX_STEPS;
  if (H.log_cap < 0 || H.log_cap > (1 << 22)) H.log_cap = DEFAULT_LOG_CAP;
  const char *m = getenv("ZCSIM_MARK");
  if (m && *m && strcmp(m, "0")) H.mark = 1;
  if (corrupt_parse(getenv("ZCSIM_TEST_CORRUPT"), &H.corrupt) < 0) {
    fprintf(stderr, "zcsim-native: ZCSIM_TEST_CORRUPT: expected kind:pos (kind zero, flip, dup, drop or swap; pos a stream position)\n");
    return 3;
  }
  if (H.corrupt.kind >= 0) note("ZCSIM_TEST_CORRUPT=%s: what the sinks received was damaged on purpose before it was checked (a test)", getenv("ZCSIM_TEST_CORRUPT"));
  measure_names();

  install_signals();
  /* the JSON goes out on a high copy of stdout; the program's 0, 1, 2 are /dev/null, as harmless as the model's */
  out_fd = fcntl(1, F_DUPFD_CLOEXEC, FD_INTERNAL);
  err_fd = fcntl(2, F_DUPFD_CLOEXEC, FD_INTERNAL);
  if (out_fd < 0) return 3;

  int rc = 0;
  if (program_load(path) < 0) {
    rc = 2;
    H.nfiles = H.nsinks = H.nbufs = 0; /* a refused program has no setup to report */
  } else {
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) { dup2(nul, 0); dup2(nul, 1); dup2(nul, 2); if (nul > 2) close(nul); }
    cpu_lock(); /* one host at a time on this machine: they pin CPUs (setup.c) */
    tracefs_own();
    if (netns_enter() < 0 || setup_all() < 0) {
      rc = 2;
    } else {
      measure_init();
      setup_own_pages();
      prime_guest_memory();
      setup_verify_cache(); /* the check that the files are as the scenario says right before the phase */
      program_snapshot_maps(); /* last: the host's own memory, as it stays through the phase */
      alarm((unsigned)H.timeout_s);
      measure_begin();
      program_run();
      measure_end();
      alarm(0);
      if (H.timed_out) { H.timed_out = 0; }
      if (H.status == STATUS_OK) H.status = STATUS_OK;
    }
    teardown();
    /* delivered, from what each sink verified */
    for (int i = 0; i < H.nsinks; i++) {
      struct sink_spec *s = &H.sinks[i];
      if (s->kind == SINK_KIND_TCP || s->kind == SINK_KIND_NIC) {
        H.counters[COUNTER_DELIVERED_BYTES] += s->report.bytes;
        H.counters[COUNTER_DELIVERED_BAD] += s->pv.bad;
        H.counters[COUNTER_DELIVERED_MODIFIED] += s->pv.modified;
        H.counters[COUNTER_PEER_COPY_OPS] += s->report.copy_ops;
        H.counters[COUNTER_PEER_COPY_BYTES] += s->report.bytes;
        H.counters[COUNTER_PEER_SYSCALLS] += s->report.reads + s->report.recvs + s->report.polls;
        H.counters[COUNTER_PEER_WAKEUPS] += s->report.sleeps;
        H.counters[COUNTER_SKBS] += s->report.tp_xmit_data;
        if (!s->reported && H.status == STATUS_OK) { H.status = STATUS_PEER_FAILED; snprintf(H.status_detail, sizeof H.status_detail, "the peer of sink %s did not report", s->name); }
      } else if (s->kind == SINK_KIND_FILE) {
        H.counters[COUNTER_DELIVERED_BYTES] += s->pv.bytes;
        H.counters[COUNTER_DELIVERED_BAD] += s->pv.bad;
        H.counters[COUNTER_DELIVERED_MODIFIED] += s->pv.modified;
      } else {
        H.counters[COUNTER_DELIVERED_BYTES] += s->written;
      }
    }
    if (H.pc[PC_TP_NET_XMIT_DATA].fd >= 0) H.counters[COUNTER_SKBS] += H.pc[PC_TP_NET_XMIT_DATA].value;
    sum_shapes();
    if (shapes.ok) {
      /* measured: what the drivers were handed */
      H.counters[COUNTER_SKBS] = shapes.skbs;
      H.counters[COUNTER_SKB_FRAG_BYTES] = shapes.frag_bytes;
      H.counters[COUNTER_SKB_LINEAR_BYTES] = shapes.linear_bytes;
      /* derived from the shapes: tcp_sendmsg never puts payload in an skb's head (it copies into page frags,
       * skb_copy_to_page_nocache, or references pages, MSG_SPLICE_PAGES), so payload found in the head at the driver
       * was copied there by the CPU on the way: for a device without NETIF_F_SG or without a checksum feature,
       * validate_xmit_skb's software GSO (skb_segment) cuts each 64 KiB skb (net_dev_queue shows len 65226) into
       * MSS-sized linear segments, copying (and, without checksumming, summing: skb_copy_and_csum_bits) the payload;
       * __skb_linearize likewise for an skb that is not GSO. An skb that reaches the driver not CHECKSUM_PARTIAL had
       * its checksum computed by the CPU (skb_segment, or skb_checksum_help). */
      /* ops as the model counts them, one per call that copies: the page calls to the nic sink (sendfile, splice)
       * copied nothing themselves, so each makes one op of it; a write() to it had its op already */
      if (shapes.linear_bytes > 0) H.counters[COUNTER_CPU_COPY_OPS] += H.nic_page_calls;
      H.counters[COUNTER_CPU_COPY_BYTES] += shapes.linear_bytes;
      H.counters[COUNTER_CSUM_BYTES] = shapes.csum_sw_bytes;
    }
  }
  report();
  return rc;
}
