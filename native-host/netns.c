/*
 * The host's own network namespace: its loopback, its congestion control, later its devices (issue 26's veth).
 *
 *   machine's namespaces                         the host's own (made by netns_enter, before any socket)
 *   user ns (init)  ──owns──> net ns (init)       root:   unshare(CLONE_NEWNET)              -> "own (net)"
 *                   └─parent─> user ns (host's)   others: unshare(CLONE_NEWUSER|CLONE_NEWNET) -> "own (user+net)"
 *                                └─owns──> net ns (host's): lo up, 127.0.0.1, the peers
 *
 * In a user namespace of its own the host has CAP_NET_ADMIN over the network namespace that namespace owns
 * (ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN) in tcp_set_congestion_control), so it may set a congestion
 * control that net.ipv4.tcp_allowed_congestion_control does not list. Its uid and gid are mapped to themselves
 * (setgroups denied first, as user_namespaces(7) requires for gid_map), so the sandbox's files keep their owner.
 * What else the user namespace changes for the host: nothing it measures. Only the mount of the second filesystem
 * checks a capability in it (tmpfs is FS_USERNS_MOUNT: an unprivileged host can make it now); perf_event_open
 * (perf_allow_kernel: CAP_PERFMON in the init namespace), mlockall (capable(CAP_IPC_LOCK)), /proc/kpageflags
 * (CAP_SYS_ADMIN, init), SO_RCVBUFFORCE (sockopt_capable: init), RLIMITs, sched_setaffinity on itself,
 * /proc/self/io, mincore and fadvise are as before.
 *
 * A new network namespace starts with the kernel's defaults for its per-namespace sysctls, except those tcp_sk_init
 * copies from init_net (tcp_congestion_control, tcp_rmem, tcp_wmem). The machine's settings are what a run means
 * ("system" is the machine's congestion control): every net.ipv4.tcp_* the host reads before unshare and finds
 * different in its own namespace is written back (it may: it is that namespace's administrator), and said.
 *
 * ZCSIM_NATIVE_NETNS=0: stay in the machine's namespace (debugging). Where unshare is refused (a kernel without
 * user namespaces, user.max_user_namespaces 0, a seccomp filter), the host runs in the machine's namespace and
 * says why under machine.netnsWhy.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "host.h"

#define NS_SYSCTL_DIR "/proc/sys/net/ipv4"
#define NS_MAX_SYSCTLS 160

/* net.ipv4.tcp_* as the machine's namespace has them, read before unshare */
static struct { char name[48]; char value[96]; } machine_sysctl[NS_MAX_SYSCTLS];
static int nmachine_sysctl;

static int read_text(const char *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, len - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
  return 0;
}

static int write_text(const char *path, const char *s) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, s, strlen(s));
  int e = errno;
  close(fd);
  errno = e;
  return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The machine's net.ipv4.tcp_* (readable ones; a file of another namespace is read in the namespace that opens it) */
static void read_machine_sysctls(void) {
  DIR *d = opendir(NS_SYSCTL_DIR);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) && nmachine_sysctl < NS_MAX_SYSCTLS) {
    if (strncmp(e->d_name, "tcp_", 4) || strlen(e->d_name) >= sizeof machine_sysctl[0].name) continue;
    char p[128];
    snprintf(p, sizeof p, NS_SYSCTL_DIR "/%s", e->d_name);
    struct stat st; /* read-only ones (tcp_ehash_entries) describe the namespace, they are no setting */
    if (stat(p, &st) < 0 || !(st.st_mode & 0200) || strstr(e->d_name, "ehash_entries")) continue;
    if (read_text(p, machine_sysctl[nmachine_sysctl].value, sizeof machine_sysctl[0].value) < 0) continue;
    snprintf(machine_sysctl[nmachine_sysctl].name, sizeof machine_sysctl[0].name, "%s", e->d_name);
    nmachine_sysctl++;
  }
  closedir(d);
}

/* Same text up to whitespace (tcp_wmem reads "4096\t16384\t4194304") */
static int same_words(const char *a, const char *b) {
  for (;;) {
    while (*a == ' ' || *a == '\t') a++;
    while (*b == ' ' || *b == '\t') b++;
    if (!*a || !*b) return !*a && !*b;
    while (*a && *a != ' ' && *a != '\t') { if (*a != *b) return 0; a++; b++; }
    if (*b && *b != ' ' && *b != '\t') return 0;
  }
}

/* In the host's own namespace: what differs from the machine's is written back; what cannot be is said. */
static void match_machine_sysctls(void) {
  int written = 0;
  char list[160] = "";
  for (int i = 0; i < nmachine_sysctl; i++) {
    char p[128], now[96];
    snprintf(p, sizeof p, NS_SYSCTL_DIR "/%s", machine_sysctl[i].name);
    if (read_text(p, now, sizeof now) < 0 || same_words(now, machine_sysctl[i].value)) continue;
    if (write_text(p, machine_sysctl[i].value) == 0) {
      written++;
      size_t l = strlen(list);
      snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", machine_sysctl[i].name);
    } else {
      note("netns: net.ipv4.%s is \"%s\" in the machine's namespace, \"%s\" in the host's own (%s): measured with the latter",
           machine_sysctl[i].name, machine_sysctl[i].value, now, strerror(errno));
    }
  }
  if (written) note("netns: %d net.ipv4.tcp_* setting(s) a new namespace starts with at the kernel's default set to the machine's: %s", written, list);
}

/* SIOCSIFFLAGS IFF_UP on a device of the host's namespace (dev_change_flags); 0 or -1 with errno */
int netns_link_up(const char *ifname) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP;
    rc = ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  close(s);
  errno = e;
  return rc;
}

