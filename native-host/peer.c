/*
 * The TCP sink's peer: a child process on 127.0.0.1 that reads what the program sends, verifies every byte
 * against the byte pattern of the expected file, and reports back through a pipe.
 *
 *   host                                         peer (forked)
 *   sink fd (3, 4, ...) ---- 127.0.0.1 TCP ----> accepted socket: read() into its buffer, verify
 *   ctl (write end)     ---- pipe -------------> 'r': read what is queued now, ack   'q': read to EOF
 *   rep (read end)      <--- pipe -------------- acks (int64 bytes) and, at EOF, struct peer_report
 *
 * Eager (lazy = 0): it reads as data arrives. Lazy: it reads nothing until peer_read ('r') or until the host
 * shuts the connection (POLLRDHUP). The peer's own syscalls and copies are counted and reported apart; it opens
 * its own tracepoint counters (skb_copy_datagram_iovec fires in the receiver's context, and net_dev_start_xmit
 * fires in the peer's context for its ACKs and for data its ACKs release).
 * Bounded: an alarm ends a peer that waits too long; PR_SET_PDEATHSIG ends it if the host dies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include "host.h"

/* Closes every descriptor from 3 up but the three the peer keeps (the host's sink socket above all: the peer
 * must see EOF when the host closes it). */
static void peer_close_others(int a, int b, int c) {
  int k[3] = { a, b, c };
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      if (k[j] < k[i]) { int t = k[i]; k[i] = k[j]; k[j] = t; }
  unsigned lo = 3;
  for (int i = 0; i < 3; i++) {
    if ((unsigned)k[i] > lo) syscall(SYS_close_range, lo, (unsigned)k[i] - 1, 0);
    lo = (unsigned)k[i] + 1;
  }
  syscall(SYS_close_range, lo, ~0u, 0);
}

/* The first pass of the delivery proof (pattern.c): the digest, and every word that is not version 0 of the
 * expected file into the shared exception list with the time of this read; the host classifies them after the
 * phase, knowing the program's stores and the calls that sent each byte. */
static void verify(struct sink_spec *s, struct pverify *v, struct peer_report *r, const unsigned char *b, ssize_t n) {
  corrupt_feed(&H.corrupt, v, (uint64_t)r->bytes, b, (size_t)n, now_ns());
  r->bytes += n;
  r->copy_ops++;
  (void)s;
}

