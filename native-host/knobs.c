/*
 * The program's knobs on this machine: each one applied (socket buffers, congestion control, the peer's read size...)
 * or compared with what this kernel has (readahead, fault-around, pipe-max-size...), one row each for the report
 * (main.c), and a note where the kernel differs from what the program asks.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "host.h"

struct knob_row knob_rows[MAX_KNOB_ROWS];
int nknob_rows;


static int64_t read_num(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  long long v = -1;
  if (fscanf(f, "%lld", &v) != 1) v = -1;
  fclose(f);
  return v;
}

/* the third field of tcp_wmem / tcp_rmem: the ceiling autotuning grows a socket's buffer to */
static int64_t tcp_max(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  long long a, b, c;
  int n = fscanf(f, "%lld %lld %lld", &a, &b, &c);
  fclose(f);
  return n == 3 ? c : -1;
}

/* The size of the level-2 data or unified cache of the CPU the program runs on (pinned, or the first), -1 if unknown */
static int64_t l2_bytes(void) {
  int cpu = H.cpu_host >= 0 ? H.cpu_host : 0;
  for (int i = 0; i < 8; i++) {
    char p[128], t[32] = "";
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, i);
    if (read_num(p) != 2) continue;
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, i);
    FILE *f = fopen(p, "r");
    if (f) { if (fscanf(f, "%31s", t) != 1) t[0] = 0; fclose(f); }
    if (strcmp(t, "Instruction") == 0) continue;
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/size", cpu, i);
    f = fopen(p, "r");
    if (!f) return -1;
    long long n = -1; char unit = 0;
    int k = fscanf(f, "%lld%c", &n, &unit);
    fclose(f);
    if (k < 1 || n < 0) return -1;
    return unit == 'K' ? n * 1024 : unit == 'M' ? n * 1024 * 1024 : n;
  }
  return -1;
}

/* Knob.TCP_CONGESTION's value for a congestion control's name (-1: another one) */
static int tcp_cc_index(const char *name) {
  for (int i = 1; i <= 3; i++) if (strcmp(name, TCP_CC_NAMES[i]) == 0) return i;
  return -1;
}

