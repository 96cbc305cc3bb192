/*
 * The byte pattern and the delivery proof (docs/program-format.md, "The byte pattern" and "The delivery proof").
 *
 * Byte o of file f at version v is byte o % 8 (little-endian) of the 64-bit word
 *
 *     W(f, o, v) = mix(K ^ x)      x = (o / 8) | f << 37 | v << 44        (x < 2^56)
 *     63      56 55         44 43       37 36                         0
 *     +---------+-------------+-----------+----------------------------+
 *     |    0    |   version   |   file    |   word index (o / 8)       |   x, before keying and mixing
 *     +---------+-------------+-----------+----------------------------+
 *
 * mix is splitmix64's finaliser (a bijection of 64-bit words), K = PATTERN_KEY. Every bit of a word depends on
 * every bit of (file, word index, version): no byte of another position, file or version is this one but by
 * chance (1 in 256 for a byte, 2^-64 for a word), and a verifier that knows the one legal value of a byte
 * catches every change of it. mix being a bijection, a word can be told back (pattern_identify): mem_write uses
 * that to know which file bytes a buffer holds. Setup writes version 0; the k-th mem_write of the phase writes
 * version k (capped at PATTERN_MAX_VERSION).
 *
 * The stream digest: D = sum over the stream's 8-byte words i (bytes 8i .. 8i+7 by stream position, a byte not
 * received counting 0) of w_i * R_i (mod 2^64), R_i = mix(DIGEST_KEY ^ i) | 1. R_i is odd, so changing any one
 * byte by d changes D by d * 2^(8j) * R_i != 0: one wrong byte always shows. Linear, so bytes may arrive in any
 * pieces and any order. The model computes the same sum from its identities (assembly/kernel/sink.ts).
 */
#include <stdlib.h>
#include <string.h>
#include "host.h"

uint64_t pattern_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t unxorshift(uint64_t y, int s) {
  uint64_t x = y;
  for (int i = 0; i < 64 / s + 1; i++) x = y ^ (x >> s);
  return x;
}

static uint64_t inverse(uint64_t a) { /* a odd: a * inverse(a) = 1 (mod 2^64), Newton's iteration */
  uint64_t x = a;
  for (int i = 0; i < 6; i++) x *= 2 - a * x;
  return x;
}

static uint64_t pattern_unmix(uint64_t z) {
  z = unxorshift(z, 31);
  z *= inverse(0x94D049BB133111EBull);
  z = unxorshift(z, 27);
  z *= inverse(0xBF58476D1CE4E5B9ull);
  return unxorshift(z, 30);
}

uint64_t pattern_word(int64_t file, uint64_t off, uint64_t version) {
  uint64_t x = ((off / 8) & PATTERN_INDEX_MASK) | ((uint64_t)file & 0x7f) << 37 | (version & 0xfff) << 44;
  return pattern_mix(PATTERN_KEY ^ x);
}

uint8_t pattern_byte(int64_t file, uint64_t off, uint64_t version) {
  return (uint8_t)(pattern_word(file, off, version) >> (8 * (off % 8)));
}

uint64_t pattern_digest_weight(uint64_t word_index) { return pattern_mix(PATTERN_DIGEST_KEY ^ word_index) | 1; }

/* buf[i] = byte (off + i) of the file at version 0 */
void pattern_fill(int64_t file, uint64_t off, unsigned char *buf, size_t len) {
  size_t i = 0;
  while (i < len && (off + i) % 8) { buf[i] = pattern_byte(file, off + i, 0); i++; }
  for (; i + 8 <= len; i += 8) {
    uint64_t w = pattern_word(file, off + i, 0);
    memcpy(buf + i, &w, 8); /* x86_64 is little-endian, as the pattern is */
  }
  for (; i < len; i++) buf[i] = pattern_byte(file, off + i, 0);
}

/* Which file, offset and version an 8-byte word of the pattern is, if it is one of the nfiles files (sizes in
 * `sizes`): x = mix^-1(w) ^ K must have its top 8 bits clear, a file below nfiles and a word inside that file.
 * (A random word passes with a chance below 2^-8 * size / 2^40.) Returns 1 and fills the identity, or 0. */
int pattern_identify(uint64_t w, int64_t nfiles, const int64_t *sizes, int64_t *file, uint64_t *off, uint64_t *version) {
  uint64_t x = pattern_unmix(w) ^ PATTERN_KEY;
  if (x >> 56) return 0;
  int64_t f = (int64_t)((x >> 37) & 0x7f);
  uint64_t q = x & PATTERN_INDEX_MASK;
  if (f >= nfiles || q >= ((uint64_t)sizes[f] + 7) / 8) return 0;
  *file = f; *off = q * 8; *version = x >> 44;
  return 1;
}

