/*
 * Setup and teardown: the private sandbox directory, the setup files with their byte pattern and cache state, the
 * sinks, the buffers, and the host's own pages made present so that the phase sees no fault of the host's.
 *
 * The sandbox is mkdtemp($TMPDIR or /tmp, "zcsim-XXXXXX"); the host chdir's there and every name a program uses
 * is a plain name inside it (checked when the program is loaded and again at each call). The one path outside it
 * the host opens is /dev/null (the null sink, and stdin/stdout/stderr while the program runs).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"

/* A plain name in the sandbox: [A-Za-z0-9._-]{1,255}, not "." or "..". */
int name_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 255 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(H.status_detail, sizeof H.status_detail, fmt, ap);
  va_end(ap);
  H.status = STATUS_SETUP_FAILED;
  return -1;
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static int write_all(int fd, const unsigned char *b, size_t n) {
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    b += w; n -= (size_t)w;
  }
  return 0;
}

/* ---------------------------------------------------------------- cache state */

/* Pages of the named file resident in the page cache (mincore over a read-only shared mapping, which maps none). */
static int64_t resident(const struct file_spec *f, unsigned char **vec_out) {
  if (f->size == 0) return 0;
  int fd = open(f->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  void *m = mmap(NULL, (size_t)f->size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return -1;
  unsigned char *vec = malloc((size_t)f->pages);
  int64_t n = -1;
  if (vec && mincore(m, (size_t)f->size, vec) == 0) {
    n = 0;
    for (int64_t i = 0; i < f->pages; i++) n += vec[i] & 1;
  }
  munmap(m, (size_t)f->size);
  if (vec_out) *vec_out = vec; else free(vec);
  return n;
}

static int drop(const struct file_spec *f) {
  int fd = open(f->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  fdatasync(fd);
  int e = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  return e ? -1 : 0;
}

/* Reads the file sequentially with read() of fill_chunk bytes (Fill.read), or reads back only the missing pages. */
static int read_in(const struct file_spec *f, const unsigned char *missing_vec) {
  int fd = open(f->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t chunk = (size_t)f->fill_chunk;
  unsigned char *b = malloc(chunk < 4096 ? 4096 : chunk);
  if (!b) { close(fd); return -1; }
  if (!missing_vec) {
    while (read(fd, b, chunk) > 0) {}
  } else {
    for (int64_t p = 0; p < f->pages; p++)
      if (!(missing_vec[p] & 1)) (void)!pread(fd, b, 4096, p * 4096);
  }
  free(b);
  close(fd);
  return 0;
}

/* Makes the file's cache state and verifies it with mincore; retries, since this machine's page cache is
 * evicted in the background and pages still referenced elsewhere may refuse to leave. */
static int make_state(struct file_spec *f, int first) {
  if (f->other_fs) { /* tmpfs: its pages are the file, always resident; it cannot be made cold */
    f->attempts++;
    f->resident = resident(f, NULL);
    f->verified = f->cache == CACHE_WARM && f->resident == f->pages;
    return f->verified ? 0 : -1;
  }
  for (int attempt = 1; attempt <= 50; attempt++) {
    f->attempts++;
    if (f->cache == CACHE_COLD) {
      drop(f);
      f->resident = resident(f, NULL);
      if (f->resident == 0) { f->verified = 1; return 0; }
      sleep_ms(attempt < 10 ? 5 : 40);
    } else {
      unsigned char *vec = NULL;
      if (first && attempt == 1 && f->fill == FILL_READ) {
        /* cold first, then read in sequence: the folios are the ones readahead makes */
        for (int k = 0; k < 50; k++) { drop(f); if (resident(f, NULL) == 0) break; sleep_ms(5); }
        int tp = H.tp_filemap_id > 0 ? open_tracepoint(H.tp_filemap_id, 0, NULL, (char[160]){0}, 160) : -1;
        read_in(f, NULL);
        f->fill_folios = -1;
        uint64_t v;
        if (tp >= 0 && read(tp, &v, 8) == 8) f->fill_folios = (int64_t)v;
        if (tp >= 0) close(tp);
      }
      f->resident = resident(f, &vec);
      if (f->resident == f->pages) { free(vec); f->verified = 1; return 0; }
      if (vec) { f->rewarmed += f->pages - f->resident; read_in(f, vec); }
      free(vec);
    }
  }
  f->verified = 0;
  return -1;
}

/* Where a cold file's blocks jump on the disk: the file offsets at which an extent does not begin right after the
 * previous one ends (FIEMAP). The filesystem's free space decides it; a read's bio ends there (ext4_mpage_readpages),
 * so the model is given these offsets. A warm file's blocks may not be allocated yet (delayed allocation): not asked. */
static void disk_layout(struct file_spec *f) {
  f->nbreaks = -1;
  if (f->size == 0 || f->cache != CACHE_COLD || f->other_fs) return;
  int fd = open(f->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  enum { N = 64 };
  struct fiemap *fm = calloc(1, sizeof *fm + N * sizeof(struct fiemap_extent));
  if (!fm) { close(fd); return; }
  uint64_t start = 0, next_phys = 0;
  int n = 0, first = 1, done = 0;
  while (!done) {
    memset(fm, 0, sizeof *fm);
    fm->fm_start = start;
    fm->fm_length = FIEMAP_MAX_OFFSET - start;
    fm->fm_extent_count = N;
    if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0) { n = -1; break; }
    if (fm->fm_mapped_extents == 0) break;
    for (unsigned k = 0; k < fm->fm_mapped_extents; k++) {
      struct fiemap_extent *e = &fm->fm_extents[k];
      if (!first && e->fe_physical != next_phys) { if (n < 4) f->disk_breaks[n] = (int64_t)e->fe_logical; n++; }
      first = 0;
      next_phys = e->fe_physical + e->fe_length;
      start = e->fe_logical + e->fe_length;
      if (e->fe_flags & FIEMAP_EXTENT_LAST) done = 1;
    }
  }
  free(fm);
  close(fd);
  f->nbreaks = n;
}

/* Right before the phase: every file in the state it asked for, verified, or said otherwise in the result. */
int setup_verify_cache(void) {
  int ok = 0;
  for (int i = 0; i < H.nfiles; i++) {
    struct file_spec *f = &H.files[i];
    f->verified = 0;
    if (make_state(f, 0) < 0) {
      note("file %s: %s state not reached: %lld of %lld pages resident after %d attempts", f->name,
           f->cache == CACHE_COLD ? "cold" : "warm", (long long)f->resident, (long long)f->pages, f->attempts);
      ok = -1;
    }
  }
  for (int i = 0; i < H.nfiles; i++) disk_layout(&H.files[i]); /* after make_state's fdatasync: allocated */
  H.counters[COUNTER_RESIDENT_PAGES] = 0;
  H.counters[COUNTER_FILE_PAGES] = 0;
  for (int i = 0; i < H.nfiles; i++) {
    H.counters[COUNTER_RESIDENT_PAGES] += H.files[i].resident;
    H.counters[COUNTER_FILE_PAGES] += H.files[i].pages;
  }
  return ok;
}

/* The page cache's folios of a warm file, by order: the file mapped and populated read-only (its pages are
 * resident: nothing is read), each page's PFN from /proc/self/pagemap, its flags from /proc/kpageflags
 * (KPF_COMPOUND_HEAD 15, KPF_COMPOUND_TAIL 16): a head and the tails after it are one folio. Root only (PFNs). */
static void folio_orders(struct file_spec *f) {
  f->folios_ok = 0;
  memset(f->folio_orders, 0, sizeof f->folio_orders);
  if (f->size == 0 || f->cache != CACHE_WARM || f->other_fs || f->pages > (1 << 20)) return;
  int fd = open(f->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  unsigned char *m = mmap(NULL, (size_t)f->size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return;
  int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  uint64_t *ent = malloc((size_t)f->pages * 8), *flags = malloc((size_t)f->pages * 8);
  int ok = pm >= 0 && kf >= 0 && ent && flags &&
           pread(pm, ent, (size_t)f->pages * 8, (off_t)((uintptr_t)m / 4096 * 8)) == (ssize_t)(f->pages * 8);
  for (int64_t i = 0; ok && i < f->pages; i++) {
    uint64_t pfn = ent[i] & ((1ull << 55) - 1);
    if (!((ent[i] >> 63) & 1) || pfn == 0) ok = 0; /* not present, or PFNs hidden (no CAP_SYS_ADMIN) */
    else if (pread(kf, &flags[i], 8, (off_t)(pfn * 8)) != 8) ok = 0;
  }
  for (int64_t i = 0; ok && i < f->pages;) {
    int64_t j = i + 1;
    if (flags[i] & (1ull << 15))
      while (j < f->pages && (flags[j] & (1ull << 16)) && !(flags[j] & (1ull << 15))) j++;
    int order = 0;
    while ((1ll << (order + 1)) <= j - i) order++;
    if (order < 12) f->folio_orders[order]++;
    i = j;
  }
  f->folios_ok = ok;
  free(ent); free(flags);
  if (pm >= 0) close(pm);
  if (kf >= 0) close(kf);
  munmap(m, (size_t)f->size);
}

/* ---------------------------------------------------------------- the second filesystem */

/* Knob.OTHER_FS_FILES: a tmpfs mounted at FS2_DIR in the sandbox, in a mount namespace of the host's own (and its
 * peer's), so that nobody else sees it and it disappears with the process whatever happens. Root, or a host in a user
 * namespace of its own (netns.c): tmpfs may be mounted there (FS_USERNS_MOUNT). */
static int second_fs(void) {
  int64_t size = 16 << 20;
  for (int i = 0; i < H.nfiles && i < 63; i++) if ((H.other_fs_files >> i) & 1) size += (H.files[i].size + 4095) & ~4095LL;
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    H.status = STATUS_UNSUPPORTED;
    snprintf(H.status_detail, sizeof H.status_detail, "a second filesystem (Knob.OTHER_FS_FILES) needs root or a user namespace of the host's own: unshare/mount: %s", strerror(errno));
    return -1;
  }
  if (mkdir(FS2_DIR, 0700) < 0) return fail("mkdir %s: %s", FS2_DIR, strerror(errno));
  char opts[64];
  snprintf(opts, sizeof opts, "size=%lld,mode=0700", (long long)size);
  if (mount("zcsim", FS2_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0) {
    int e = errno;
    rmdir(FS2_DIR);
    return fail("mount tmpfs on %s: %s", FS2_DIR, strerror(e));
  }
  snprintf(H.fs2_path, sizeof H.fs2_path, "%s/%s", H.sandbox, FS2_DIR);
  note("files of Knob.OTHER_FS_FILES are on a tmpfs (a second filesystem): always resident, never cold");
  return 0;
}

/* ---------------------------------------------------------------- files, sinks, buffers */

static int make_file(int id) {
  struct file_spec *f = &H.files[id];
  f->pages = (f->size + 4095) / 4096;
  f->other_fs = id < 63 && (H.other_fs_files >> id) & 1;
  char where[300];
  snprintf(where, sizeof where, f->other_fs ? FS2_DIR "/%s" : "%s", f->name);
  if (f->other_fs && symlink(where, f->name) < 0) return fail("symlink %s -> %s: %s", f->name, where, strerror(errno));
  int fd = open(where, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail("create %s: %s", f->name, strerror(errno));
  /* how many folios the write fill makes (the folio sizes depend on how the cache was filled) */
  int tp = H.tp_filemap_id > 0 && f->fill != FILL_READ ? open_tracepoint(H.tp_filemap_id, 0, NULL, (char[160]){0}, 160) : -1;
  f->fill_folios = -1;
  size_t chunk = f->fill == FILL_WRITE ? (size_t)f->fill_chunk : (1u << 20);
  unsigned char *b = malloc(chunk);
  if (!b) { close(fd); return fail("out of memory"); }
  for (int64_t off = 0; off < f->size; off += (int64_t)chunk) {
    size_t n = (size_t)(f->size - off) < chunk ? (size_t)(f->size - off) : chunk;
    pattern_fill(id, (uint64_t)off, b, n);
    if (write_all(fd, b, n) < 0) { int e = errno; free(b); close(fd); return fail("write %s: %s", f->name, strerror(e)); }
  }
  free(b);
  uint64_t v;
  if (tp >= 0 && read(tp, &v, 8) == 8) f->fill_folios = (int64_t)v;
  if (tp >= 0) close(tp);
  if (fdatasync(fd) < 0) { int e = errno; close(fd); return fail("fdatasync %s: %s", f->name, strerror(e)); }
  close(fd);
  make_state(f, 1); /* verified again right before the phase */
  folio_orders(f);
  return 0;
}

static void own_fd(int fd, int kind, int sink) {
  if (fd < 0 || fd >= MAX_FDS) return;
  H.fd_kind[fd] = (uint8_t)kind;
  H.fd_file[fd] = -1;
  H.fd_sink[fd] = (int16_t)sink;
}

static int make_sink(int i) {
  struct sink_spec *s = &H.sinks[i];
  switch (s->kind) {
  case SINK_KIND_TCP:
    if (peer_start(s) < 0) return -1;
    own_fd(s->fd, FK_TCP, i);
    break;
  case SINK_KIND_NIC:
    if (nic_start(s) < 0) return -1;
    own_fd(s->fd, FK_TCP, i);
    break;
  case SINK_KIND_FILE:
    s->fd = open(s->name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (s->fd < 0) return fail("sink %s: %s", s->name, strerror(errno));
    own_fd(s->fd, FK_FILE, i);
    break;
  case SINK_KIND_NULL:
    s->fd = open("/dev/null", O_WRONLY);
    if (s->fd < 0) return fail("sink %s: /dev/null: %s", s->name, strerror(errno));
    own_fd(s->fd, FK_NULL, i);
    break;
  default:
    return fail("sink %s: kind %lld unknown", s->name, (long long)s->kind);
  }
  if (s->fd >= FD_INTERNAL) return fail("sink %s: descriptor %d is not below %d", s->name, s->fd, FD_INTERNAL);
  H.regs[s->reg] = s->fd;
  return 0;
}

/* Grows the stack now so that the phase never faults on it. */
static void __attribute__((noinline)) touch_stack(void) {
  volatile unsigned char pad[256 * 1024];
  for (size_t i = 0; i < sizeof pad; i += 4096) pad[i] = 0;
  pad[sizeof pad - 1] = 0;
}

static void limit_address_space(void);
int setup_all(void) {
  for (int i = 0; i < MAX_FDS; i++) { H.fd_file[i] = -1; H.fd_sink[i] = -1; }
  limit_address_space(); /* first: setup's own allocations count against it */
  /* the sandbox */
  const char *tmp = getenv("TMPDIR");
  if (!tmp || tmp[0] != '/' || strlen(tmp) > 200) tmp = "/tmp";
  snprintf(H.sandbox, sizeof H.sandbox, "%s/zcsim-XXXXXX", tmp);
  if (!mkdtemp(H.sandbox)) { int e = errno; H.sandbox[0] = 0; return fail("mkdtemp in %s: %s", tmp, strerror(e)); }
  snprintf(H.sandbox_path, sizeof H.sandbox_path, "%s", H.sandbox);
  dprintf(H.err_fd, "zcsim-native: sandbox %s\n", H.sandbox); /* the driver removes it if this process is killed */
  H.dirfd = hi_fd(open(H.sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (H.dirfd < 0 || fchdir(H.dirfd) < 0) return fail("enter the sandbox %s: %s", H.sandbox, strerror(errno));
  struct statfs sf;
  const char *fs = "unknown";
  if (fstatfs(H.dirfd, &sf) == 0) {
    switch ((unsigned long)sf.f_type) {
    case 0xEF53: fs = "ext4"; break;
    case 0x01021994: fs = "tmpfs"; break;
    case 0x9123683E: fs = "btrfs"; break;
    case 0x58465342: fs = "xfs"; break;
    case 0x794c7630: fs = "overlayfs"; break;
    case 0xF2F52010: fs = "f2fs"; break;
    case 0xCA451A4E: fs = "bcachefs"; break;
    default: fs = "other"; break;
    }
  }
  snprintf(H.sandbox_fs, sizeof H.sandbox_fs, "%s", fs);
  if (strcmp(fs, "ext4") && strcmp(fs, "tmpfs"))
    note("the sandbox is on %s: the derived copies assume no reflink (copy_file_range copies page to page); a filesystem that clones extents copies nothing there", fs);

  knobs(); /* after the sandbox (its device's readahead), before the sinks (socket buffers) */
  pin_cpus(); /* before the sinks: their peers are forked there and pin themselves off the program's CPU */
  if (H.other_fs_files && second_fs() < 0) return -1;
  char why0[160];
  H.tp_filemap_id = tracepoint_id("filemap", "mm_filemap_add_to_page_cache", why0, sizeof why0);
  for (int i = 0; i < H.nfiles; i++) if (make_file(i) < 0) return -1;

  /* tracepoint ids for the peer (it opens its own counters) */
  char why[160];
  H.tp_xmit_id = tracepoint_id("net", "net_dev_start_xmit", why, sizeof why);
  H.tp_copy_id = tracepoint_id("skb", "skb_copy_datagram_iovec", why, sizeof why);
  /* a nic sink's devices need the host's own network namespace (netns.c); there a tcp sink's loopback is renamed
   * so that its skbs can be sampled by the device's name */
  int tcp = 0, nic = 0;
  for (int i = 0; i < H.nsinks; i++) { tcp |= H.sinks[i].kind == SINK_KIND_TCP; nic |= H.sinks[i].kind == SINK_KIND_NIC; }
  if (nic) {
    char nwhy[200];
    if (nic_own_netns(nwhy, sizeof nwhy) < 0) {
      H.status = STATUS_UNSUPPORTED;
      snprintf(H.status_detail, sizeof H.status_detail, "%s", nwhy);
      return -1;
    }
  }
  if (tcp) nic_name_loopback();
  for (int i = 0; i < H.nsinks; i++) if (make_sink(i) < 0) return -1;

  /* the call log, present before the phase (before the buffers: a mapping made after them could fill the hole
   * after one) */
  size_t logbytes = (size_t)H.log_cap * sizeof(struct call_rec);
  H.log = mmap(NULL, logbytes ? logbytes : 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (H.log == MAP_FAILED) { H.log = NULL; return fail("call log: %s", strerror(errno)); }
  memset(H.log, 0, logbytes);

  for (int i = 0; i < H.nbufs; i++) {
    struct buf_spec *b = &H.bufs[i];
    /* [ buffer, rounded to pages | one page unmapped ]: a call or an access that runs past the buffer's end stops in
     * that hole as at any unmapped page (a short count, EFAULT, a real SIGSEGV), never in the host's memory. The
     * hole is made last in its reservation; that it is still a hole when the phase begins is checked then
     * (program_snapshot_maps: a call that would reach a mapping of the host's is not run) */
    size_t len = ((size_t)b->size + 4095) & ~(size_t)4095;
    char *m = mmap(NULL, len + 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED || mprotect(m, len, PROT_READ | PROT_WRITE) < 0 || munmap(m + len, 4096) < 0 ||
        madvise(m, len, 23 /* MADV_POPULATE_WRITE */) < 0) {
      b->addr = NULL;
      return fail("buffer %s: %s", b->name, strerror(errno));
    }
    b->addr = m;
    memset(b->addr, 0, (size_t)b->size); /* pre-faulted, written: the phase sees no fault for it */
    for (int r = 0; r < MAX_REGIONS; r++)
      if (H.regions[r].kind == RG_FREE) { H.regions[r] = (struct region){ (uintptr_t)b->addr, ((uint64_t)b->size + 4095) & ~4095ull, RG_BUF, -1, 0, i }; break; }
    H.regs[b->reg] = (int64_t)(uintptr_t)b->addr;
  }

  return 0;
}

/* Without mlockall (an unprivileged caller with a small RLIMIT_MEMLOCK): populate every mapping of the process
 * with MADV_POPULATE_WRITE (writable: its pages are made and written-to, no copy-on-write fault left) or
 * MADV_POPULATE_READ, from /proc/self/maps. Special mappings ([vvar], PFN maps) refuse: that is fine. */
static int populate_maps(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  char line[512];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8] = { 0 };
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r') continue;
    if (strstr(line, "[vsyscall]")) continue;
    int adv = perms[1] == 'w' && perms[3] == 'p' ? 23 /* MADV_POPULATE_WRITE */ : 22 /* MADV_POPULATE_READ */;
    if (madvise((void *)lo, hi - lo, adv) == 0) n++;
  }
  fclose(f);
  return n;
}

/* Last step of setup: make every page of the host present (text, data, heap, stack), so no fault of the host's
 * own falls inside the bracket. mlockall(MCL_CURRENT) populates them; munlockall() right after, so the program's
 * own madvise/munmap behave as without it. Unprivileged, mlockall fails for want of RLIMIT_MEMLOCK: then every
 * mapping is populated with madvise(MADV_POPULATE_*) instead. */
/* The memory a program can make the host use is bounded by the kernel itself, from before setup allocates anything:
 * RLIMIT_AS = what the host maps now + the buffers setup maps + its largest fill chunk + twice the setup files (their
 * mappings) + 4 GiB for what the phase maps. Past it mmap() fails with the kernel's own ENOMEM, in setup (refused:
 * SETUP_FAILED) or in the phase (the call's ENOMEM). */
static void limit_address_space(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long long pages = 0;
  if (!f || fscanf(f, "%llu", &pages) != 1) { if (f) fclose(f); note("RLIMIT_AS not set: /proc/self/statm unreadable"); return; }
  fclose(f);
  unsigned long long files = 0;
  for (int i = 0; i < H.nfiles; i++) files += (unsigned long long)H.files[i].size;
  unsigned long long bufs = 0, fill = 0;
  for (int i = 0; i < H.nbufs; i++) bufs += ((unsigned long long)H.bufs[i].size + 4095) & ~4095ull;
  for (int i = 0; i < H.nfiles; i++) if ((unsigned long long)H.files[i].fill_chunk > fill) fill = (unsigned long long)H.files[i].fill_chunk;
  struct rlimit rl = { pages * 4096ull + bufs + fill + 2 * files + (4ull << 30), 0 };
  rl.rlim_max = rl.rlim_cur;
  if (setrlimit(RLIMIT_AS, &rl) < 0) note("RLIMIT_AS not set: %s", strerror(errno));
  else note("address space limited to %llu MiB (RLIMIT_AS) before setup: the buffers, the fill and 4 GiB for the phase; a program cannot make the host exhaust memory; a larger mmap() fails with ENOMEM", (unsigned long long)(rl.rlim_cur >> 20));
}

void setup_own_pages(void) {
  touch_stack();
  for (int i = 0; i < 8; i++) (void)now_ns(); /* the vDSO's data pages */
  if (mlockall(MCL_CURRENT) == 0) {
    H.mlock_ok = 1;
    munlockall();
  } else {
    int e = errno;
    int n = populate_maps();
    if (n < 0) {
      snprintf(H.mlock_why, sizeof H.mlock_why, "mlockall: %s, and /proc/self/maps unreadable: the host's own pages may fault in the phase", strerror(e));
      note("%s", H.mlock_why);
    }
  }  /* the peers' exception lists are theirs to fill: give back what populating them allocated */
  for (int i = 0; i < H.nsinks; i++)
    if (H.sinks[i].exc) madvise(H.sinks[i].exc, (size_t)PEER_EXC_CAP * sizeof(struct pexc), MADV_REMOVE);
}

/* ------------------------------------------------------- the machine, ready for the phase */

/* Guest memory that the hypervisor has taken back. This machine is a virtual machine whose host takes the backing
 * of guest pages that stay free ("Free page reporting enabled" in dmesg). The first store to such a page faults in
 * the hypervisor, invisibly to the guest: perf shows the time in the copy (memcpy, copy_folio_from_iter_atomic), and
 * the guest counts it as system time. Measured here: a 1 GiB copy_file_range took 0.27 s when its destination's
 * page-cache folios came from recently used memory and 1.2-1.9 s when they came from memory free for a while; which
 * one a run gets depends on what the machine did in the seconds before. That is the hypervisor's cost, not the
 * kernel's, and no count in the phase shows it.
 * So right before the phase the host writes a scratch file in its sandbox as large as the phase may allocate (the
 * setup files' total plus 64 MiB for socket buffers, pipes and page tables) and deletes it: its folios, of the
 * sizes the page cache allocates, go back to the allocator backed, and the phase's allocations reuse them. (Touching
 * anonymous memory instead helped only in part: 1.1-1.3 s.) With it, that copy_file_range took 0.27-0.31 s in
 * every run. Bounded by half of MemAvailable, so it never pushes the warm files out. ZCSIM_NATIVE_PRIME=0: off. */
static int64_t mem_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (!f) return -1;
  char line[128];
  long long kb = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1) break;
  fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

void prime_guest_memory(void) {
  const char *e = getenv("ZCSIM_NATIVE_PRIME");
  if (e && !strcmp(e, "0")) { note("guest memory not primed (ZCSIM_NATIVE_PRIME=0)"); return; }
  int64_t want = 64 << 20;
  for (int i = 0; i < H.nfiles; i++) want += H.files[i].size;
  int64_t avail = mem_available();
  if (avail > 0 && want > avail / 2) want = avail / 2;
  if (want < (4 << 20)) return;
  static const char name[] = ".zcsim-prime"; /* O_EXCL: never a file of the program's; cleanup_async knows it */
  static unsigned char chunk[1 << 20];
  memset(chunk, 0x5a, sizeof chunk);
  int64_t t0 = now_ns();
  int fd = openat(H.dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) { note("guest memory not primed: create %s: %s", name, strerror(errno)); return; }
  int64_t done = 0;
  while (done < want) {
    ssize_t n = write(fd, chunk, sizeof chunk);
    if (n <= 0) break; /* a full disk: primed as far as it went */
    done += n;
  }
  close(fd);
  unlinkat(H.dirfd, name, 0); /* never written back: the dirty folios are dropped, back to the allocator */
  H.prime_bytes = done;
  H.prime_ns = now_ns() - t0;
}

/* Runs on one machine take turns: every host pins its program to the first CPU it may use and its peers to the
 * others, so two hosts at once would share CPUs and disturb each other's counts (parallel compares disagreed more
 * than serial ones). The turn is an exclusive flock(2) on the directory the sandboxes are made in ($TMPDIR or /tmp):
 * nothing is created, and the kernel drops the lock when the host exits, however it exits. A host that waits past
 * twice its phase bound runs anyway and says so. ZCSIM_NATIVE_LOCK=0 skips the turn. */
void cpu_lock(void) {
  const char *e = getenv("ZCSIM_NATIVE_LOCK");
  if (e && !strcmp(e, "0")) return;
  const char *tmp = getenv("TMPDIR");
  if (!tmp || tmp[0] != '/' || strlen(tmp) > 200) tmp = "/tmp";
  int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) { note("runs not serialized: cannot open %s for the CPU lock: %s", tmp, strerror(errno)); return; }
  fd = hi_fd(fd);
  int64_t t0 = now_ns(), limit = 2LL * H.timeout_s * 1000000000LL;
  while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) { note("runs not serialized: flock %s: %s", tmp, strerror(errno)); return; }
    if (now_ns() - t0 > limit) { note("ran beside another native run: the CPU lock (flock on %s) was not free within %d s; counts may be disturbed", tmp, 2 * H.timeout_s); return; }
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
  }
  int64_t waited = (now_ns() - t0) / 1000000;
  if (waited >= 50) note("waited %lld ms for another native run to end (the CPU lock, flock on %s)", (long long)waited, tmp);
}

/* ---------------------------------------------------------------- teardown */

/* A file sink is read back at teardown: what it holds is what the calls copied into it at the call, so every
 * store of the phase preceded its bytes (no "modified": a later store cannot reach them). */
static void verify_file_sink(struct sink_spec *s) {
  s->pv = (struct pverify){ .file = s->expect, .first_bad = -1 };
  int fd = openat(H.dirfd, s->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  unsigned char *b = malloc(1 << 20);
  s->pv.exc_cap = PEER_EXC_CAP;
  s->pv.exc = malloc((size_t)s->pv.exc_cap * sizeof(struct pexc));
  if (!s->pv.exc) s->pv.exc_cap = 0;
  int64_t pos = 0;
  ssize_t n;
  while (b && (n = read(fd, b, 1 << 20)) > 0) {
    corrupt_feed(&H.corrupt, &s->pv, (uint64_t)pos, b, (size_t)n, now_ns());
    pos += n;
  }
  corrupt_end(&H.corrupt, &s->pv, (uint64_t)pos, now_ns());
  free(b);
  close(fd);
  pv_classify(&s->pv, H.stores, H.nstores, NULL, 0);
  free(s->pv.exc);
  s->pv.exc = NULL;
  s->verified = 1;
}

/* A TCP sink: the peer's first pass (its report and the shared exception list), classified with the stores and
 * the calls that sent each stream byte. */
static void verify_tcp_sink(struct sink_spec *s) {
  s->pv = (struct pverify){ .file = s->expect, .first_bad = -1 };
  if (!s->reported) return;
  s->pv.bytes = s->report.bytes;
  s->pv.digest = s->report.digest;
  s->pv.unchecked = s->report.unchecked;
  s->pv.exc = s->exc;
  s->pv.nexc = s->exc && s->report.nexc <= PEER_EXC_CAP ? s->report.nexc : 0;
  pv_classify(&s->pv, H.stores, H.nstores, s->sent, s->nsent);
  s->pv.exc = NULL;
  s->verified = 1;
}

static void remove_sandbox(void) {
  if (!H.sandbox[0]) return;
  if (H.keep) { note("sandbox kept: %s", H.sandbox); return; }
  if (H.fs2_path[0]) { umount2(H.fs2_path, MNT_DETACH); rmdir(H.fs2_path); H.fs2_path[0] = 0; }
  DIR *d = opendir(H.sandbox);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
  }
  if (chdir("/") < 0) {}
  if (rmdir(H.sandbox) < 0) note("could not remove the sandbox %s: %s", H.sandbox, strerror(errno));
  else H.sandbox[0] = 0;
}

void teardown(void) {
  for (int i = 0; i < H.nsinks; i++)
    if ((H.sinks[i].kind == SINK_KIND_TCP || H.sinks[i].kind == SINK_KIND_NIC) && H.sinks[i].peer > 0) peer_finish(&H.sinks[i]);
  for (int fd = 3; fd < FD_INTERNAL && fd < MAX_FDS; fd++)
    if (H.fd_kind[fd] != FK_NONE) { close(fd); H.fd_kind[fd] = FK_NONE; }
  for (int i = 0; i < H.nsinks; i++) {
    struct sink_spec *s = &H.sinks[i];
    if (s->kind == SINK_KIND_FILE) verify_file_sink(s);
    if (s->kind == SINK_KIND_TCP || s->kind == SINK_KIND_NIC) verify_tcp_sink(s);
    if (s->exc) { munmap(s->exc, (size_t)PEER_EXC_CAP * sizeof(struct pexc)); s->exc = NULL; }
  }
  remove_sandbox();
}

/* From a signal handler: only async-signal-safe calls. Kills the peers, removes every name the program could have
 * made (all names come from its string table) and the sandbox. */
void cleanup_async(void) {
  for (int i = 0; i < H.nsinks; i++)
    if (H.sinks[i].peer > 0) { kill(H.sinks[i].peer, SIGKILL); waitpid(H.sinks[i].peer, NULL, 0); H.sinks[i].peer = 0; }
  if (!H.sandbox[0] || H.keep) return;
  if (H.fs2_path[0]) { umount2(H.fs2_path, MNT_DETACH); rmdir(H.fs2_path); }
  for (int64_t i = 0; i < H.nstrings; i++) if (H.strings[i]) unlinkat(H.dirfd, H.strings[i], 0);
  unlinkat(H.dirfd, ".zcsim-prime", 0); /* a signal during prime_guest_memory */
  rmdir(H.sandbox);
}
