/*
 * The nic sink: a veth pair standing for a NIC and the wire, the TCP peer behind it in a network namespace of its
 * own, the device's features (scatter-gather, checksum offload) set through SIOCETHTOOL before the phase.
 *
 *   host's network namespace                          the peer's network namespace (unshare in the forked peer)
 *   sink fd (3, 4, ...) --TCP--> zc<pid>a 10.213.0.1/30 ==veth== zc<pid>b 10.213.0.2/30 --> accepted socket: read,
 *                                 ^ NETIF_F_SG, NETIF_F_HW_CSUM, TSO (ETHTOOL_S*)                verify (peer.c)
 *
 * veth_xmit hands each skb, as the driver got it, to the other end (__netif_rx): what a real NIC's driver would
 * map into its descriptors (one per linear part and one per frag) is what net_dev_start_xmit shows here
 * (skbtrace.c). The addresses exist only inside these two namespaces, both the host's own: nothing is made in the
 * machine's namespace. Order (nic_start): fork the peer, which unshares CLONE_NEWNET and says so; the host makes
 * the pair with the other end in the peer's namespace (RTM_NEWLINK, VETH_INFO_PEER + IFLA_NET_NS_PID), addresses
 * and brings up its end, sets the features and reads them back; the peer does the same for its end, listens and
 * says its port; the host connects.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host.h"

#define NIC_NET 0x0ad50000u  /* 10.213.0.0/30: private, and only inside the host's and the peer's namespaces */


/* ---------------------------------------------------------------- the namespace */

static int ifup(int sock, const char *name) {
  struct ifreq r = { 0 };
  snprintf(r.ifr_name, sizeof r.ifr_name, "%s", name);
  if (ioctl(sock, SIOCGIFFLAGS, &r) < 0) return -1;
  r.ifr_flags |= IFF_UP;
  return ioctl(sock, SIOCSIFFLAGS, &r);
}

/* The devices go in the host's own network namespace (netns.c made it before setup), so that they are nobody
 * else's; where it could not be made (machine.netnsWhy), the nic sink cannot run. */
int nic_own_netns(char *why, size_t whylen) {
  if (H.netns_own) return 0;
  snprintf(why, whylen, "the nic sink needs a network namespace of the host's own, and it runs in the machine's: %.100s", H.netns_why[0] ? H.netns_why : "(no reason recorded)");
  return -1;
}

/* In the host's own namespace only: its loopback renamed zclo<pid> (down, SIOCSIFNAME, up), a name no other
 * namespace's loopback has, so that skbtrace.c can sample every skb it carries on every CPU by the device's name
 * (a softirq sends some in another task's context). 127.0.0.1 is unchanged. */
int nic_name_loopback(void) {
  if (!H.netns_own) { H.lo_dev[0] = 0; return -1; }
  if (H.lo_dev[0]) return 0;
  char name[16];
  snprintf(name, sizeof name, "zclo%d", (int)getpid());
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct ifreq r = { 0 };
  snprintf(r.ifr_name, sizeof r.ifr_name, "lo");
  int renamed = 0, e = 0;
  if (ioctl(s, SIOCGIFFLAGS, &r) == 0) {
    r.ifr_flags &= ~IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &r) == 0) {
      snprintf(r.ifr_newname, sizeof r.ifr_newname, "%s", name);
      renamed = ioctl(s, SIOCSIFNAME, &r) == 0;
    }
  }
  if (!renamed) e = errno;
  int up = ifup(s, renamed ? name : "lo"); /* up again, renamed or not */
  if (up < 0 && !e) e = errno;
  close(s);
  if (!renamed || up < 0) {
    note("the loopback could not be renamed (%s): its skbs are not sampled", strerror(e));
    return -1;
  }
  snprintf(H.lo_dev, sizeof H.lo_dev, "%s", name);
  return 0;
}

/* ---------------------------------------------------------------- rtnetlink: the veth pair */

struct nlbuf { char b[1024]; size_t n; };

static struct rtattr *nla_put(struct nlbuf *m, int type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)(m->b + NLMSG_ALIGN(m->n));
  a->rta_type = (unsigned short)type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  m->n = NLMSG_ALIGN(m->n) + RTA_ALIGN(a->rta_len);
  return a;
}
static void nla_end(struct nlbuf *m, struct rtattr *a) { a->rta_len = (unsigned short)(m->b + m->n - (char *)a); }

