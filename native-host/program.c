/*
 * The compiled program (docs/program-format.md): loading, checking every word once, and the interpreter that makes
 * the real calls. Nothing here allocates or prints once the phase runs: the call log and every table were made in
 * setup.
 *
 *   CALL  [CALL, call, step, nargs, r0, r1, r2, brk_pc, (tag,val) x nargs]
 *   SET   [SET, reg, tag, val]        JZ [JZ, tag, val, target]      JUMP [JUMP, target]      HALT [HALT]
 */
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "host.h"

#define CALL_HDR CALL_INSN_ARGS /* words before the operands of a CALL */
#define MAX_IOV 1024      /* UIO_MAXIOV */
#define RPN_STACK 64

/* Each call's signature, CALL_SIG in abi.h (generated from src/scenario/calls.ts): how many arguments, how the host
 * checks each (a descriptor, a path, an offset pointer, a user buffer and its length, an iovec), whether it is a
 * syscall. */

/* a refused program: one line naming the step and the field (util.c's failed) */
#define bad(...) failed(STATUS_BAD_PROGRAM, __VA_ARGS__)

/* ---------------------------------------------------------------- loading and checking */

static int64_t *read_all(const char *path, int64_t *nbytes) {
  int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  for (;;) {
    if (!b) return NULL;
    ssize_t r = read(fd, b + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { free(b); b = NULL; break; }
    if (r == 0) break;
    n += (size_t)r;
    if (n == cap) { cap *= 2; if (cap > (1u << 30)) { free(b); b = NULL; break; } b = realloc(b, cap); }
  }
  if (fd) close(fd);
  *nbytes = (int64_t)n;
  return (int64_t *)b;
}

/* Checks an expression at pool offset `off` and its stack depth. */
static int check_expr(int64_t off) {
  if (off < 0 || off >= H.npool) return 0;
  int64_t n = H.pool[off];
  if (n < 1 || n > 256 || off + 1 + 2 * n > H.npool) return 0;
  int depth = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t op = H.pool[off + 1 + 2 * i], v = H.pool[off + 2 + 2 * i];
    if (op == RPN_IMM) depth++;
    else if (op == RPN_REG) { if (v < 0 || v >= H.nregs) return 0; depth++; }
    else if (op >= RPN_ADD && op <= RPN_MOD) { if (depth < 2) return 0; depth--; }
    else return 0;
    if (depth > RPN_STACK) return 0;
  }
  return depth == 1;
}

static int check_operand(int64_t tag, int64_t v, int depth);
static int check_iov(int64_t off) {
  if (off < 0 || off >= H.npool) return 0;
  int64_t n = H.pool[off];
  if (n < 0 || n > MAX_IOV || off + 1 + 4 * n > H.npool) return 0;
  for (int64_t i = 0; i < n; i++)
    for (int k = 0; k < 2; k++)
      if (!check_operand(H.pool[off + 1 + 4 * i + 2 * k], H.pool[off + 2 + 4 * i + 2 * k], 1)) return 0;
  return 1;
}

static int check_operand(int64_t tag, int64_t v, int depth) {
  switch (tag) {
  case TAG_IMM: case TAG_NULL: return 1;
  case TAG_REG: case TAG_REF: return v >= 0 && v < H.nregs;
  case TAG_EXPR: return check_expr(v);
  case TAG_STR: return v >= 0 && v < H.nstrings;
  case TAG_IOV: return depth == 0 && check_iov(v);
  default: return 0;
  }
}

static int insn_len(int64_t pc) {
  switch (H.code[pc]) {
  case OP_CALL: return pc + CALL_HDR <= H.ncode ? CALL_HDR + 2 * (int)H.code[pc + CALL_INSN_NARGS] : -1;
  case OP_SET: return 4;
  case OP_JZ: return 4;
  case OP_JUMP: return 2;
  case OP_HALT: return 1;
  default: return -1;
  }
}