void peer_main(struct sink_spec *s, int sock, int ctl, int rep) {
  int64_t tp_xmit = H.tp_xmit_id, tp_copy = H.tp_copy_id;
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < 32; sig++) if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  peer_close_others(sock, ctl, rep);
  pin_peer();
  /* a backstop only (the host bounds every wait, and PR_SET_PDEATHSIG ends the peer with it): generous enough for
   * the host's setup of big files (cache verification, re-warming) before the phase */
  int64_t files = 0;
  for (int i = 0; i < H.nfiles; i++) files += H.files[i].size;
  alarm((unsigned)(H.timeout_s * 4 + 60 + (files >> 30) * 60));

  struct peer_report r = { 0 };
  struct pverify pv = { .file = s->expect, .exc = s->exc, .exc_cap = s->exc ? PEER_EXC_CAP : 0, .first_bad = -1 };
  char why[160];
  int fx = -1, fxd = -1, fc = -1;
  if (tp_xmit > 0 && tp_copy > 0) {
    fx = open_tracepoint(tp_xmit, 0, NULL, why, sizeof why);
    fxd = open_tracepoint(tp_xmit, 0, "len > 66", why, sizeof why);
    fc = open_tracepoint(tp_copy, 0, NULL, why, sizeof why);
    r.tp_ok = fx >= 0 && fxd >= 0 && fc >= 0;
  }
  /* the data skbs' shapes: on the device itself (the host's renamed loopback, or the nic sink's veth), every CPU,
   * by its name, from ready to EOF (skbtrace.c) */
  static struct skbtrace st;
  int nic = s->kind == SINK_KIND_NIC;
  const char *dev = nic ? H.nic_dev : H.lo_dev;
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  int port = getsockname(sock, (struct sockaddr *)&me, &ml) == 0 ? ntohs(me.sin_port) : 0; /* the data's dport */
  int sampled = tp_xmit > 0 && dev[0] &&
                skbtrace_open(&st, 0, 1, dev, nic ? H.nic_peer_dev : dev, port, s->expect < 0 ? 0 : nic ? H.files[s->expect].size : H.files[s->expect].size / 16) == 0;
  if (!sampled)
    snprintf(r.shapes_why, sizeof r.shapes_why, "%s", !dev[0] ? "the loopback is the machine's (the host is not in a network namespace of its own): skbs sent from softirq context cannot be told from others'"
                                                     : tp_xmit > 0 ? st.why : "net:net_dev_start_xmit has no id here (tracefs not readable)");
  if (sampled) skbtrace_enable(&st, 1);
  size_t bufsz = (size_t)(H.peer_buf > 0 ? H.peer_buf : 65536);
  unsigned char *b = malloc(bufsz);
  if (!b) _exit(3);
  memset(b, 0, bufsz);
  int64_t ready = 1; /* the host waits for this before the phase: the peer is reading, its counters are on */
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  if (write(rep, &ready, sizeof ready) != sizeof ready) _exit(4);
  int lazy = (int)s->lazy;
  while (lazy) {
    struct pollfd p[2] = { { sock, POLLRDHUP, 0 }, { ctl, POLLIN, 0 } };
    r.polls++;
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (p[1].revents & POLLIN) {
      char cmd = 'q';
      if (read(ctl, &cmd, 1) != 1) cmd = 'q';
      if (cmd == 'r') {
        int64_t got = 0;
        for (;;) {
          ssize_t n = recv(sock, b, bufsz, MSG_DONTWAIT);
          r.recvs++;
          if (n > 0) { verify(s, &pv, &r, b, n); got += n; continue; }
          if (n == 0) r.done = 1;
          if (n < 0 && errno != EAGAIN && errno != EINTR) r.err = errno;
          break;
        }
        if (write(rep, &got, sizeof got) != sizeof got) break;
        if (r.done || r.err) lazy = 0;
      } else lazy = 0;
    } else if (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) lazy = 0;
  }
  while (!r.done && !r.err) {
    /* polling: an empty receive queue is not a sleep but another try (EAGAIN, not counted as a read) */
    ssize_t n = H.peer_poll ? recv(sock, b, bufsz, MSG_DONTWAIT) : read(sock, b, bufsz);
    if (n < 0 && errno == EAGAIN && H.peer_poll) continue;
    r.reads++;
    if (n > 0) verify(s, &pv, &r, b, n);
    else if (n == 0) r.done = 1;
    else if (errno != EINTR) r.err = errno;
  }
  corrupt_end(&H.corrupt, &pv, (uint64_t)r.bytes, now_ns());
  r.digest = pv.digest;
  r.nexc = pv.nexc;
  r.unchecked = pv.unchecked;
  r.bytes = pv.bytes; /* what the checker saw (a test's dup or drop included) */
  if (sampled) { skbtrace_enable(&st, 0); skbtrace_collect(&st); r.shapes = st.shapes; skbtrace_close(&st); }
  getrusage(RUSAGE_SELF, &ru1);
  r.sleeps = ru1.ru_nvcsw - ru0.ru_nvcsw;
  r.cpu_ns = (int64_t)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000000LL +
             (int64_t)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) * 1000LL;
  uint64_t v;
  if (r.tp_ok) {
    if (read(fx, &v, 8) == 8) r.tp_xmit = (int64_t)v;
    if (read(fxd, &v, 8) == 8) r.tp_xmit_data = (int64_t)v;
    if (read(fc, &v, 8) == 8) r.tp_copy = (int64_t)v;
  }
  ssize_t w = write(rep, &r, sizeof r);
  _exit(w == (ssize_t)sizeof r ? 0 : 4);
}