/* RTM_NEWLINK: `name` (veth) in this namespace, its peer `peer` in the namespace of process `pid`. */
static int veth_make(const char *name, const char *peer, pid_t pid, char *why, size_t whylen) {
  struct nlbuf m = { .n = NLMSG_LENGTH(sizeof(struct ifinfomsg)) };
  memset(m.b, 0, sizeof m.b);
  struct nlmsghdr *h = (struct nlmsghdr *)m.b;
  h->nlmsg_type = RTM_NEWLINK;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  h->nlmsg_seq = 1;
  nla_put(&m, IFLA_IFNAME, name, strlen(name) + 1);
  struct rtattr *li = nla_put(&m, IFLA_LINKINFO, NULL, 0);
  nla_put(&m, IFLA_INFO_KIND, "veth", 4);
  struct rtattr *data = nla_put(&m, IFLA_INFO_DATA, NULL, 0);
  struct rtattr *pe = nla_put(&m, VETH_INFO_PEER, NULL, 0);
  m.n += sizeof(struct ifinfomsg); /* the peer's ifinfomsg, zeroed */
  nla_put(&m, IFLA_IFNAME, peer, strlen(peer) + 1);
  uint32_t p = (uint32_t)pid;
  nla_put(&m, IFLA_NET_NS_PID, &p, 4);
  nla_end(&m, pe);
  nla_end(&m, data);
  nla_end(&m, li);
  h->nlmsg_len = (uint32_t)m.n;
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s < 0) { snprintf(why, whylen, "netlink socket: %s", strerror(errno)); return -1; }
  struct sockaddr_nl k = { .nl_family = AF_NETLINK };
  if (sendto(s, m.b, m.n, 0, (struct sockaddr *)&k, sizeof k) < 0) { snprintf(why, whylen, "RTM_NEWLINK veth: %s", strerror(errno)); close(s); return -1; }
  char r[4096];
  struct pollfd pf = { s, POLLIN, 0 };
  if (poll(&pf, 1, 5000) <= 0) { snprintf(why, whylen, "RTM_NEWLINK veth: no answer"); close(s); return -1; }
  ssize_t n = recv(s, r, sizeof r, 0);
  close(s);
  struct nlmsghdr *a = (struct nlmsghdr *)r;
  if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || a->nlmsg_type != NLMSG_ERROR) { snprintf(why, whylen, "RTM_NEWLINK veth: bad answer"); return -1; }
  int e = -((struct nlmsgerr *)NLMSG_DATA(a))->error;
  if (e) { snprintf(why, whylen, "RTM_NEWLINK veth %s/%s: %s%s", name, peer, strerror(e), e == EOPNOTSUPP ? " (no veth driver: CONFIG_VETH)" : ""); return -1; }
  return 0;
}

/* The address of one end (its /30) and the device up, by ioctl on an AF_INET socket of this namespace. */
static int addr_up(const char *name, uint32_t addr, char *why, size_t whylen) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq r = { 0 };
  snprintf(r.ifr_name, sizeof r.ifr_name, "%s", name);
  struct sockaddr_in *sa = (struct sockaddr_in *)&r.ifr_addr;
  sa->sin_family = AF_INET;
  sa->sin_addr.s_addr = htonl(addr);
  int ok = s >= 0 && ioctl(s, SIOCSIFADDR, &r) == 0;
  sa->sin_addr.s_addr = htonl(0xfffffffcu);
  ok = ok && ioctl(s, SIOCSIFNETMASK, &r) == 0 && ifup(s, name) == 0;
  if (!ok) snprintf(why, whylen, "address %s up: %s", name, strerror(errno));
  if (s >= 0) close(s);
  return ok ? 0 : -1;
}

/* ---------------------------------------------------------------- SIOCETHTOOL */

static int ethtool(int s, const char *dev, uint32_t cmd, uint32_t *data) {
  struct ethtool_value v = { .cmd = cmd, .data = data ? *data : 0 };
  struct ifreq r = { 0 };
  snprintf(r.ifr_name, sizeof r.ifr_name, "%s", dev);
  r.ifr_data = (void *)&v;
  if (ioctl(s, SIOCETHTOOL, &r) < 0) return -1;
  if (data) *data = v.data;
  return 0;
}

