/*
 * The shape of every data skb handed to a network driver, from raw tracepoint samples.
 *
 *   net:net_dev_start_xmit   dev_hard_start_xmit -> xmit_one, after validate_xmit_skb (so after any
 *                            linearization and software checksum): len, data_len, ip_summed, gso_size, gso_segs
 *   net:netif_rx_entry       __netif_rx: loopback_xmit and veth_xmit hand that very skb to the receive side, in
 *                            the sender's context: nr_frags
 *
 * Sampled with perf_event_open(PERF_SAMPLE_RAW, sample_period 1) into an mmap'd ring per event; each record's raw
 * data is the tracepoint's entry, laid out as its `format` file in tracefs says (offsets read at run time, never
 * assumed). Where a sample is:
 *
 *   perf ring: [ perf_event_mmap_page (1 page) | data: 2^n pages, records back to back, wrapping ]
 *   record:    [ perf_event_header (type PERF_RECORD_SAMPLE, size) | u32 raw size | raw entry ... ]
 *   entry:     [ common fields | name (__data_loc: u16 offset, u16 length) | ... len @off | data_len @off ... ]
 *
 * A retransmission (tcp:tcp_retransmit_skb, same ring, right after the skb it sent) is taken back out and counted
 * apart: the shapes are of the stream's bytes, each once, as the model (which never loses a segment) counts them.
 * Per data skb (payload > 0; payload = len - transport_offset - TCP header): linear payload bytes
 * (len - data_len - headers), frag bytes (data_len), ip_summed, GSO segments; nr_frags from netif_rx_entry.
 * "Linear" is payload only (the headers the kernel puts in every skb's head are not counted), as the model counts
 * it. Two windows: the loopback sink's skbs are sampled per task (the host in the phase, the peer from ready to
 * EOF: an skb transmitted by ksoftirqd counts for neither); the nic sink's on the device itself, on every CPU,
 * filtered by its name (unique to this run), from the peer's ready to its EOF: all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host.h"

#define CHECKSUM_PARTIAL 3   /* include/linux/skbuff.h: the device (or a later stage) computes the checksum */
#define IPV4_HDR 20
#define TCP_HDR 20

/* ---------------------------------------------------------------- the format file */

static int field_set(struct tp_field *f, const char *decl, int off, int size) {
  (void)decl;
  f->offset = off;
  f->size = size;
  return 0;
}

/* Parses a tracepoint's format file ("\tfield:unsigned int len;\toffset:36;\tsize:4;\tsigned:0;" lines) into the
 * offsets of the fields the shapes need. Pure (text in, offsets out): zcsim-native --tp-format FILE prints it. A
 * field this kernel lacks stays at offset -1; a field needed and missing, a size that is not 1, 2, 4 or 8, or a
 * field past the entry, is an error said in `why`. */