int program_load(const char *path) {
  int64_t nbytes = 0;
  H.w = read_all(path, &nbytes);
  if (!H.w) { snprintf(H.status_detail, sizeof H.status_detail, "cannot read the program %s: %s", path, strerror(errno)); H.status = STATUS_BAD_PROGRAM; return -1; }
  if (nbytes % 8 || nbytes < HEADER_WORDS * 8) return bad("the program is %lld bytes, not a whole number of int64 words with a header", (long long)nbytes);
  H.nwords = nbytes / 8;
  const int64_t *w = H.w;
  if (w[HEADER_MAGIC] != PROGRAM_MAGIC) { H.status = STATUS_BAD_MAGIC; snprintf(H.status_detail, sizeof H.status_detail, "bad magic 0x%llx", (unsigned long long)w[HEADER_MAGIC]); return -1; }
  if (w[HEADER_VERSION] != PROGRAM_VERSION) { H.status = STATUS_BAD_VERSION; snprintf(H.status_detail, sizeof H.status_detail, "program version %lld, host knows %d", (long long)w[HEADER_VERSION], PROGRAM_VERSION); return -1; }
  H.nregs = w[HEADER_NREGS]; H.nknobs = w[HEADER_NKNOBS]; H.nstrings = w[HEADER_NSTRINGS]; H.nfiles = w[HEADER_NFILES];
  H.nsinks = w[HEADER_NSINKS]; H.nbufs = w[HEADER_NBUFS]; H.ncode = w[HEADER_NCODE]; H.npool = w[HEADER_NPOOL];
  if (H.nregs < 0 || H.nregs > 65536) return bad("nregs %lld out of range", (long long)H.nregs);
  if (H.nknobs < 0 || H.nknobs > 1024) return bad("nknobs out of range");
  if (H.nstrings < 0 || H.nstrings > MAX_STRINGS) return bad("nstrings out of range (max %d)", MAX_STRINGS);
  if (H.nfiles < 0 || H.nfiles > MAX_FILES) return bad("nfiles out of range (max %d)", MAX_FILES);
  if (H.nsinks < 0 || H.nsinks > MAX_SINKS) return bad("nsinks out of range (max %d)", MAX_SINKS);
  if (H.nbufs < 0 || H.nbufs > MAX_BUFS) return bad("nbufs out of range (max %d)", MAX_BUFS);
  if (H.ncode < 1 || H.npool < 0 || H.ncode > H.nwords || H.npool > H.nwords) return bad("ncode/npool out of range");
  int64_t p = HEADER_WORDS;
  H.knobs = w + p; p += 2 * H.nknobs;
  for (int64_t i = 0; i < H.nstrings; i++) {
    if (p >= H.nwords) return bad("strings run past the end");
    int64_t n = w[p];
    if (n < 1 || n > 255 || p + 1 + (n + 7) / 8 > H.nwords) return bad("string %lld: bad length", (long long)i);
    char *s = calloc(1, (size_t)n + 1);
    if (!s) return bad("out of memory");
    memcpy(s, w + p + 1, (size_t)n);
    if (strlen(s) != (size_t)n || !name_ok(s)) return bad("string %lld is not a plain name in the sandbox", (long long)i);
    H.strings[i] = s;
    p += 1 + (n + 7) / 8;
  }
  H.filew = w + p; p += FILE_REC_WORDS * H.nfiles;
  H.sinkw = w + p; p += SINK_REC_WORDS * H.nsinks;
  H.bufw = w + p; p += BUF_REC_WORDS * H.nbufs;
  H.code = w + p; p += H.ncode;
  H.pool = w + p; p += H.npool;
  if (p != H.nwords) return bad("sections add up to %lld words, the program has %lld", (long long)p, (long long)H.nwords);

  for (int64_t i = 0; i < H.nfiles; i++) {
    const int64_t *f = H.filew + FILE_REC_WORDS * i;
    if (f[FILE_REC_NAME] < 0 || f[FILE_REC_NAME] >= H.nstrings) return bad("files[%lld]: bad name", (long long)i);
    if (f[FILE_REC_SIZE] < 0 || f[FILE_REC_SIZE] > (16LL << 30)) return bad("files[%lld]: size %lld out of the host's range (0..16 GiB)", (long long)i, (long long)f[FILE_REC_SIZE]);
    if (f[FILE_REC_CACHE] != CACHE_WARM && f[FILE_REC_CACHE] != CACHE_COLD) return bad("files[%lld]: bad cache", (long long)i);
    if (f[FILE_REC_FILL] < FILL_WRITE || f[FILE_REC_FILL] > FILL_NONE) return bad("files[%lld]: bad fill", (long long)i);
    if (f[FILE_REC_FILL_CHUNK] < 0 || f[FILE_REC_FILL_CHUNK] > (1LL << 30)) return bad("files[%lld]: bad fill_chunk", (long long)i);
    H.files[i] = (struct file_spec){ .name = H.strings[f[FILE_REC_NAME]], .size = f[FILE_REC_SIZE], .cache = f[FILE_REC_CACHE],
                                     .fill = f[FILE_REC_FILL], .fill_chunk = f[FILE_REC_FILL_CHUNK] ? f[FILE_REC_FILL_CHUNK] : (1 << 20),
                                     .nbreaks = -1 };
  }
  int64_t total = 0;
  for (int64_t i = 0; i < H.nfiles; i++) total += H.files[i].size;
  if (total > (32LL << 30)) return bad("the setup files add up to %lld bytes, more than the host's 32 GiB", (long long)total);
  for (int64_t i = 0; i < H.nsinks; i++) {
    const int64_t *s = H.sinkw + SINK_REC_WORDS * i;
    if (s[SINK_REC_NAME] < 0 || s[SINK_REC_NAME] >= H.nstrings) return bad("sinks[%lld]: bad name", (long long)i);
    if (s[SINK_REC_KIND] < SINK_KIND_TCP || s[SINK_REC_KIND] > SINK_KIND_NIC) return bad("sinks[%lld]: bad kind", (long long)i);
    if (s[SINK_REC_REG] < 0 || s[SINK_REC_REG] >= H.nregs) return bad("sinks[%lld]: bad register", (long long)i);
    if (s[SINK_REC_EXPECT] < -1 || s[SINK_REC_EXPECT] >= H.nfiles) return bad("sinks[%lld]: bad expect_file", (long long)i);
    H.sinks[i] = (struct sink_spec){ .name = H.strings[s[SINK_REC_NAME]], .kind = s[SINK_REC_KIND], .reg = s[SINK_REC_REG],
                                     .expect = s[SINK_REC_EXPECT], .lazy = s[SINK_REC_LAZY] != 0, .fd = -1, .ctl = -1, .rep = -1 };
  }
  for (int64_t i = 0; i < H.nbufs; i++) {
    const int64_t *b = H.bufw + BUF_REC_WORDS * i;
    if (b[BUF_REC_NAME] < 0 || b[BUF_REC_NAME] >= H.nstrings) return bad("bufs[%lld]: bad name", (long long)i);
    if (b[BUF_REC_SIZE] < 1 || b[BUF_REC_SIZE] > (1LL << 30)) return bad("bufs[%lld]: size out of the host's range (1 B..1 GiB)", (long long)i);
    if (b[BUF_REC_REG] < 0 || b[BUF_REC_REG] >= H.nregs) return bad("bufs[%lld]: bad register", (long long)i);
    H.bufs[i] = (struct buf_spec){ .name = H.strings[b[BUF_REC_NAME]], .size = b[BUF_REC_SIZE], .reg = b[BUF_REC_REG] };
  }
  /* the buffers are real memory, mapped and pre-faulted in setup: their total is the compiler's MAX_BUFS_TOTAL */
  int64_t btotal = 0;
  for (int64_t i = 0; i < H.nbufs; i++) btotal += H.bufs[i].size;
  if (btotal > (4LL << 30)) return bad("the buffers add up to %lld bytes, more than the host's 4 GiB", (long long)btotal);
  /* code: walk once, mark instruction starts, check every operand; then check jump targets */
  uint8_t *start = calloc((size_t)H.ncode + 1, 1);
  if (!start) return bad("out of memory");
  int64_t pc = 0, last = -1;
  while (pc < H.ncode) {
    int len = insn_len(pc);
    if (len < 1 || pc + len > H.ncode) { free(start); return bad("code[%lld]: bad instruction", (long long)pc); }
    start[pc] = 1;
    const int64_t *in = H.code + pc;
    if (in[0] == OP_CALL) {
      int64_t c = in[CALL_INSN_CALL];
      if (c < 1 || c > CALL_MAX || !CALL_NAMES[c]) { free(start); return bad("code[%lld]: unknown call %lld", (long long)pc, (long long)c); }
      if (in[CALL_INSN_NARGS] != CALL_SIG[c].nargs) { free(start); return bad("code[%lld]: %s takes %d arguments, not %lld", (long long)pc, CALL_NAMES[c], CALL_SIG[c].nargs, (long long)in[CALL_INSN_NARGS]); }
      for (int k = CALL_INSN_RET0; k <= CALL_INSN_RET2; k++)
        if (in[k] < -1 || in[k] >= H.nregs) { free(start); return bad("code[%lld]: bad result register", (long long)pc); }
      for (int64_t a = 0; a < in[CALL_INSN_NARGS]; a++)
        if (!check_operand(in[CALL_HDR + 2 * a], in[CALL_HDR + 2 * a + 1], 0)) { free(start); return bad("code[%lld]: %s argument %lld: bad operand", (long long)pc, CALL_NAMES[c], (long long)a); }
    } else if (in[0] == OP_SET) {
      if (in[1] < 0 || in[1] >= H.nregs || !check_operand(in[2], in[3], 1) || in[2] == TAG_STR || in[2] == TAG_REF) { free(start); return bad("code[%lld]: bad SET", (long long)pc); }
    } else if (in[0] == OP_JZ) {
      if (!check_operand(in[1], in[2], 1)) { free(start); return bad("code[%lld]: bad JZ operand", (long long)pc); }
    }
    last = pc;
    pc += len;
  }
  if (last < 0 || H.code[last] != OP_HALT) { free(start); return bad("the code does not end with HALT"); }
  for (pc = 0; pc < H.ncode; pc += insn_len(pc)) {
    const int64_t *in = H.code + pc;
    int64_t t = -1;
    if (in[0] == OP_CALL && in[CALL_INSN_BRK] != 0) t = in[CALL_INSN_BRK];
    if (in[0] == OP_JZ) t = in[3];
    if (in[0] == OP_JUMP) t = in[1];
    if (in[0] == OP_JUMP || in[0] == OP_JZ || (in[0] == OP_CALL && in[CALL_INSN_BRK] != 0))
      if (t < 0 || t >= H.ncode || !start[t]) { free(start); return bad("code[%lld]: jump to %lld, not an instruction", (long long)pc, (long long)t); }
  }
  free(start);
  H.regs = calloc((size_t)(H.nregs ? H.nregs : 1), sizeof(int64_t));
  if (!H.regs) return bad("out of memory");
  H.step_budget = DEFAULT_STEP_BUDGET;
  for (int64_t i = 0; i < H.nknobs; i++)
    if (H.knobs[2 * i] == KNOB_STEP_BUDGET && H.knobs[2 * i + 1] > 0) H.step_budget = H.knobs[2 * i + 1];
  return 0;
}