/* Reads exactly n bytes from the peer's report pipe, waiting at most the host's timeout. */
static int rep_read(struct sink_spec *s, void *buf, size_t n, int in_phase) {
  size_t got = 0;
  int64_t deadline = now_ns() + (int64_t)H.timeout_s * 1000000000LL;
  while (got < n) {
    int64_t left = (deadline - now_ns()) / 1000000;
    if (left <= 0) return -1;
    struct pollfd p = { s->rep, POLLIN, 0 };
    int k = poll(&p, 1, (int)left);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    ssize_t r = read(s->rep, (char *)buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
    if (in_phase) { H.peer_io_rchar += r; H.peer_io_syscr++; }
  }
  return 0;
}

/* setsockopt(TCP_CONGESTION) with Knob.TCP_CONGESTION's name; on failure the run is UNSUPPORTED, with the reason */
static int set_cc(int fd) {
  const char *name = TCP_CC_NAMES[H.tcp_cc];
  if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, (socklen_t)strlen(name)) == 0) return 0;
  snprintf(H.status_detail, sizeof H.status_detail, "TCP_CONGESTION %s: %s (net.ipv4.tcp_available_congestion_control%s)",
           name, strerror(errno), errno == EPERM ? ", tcp_allowed_congestion_control for this user" : "");
  H.status = STATUS_UNSUPPORTED;
  return -1;
}

int peer_start(struct sink_spec *s) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t alen = sizeof a;
  int l = hi_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (l >= 0 && s->lazy && H.rcvbuf <= 0) {
    /* A lazy peer reads nothing until peer_read: to be held back without blocking the sender for good, the whole
     * expected transfer must fit in its receive queue. Sized on the listener, so that the window scale the
     * handshake agrees on allows it (root: SO_RCVBUFFORCE past rmem_max; unprivileged: the host's namespace's tcp_rmem). Said in the
     * notes. */
    int64_t want = (s->expect >= 0 ? 2 * H.files[s->expect].size : 0) + (4 << 20);
    if (want > (256 << 20)) want = 256 << 20;
    int v = (int)want;
    if (setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) < 0) {
      /* unprivileged, in its own network namespace: SO_RCVBUFFORCE asks the init namespace's CAP_NET_ADMIN
       * (sockopt_capable), but the namespace's tcp_rmem is the host's: a listener made while its default is 2 x
       * want starts with that buffer (tcp_init_sock), as SO_RCVBUFFORCE would give it (sock_set_rcvbuf doubles) */
      char saved[96];
      int nl = netns_rmem_push(2 * want, saved, sizeof saved) == 0 ? hi_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) : -1;
      if (saved[0]) netns_rmem_pop(saved);
      if (nl >= 0) { close(l); l = nl; }
      else setsockopt(l, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    }
    int got = 0;
    socklen_t gl = sizeof got;
    getsockopt(l, SOL_SOCKET, SO_RCVBUF, &got, &gl);
    note("lazy peer of sink %s: receive buffer %d bytes (asked %lld) so that what it holds back fits%s", s->name, got,
         (long long)want, got < want ? "; it may not: the sender then blocks until the timeout" : "");
  }
  /* the congestion control (Knob.TCP_CONGESTION), on the listener so that the accepted end has it too; a name this
   * kernel lacks (a module not loaded, not allowed for this user) refuses the run rather than measure another one */
  if (l >= 0 && H.tcp_cc && set_cc(l) < 0) { close(l); return -1; }
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
      getsockname(l, (struct sockaddr *)&a, &alen) < 0) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: listen on 127.0.0.1: %s", strerror(errno));
    H.status = STATUS_PEER_FAILED;
    if (l >= 0) close(l);
    return -1;
  }
  int c = socket(AF_INET, SOCK_STREAM, 0); /* the sink's descriptor: the lowest free one, as in the model */
  if (c >= 0 && H.sndbuf > 0) setsockopt(c, SOL_SOCKET, SO_SNDBUF, &(int){ (int)H.sndbuf }, sizeof(int));
  if (c >= 0 && H.tcp_cc && set_cc(c) < 0) { close(c); close(l); return -1; }
  if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: connect to 127.0.0.1:%d: %s", ntohs(a.sin_port), strerror(errno));
    H.status = STATUS_PEER_FAILED;
    close(l);
    return -1;
  }
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  int acc = hi_fd(accept4(l, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC));
  close(l);
  if (acc < 0 || from.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: accept: %s", acc < 0 ? strerror(errno) : "not from 127.0.0.1");
    H.status = STATUS_PEER_FAILED;
    return -1;
  }
  if (H.rcvbuf > 0) setsockopt(acc, SOL_SOCKET, SO_RCVBUF, &(int){ (int)H.rcvbuf }, sizeof(int));
  {
    /* what the sender's end runs with: the measured experiment's condition, reported under machine */
    char cc[16] = "";
    socklen_t cl = sizeof cc - 1;
    if (getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, &cl) == 0) { cc[cl < sizeof cc ? cl : sizeof cc - 1] = 0; snprintf(H.tcp_cc_used, sizeof H.tcp_cc_used, "%s", cc); }
  }
  /* the exception list, shared with the peer: made before the fork, touched only as words differ */
  if (!s->exc) {
    void *m = mmap(NULL, (size_t)PEER_EXC_CAP * sizeof(struct pexc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    s->exc = m == MAP_FAILED ? NULL : m;
    if (!s->exc) note("peer of sink %s: no exception list (mmap: %s): every byte that is not version 0 counts bad", s->name, strerror(errno));
  }
  int ctl[2], rep[2];
  if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: pipe: %s", strerror(errno));
    H.status = STATUS_PEER_FAILED;
    return -1;
  }
  for (int i = 0; i < 2; i++) { ctl[i] = hi_fd(ctl[i]); rep[i] = hi_fd(rep[i]); }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: fork: %s", strerror(errno));
    H.status = STATUS_PEER_FAILED;
    return -1;
  }
  if (pid == 0) peer_main(s, acc, ctl[0], rep[1]);
  close(acc); close(ctl[0]); close(rep[1]);
  s->peer = pid; s->ctl = ctl[1]; s->rep = rep[0]; s->fd = c;
  int64_t ready = 0;
  if (rep_read(s, &ready, sizeof ready, 0) < 0 || ready != 1) {
    snprintf(H.status_detail, sizeof H.status_detail, "peer: not ready within %d s", H.timeout_s);
    H.status = STATUS_PEER_FAILED;
    return -1;
  }
  return 0;
}