/* Knob.NIC_CSUM then Knob.NIC_SG through the legacy ETHTOOL_STXCSUM / ETHTOOL_SSG (ethtool_set_one_feature ->
 * netdev_update_features: netdev_fix_features drops TSO without SG or checksumming; older kernels dropped SG without a
 * checksum feature too, 6.18 keeps it); then read
 * back (ETHTOOL_GTXCSUM, GSG, GTSO): what the phase runs with, reported under machine. */
static int features(const char *dev, char *why, size_t whylen) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) { snprintf(why, whylen, "socket: %s", strerror(errno)); return -1; }
  uint32_t csum = H.nic_csum_want ? 1 : 0, sg = H.nic_sg_want ? 1 : 0;
  if (ethtool(s, dev, ETHTOOL_STXCSUM, &csum) < 0 || ethtool(s, dev, ETHTOOL_SSG, &sg) < 0) {
    snprintf(why, whylen, "SIOCETHTOOL on %s: %s", dev, strerror(errno));
    close(s);
    return -1;
  }
  uint32_t g = 0;
  H.nic_csum = ethtool(s, dev, ETHTOOL_GTXCSUM, &g) == 0 ? (int)g : -1;
  g = 0;
  H.nic_sg = ethtool(s, dev, ETHTOOL_GSG, &g) == 0 ? (int)g : -1;
  g = 0;
  H.nic_tso = ethtool(s, dev, ETHTOOL_GTSO, &g) == 0 ? (int)g : -1;
  struct ifreq r = { 0 };
  snprintf(r.ifr_name, sizeof r.ifr_name, "%s", dev);
  H.nic_mtu = ioctl(s, SIOCGIFMTU, &r) == 0 ? r.ifr_mtu : -1;
  close(s);
  if (H.nic_sg_want && !H.nic_sg)
    note("the nic sink: scatter-gather asked but off on %s: %s", dev, H.nic_csum ? "the device refused it" : "this kernel's netdev_fix_features drops NETIF_F_SG without a checksum feature");
  return 0;
}

/* ---------------------------------------------------------------- the peer behind the device */

static int rd(int fd, int64_t *v) {
  struct pollfd p = { fd, POLLIN, 0 };
  for (size_t got = 0; got < sizeof *v;) {
    int k = poll(&p, 1, H.timeout_s * 1000);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    ssize_t n = read(fd, (char *)v + got, sizeof *v - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  return 0;
}
static int wr(int fd, int64_t v) { return write(fd, &v, sizeof v) == sizeof v ? 0 : -1; }

/* In the forked peer: its own namespace, its end up, the listener; then peer_main. Any failure goes back to the
 * host as a negative errno (the host says which step). */
static __attribute__((noreturn)) void nic_peer(struct sink_spec *s, int ctl, int rep) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  alarm((unsigned)(H.timeout_s * 2 + 10));
  if (unshare(CLONE_NEWNET) < 0) { wr(rep, -1000 - errno); _exit(5); }
  wr(rep, 1);
  int64_t go = 0;
  if (rd(ctl, &go) < 0 || go != 2) _exit(5);
  char why[160];
  if (addr_up(H.nic_peer_dev, NIC_NET | 2, why, sizeof why) < 0) { wr(rep, -2000 - errno); _exit(5); }
  int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(NIC_NET | 2) };
  socklen_t alen = sizeof a;
  if (l >= 0 && H.tcp_cc) {
    const char *cc = TCP_CC_NAMES[H.tcp_cc];
    if (setsockopt(l, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0) { wr(rep, -3000 - errno); _exit(5); }
  }
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &alen) < 0) {
    wr(rep, -4000 - errno);
    _exit(5);
  }
  wr(rep, ntohs(a.sin_port));
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  int acc = accept4(l, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC);
  close(l);
  if (acc < 0 || from.sin_addr.s_addr != htonl(NIC_NET | 1)) _exit(5);
  if (H.rcvbuf > 0) setsockopt(acc, SOL_SOCKET, SO_RCVBUF, &(int){ (int)H.rcvbuf }, sizeof(int));
  alarm(0);
  peer_main(s, acc, ctl, rep);
}

static const char *peer_step(int64_t v) {
  return v <= -4000 ? "listen on 10.213.0.2" : v <= -3000 ? "TCP_CONGESTION" : v <= -2000 ? "address its end" : "unshare(CLONE_NEWNET)";
}