/* The detail of a run stopped by a cap: blocked in a call, or looping (still executing instructions). */
static void stopped(const char *cap) {
  H.status = STATUS_TIMEOUT;
  if (H.alarm_step >= 0 && H.alarm_call_ns >= BLOCKED_NS) {
    int64_t c = H.code[H.alarm_step] == OP_CALL ? H.code[H.alarm_step + 1] : 0;
    snprintf(H.status_detail, sizeof H.status_detail,
             "blocked: %s at step %lld had not returned after %.1f s when %s ran out (a full pipe or socket nobody reads, a peer held back)",
             c >= 1 && c <= CALL_MAX && CALL_NAMES[c] ? CALL_NAMES[c] : "a call", (long long)H.code[H.alarm_step + 2], H.alarm_call_ns / 1e9, cap);
  } else {
    snprintf(H.status_detail, sizeof H.status_detail,
             "looping: the program was still executing instructions (%lld in %.1f s) when %s ran out",
             (long long)H.steps, (now_ns() - H.t_start) / 1e9, cap);
  }
}

/* ---------------------------------------------------------------- operands */

static int64_t eval_expr(int64_t off) {
  int64_t st[RPN_STACK], sp = 0, n = H.pool[off];
  for (int64_t i = 0; i < n; i++) {
    int64_t op = H.pool[off + 1 + 2 * i], v = H.pool[off + 2 + 2 * i];
    if (op == RPN_IMM) { st[sp++] = v; continue; }
    if (op == RPN_REG) { st[sp++] = H.regs[v]; continue; }
    int64_t b = st[--sp], a = st[sp - 1], r = 0;
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case RPN_ADD: r = (int64_t)(ua + ub); break;
    case RPN_SUB: r = (int64_t)(ua - ub); break;
    case RPN_MUL: r = (int64_t)(ua * ub); break;
    /* the compiler's folding and the model's arithmetic: int64 that wraps, x / 0 = x % 0 = 0, INT64_MIN / -1 wraps
     * to INT64_MIN, x % -1 = 0 (C's INT64_MIN / -1 is undefined: it traps on x86) */
    case RPN_DIV: r = b == 0 ? 0 : b == -1 ? (int64_t)(0 - ua) : a / b; break;
    case RPN_MOD: r = b == 0 || b == -1 ? 0 : a % b; break;
    case RPN_MIN: r = a < b ? a : b; break;
    case RPN_MAX: r = a > b ? a : b; break;
    case RPN_LT: r = a < b; break;
    case RPN_LE: r = a <= b; break;
    case RPN_GT: r = a > b; break;
    case RPN_GE: r = a >= b; break;
    case RPN_EQ: r = a == b; break;
    case RPN_NE: r = a != b; break;
    }
    st[sp - 1] = r;
  }
  return st[0];
}

static int64_t value(int64_t tag, int64_t v) {
  switch (tag) {
  case TAG_IMM: return v;
  case TAG_REG: return H.regs[v];
  case TAG_EXPR: return eval_expr(v);
  case TAG_REF: return H.regs[v];
  default: return 0;
  }
}

/* ---------------------------------------------------------------- memory the program may use */

static struct region *region_of(uintptr_t addr, uint64_t len) {
  for (int i = 0; i < MAX_REGIONS; i++) {
    struct region *r = &H.regions[i];
    if (r->kind != RG_FREE && addr >= r->addr && len <= r->len && addr - r->addr <= r->len - len) return r;
  }
  return NULL;
}

int region_contains(uintptr_t addr, uint64_t len) { return region_of(addr, len) != NULL; }

static struct region *region_add(uintptr_t addr, uint64_t len, int kind, int file, int64_t offset, int index) {
  for (int i = 0; i < MAX_REGIONS; i++)
    if (H.regions[i].kind == RG_FREE) {
      H.regions[i] = (struct region){ addr, len, kind, file, offset, index };
      return &H.regions[i];
    }
  return NULL;
}