/* peer_read: an eager peer reads already (returns 0); a lazy one reads what is queued and says how much. The
 * host's own write and read on the control pipes are subtracted from /proc/self/io. */
int peer_read_now(struct sink_spec *s) {
  if (!s->lazy) return 0;
  struct rusage r0, r1;
  int64_t t0 = now_ns();
  prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0);
  getrusage(RUSAGE_SELF, &r0);
  char cmd = 'r';
  int64_t got = 0;
  int ok = write(s->ctl, &cmd, 1) == 1;
  if (ok) { H.peer_io_wchar += 1; H.peer_io_syscw++; }
  ok = ok && rep_read(s, &got, sizeof got, 1) == 0;
  getrusage(RUSAGE_SELF, &r1);
  prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
  H.peer_wait_nvcsw += r1.ru_nvcsw - r0.ru_nvcsw;
  H.peer_wait_nivcsw += r1.ru_nivcsw - r0.ru_nivcsw;
  H.peer_wait_minflt += r1.ru_minflt - r0.ru_minflt;
  H.peer_wait_majflt += r1.ru_majflt - r0.ru_majflt;
  H.peer_wait_ns += now_ns() - t0;
  H.peer_waits++;
  if (!ok) return -1;
  return (int)(got > 0x7fffffff ? 0x7fffffff : got);
}

/* After the phase: shut the connection, collect the report, reap the peer; never waits past the timeout. */
int peer_finish(struct sink_spec *s) {
  if (s->fd >= 0) { shutdown(s->fd, SHUT_WR); }
  if (s->lazy) { char q = 'q'; if (write(s->ctl, &q, 1) < 0) {} }
  int ok = rep_read(s, &s->report, sizeof s->report, 0) == 0;
  s->reported = ok;
  int64_t deadline = now_ns() + (int64_t)H.timeout_s * 1000000000LL;
  for (;;) {
    pid_t w = waitpid(s->peer, &s->peer_status, WNOHANG);
    if (w == s->peer || (w < 0 && errno != EINTR)) break;
    if (now_ns() > deadline || !ok) {
      kill(s->peer, SIGKILL);
      waitpid(s->peer, &s->peer_status, 0);
      note("peer of sink %s: killed (no report within %d s)", s->name, H.timeout_s);
      break;
    }
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
  }
  s->peer = 0;
  close(s->ctl); close(s->rep);
  s->ctl = s->rep = -1;
  return ok ? 0 : -1;
}