int tp_format_parse(const char *text, struct tp_format *f, char *why, size_t whylen) {
  memset(f, 0, sizeof *f);
  struct tp_field *all[] = { &f->name, &f->len, &f->data_len, &f->ip_summed, &f->gso_size, &f->gso_segs, &f->nr_frags, &f->transport_offset, &f->err };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) all[i]->offset = -1;
  f->id = -1;
  int fields = 0, end = 0;
  const char *p = text;
  while (p && *p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[512];
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, p, n);
    line[n] = 0;
    p = nl ? nl + 1 : NULL;
    long long id;
    if (sscanf(line, "ID: %lld", &id) == 1) { f->id = id; continue; }
    char *fp = strstr(line, "field:");
    if (!fp) continue;
    char *semi = strchr(fp, ';');
    char *op = strstr(line, "offset:"), *sp = strstr(line, "size:");
    if (!semi || !op || !sp) { snprintf(why, whylen, "format: a field line without offset or size: %.80s", fp); return -1; }
    int off = atoi(op + 7), size = atoi(sp + 5);
    if (off < 0 || off > 4096 || (size != 1 && size != 2 && size != 4 && size != 8)) {
      snprintf(why, whylen, "format: field %.60s has offset %d size %d", fp + 6, off, size);
      return -1;
    }
    /* the field's name: the last word before ';' (after a '*' or a space), without an array suffix */
    *semi = 0;
    char *nm = semi;
    while (nm > fp + 6 && nm[-1] != ' ' && nm[-1] != '*') nm--;
    char *br = strchr(nm, '[');
    if (br) *br = 0;
    fields++;
    if (off + size > end) end = off + size;
    if (!strcmp(nm, "name") && strstr(fp, "__data_loc")) field_set(&f->name, fp, off, size);
    else if (!strcmp(nm, "len")) field_set(&f->len, fp, off, size);
    else if (!strcmp(nm, "data_len")) field_set(&f->data_len, fp, off, size);
    else if (!strcmp(nm, "ip_summed")) field_set(&f->ip_summed, fp, off, size);
    else if (!strcmp(nm, "gso_size")) field_set(&f->gso_size, fp, off, size);
    else if (!strcmp(nm, "gso_segs")) field_set(&f->gso_segs, fp, off, size);
    else if (!strcmp(nm, "nr_frags")) field_set(&f->nr_frags, fp, off, size);
    else if (!strcmp(nm, "transport_offset")) field_set(&f->transport_offset, fp, off, size);
    else if (!strcmp(nm, "err")) field_set(&f->err, fp, off, size);
  }
  f->entry_size = end;
  if (!fields) { snprintf(why, whylen, "format: no field lines"); return -1; }
  if (f->len.offset < 0 && f->data_len.offset < 0 && f->err.offset >= 0) return 0; /* tcp_retransmit_skb: err alone */
  if (f->len.offset < 0 || f->data_len.offset < 0) { snprintf(why, whylen, "format: no %s field", f->len.offset < 0 ? "len" : "data_len"); return -1; }
  return 0;
}

/* Reads /sys/kernel/tracing/events/SYS/EVENT/format (or under debugfs) and parses it. */
int tp_format_read(const char *sys, const char *event, struct tp_format *f, char *why, size_t whylen) {
  static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
  int e = ENOENT;
  for (int i = 0; i < 2; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s/events/%s/%s/format", roots[i], sys, event);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { e = errno; continue; }
    char *b = malloc(16384);
    ssize_t n = b ? read(fd, b, 16383) : -1;
    close(fd);
    if (n <= 0) { free(b); e = EIO; continue; }
    b[n] = 0;
    int r = tp_format_parse(b, f, why, whylen);
    free(b);
    return r;
  }
  snprintf(why, whylen, "cannot read the format of %s:%s in tracefs: %s (tracefs needs root)", sys, event, strerror(e));
  return -1;
}

/* ---------------------------------------------------------------- sampling */

static uint64_t get(const unsigned char *e, const struct tp_field *f) {
  if (f->offset < 0) return 0;
  const unsigned char *p = e + f->offset;
  switch (f->size) {
  case 1: return *p;
  case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
  case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
  default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}

static int tcp_header(void) {
  /* every data segment carries the timestamp option (12 bytes with its padding) when tcp_timestamps is on; read in
   * the namespace the sockets live in (a per-namespace sysctl) */
  static int cached = -1;
  if (cached >= 0) return cached;
  int ts = 1;
  FILE *f = fopen("/proc/sys/net/ipv4/tcp_timestamps", "r");
  if (f) { if (fscanf(f, "%d", &ts) != 1) ts = 1; fclose(f); }
  cached = TCP_HDR + (ts ? 12 : 0);
  return cached;
}

/* One sampling event: a tracepoint on a task (cpu -1) or on a CPU (pid -1), its filter, its ring. */
static int ring_open(struct skb_ring *r, int64_t id, pid_t pid, int cpu, const char *filter, size_t data_pages, char *why, size_t whylen) {
  struct perf_event_attr a = {
    .type = PERF_TYPE_TRACEPOINT, .size = sizeof a, .config = (uint64_t)id, .sample_period = 1,
    .sample_type = PERF_SAMPLE_RAW, .disabled = 1,
  };
  r->fd = -1;
  r->base = NULL;
  int fd = (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    snprintf(why, whylen, "perf_event_open (sampling %s): %s%s", cpu >= 0 ? "a CPU" : "a task", strerror(e),
             e == EACCES || e == EPERM ? " (kernel.perf_event_paranoid and no CAP_PERFMON: not permitted)" : "");
    return -1;
  }
  if (filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
    snprintf(why, whylen, "PERF_EVENT_IOC_SET_FILTER \"%s\": %s", filter, strerror(errno));
    close(fd);
    return -1;
  }
  r->len = (data_pages + 1) * 4096;
  void *m = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) {
    snprintf(why, whylen, "mmap of a %zu KiB perf ring: %s", r->len >> 10, strerror(errno));
    close(fd);
    return -1;
  }
  r->fd = hi_fd(fd);
  r->base = m;
  return 0;
}