/* munmap(addr, len) succeeded: cut [addr, addr+len) out of the mappings */
static void region_cut(uintptr_t addr, uint64_t len) {
  uintptr_t end = addr + len;
  for (int i = 0; i < MAX_REGIONS; i++) {
    struct region *r = &H.regions[i];
    if (r->kind != RG_MAP) continue;
    uintptr_t rs = r->addr, re = r->addr + r->len;
    if (end <= rs || addr >= re) continue;
    struct region old = *r;
    r->kind = RG_FREE;
    if (rs < addr) region_add(rs, addr - rs, RG_MAP, old.file, old.offset, old.index);
    if (end < re) region_add(end, re - end, RG_MAP, old.file, old.offset + (int64_t)(end - rs), old.index);
  }
}

static uint64_t page_round(uint64_t n) { return (n + 4095) & ~4095ull; }

/* ---------------------------------------------------------------- the host's own memory */

/* Right before the phase, nothing of the host's maps or unmaps memory until it ends (the log and every table exist,
 * nothing allocates): its mappings then are its mappings throughout. Under its stack, the range a fault would grow
 * the stack into (expand_stack: up to RLIMIT_STACK below its top, and stack_guard_gap, 256 pages, more) is its own
 * too: a load there would not fault but grow the host's stack. */
void program_snapshot_maps(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  H.nhost_maps = -1;
  if (!f) { note("/proc/self/maps unreadable: every address outside the program's memory counts as the host's (calls on it not run)"); return; }
  char line[512];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
    if (n + 2 > MAX_HOST_MAPS) { n = -1; break; }
    H.host_maps[n++] = (struct span){ lo, hi };
    if (strstr(line, "[stack]")) {
      struct rlimit rl;
      uintptr_t grow = 1ul << 30; /* RLIM_INFINITY: as far as the next mapping lets it; 1 GiB is plenty */
      if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < grow) grow = rl.rlim_cur;
      grow += 256 * 4096;
      H.host_maps[n++] = (struct span){ hi > grow ? hi - grow : 0, lo };
    }
  }
  fclose(f);
  if (n < 0) note("more than %d mappings in /proc/self/maps: every address outside the program's memory counts as the host's", MAX_HOST_MAPS);
  H.nhost_maps = n;
}

/* The program's memory at a: its end, or 0 (a buffer counts only when buf_ok) */
static uintptr_t program_end(uintptr_t a, int buf_ok) {
  struct region *r = region_of(a, 1);
  return r && (buf_ok || r->kind != RG_BUF) ? r->addr + r->len : 0;
}

/* Whether the byte at a is the host's own: in one of its mappings (or its stack's growth), not the program's */
static int host_byte(uintptr_t a, int buf_ok) {
  if (program_end(a, buf_ok)) return 0;
  if (H.nhost_maps < 0) return 1;
  for (int i = 0; i < H.nhost_maps; i++) if (a >= H.host_maps[i].lo && a < H.host_maps[i].hi) return 1;
  return 0;
}

/* Whether any byte of [lo, hi) is the host's own (a range that wraps runs to the top: the kernel's half holds
 * nothing of the host's, and the kernel refuses such a range itself) */
static int host_range(uintptr_t lo, uintptr_t hi, int buf_ok) {
  if (hi < lo) hi = UINTPTR_MAX;
  for (uintptr_t a = lo; a < hi;) {
    uintptr_t e = program_end(a, buf_ok);
    if (e) { a = e; continue; }
    if (host_byte(a, buf_ok)) return 1;
    /* a hole: on to the next mapping of either kind (or the end) */
    uintptr_t next = hi;
    for (int i = 0; i < H.nhost_maps; i++) if (H.host_maps[i].lo > a && H.host_maps[i].lo < next) next = H.host_maps[i].lo;
    for (int i = 0; i < MAX_REGIONS; i++)
      if (H.regions[i].kind != RG_FREE && H.regions[i].addr > a && H.regions[i].addr < next) next = H.regions[i].addr;
    a = next;
  }
  return 0;
}

/* [addr, addr+len) touched in order, as the kernel's copies to and from user memory and the program's loads and
 * stores go: over the program's memory, up to the first hole, where the access faults (the kernel answers EFAULT
 * or a short count; a load or store raises SIGSEGV). Returns 1 with *hole when it stops in a hole, 0 when the range
 * is all the program's, -1 when it reaches the host's own memory first: then the step is not run. */