/* ---------------------------------------------------------------- the first pass: what a sink received */

/* Feeds n received bytes at stream position pos: adds them to the digest, and every 8-byte word (or the part of
 * it this piece holds) not equal to version 0 of the expected file goes to the exception list, with the time it
 * was read, for pv_classify. A full list counts the rest as unchecked (never intact). */
void pv_feed(struct pverify *v, uint64_t pos, const unsigned char *b, size_t n, int64_t t_read) {
  size_t i = 0;
  v->bytes += (int64_t)n;
  while (i < n) {
    uint64_t p = pos + i, wi = p / 8;
    unsigned j0 = (unsigned)(p % 8), j1 = (unsigned)((n - i) + j0 < 8 ? (n - i) + j0 : 8);
    uint64_t w = 0, mask = 0;
    if (j0 == 0 && j1 == 8) { memcpy(&w, b + i, 8); mask = ~0ull; }
    else
      for (unsigned j = j0; j < j1; j++) { w |= (uint64_t)b[i + j - j0] << (8 * j); mask |= 0xffull << (8 * j); }
    v->digest += w * pattern_digest_weight(wi);
    if (v->file >= 0 && (w ^ pattern_word(v->file, wi * 8, 0)) & mask) {
      if (v->nexc < v->exc_cap) v->exc[v->nexc++] = (struct pexc){ (int64_t)wi * 8, w, mask, t_read };
      else {
        v->unchecked += __builtin_popcountll(mask) / 8;
        if (v->first_bad < 0) v->first_bad = (int64_t)p;
      }
    }
    i += j1 - j0;
  }
}

/* ------------------------------------------------------- the second pass: the versions legal for each byte */

/* The stores of the phase (the k-th mem_write wrote version k over [lo, hi) of file `file`, -2: bytes of several
 * files) and, per stream position, how many stores preceded the call that sent it (sent[]: the calls on the sink
 * in stream order, each [.., end) after e stores). A byte's legal versions are 0, the versions stores <= e wrote
 * to it (intact: changed before the call) and those stores > e wrote to it that began before the sink read it
 * (modified: the sharing hazard). Anything else is bad. */
static int covers(const struct store_rec *s, int64_t f, uint64_t o) {
  return (s->file == f || s->file == -2) && o >= s->lo && o < s->hi;
}

static int64_t stores_before_call(const struct sent_rec *sent, int64_t nsent, int64_t all, uint64_t pos) {
  for (int64_t i = 0; i < nsent; i++) if ((uint64_t)sent[i].end > pos) return sent[i].e;
  return all; /* sent by no recorded call (a file read back at teardown): every store preceded it */
}

/* Legality of version k for byte o read at time t, e stores having preceded the call that sent it: 2 intact (the
 * version at the call), 1 modified (written after the call, before the read), 0 not legal. Version
 * PATTERN_MAX_VERSION stands for every store from it on (their record is one, its time the first one's). */
static int legal(const struct store_rec *st, int64_t nst, int64_t f, uint64_t o, int64_t e, int64_t t, uint64_t k) {
  if (k == 0) return 2;
  if ((int64_t)k > nst) return 0;
  const struct store_rec *r = &st[k - 1];
  if (!covers(r, f, o)) return 0;
  if ((int64_t)k <= e) return 2;
  return r->t0 < t ? 1 : 0;
}

