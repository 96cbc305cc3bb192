/*
 * The helpers the other files share: the notes for the reader, internal descriptors moved out of the program's
 * way, which sinks the run has, and where the program and its peers run (CPU pinning). Nothing here calls into
 * another file of the host, so every file may call it (host.h's file map).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host.h"

void note(const char *fmt, ...) {
  if (H.nnotes >= (int)(sizeof H.notes / sizeof H.notes[0])) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(H.notes[H.nnotes++], sizeof H.notes[0], fmt, ap);
  va_end(ap);
}

/* Ends the run's phase with `status` and a one-line detail (H.status, H.status_detail); returns -1 for the caller
 * to return. */
int failed(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(H.status_detail, sizeof H.status_detail, fmt, ap);
  va_end(ap);
  H.status = status;
  return -1;
}

/* Moves an internal descriptor to >= FD_INTERNAL (close-on-exec) so the program's descriptors are numbered as in
 * the model: 3, 4, ... */
int hi_fd(int fd) {
  if (fd < 0 || fd >= FD_INTERNAL) return fd;
  int h = fcntl(fd, F_DUPFD_CLOEXEC, FD_INTERNAL);
  int e = errno;
  close(fd);
  errno = e;
  return h;
}

/* Whether the run has a nic sink. */
int has_nic(void) { for (int i = 0; i < H.nsinks; i++) if (H.sinks[i].kind == SINK_KIND_NIC) return 1; return 0; }

/* The model runs a TCP sink's peer on a CPU of its own, and the program on another (docs/timing.md). Left to the
 * scheduler, the two sometimes share one CPU on a two-CPU machine, and the phase's time doubles; pinned, they do
 * not. The program goes on CPU 0 (with its loopback softirq work: the loopback device delivers on the sending
 * CPU), the peers on the others. ZCSIM_NATIVE_PIN=0 leaves placement to the scheduler. */
static int pin_wanted(void) {
  const char *e = getenv("ZCSIM_NATIVE_PIN");
  return !(e && !strcmp(e, "0"));
}

static cpu_set_t all_cpus; /* the CPUs the host was allowed at its start */

void pin_cpus(void) {
  H.cpu_host = H.cpu_peer = -1;
  cpu_set_t all;
  if (!pin_wanted() || sched_getaffinity(0, sizeof all, &all) < 0 || CPU_COUNT(&all) < 2) return;
  all_cpus = all;
  int first = -1, second = -1;
  for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
    if (CPU_ISSET(c, &all)) { if (first < 0) first = c; else second = c; }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  if (sched_setaffinity(0, sizeof one, &one) == 0) { H.cpu_host = first; H.cpu_peer = second; }
}

/* In a peer (forked after pin_cpus), before it reads: every CPU the host had but the program's. */
void pin_peer(void) {
  if (H.cpu_host < 0) return;
  cpu_set_t all = all_cpus;
  CPU_CLR(H.cpu_host, &all);
  if (CPU_COUNT(&all) > 0) sched_setaffinity(0, sizeof all, &all);
}