static void ring_close(struct skb_ring *r) {
  if (r->base) munmap(r->base, r->len);
  if (r->fd >= 0) close(r->fd);
  r->base = NULL;
  r->fd = -1;
}

/* A data pages' count for a ring: a power of two, about `bytes` */
static size_t ring_pages(int64_t bytes) {
  size_t p = 16;
  while ((int64_t)p * 4096 < bytes && p < 16384) p <<= 1;
  return p;
}

/* Opens the sampling: net_dev_start_xmit and netif_rx_entry, on this task (`dev` the device sampled, by name) or on
 * every CPU (cpu_wide: `dev` the sending end, `peer_dev` the receiving end). `expect_bytes` sizes the rings: one
 * record of about 100 bytes per MSS of payload is the worst case (no GSO). */
int skbtrace_open(struct skbtrace *t, pid_t pid, int cpu_wide, const char *dev, const char *peer_dev, int dport, int64_t expect_bytes) {
  memset(&t->shapes, 0, sizeof t->shapes);
  t->n = 0;
  t->nextra = 0;
  t->opt_slack = strcmp(dev, peer_dev) == 0 ? 40 - 12 : 0;
  t->why[0] = 0;
  char why[160] = "";
  if (tp_format_read("net", "net_dev_start_xmit", &t->fx, why, sizeof why) < 0 ||
      tp_format_read("net", "netif_rx_entry", &t->fr, why, sizeof why) < 0) {
    snprintf(t->why, sizeof t->why, "%s", why);
    return -1;
  }
  /* tcp:tcp_retransmit_skb, into the xmit ring of the same CPU (PERF_EVENT_IOC_SET_OUTPUT): on a device without a
   * queue (loopback, veth: IFF_NO_QUEUE) the retransmission reached the driver right before it, in that ring */
  /* its err: kernels that trace a failed attempt too (-EBUSY: the clone still in the host's queue) sent nothing then */
  char rwhy[160];
  t->retrans_id = dport > 0 && tp_format_read("tcp", "tcp_retransmit_skb", &t->ft, rwhy, sizeof rwhy) == 0 ? t->ft.id : -1;
  char fx[96], fr[96], ftr[64], fq[64];
  snprintf(ftr, sizeof ftr, "dport == %d", dport);
  snprintf(fq, sizeof fq, "name == \"%s\"", dev);
  t->queue_id = t->retrans_id > 0 ? tracepoint_id("net", "net_dev_queue", rwhy, sizeof rwhy) : -1;
  if (t->queue_id < 0) t->retrans_id = -1;
  /* only the data skbs of the sampled device: Ethernet + IPv4 + TCP headers are at least 14 + 20 + 20 bytes */
  snprintf(fx, sizeof fx, "name == \"%s\" && len > %d", dev, 14 + IPV4_HDR + tcp_header());
  snprintf(fr, sizeof fr, "name == \"%s\" && len > %d", peer_dev, IPV4_HDR + tcp_header());
  int64_t per = expect_bytes / 1448 * 128 + (256 << 10);
  int ncpu = cpu_wide ? (int)sysconf(_SC_NPROCESSORS_CONF) : 1;
  if (ncpu < 1) ncpu = 1;
  if (ncpu > SKBTRACE_MAX_CPUS) ncpu = SKBTRACE_MAX_CPUS;
  size_t pages = ring_pages(cpu_wide ? per / ncpu + (64 << 10) : per);
  for (int c = 0; c < ncpu; c++) {
    for (int k = 0; k < 2; k++) {
      struct skb_ring *r = &t->rings[t->n];
      r->rx = k;
      if (ring_open(r, k ? t->fr.id : t->fx.id, cpu_wide ? -1 : pid, cpu_wide ? c : -1, k ? fr : fx, k ? (pages / 4 < 16 ? 16 : pages / 4) : pages, why, sizeof why) < 0) {
        if (cpu_wide && errno == ENODEV) continue; /* a CPU not online */
        snprintf(t->why, sizeof t->why, "%s", why);
        skbtrace_close(t);
        return -1;
      }
      t->n++;
    }
    /* net:net_dev_queue opens each transmission (dev_queue_xmit, before software GSO cuts it): the samples after it
     * are that one skb's, so a retransmission takes back all of them */
    for (int k = 0; t->retrans_id > 0 && k < 2; k++) {
      struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof a, .config = (uint64_t)(k ? t->queue_id : t->retrans_id),
                                   .sample_period = 1, .sample_type = PERF_SAMPLE_RAW, .disabled = 1 };
      int fd = (int)syscall(SYS_perf_event_open, &a, cpu_wide ? -1 : pid, cpu_wide ? c : -1, -1, PERF_FLAG_FD_CLOEXEC);
      struct skb_ring *x = &t->rings[t->n - 2];
      if (fd < 0 || ioctl(fd, PERF_EVENT_IOC_SET_FILTER, k ? fq : ftr) < 0 || ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, x->fd) < 0) {
        snprintf(t->why, sizeof t->why, "%s: %s", k ? "net:net_dev_queue" : "tcp:tcp_retransmit_skb", strerror(errno));
        if (fd >= 0) close(fd);
        skbtrace_close(t);
        return -1;
      }
      t->extra[t->nextra++] = hi_fd(fd);
    }
  }
  return 0;
}