/* In the host's own namespace only: tcp_rmem's default (the receive buffer a new TCP socket starts with,
 * tcp_init_sock) set to bytes, its text before kept in saved ("" when nothing was changed) for netns_rmem_pop. */
int netns_rmem_push(int64_t bytes, char *saved, size_t len) {
  saved[0] = 0;
  if (strncmp(H.netns, "own", 3) || bytes <= 0 || bytes > 0x7fffffff) return -1;
  char now[96], next[96];
  long long lo, def, hi;
  if (read_text(NS_SYSCTL_DIR "/tcp_rmem", now, sizeof now) < 0 || sscanf(now, "%lld %lld %lld", &lo, &def, &hi) != 3) return -1;
  snprintf(next, sizeof next, "%lld %lld %lld", lo, (long long)bytes, hi > bytes ? hi : (long long)bytes);
  if (write_text(NS_SYSCTL_DIR "/tcp_rmem", next) < 0) return -1;
  snprintf(saved, len, "%s", now);
  return 0;
}

void netns_rmem_pop(const char *saved) {
  if (saved[0] && write_text(NS_SYSCTL_DIR "/tcp_rmem", saved) < 0) note("netns: tcp_rmem could not be set back to \"%s\": %s", saved, strerror(errno));
}

/* uid_map / gid_map: the host's own ids mapped to themselves (one line each; setgroups denied first) */
static int map_self(uid_t uid, gid_t gid, char *why, size_t whylen) {
  char line[64];
  if (write_text("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) {
    snprintf(why, whylen, "/proc/self/setgroups: %s", strerror(errno));
    return -1;
  }
  snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
  if (write_text("/proc/self/uid_map", line) < 0) { snprintf(why, whylen, "/proc/self/uid_map: %s", strerror(errno)); return -1; }
  snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
  if (write_text("/proc/self/gid_map", line) < 0) { snprintf(why, whylen, "/proc/self/gid_map: %s", strerror(errno)); return -1; }
  return 0;
}

/* The kernel's tracepoints are read through tracefs (measure.c). A root host on a machine that has not mounted it
 * mounts it in a mount namespace of its own: the tracepoints are the kernel's, the mount is the host's alone and goes
 * with it, and the machine is left as it was. Unprivileged there is nothing to do: tracefs is root's anyway. */
void tracefs_own(void) {
  struct stat st;
  if (geteuid() != 0 || stat("/sys/kernel/tracing/events", &st) == 0 || stat("/sys/kernel/debug/tracing/events", &st) == 0) return;
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    note("tracefs is not mounted and a mount namespace of the host's own could not be made (%s): tracepoints unavailable", strerror(errno));
    return;
  }
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
    note("tracefs is not mounted and could not be mounted in the host's own mount namespace (%s): tracepoints unavailable", strerror(errno));
  else
    note("tracefs was not mounted: the host mounted it in a mount namespace of its own (the machine's mounts are unchanged)");
}

/* Called from main before setup: nothing of the run exists yet (no sandbox, no socket, no child). Returns -1 only
 * when the host is left in a state it cannot run in (a user namespace whose ids could not be mapped); the run is
 * then SETUP_FAILED with the reason. */
int netns_enter(void) {
  read_text("/proc/sys/net/ipv4/tcp_congestion_control", H.tcp_cc_default, sizeof H.tcp_cc_default);
  const char *env = getenv("ZCSIM_NATIVE_NETNS");
  if (env && !strcmp(env, "0")) {
    snprintf(H.netns, sizeof H.netns, "machine");
    snprintf(H.netns_why, sizeof H.netns_why, "ZCSIM_NATIVE_NETNS=0");
    return 0;
  }
  read_machine_sysctls();
  uid_t uid = geteuid();
  gid_t gid = getegid();
  int user = uid != 0;
  /* root makes a network namespace alone (CAP_SYS_ADMIN); a root without it (a container) tries a user one too */
  if (!user && unshare(CLONE_NEWNET) < 0) user = 1;
  if (user && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
    int e = errno;
    snprintf(H.netns, sizeof H.netns, "machine");
    snprintf(H.netns_why, sizeof H.netns_why, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s (%s)", strerror(e),
             e == ENOSPC ? "user.max_user_namespaces reached" : e == EPERM ? "not permitted: a seccomp filter, unprivileged user namespaces off, or the host's ids unmapped where it runs" : e == EINVAL ? "a kernel without user or network namespaces" : "not permitted");
    note("netns: the host runs in the machine's network namespace (machine.netnsWhy says why)");
    return 0;
  }
  if (user && map_self(uid, gid, H.netns_why, sizeof H.netns_why) < 0) {
    snprintf(H.netns, sizeof H.netns, "own (user+net), ids unmapped");
    H.status = STATUS_SETUP_FAILED;
    snprintf(H.status_detail, sizeof H.status_detail, "netns: %.150s (ZCSIM_NATIVE_NETNS=0 runs in the machine's namespace)", H.netns_why);
    return -1;
  }
  snprintf(H.netns, sizeof H.netns, user ? "own (user+net)" : "own (net)");
  H.netns_own = 1; /* nic.c's devices and the loopback's sampling go in it (nic_own_netns has nothing more to do) */
  if (netns_link_up("lo") < 0) {
    int e = errno;
    H.status = STATUS_SETUP_FAILED;
    snprintf(H.status_detail, sizeof H.status_detail, "netns: bring lo up (SIOCSIFFLAGS): %s", strerror(e));
    return -1;
  }
  match_machine_sysctls();
  return 0;
}