void knobs(void) {
  struct stat st;
  int64_t ra = -1, maxreq = -1;
  if (H.sandbox[0] && stat(H.sandbox, &st) == 0) {
    char p[160];
    snprintf(p, sizeof p, "/sys/class/bdi/%u:%u/read_ahead_kb", major(st.st_dev), minor(st.st_dev));
    ra = read_num(p);
    if (ra >= 0) ra *= 1024;
    /* the request size limit is the disk's (a partition's queue is its disk's) */
    snprintf(p, sizeof p, "/sys/dev/block/%u:%u/queue/max_sectors_kb", major(st.st_dev), minor(st.st_dev));
    maxreq = read_num(p);
    if (maxreq < 0) {
      snprintf(p, sizeof p, "/sys/dev/block/%u:%u/../queue/max_sectors_kb", major(st.st_dev), minor(st.st_dev));
      maxreq = read_num(p);
    }
    if (maxreq >= 0) maxreq *= 1024;
  }
  int64_t fa = read_num("/sys/kernel/debug/fault_around_bytes");
  int64_t pms = read_num("/proc/sys/fs/pipe-max-size");
  if (!H.tcp_cc_default[0]) { /* read before unshare by netns_enter: the machine's, not a new namespace's */
    FILE *f = fopen("/proc/sys/net/ipv4/tcp_congestion_control", "r");
    if (f) { if (fscanf(f, "%15s", H.tcp_cc_default) != 1) H.tcp_cc_default[0] = 0; fclose(f); }
  }
  for (int64_t i = 0; i < H.nknobs && nknob_rows < MAX_KNOB_ROWS; i++) {
    int64_t id = H.knobs[2 * i], v = H.knobs[2 * i + 1];
    struct knob_row r = { id, v, -1, 0, NULL, NULL };
    switch (id) {
    /* 0: the kernel's own autotuning, up to tcp_wmem[2] / tcp_rmem[2] (knobs TCP_WMEM_MAX, TCP_RMEM_MAX) */
    case KNOB_TCP_SNDBUF:
      if (v > 0) H.sndbuf = v;
      r = (struct knob_row){ id, v, v, 1, "TCP_SNDBUF", v > 0 ? "SO_SNDBUF on the sink socket" : "0: autotuned (the kernel's own)" };
      break;
    case KNOB_TCP_RCVBUF:
      if (v > 0) H.rcvbuf = v;
      r = (struct knob_row){ id, v, v, 1, "TCP_RCVBUF", v > 0 ? "SO_RCVBUF on the peer's socket" : "0: autotuned (the kernel's own; a lazy peer's is sized to hold its file)" };
      break;
    case KNOB_TCP_WMEM_MAX: r = (struct knob_row){ id, v, tcp_max("/proc/sys/net/ipv4/tcp_wmem"), 0, "TCP_WMEM_MAX", "/proc/sys/net/ipv4/tcp_wmem's max: autotuning's ceiling" }; break;
    case KNOB_TCP_RMEM_MAX: r = (struct knob_row){ id, v, tcp_max("/proc/sys/net/ipv4/tcp_rmem"), 0, "TCP_RMEM_MAX", "/proc/sys/net/ipv4/tcp_rmem's max: autotuning's ceiling" }; break;
    case KNOB_MMAP_PLACEMENT_0: case KNOB_MMAP_PLACEMENT_1: case KNOB_MMAP_PLACEMENT_2: case KNOB_MMAP_PLACEMENT_3:
      r = (struct knob_row){ id, v, -1, 0, "MMAP_PLACEMENT", "the kernel places mmap(NULL) (ASLR): see each mmap's address in calls[]" }; break;
    case KNOB_PEER_BUF_BYTES: H.peer_buf = v; r = (struct knob_row){ id, v, v, 1, "PEER_BUF_BYTES", "the peer's read() size" }; break;
    case KNOB_STEP_BUDGET: r = (struct knob_row){ id, v, v, 1, "STEP_BUDGET", "instructions before the host stops the program" }; break;
    case KNOB_TCP_CONGESTION: {
      /* set on the listener (the accepted socket inherits it) and on the sink's own socket, in peer.c */
      int sys = tcp_cc_index(H.tcp_cc_default);
      H.tcp_cc = v >= 1 && v <= 3 ? (int)v : 0;
      r = (struct knob_row){ id, v, sys, H.tcp_cc != 0, "TCP_CONGESTION",
                             H.tcp_cc ? "TCP_CONGESTION on both ends of the sink's connection" : "0: the system's default (/proc/sys/net/ipv4/tcp_congestion_control)" };
      break;
    }
    case KNOB_CPU_CACHE_BYTES:
      r = (struct knob_row){ id, v, l2_bytes(), 0, "CPU_CACHE_BYTES", "the program's CPU's level-2 cache (/sys/devices/system/cpu/cpuN/cache/index*/size)" }; break;
    case KNOB_PEER_POLL: H.peer_poll = v != 0; r = (struct knob_row){ id, v, v, 1, "PEER_POLL", v ? "the peer polls recv (MSG_DONTWAIT), never sleeping" : "the peer sleeps in read()" }; break;
    case KNOB_PEER_LAZY: r = (struct knob_row){ id, v, v, 1, "PEER_LAZY", "each sink's own lazy flag" }; break;
    case KNOB_OTHER_FS_FILES: H.other_fs_files = v; r = (struct knob_row){ id, v, v, 1, "OTHER_FS_FILES", "files on a tmpfs mounted in the sandbox (own mount namespace)" }; break;
    case KNOB_PIPE_DEFAULT_BYTES: r = (struct knob_row){ id, v, 65536, 0, "PIPE_DEFAULT_BYTES", "16 pages: fixed in the kernel" }; break;
    case KNOB_PIPE_MAX_SIZE: r = (struct knob_row){ id, v, pms, 0, "PIPE_MAX_SIZE", "/proc/sys/fs/pipe-max-size (root may exceed it)" }; break;
    case KNOB_FAULT_AROUND_BYTES: r = (struct knob_row){ id, v, fa, 0, "FAULT_AROUND_BYTES", fa < 0 ? "debugfs fault_around_bytes not readable (debugfs not mounted); the kernel's default is 65536" : "/sys/kernel/debug/fault_around_bytes" }; break;
    case KNOB_READAHEAD_BYTES: r = (struct knob_row){ id, v, ra, 0, "READAHEAD_BYTES", "read_ahead_kb of the sandbox's block device (bdi)" }; break;
    case KNOB_FOLIO_MAX_ORDER: r = (struct knob_row){ id, v, -1, 0, "FOLIO_MAX_ORDER", "the filesystem's choice; see files[].fillFolios" }; break;
    case KNOB_NIC_SG: case KNOB_NIC_CSUM:
      /* set on the nic sink's veth (nic.c) through SIOCETHTOOL; machine.nicSg/nicCsum say what the device then had */
      if (id == KNOB_NIC_SG) H.nic_sg_want = v != 0; else H.nic_csum_want = v != 0;
      r = (struct knob_row){ id, v, has_nic() ? v : -1, has_nic(), id == KNOB_NIC_SG ? "NIC_SG" : "NIC_CSUM",
                             has_nic() ? "SIOCETHTOOL (ETHTOOL_SSG / ETHTOOL_STXCSUM) on the nic sink's veth; read back under machine" : "no nic sink: the TCP sink is loopback (scatter-gather and checksum offload on)" };
      break;
    case KNOB_NIC_TX_RING:
      r = (struct knob_row){ id, v, -1, 0, "NIC_TX_RING", "a veth has no descriptor ring (it hands the skb to its peer)" }; break;
    case KNOB_TRACE: case KNOB_TRACE_CAP: r = (struct knob_row){ id, v, -1, 0, id == KNOB_TRACE ? "TRACE" : "TRACE_CAP", "the model's event trace; the host keeps a call log instead" }; break;
    case KNOB_TCP_GSO_MAX: r = (struct knob_row){ id, v, -1, 0, "TCP_GSO_MAX", "the kernel's own (loopback: 64 KiB GSO)" }; break;
    case KNOB_SKB_LINEAR_MAX: r = (struct knob_row){ id, v, -1, 0, "SKB_LINEAR_MAX", "the kernel's own" }; break;
    case KNOB_DISK_BREAK_0: case KNOB_DISK_BREAK_1: case KNOB_DISK_BREAK_2: case KNOB_DISK_BREAK_3:
      r = (struct knob_row){ id, v, -1, 0, "DISK_BREAK", "the filesystem places the file's blocks: see files[].diskBreaks (FIEMAP)" }; break;
    case KNOB_BLOCK_MAX_REQUEST_BYTES: r = (struct knob_row){ id, v, maxreq, 0, "BLOCK_MAX_REQUEST_BYTES", "max_sectors_kb of the sandbox's block device" }; break;
    default:
      /* the model's cost model: the host measures time */
      if ((id >= KNOB_COST_MODE_SWITCH_NS && id <= KNOB_COST_PAGE_ALLOC_NS) || (id >= KNOB_COST_SKB_NS && id <= KNOB_COST_DIRTY_PAGE_NS) ||
          id == KNOB_COST_USER_ACCESS_PS_PER_BYTE || id == KNOB_COST_TRUNCATE_PAGE_NS || id == KNOB_COST_LINEARIZE_PS_PER_BYTE ||
          (id >= KNOB_COST_REMOTE_WAKEUP_NS && id <= KNOB_COST_PEER_WAKE_LATENCY_NS) || id == KNOB_PEER_WAKE_JITTER_PCT ||
          id == KNOB_COST_COPY_COLD_SRC_PS_PER_BYTE || id == KNOB_COST_COPY_COLD_DST_PS_PER_BYTE)
        continue;
      r = (struct knob_row){ id, v, -1, 0, "?", "unknown to this host: ignored" };
    }
    knob_rows[nknob_rows++] = r;
    if (!r.applied && r.kernel >= 0 && r.kernel != v)
      note("knob %s: the program asks %lld, this kernel has %lld (%s); not applied, measured as it is", r.name, (long long)v, (long long)r.kernel, r.how);
  }
  if (H.peer_buf <= 0 || H.peer_buf > (64 << 20)) H.peer_buf = 65536;
}