void skbtrace_enable(struct skbtrace *t, int on) {
  for (int i = 0; i < t->n; i++) ioctl(t->rings[i].fd, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
  for (int i = 0; i < t->nextra; i++) ioctl(t->extra[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

/* Reads every record of every ring into the shapes (after the window: nothing is written meanwhile). */
void skbtrace_collect(struct skbtrace *t) {
  t->shapes.ok = 0;
  struct skb_shapes *s = &t->shapes;
  int hdr = tcp_header();
  for (int i = 0; i < t->n; i++) {
    struct skb_ring *r = &t->rings[i];
    struct perf_event_mmap_page *mp = r->base;
    unsigned char *data = (unsigned char *)r->base + 4096;
    uint64_t size = r->len - 4096;
    uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE), tail = mp->data_tail;
    const struct tp_format *f = r->rx ? &t->fr : &t->fx;
    unsigned char rec[1024];
    struct skb_shapes acc; /* the data skbs of the transmission since the last net_dev_queue on this CPU */
    memset(&acc, 0, sizeof acc);
    while (tail < head) {
      struct perf_event_header h;
      for (size_t k = 0; k < sizeof h; k++) ((unsigned char *)&h)[k] = data[(tail + k) % size];
      if (h.size < sizeof h) break;
      size_t n = h.size < sizeof rec ? h.size : sizeof rec;
      for (size_t k = 0; k < n; k++) rec[k] = data[(tail + k) % size];
      tail += h.size;
      if (h.type == PERF_RECORD_LOST) { uint64_t lost; memcpy(&lost, rec + sizeof h + 8, 8); s->lost += (int64_t)lost; continue; }
      if (h.type != PERF_RECORD_SAMPLE || n < sizeof h + 4) continue;
      uint32_t raw;
      memcpy(&raw, rec + sizeof h, 4);
      const unsigned char *e = rec + sizeof h + 4;
      uint16_t type;
      memcpy(&type, e, 2);
      if (!r->rx && t->retrans_id > 0 && type == (uint16_t)t->retrans_id) {
        /* the data skb sampled right before it was this retransmission: its bytes were counted once already */
        int32_t err = t->ft.err.offset >= 0 && (uint32_t)t->ft.err.offset + 4 <= raw ? (int32_t)get(e, &t->ft.err) : 0;
        /* a failed attempt that never reached a driver (-EBUSY: the clone still in the host's queue,
         * skb_still_in_host_queue; -ENOMEM, -EAGAIN: before tcp_transmit_skb sent it) has no sample to take back;
         * one the driver refused (veth's full backlog: -ENOBUFS) was handed over, and is */
        if (err != -EBUSY && err != -ENOMEM && err != -EAGAIN && acc.skbs > 0) {
          s->retrans_skbs += acc.skbs;
          s->retrans_bytes += acc.frag_bytes + acc.linear_bytes;
          s->skbs -= acc.skbs;
          s->frag_bytes -= acc.frag_bytes;
          s->linear_bytes -= acc.linear_bytes;
          s->linear_skbs -= acc.linear_skbs;
          s->csum_partial -= acc.csum_partial;
          s->csum_sw_skbs -= acc.csum_sw_skbs;
          s->csum_sw_bytes -= acc.csum_sw_bytes;
        }
        memset(&acc, 0, sizeof acc);
        continue;
      }
      if (!r->rx && t->queue_id > 0 && type == (uint16_t)t->queue_id) { memset(&acc, 0, sizeof acc); continue; }
      if (raw < (uint32_t)f->entry_size || sizeof h + 4 + raw > n) { s->malformed++; continue; }
      int64_t len = (int64_t)get(e, &f->len), data_len = (int64_t)get(e, &f->data_len);
      if (r->rx) {
        /* the receive side: the Ethernet header is pulled (eth_type_trans), IPv4 + TCP headers lead */
        if (len - IPV4_HDR - hdr <= 0 || (data_len == 0 && len - IPV4_HDR - hdr <= t->opt_slack)) continue;
        int nf = (int)get(e, &f->nr_frags);
        s->rx_skbs++;
        s->frags_hist[nf < SKB_FRAGS_HIST ? nf : SKB_FRAGS_HIST - 1]++;
        continue;
      }
      int64_t toff = f->transport_offset.offset >= 0 ? (int32_t)get(e, &f->transport_offset) : 14 + IPV4_HDR;
      int64_t payload = len - toff - hdr;
      /* an ACK carrying more options (SACK blocks: up to 40 - 12 bytes) is not data: on a device both directions
       * share (loopback), an skb with nothing in frags is data only past that (tcp_sendmsg puts payload in frags) */
      if (payload <= 0 || (data_len == 0 && payload <= t->opt_slack)) continue;
      int64_t lin = payload - data_len > 0 ? payload - data_len : 0;
      int partial = (int)get(e, &f->ip_summed) == CHECKSUM_PARTIAL;
      for (struct skb_shapes *d = s; d; d = d == s ? &acc : NULL) {
        d->skbs++;
        d->frag_bytes += data_len;
        d->linear_bytes += lin;
        if (lin > 0) d->linear_skbs++;
        if (partial) d->csum_partial++;
        else { d->csum_sw_skbs++; d->csum_sw_bytes += payload; }
      }
      int64_t segs = (int64_t)get(e, &f->gso_segs), gsz = (int64_t)get(e, &f->gso_size);
      if (gsz > 0) { s->gso_skbs++; s->gso_segs += segs; if (gsz > s->gso_size_max) s->gso_size_max = gsz; }
      if (payload > s->payload_max) s->payload_max = payload;
    }
    mp->data_tail = tail;
  }
  s->ok = 1;
}

void skbtrace_close(struct skbtrace *t) {
  for (int i = 0; i < t->nextra; i++) close(t->extra[i]);
  t->nextra = 0;
  for (int i = 0; i < t->n; i++) ring_close(&t->rings[i]);
  t->n = 0;
}

void skb_shapes_add(struct skb_shapes *a, const struct skb_shapes *b) {
  a->skbs += b->skbs; a->linear_bytes += b->linear_bytes; a->frag_bytes += b->frag_bytes; a->linear_skbs += b->linear_skbs;
  a->csum_partial += b->csum_partial; a->csum_sw_skbs += b->csum_sw_skbs; a->csum_sw_bytes += b->csum_sw_bytes;
  a->gso_skbs += b->gso_skbs; a->gso_segs += b->gso_segs; if (b->gso_size_max > a->gso_size_max) a->gso_size_max = b->gso_size_max;
  if (b->payload_max > a->payload_max) a->payload_max = b->payload_max;
  a->rx_skbs += b->rx_skbs; a->lost += b->lost; a->malformed += b->malformed;
  a->retrans_skbs += b->retrans_skbs; a->retrans_bytes += b->retrans_bytes;
  for (int i = 0; i < SKB_FRAGS_HIST; i++) a->frags_hist[i] += b->frags_hist[i];
}