static int walk(uintptr_t addr, uint64_t len, uintptr_t *hole) {
  uintptr_t end = addr + len < addr ? UINTPTR_MAX : addr + len;
  for (uintptr_t a = addr; a < end;) {
    uintptr_t e = program_end(a, 1);
    if (e) { a = e; continue; }
    if (host_byte(a, 1)) return -1;
    *hole = a;
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- records */

static void record_not_run(int step, int call, const char *why) {
  for (int i = 0; i < H.nnot_run; i++)
    if (H.not_run[i].step == step && H.not_run[i].why == why) { H.not_run[i].count++; return; }
  if (H.nnot_run == MAX_NOT_RUN) { H.not_run_dropped++; return; }
  H.not_run[H.nnot_run++] = (struct not_run_rec){ step, call, 1, why };
}

static void record_error(int step, int call, int err) {
  for (int i = 0; i < H.nerrors; i++)
    if (H.errors[i].step == step && H.errors[i].err == err) { H.errors[i].count++; return; }
  if (H.nerrors == MAX_ERRORS) { H.errors_dropped++; return; }
  H.errors[H.nerrors++] = (struct error_rec){ step, call, err, 1 };
}

static void record_signal(int step) {
  H.counters[COUNTER_SIGNALS]++;
  if (H.nsignals == MAX_SIGNALS) return;
  struct region *r = region_of(H.mem_addr, 1);
  if (!r && H.mem_addr > 0) r = region_of(H.mem_addr - 1, 1); /* just past the end of a region */
  H.signals[H.nsignals++] = (struct signal_rec){ step, H.mem_signo, H.mem_code, H.mem_addr, r ? r->index : -1,
                                                 r ? (int64_t)(H.mem_addr - r->addr) : -1 };
}

/* ---------------------------------------------------------------- pseudo-calls: loads and stores */

static volatile uint64_t mem_sink; /* keeps the loads */

static int64_t mem_read(uintptr_t addr, uint64_t len) {
  const volatile unsigned char *p = (const volatile unsigned char *)addr, *e = p + len;
  uint64_t sum = 0;
  while (p < e && ((uintptr_t)p & 7)) sum += *p++;
  while (p + 8 <= e) { sum += *(const volatile uint64_t *)p; p += 8; } /* aligned: never crosses a page */
  while (p < e) sum += *p++;
  mem_sink = sum;
  return (int64_t)len;
}

/* The store being made: the k-th mem_write of the phase writes version min(k, PATTERN_MAX_VERSION) of the file
 * bytes it covers (docs/program-format.md, "The byte pattern"), and its record says which bytes of which file it
 * covered, for the delivery proof (pattern.c, pv_classify). */
static struct store_rec *store_now;
static uint64_t store_version;

static void store_covers(int64_t f, uint64_t lo, uint64_t hi) {
  struct store_rec *r = store_now;
  if (r->file == -1) { r->file = f; r->lo = lo; r->hi = hi; return; }
  if (r->file != f) r->file = -2;
  if (lo < r->lo) r->lo = lo;
  if (hi > r->hi) r->hi = hi;
}

/* In a buffer (no file behind it: filled by read(), say) which file bytes it holds is told from the words
 * themselves (pattern_identify); a word it cannot tell (a part of it rewritten already) is the word after the
 * one before it. The store writes the current version of those file bytes; bytes of no file are inverted. */
static void buf_write(uintptr_t addr, uint64_t len, const struct region *r) {
  static int64_t sizes[MAX_FILES];
  for (int i = 0; i < H.nfiles; i++) sizes[i] = H.files[i].size;
  volatile unsigned char *p = (volatile unsigned char *)addr;
  uintptr_t end = addr + len, rend = r->addr + r->len;
  int phase = -1; /* word starts are at addresses = phase (mod 8) */
  for (int ph = 0; ph < 8 && phase < 0; ph++) {
    for (uintptr_t ws = addr - ((addr - (uintptr_t)ph) & 7); ws < end + 8 && phase < 0; ws += 8) {
      if (ws < r->addr || ws + 8 > rend) continue;
      uint64_t w, o, v;
      int64_t f;
      memcpy(&w, (const void *)ws, 8);
      if (pattern_identify(w, H.nfiles, sizes, &f, &o, &v)) phase = ph;
      if (ws > addr + 64) break; /* the first words tell */
    }
  }
  if (phase < 0) {
    for (uint64_t i = 0; i < len; i++) p[i] = (unsigned char)~p[i];
    return;
  }
  int64_t f = -1;
  uint64_t o = 0;
  for (uintptr_t ws = addr - ((addr - (uintptr_t)phase) & 7); ws < end; ws += 8) {
    uint64_t w = 0, wo, v;
    int64_t wf;
    int whole = ws >= r->addr && ws + 8 <= rend;
    if (whole) memcpy(&w, (const void *)ws, 8);
    if (whole && pattern_identify(w, H.nfiles, sizes, &wf, &wo, &v)) { f = wf; o = wo; }
    else if (f >= 0) o += 8; /* the word after the last one told */
    int known = f >= 0;
    uint64_t nw = known ? pattern_word(f, o, store_version) : 0;
    uintptr_t lo = ws < addr ? addr : ws, hi = ws + 8 > end ? end : ws + 8;
    if (known) store_covers(f, o + (lo - ws), o + (hi - ws));
    for (uintptr_t b = lo; b < hi; b++) {
      volatile unsigned char *q = (volatile unsigned char *)b;
      *q = known ? (unsigned char)(nw >> (8 * (b - ws))) : (unsigned char)~*q;
    }
  }
}

static int64_t mem_write(uintptr_t addr, uint64_t len, const struct region *r) {
  if (r->kind != RG_MAP || r->file < 0) {
    buf_write(addr, len, r);
    return (int64_t)len;
  }
  /* a file mapping: byte o of the file becomes byte o of version k */
  uint64_t o0 = (uint64_t)r->offset + (addr - r->addr);
  store_covers(r->file, o0, o0 + len);
  uintptr_t a = addr, end = addr + len;
  while (a < end) {
    uint64_t o = (uint64_t)r->offset + (a - r->addr), wo = o & ~7ull;
    volatile unsigned char *wp = (volatile unsigned char *)(a - (o - wo));
    uint64_t nw = pattern_word(r->file, wo, store_version);
    /* a store reads the word first, as it always has and as the model's does (a read fault, then the write's) */
    uint64_t seen = 0;
    for (int i = 0; i < 8; i++) {
      uintptr_t b = (uintptr_t)(wp + i);
      if (b >= a && b < end) seen += wp[i];
    }
    mem_sink = seen;
    for (int i = 0; i < 8; i++) {
      uintptr_t b = (uintptr_t)(wp + i);
      if (b < a || b >= end) continue;
      wp[i] = (unsigned char)(nw >> (8 * i));
    }
    a = (uintptr_t)wp + 8;
  }
  return (int64_t)len;
}

/* A load or a store that may fault: SIGBUS/SIGSEGV jump back here (main.c, on_fault) and are recorded. The bytes
 * are touched in order over the program's memory; at the first hole (nothing mapped there: walk) the access is made
 * there too, and the kernel raises a real SIGSEGV (SEGV_MAPERR), counted by the page-fault tracepoint like any
 * fault. A range that reaches the host's own memory before any hole is not run at all (returns -2). */
static __attribute__((noinline)) int64_t mem_access(int call, int step, uintptr_t addr_, uint64_t len_) {
  volatile uintptr_t addr = addr_, hole = 0, a;
  volatile int has_hole;
  volatile uint64_t len = len_;
  uintptr_t h = 0;
  int w = walk(addr, len, &h);
  if (w < 0) return -2;
  hole = h;
  has_hole = w > 0;
  volatile uintptr_t stop = w > 0 ? h : addr + len;
  volatile int64_t ret = (int64_t)len;
  if (call == CALL_MEM_WRITE) {
    /* the k-th store; past PATTERN_MAX_VERSION every store writes that version and widens its record */
    H.nstores++;
    store_version = H.nstores < PATTERN_MAX_VERSION ? (uint64_t)H.nstores : PATTERN_MAX_VERSION;
    store_now = &H.stores[store_version - 1];
    if (H.nstores <= PATTERN_MAX_VERSION) *store_now = (struct store_rec){ now_ns(), -1, 0, 0 };
  }
  H.mem_signo = 0;
  if (sigsetjmp(H.mem_jmp, 1) == 0) {
    H.in_mem = 1;
    for (a = addr; a < stop;) {
      struct region *r = region_of(a, 1);
      uintptr_t e = r->addr + r->len < stop ? r->addr + r->len : stop;
      if (call == CALL_MEM_READ) mem_read(a, e - a); else mem_write(a, e - a, r);
      a = e;
    }
    if (has_hole) { /* the fault itself: the kernel's, at the address the program's access reaches */
      if (call == CALL_MEM_READ) mem_sink = *(volatile unsigned char *)hole;
      else *(volatile unsigned char *)hole = 0;
    }
    H.in_mem = 0;
  } else {
    H.in_mem = 0;
    ret = -1;
    record_signal(step);
  }
  errno = 0;
  return ret;
}

/* ---------------------------------------------------------------- the calls */

static struct iovec iov_buf[MAX_IOV];
static unsigned char cmsg_buf[256];

static int fd_ok(int64_t fd) { return fd < FD_INTERNAL; } /* negative: the kernel says EBADF */
static int in_fds(int64_t fd) { return fd >= 0 && fd < MAX_FDS; }

static int allowed_fcntl(int64_t cmd) {
  return cmd == F_GETFL || cmd == F_SETFL || cmd == F_SETPIPE_SZ || cmd == F_GETPIPE_SZ || cmd == F_GETFD ||
         cmd == F_SETFD;
}

/* madvise advice the host does not give for a program: the valid ones (madvise_behavior_valid, Linux 6.18) that
 * poison or offline pages, punch holes, merge pages with other processes', or change what fork and core dumps do
 * to memory. Every other advice is made as written: an advice the kernel does not know it refuses (EINVAL) before
 * it looks at the range. */
static int madvise_refused(int64_t adv) {
  switch (adv) {
  case 9 /* MADV_REMOVE */: case 10 /* MADV_DONTFORK */: case 11 /* MADV_DOFORK */: case 12 /* MADV_MERGEABLE */:
  case 13 /* MADV_UNMERGEABLE */: case 16 /* MADV_DONTDUMP */: case 17 /* MADV_DODUMP */: case 18 /* MADV_WIPEONFORK */:
  case 19 /* MADV_KEEPONFORK */: case 24 /* MADV_DONTNEED_LOCKED */: case 25 /* MADV_COLLAPSE */:
  case 100 /* MADV_HWPOISON */: case 101 /* MADV_SOFT_OFFLINE */: case 102 /* MADV_GUARD_INSTALL */:
  case 103 /* MADV_GUARD_REMOVE */:
    return 1;
  default:
    return 0;
  }
}

static int sink_of(int64_t v) {
  for (int i = 0; i < H.nsinks; i++) if (H.sinks[i].fd >= 0 && H.sinks[i].fd == v) return i;
  if (v >= 0 && v < H.nsinks) return (int)v;
  return -1;
}

static int file_by_name(const char *name) {
  for (int i = 0; i < H.nfiles; i++) if (strcmp(H.files[i].name, name) == 0) return i;
  return -1;
}

/* Makes one CALL instruction. Returns the return value the program sees. */
static int64_t do_call(const int64_t *in) {
  int call = (int)in[CALL_INSN_CALL], step = (int)in[CALL_INSN_STEP], nargs = (int)in[CALL_INSN_NARGS];
  const struct call_sig *sig = &CALL_SIG[call];
  int64_t a[6] = {0}, tag[6] = {0};
  loff_t slot[6] = {0};
  void *offp[6] = {0};
  const char *not_run = NULL; /* why the host does not make the call, or NULL */
  int refuse = 0;              /* a pseudo-call's own error (mem_read of a negative length, peer_read of no peer) */
  for (int i = 0; i < nargs; i++) {
    tag[i] = in[CALL_HDR + 2 * i];
    int64_t v = in[CALL_HDR + 2 * i + 1];
    a[i] = value(tag[i], v);
    switch (sig->kind[i]) {
    case A_FD: if (!fd_ok(a[i])) not_run = "a descriptor of the host's own (100 and up)"; break;
    case A_PATH:
      if (tag[i] != TAG_STR || !name_ok(H.strings[v])) not_run = "a path that is not a name from the program's strings";
      else a[i] = v;
      break;
    case A_OFFP:
      if (tag[i] == TAG_REF) { slot[i] = (loff_t)H.regs[v]; offp[i] = &slot[i]; }
      else if (tag[i] == TAG_NULL || (tag[i] == TAG_IMM && v == 0)) offp[i] = NULL;
      else not_run = "an offset pointer that is not &variable";
      break;
    case A_IOV:
      if (tag[i] != TAG_IOV) not_run = "an iovec array that is not the program's"; /* only one from the pool */
      a[i] = v;
      break;
    default: break;
    }
  }
  uintptr_t hole;
  /* a user buffer (A_PTR, its length the A_LEN after it) must not reach the host's own memory before any hole */
  for (int i = 0; i + 1 < nargs && !not_run; i++)
    if (sig->kind[i] == A_PTR && walk((uintptr_t)a[i], (uint64_t)a[i + 1], &hole) < 0) not_run = "the buffer reaches the host's own memory before any hole";
  if (!not_run) {
    switch (call) {
    case CALL_MEM_READ: case CALL_MEM_WRITE:
      if (a[1] < 0) refuse = EINVAL;
      break;
    case CALL_MUNMAP: case CALL_MADVISE: case CALL_MMAP: {
      /* the kernel refuses an unaligned address or a length of 0 (or one that rounds to 0) before it looks at any
       * mapping (__vm_munmap, madvise_should_skip, do_mmap): made as written. Otherwise the pages it would unmap,
       * advise or map over must hold nothing of the host's; a buffer is the host's allocation to munmap and mmap
       * over, the program's to advise */
      uintptr_t lo = (uintptr_t)a[0];
      uint64_t n = page_round((uint64_t)a[1]);
      int range = call != CALL_MMAP || (a[3] & MAP_FIXED);
      if (range && !(lo & 4095) && n && host_range(lo, lo + n, call == CALL_MADVISE))
        not_run = call == CALL_MUNMAP ? "munmap of pages the host maps (its own, or a buffer)" :
                  call == CALL_MADVISE ? "madvise on pages of the host's own" : "MAP_FIXED over pages the host maps (its own, or a buffer)";
      if (call == CALL_MADVISE && madvise_refused(a[2])) not_run = "madvise advice that changes memory beyond the program (the host refuses it)";
      if (call == CALL_MMAP && !(a[3] & MAP_ANONYMOUS) && !fd_ok(a[4])) not_run = "a descriptor of the host's own (100 and up)";
      break;
    }
    case CALL_VMSPLICE: {
      int64_t n = H.pool[a[1]];
      for (int64_t i = 0; i < n && !not_run; i++) {
        const int64_t *e = H.pool + a[1] + 1 + 4 * i;
        uintptr_t base = (uintptr_t)value(e[0], e[1]);
        uint64_t len = (uint64_t)value(e[2], e[3]);
        if (walk(base, len, &hole) < 0) not_run = "an iovec that reaches the host's own memory before any hole";
        iov_buf[i] = (struct iovec){ (void *)base, len };
      }
      break;
    }
    case CALL_FALLOCATE:
      if (a[1] & ~FALLOC_FL_KEEP_SIZE) not_run = "a fallocate mode the model does not have (only 0 and FALLOC_FL_KEEP_SIZE)";
      /* it reserves real disk: no more than a setup file may take (the model's file limit, where it answers EFBIG) */
      if (a[2] >= 0 && a[3] > 0 && a[3] > (16LL << 30) - a[2]) not_run = "a fallocate past 16 GiB (the host reserves no more disk than a setup file may take)";
      break;
    case CALL_FCNTL: if (!allowed_fcntl(a[1])) not_run = "an fcntl command the host refuses (only F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_GETPIPE_SZ, F_SETPIPE_SZ)"; break;
    case CALL_PEER_READ: { int s = sink_of(a[0]); if (s < 0 || H.sinks[s].kind != SINK_KIND_TCP) refuse = EINVAL; break; }
    }
  }

  int64_t ret = -1, r1 = -1, r2 = -1, zc_lo = -1;
  int err = 0;
  int64_t t0 = now_ns();
  if (not_run) {
    ret = -1; /* what the program's registers see; no errno, no count: the step is reported not run */
  } else if (refuse) {
    err = refuse;
  } else {
    errno = 0;
    switch (call) {
    case CALL_OPEN: ret = open(H.strings[a[0]], (int)a[1], (mode_t)a[2]); break;
    case CALL_CLOSE: ret = close((int)a[0]); break;
    case CALL_READ: ret = read((int)a[0], (void *)a[1], (size_t)a[2]); break;
    case CALL_WRITE: ret = write((int)a[0], (const void *)a[1], (size_t)a[2]); break;
    case CALL_PREAD64: ret = pread((int)a[0], (void *)a[1], (size_t)a[2], (off_t)a[3]); break;
    case CALL_PWRITE64: ret = pwrite((int)a[0], (const void *)a[1], (size_t)a[2], (off_t)a[3]); break;
    case CALL_LSEEK: ret = lseek((int)a[0], (off_t)a[1], (int)a[2]); break;
    case CALL_MMAP: {
      void *m = mmap((void *)a[0], (size_t)a[1], (int)a[2], (int)a[3], (int)a[4], (off_t)a[5]);
      ret = m == MAP_FAILED ? -1 : (int64_t)(uintptr_t)m;
      break;
    }
    case CALL_MUNMAP: ret = munmap((void *)a[0], (size_t)a[1]); break;
    case CALL_MADVISE: ret = madvise((void *)a[0], (size_t)a[1], (int)a[2]); break;
    case CALL_FCNTL: ret = fcntl((int)a[0], (int)a[1], (int)a[2]); break;
    case CALL_PIPE: case CALL_PIPE2: {
      int p[2];
      ret = call == CALL_PIPE ? pipe(p) : pipe2(p, (int)a[0]);
      if (ret == 0) { ret = p[0]; r1 = p[1]; }
      break;
    }
    case CALL_SENDFILE: ret = sendfile((int)a[0], (int)a[1], offp[2], (size_t)a[3]); break;
    case CALL_SPLICE: ret = splice((int)a[0], offp[1], (int)a[2], offp[3], (size_t)a[4], (unsigned)a[5]); break;
    case CALL_TEE: ret = tee((int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]); break;
    case CALL_VMSPLICE: ret = vmsplice((int)a[0], iov_buf, (size_t)H.pool[a[1]], (unsigned)a[2]); break;
    case CALL_COPY_FILE_RANGE: ret = copy_file_range((int)a[0], offp[1], (int)a[2], offp[3], (size_t)a[4], (unsigned)a[5]); break;
    case CALL_SETSOCKOPT: { int v = (int)a[3]; ret = setsockopt((int)a[0], (int)a[1], (int)a[2], &v, sizeof v); break; }
    case CALL_SEND: ret = send((int)a[0], (const void *)a[1], (size_t)a[2], (int)a[3]); break;
    case CALL_RECV_ERRQUEUE: {
      /* one MSG_ZEROCOPY completion: r0 = ee_info (first send's counter), r1 = ee_data (last), r2 = ee_code */
      struct msghdr m = { .msg_control = cmsg_buf, .msg_controllen = sizeof cmsg_buf };
      ret = recvmsg((int)a[0], &m, MSG_ERRQUEUE);
      if (ret >= 0) {
        ret = -1; err = ENOMSG; /* a message that is no zerocopy completion */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
          if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) || (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR))) continue;
          struct sock_extended_err ee;
          memcpy(&ee, CMSG_DATA(c), sizeof ee);
          if (ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY) continue;
          ret = 0; err = 0;
          zc_lo = ee.ee_info; r1 = ee.ee_data; r2 = ee.ee_code;
          H.counters[COUNTER_ZC_COMPLETIONS] += (int64_t)ee.ee_data - ee.ee_info + 1;
          if (ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED) H.counters[COUNTER_ZC_COPIED] += (int64_t)ee.ee_data - ee.ee_info + 1;
        }
      }
      break;
    }
    case CALL_FTRUNCATE: ret = ftruncate((int)a[0], (off_t)a[1]); break;
    case CALL_FALLOCATE: ret = fallocate((int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]); break;
    case CALL_FSYNC: ret = fsync((int)a[0]); break;
    case CALL_FDATASYNC: ret = fdatasync((int)a[0]); break;
    case CALL_POSIX_FADVISE: { int e = posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]); ret = e ? -1 : 0; if (e) errno = e; break; }
    case CALL_POLL: { /* one descriptor; the timeout is bounded so a program cannot outwait the phase's bound */
      struct pollfd pfd = { .fd = (int)a[0], .events = (short)a[1] };
      int ms = a[2] < 0 || a[2] > 10000 ? 10000 : (int)a[2];
      ret = poll(&pfd, 1, ms);
      break;
    }
    case CALL_MEM_READ: case CALL_MEM_WRITE:
      ret = mem_access(call, step, (uintptr_t)a[0], (uint64_t)a[1]);
      if (ret == -2) { ret = -1; not_run = "a load or store that reaches the host's own memory before any hole"; }
      break;
    case CALL_PEER_READ: ret = peer_read_now(&H.sinks[sink_of(a[0])]); break;
    }
    if (ret < 0 && !err) err = errno;
    if (call == CALL_MEM_READ || call == CALL_MEM_WRITE) err = 0; /* a signal, not an errno */
    if (call == CALL_PEER_READ && ret < 0) err = ETIMEDOUT;
  }
  int64_t t1 = now_ns();
  if (ret >= 0) err = 0;

  /* what the program now holds */
  if (!not_run && !refuse && ret >= 0) {
    switch (call) {
    case CALL_OPEN:
      if (in_fds(ret)) { H.fd_kind[ret] = FK_FILE; H.fd_file[ret] = (int16_t)file_by_name(H.strings[a[0]]); H.fd_sink[ret] = -1; H.fd_zerocopy[ret] = 0; }
      break;
    case CALL_CLOSE:
      if (in_fds(a[0])) {
        H.fd_kind[a[0]] = FK_NONE; H.fd_file[a[0]] = -1;
        if (H.fd_sink[a[0]] >= 0) H.sinks[H.fd_sink[a[0]]].fd = -1;
        H.fd_sink[a[0]] = -1;
      }
      break;
    case CALL_PIPE: case CALL_PIPE2:
      if (in_fds(ret)) { H.fd_kind[ret] = FK_PIPE_R; H.fd_file[ret] = -1; H.fd_sink[ret] = -1; }
      if (in_fds(r1)) { H.fd_kind[r1] = FK_PIPE_W; H.fd_file[r1] = -1; H.fd_sink[r1] = -1; }
      break;
    case CALL_MMAP:
      if (a[3] & MAP_FIXED) region_cut((uintptr_t)ret, page_round((uint64_t)a[1]));
      region_add((uintptr_t)ret, page_round((uint64_t)a[1]), RG_MAP,
                 (a[3] & MAP_ANONYMOUS) || !in_fds(a[4]) ? -1 : H.fd_file[a[4]], a[5], H.nmaps++);
      break;
    case CALL_MUNMAP: region_cut((uintptr_t)a[0], page_round((uint64_t)a[1])); break;
    case CALL_SETSOCKOPT:
      if (in_fds(a[0]) && a[1] == SOL_SOCKET && a[2] == SO_ZEROCOPY) H.fd_zerocopy[a[0]] = a[3] != 0;
      break;
    }
  }
  if (!not_run && !refuse && sig->syscall) { /* mem_read, mem_write, peer_read are the program's own actions */
    H.counters[COUNTER_SYSCALLS]++;
    H.calls_by_id[call]++;
    derive_call(call, a, ret);
  }
  if (not_run) { H.refused++; record_not_run(step, call, not_run); err = 0; }
  if (err) record_error(step, call, err);
  for (int i = 0; i < nargs; i++)
    if (tag[i] == TAG_REF) H.regs[in[CALL_HDR + 2 * i + 1]] = (int64_t)slot[i];

  if (H.nlog < H.log_cap) {
    struct call_rec *c = &H.log[H.nlog++];
    c->call = call; c->step = step; c->ret = ret; c->err = err; c->refused = not_run != NULL;
    c->t0 = t0 - H.t_start; c->t1 = t1 - H.t_start;
    for (int i = 0; i < 6; i++) c->args[i] = i < nargs ? (tag[i] == TAG_REF ? (int64_t)H.regs[in[CALL_HDR + 2 * i + 1]] : a[i]) : 0;
    if (tag[0] == TAG_STR && nargs) c->args[0] = in[CALL_HDR + 1];
    if ((call == CALL_PIPE || call == CALL_PIPE2) && ret >= 0) { c->ret = 0; c->args[4] = ret; c->args[5] = r1; }
  } else {
    H.log_dropped++;
  }

  /* results */
  if (call == CALL_RECV_ERRQUEUE && ret == 0) {
    if (in[CALL_INSN_RET0] >= 0) H.regs[in[CALL_INSN_RET0]] = zc_lo;
    if (in[CALL_INSN_RET1] >= 0) H.regs[in[CALL_INSN_RET1]] = r1;
    if (in[CALL_INSN_RET2] >= 0) H.regs[in[CALL_INSN_RET2]] = r2;
    return ret;
  }
  if (call == CALL_PIPE || call == CALL_PIPE2) {
    if (in[CALL_INSN_RET0] >= 0) H.regs[in[CALL_INSN_RET0]] = ret;
    if (in[CALL_INSN_RET1] >= 0) H.regs[in[CALL_INSN_RET1]] = r1;
    return ret < 0 ? -1 : 0;
  }
  if (in[CALL_INSN_RET0] >= 0) H.regs[in[CALL_INSN_RET0]] = ret;
  return ret;
}