int nic_start(struct sink_spec *s) {
  char why[200] = "";
  if (nic_own_netns(why, sizeof why) < 0) return failed(STATUS_UNSUPPORTED, "sink %s (nic): %s", s->name, why);
  if (H.nic_dev[0]) return failed(STATUS_UNSUPPORTED, "sink %s: one nic sink per program (the host has one veth pair)", s->name);
  snprintf(H.nic_dev, sizeof H.nic_dev, "zc%da", (int)getpid());
  snprintf(H.nic_peer_dev, sizeof H.nic_peer_dev, "zc%db", (int)getpid());
  /* the exception list, shared with the peer, as peer_start makes it: before the fork */
  if (!s->exc) {
    void *m = mmap(NULL, (size_t)PEER_EXC_CAP * sizeof(struct pexc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    s->exc = m == MAP_FAILED ? NULL : m;
    if (!s->exc) note("peer of sink %s: no exception list (mmap: %s): every byte that is not version 0 counts bad", s->name, strerror(errno));
  }
  int ctl[2], rep[2];
  if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) return failed(STATUS_PEER_FAILED, "peer: pipe: %s", strerror(errno));
  for (int i = 0; i < 2; i++) { ctl[i] = hi_fd(ctl[i]); rep[i] = hi_fd(rep[i]); }
  pid_t pid = fork();
  if (pid < 0) return failed(STATUS_PEER_FAILED, "peer: fork: %s", strerror(errno));
  if (pid == 0) { close(ctl[1]); close(rep[0]); nic_peer(s, ctl[0], rep[1]); }
  close(ctl[0]); close(rep[1]);
  s->peer = pid; s->ctl = ctl[1]; s->rep = rep[0]; s->fd = -1;
  int64_t v = 0;
  if (rd(s->rep, &v) < 0 || v != 1) {
    if (v < 0) return failed(STATUS_UNSUPPORTED, "sink %s (nic): the peer's %s: %s", s->name, peer_step(v), strerror((int)(-v % 1000)));
    return failed(STATUS_PEER_FAILED, "sink %s (nic): the peer did not enter its namespace", s->name);
  }
  if (veth_make(H.nic_dev, H.nic_peer_dev, pid, why, sizeof why) < 0) return failed(STATUS_UNSUPPORTED, "sink %s (nic): %s", s->name, why);
  if (addr_up(H.nic_dev, NIC_NET | 1, why, sizeof why) < 0 || features(H.nic_dev, why, sizeof why) < 0)
    return failed(STATUS_UNSUPPORTED, "sink %s (nic): %s", s->name, why);
  if (wr(s->ctl, 2) < 0 || rd(s->rep, &v) < 0 || v <= 0) {
    if (v < 0) return failed(v <= -3000 && v > -4000 ? STATUS_UNSUPPORTED : STATUS_PEER_FAILED, "sink %s (nic): the peer's %s: %s", s->name, peer_step(v), strerror((int)(-v % 1000)));
    return failed(STATUS_PEER_FAILED, "sink %s (nic): the peer did not listen", s->name);
  }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)v), .sin_addr.s_addr = htonl(NIC_NET | 2) };
  int c = socket(AF_INET, SOCK_STREAM, 0); /* the sink's descriptor: the lowest free one, as in the model */
  if (c >= 0 && H.sndbuf > 0) setsockopt(c, SOL_SOCKET, SO_SNDBUF, &(int){ (int)H.sndbuf }, sizeof(int));
  if (c >= 0 && H.tcp_cc) {
    const char *cc = TCP_CC_NAMES[H.tcp_cc];
    if (setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0) { int e = errno; close(c); return failed(STATUS_UNSUPPORTED, "TCP_CONGESTION %s: %s", cc, strerror(e)); }
  }
  if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
    int e = errno;
    if (c >= 0) close(c);
    return failed(STATUS_PEER_FAILED, "sink %s (nic): connect to 10.213.0.2:%d: %s", s->name, (int)v, strerror(e));
  }
  s->fd = c;
  char cc[16] = "";
  socklen_t cl = sizeof cc - 1;
  if (getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, &cl) == 0) { cc[cl < sizeof cc ? cl : sizeof cc - 1] = 0; snprintf(H.tcp_cc_used, sizeof H.tcp_cc_used, "%s", cc); }
  int64_t ready = 0;
  if (rd(s->rep, &ready) < 0 || ready != 1) return failed(STATUS_PEER_FAILED, "sink %s (nic): the peer not ready within %d s", s->name, H.timeout_s);
  return 0;
}