void pv_classify(struct pverify *v, const struct store_rec *st, int64_t nst, const struct sent_rec *sent, int64_t nsent) {
  int64_t f = v->file;
  if (f < 0) return;
  uint64_t kmax = (uint64_t)(nst < PATTERN_MAX_VERSION ? nst : PATTERN_MAX_VERSION);
  for (int64_t x = 0; x < v->nexc; x++) {
    const struct pexc *c = &v->exc[x];
    uint64_t P = (uint64_t)c->pos, w0 = pattern_word(f, P, 0);
    int64_t e = stores_before_call(sent, nsent, nst, P);
    /* the whole word at one version k over the bytes store k covered, version 0 elsewhere: the usual case. Its
     * bytes are then known to be version k even where a byte of version k happens to equal version 0's. */
    uint64_t diff = (c->w ^ w0) & c->mask, dmask = 0;
    for (int j = 0; j < 8; j++) if ((diff >> (8 * j)) & 0xff) dmask |= 0xffull << (8 * j);
    int whole = 0;
    for (uint64_t k = 1; k <= kmax && !whole; k++) {
      uint64_t wk = pattern_word(f, P, k);
      int ok = 1, verdict = 2, nk = 0;
      for (int j = 0; j < 8 && ok; j++) {
        if (!((c->mask >> (8 * j)) & 0xff)) continue;
        if (!covers(&st[k - 1], f, P + j)) { ok = !((dmask >> (8 * j)) & 0xff); continue; }
        int l = ((c->w ^ wk) >> (8 * j)) & 0xff ? 0 : legal(st, nst, f, P + j, e, c->t, k);
        if (!l) ok = 0;
        if (l < verdict) verdict = l;
        nk++;
      }
      if (ok && nk) {
        whole = 1;
        if (verdict == 1) v->modified += nk;
      }
    }
    if (whole) continue;
    for (int j = 0; j < 8; j++) {
      if (!((dmask >> (8 * j)) & 0xff)) continue;
      uint8_t got = (uint8_t)(c->w >> (8 * j));
      int best = 0;
      for (uint64_t k = 1; k <= kmax && best < 2; k++)
        if (got == pattern_byte(f, P + j, k)) { int l = legal(st, nst, f, P + j, e, c->t, k); if (l > best) best = l; }
      if (best == 1) v->modified++;
      else if (best == 0) {
        if (v->first_bad < 0 || (int64_t)(P + j) < v->first_bad) v->first_bad = (int64_t)(P + j);
        v->bad++;
      }
    }
  }
  v->bad += v->unchecked;
}

/* ---------------------------------------------------------------- the test hook */

/* ZCSIM_TEST_CORRUPT=kind:pos (tests only): a sink's received stream is damaged at stream position pos before it
 * is checked, so that the tests can show that the proof catches it. kind: zero (the byte becomes 0), flip (its bit
 * pos % 8 inverts), dup (it arrives twice), drop (it never arrives), swap (it and the next one trade places). */
int corrupt_parse(const char *s, struct corrupt *c) {
  static const char *const names[] = { "zero", "flip", "dup", "drop", "swap" };
  memset(c, 0, sizeof *c);
  c->kind = -1;
  if (!s || !*s) return 0;
  const char *colon = strchr(s, ':');
  if (!colon) return -1;
  for (int k = 0; k < 5; k++)
    if ((size_t)(colon - s) == strlen(names[k]) && !strncmp(s, names[k], strlen(names[k]))) c->kind = k;
  char *end;
  long long p = strtoll(colon + 1, &end, 10);
  if (c->kind < 0 || *end || p < 0) { c->kind = -1; return -1; }
  c->pos = p;
  return 0;
}

/* Passes a piece [in_pos, in_pos + n) of the stream to pv_feed, damaged as c says; out_pos is where the checker
 * sees it (a dup or a drop moves everything after it). */
void corrupt_feed(struct corrupt *c, struct pverify *v, uint64_t in_pos, const unsigned char *b, size_t n, int64_t t) {
  uint64_t p = (uint64_t)c->pos;
  if (c->kind < 0 || n == 0) { pv_feed(v, in_pos + (uint64_t)c->shift, b, n, t); return; }
  if (c->held_valid) { /* swap: the byte after pos goes first, then the held one */
    unsigned char two[2] = { b[0], c->held };
    c->held_valid = 0;
    pv_feed(v, p, two, 2, t);
    corrupt_feed(c, v, in_pos + 1, b + 1, n - 1, t);
    return;
  }
  if (p < in_pos || p >= in_pos + n || c->done) { pv_feed(v, in_pos + (uint64_t)c->shift, b, n, t); return; }
  size_t k = (size_t)(p - in_pos);
  c->done = 1;
  pv_feed(v, in_pos + (uint64_t)c->shift, b, k, t);
  unsigned char x = b[k];
  switch (c->kind) {
  case 0: x = 0; pv_feed(v, p, &x, 1, t); break;
  case 1: x ^= (unsigned char)(1u << (p % 8)); pv_feed(v, p, &x, 1, t); break;
  case 2: { unsigned char two[2] = { x, x }; pv_feed(v, p, two, 2, t); c->shift = 1; break; }
  case 3: c->shift = -1; break;
  case 4:
    if (k + 1 < n) { unsigned char two[2] = { b[k + 1], x }; pv_feed(v, p, two, 2, t); k++; }
    else { c->held = x; c->held_valid = 1; }
    break;
  }
  if (k + 1 < n) pv_feed(v, in_pos + k + 1 + (uint64_t)c->shift, b + k + 1, n - k - 1, t);
}

/* The end of the stream: a swap whose second byte never came delivers the held byte where it was. */
void corrupt_end(struct corrupt *c, struct pverify *v, uint64_t in_end, int64_t t) {
  if (c->held_valid) { c->held_valid = 0; pv_feed(v, in_end - 1 + (uint64_t)c->shift, &c->held, 1, t); }
}