int program_run(void) {
  int64_t pc = 0;
  char what[96];
  H.call_step_now = -1;
  H.alarm_step = -1;
  for (;;) {
    if (H.steps >= H.max_steps && H.max_steps < H.step_budget) {
      H.alarm_step = -1;
      snprintf(what, sizeof what, "the run's cap of %lld instructions (--max-steps)", (long long)H.max_steps);
      stopped(what);
      return -1;
    }
    if (++H.steps > H.step_budget) {
      H.status = STATUS_BUDGET_EXCEEDED;
      snprintf(H.status_detail, sizeof H.status_detail, "stopped after %lld instructions (STEP_BUDGET)", (long long)H.step_budget);
      return -1;
    }
    if (H.timed_out) {
      snprintf(what, sizeof what, "the phase's bound of %d s (--timeout)", H.timeout_s);
      stopped(what);
      return -1;
    }
    const int64_t *in = H.code + pc;
    switch (in[0]) {
    case OP_CALL: {
      H.call_t0_now = now_ns();
      H.call_step_now = pc;
      int64_t ret = do_call(in);
      H.call_step_now = -1;
      if (in[CALL_INSN_BRK] != 0 && ret <= 0) pc = in[CALL_INSN_BRK];
      else pc += CALL_HDR + 2 * in[CALL_INSN_NARGS];
      break;
    }
    case OP_SET: H.regs[in[1]] = value(in[2], in[3]); pc += 4; break;
    case OP_JZ: pc = value(in[1], in[2]) == 0 ? in[3] : pc + 4; break;
    case OP_JUMP: pc = in[1]; break;
    case OP_HALT: return 0;
    }
  }
}
