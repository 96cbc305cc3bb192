/*
 * Test harness for native-host/pattern.c (test/native/proof.test.ts): the host's own pattern, delivery checker and
 * test hook, driven from stdin without a kernel run.
 *
 *   words                         stdin "f o v" lines -> W(f, o, v) in hex, one a line
 *   stream FILE SIZE              stdin "kind pos seed" lines (kind none|zero|flip|dup|drop|swap) -> "bytes bad
 *                                 modified digest": version 0 of FILE, damaged as told, fed in pieces of 1..9000
 *                                 bytes (seeded), checked with no store made
 *   versions                      fixed cases of the legal versions (see the test): "name bytes bad modified"
 *   identify F O V                pattern_identify of W(F, O, V) among 4 files of 1 MiB: "f o v" or "none"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"

static uint64_t rng(uint64_t *s) { return pattern_mix(*s += 0x9E3779B97F4A7C15ull); }

static void run(struct pverify *v, struct corrupt *c, const unsigned char *b, size_t n, uint64_t seed, int64_t t) {
  size_t at = 0;
  while (at < n) {
    size_t k = 1 + (size_t)(rng(&seed) % 9000);
    if (k > n - at) k = n - at;
    corrupt_feed(c, v, at, b + at, k, t);
    at += k;
  }
  corrupt_end(c, v, n, t);
}

static void versions(void) {
  /* file 0 of 64 KiB; store 1 wrote version 1 over [100, 200) at t = 10 */
  enum { N = 65536 };
  static unsigned char b[N];
  static struct pexc exc[N / 8 + 4];
  struct store_rec st[2] = { { 10, 0, 100, 200 }, { 30, 0, 150, 160 } };
  const struct { const char *name; int64_t e, t; int nst; int64_t badpos; } cases[] = {
    { "before-call", 1, 20, 1, -1 },    /* stored before the call that sent it: intact */
    { "after-call", 0, 20, 1, -1 },     /* stored after the call, before the read: modified */
    { "after-read", 0, 5, 1, -1 },      /* stored after the read: the bytes cannot be version 1: bad */
    { "after-call-bad", 0, 20, 1, 120 },/* one of the modified bytes is damaged besides: bad 1 */
    { "two-stores", 0, 40, 2, -1 },     /* stores 1 and 2 after the call: [100,150) and [160,200) v1, [150,160) v2 */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pattern_fill(0, 0, b, N);
    for (int o = 100; o < 200; o++) b[o] = pattern_byte(0, (uint64_t)o, 1);
    if (cases[i].nst == 2) for (int o = 150; o < 160; o++) b[o] = pattern_byte(0, (uint64_t)o, 2);
    if (cases[i].badpos >= 0) b[cases[i].badpos] ^= 0x40;
    struct pverify v = { .file = 0, .exc = exc, .exc_cap = N / 8 + 4, .first_bad = -1 };
    struct corrupt c = { .kind = -1 };
    run(&v, &c, b, N, 7 + i, cases[i].t);
    struct sent_rec sent[1] = { { N, cases[i].e } };
    pv_classify(&v, st, cases[i].nst, sent, 1);
    printf("%s %lld %lld %lld\n", cases[i].name, (long long)v.bytes, (long long)v.bad, (long long)v.modified);
  }
}

int main(int argc, char **argv) {
  char kind[16];
  if (argc >= 2 && !strcmp(argv[1], "words")) {
    long long f, o, v;
    while (scanf("%lld %lld %lld", &f, &o, &v) == 3) printf("%016llx\n", (unsigned long long)pattern_word(f, (uint64_t)o, (uint64_t)v));
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "stream")) {
    int64_t file = atoll(argv[2]);
    size_t n = (size_t)atoll(argv[3]);
    unsigned char *b = malloc(n);
    size_t cap = n / 8 + 4;
    struct pexc *exc = malloc(cap * sizeof *exc);
    pattern_fill(file, 0, b, n);
    long long pos;
    unsigned long long seed;
    char spec[64];
    while (scanf("%15s %lld %llu", kind, &pos, &seed) == 3) {
      struct corrupt c = { .kind = -1 };
      snprintf(spec, sizeof spec, "%s:%lld", kind, pos);
      if (strcmp(kind, "none") && corrupt_parse(spec, &c) < 0) { printf("bad spec\n"); continue; }
      struct pverify v = { .file = file, .exc = exc, .exc_cap = (int64_t)cap, .first_bad = -1 };
      run(&v, &c, b, n, seed, 1);
      pv_classify(&v, NULL, 0, NULL, 0);
      printf("%lld %lld %lld %016llx\n", (long long)v.bytes, (long long)v.bad, (long long)v.modified, (unsigned long long)v.digest);
      fflush(stdout);
    }
    return 0;
  }
  if (argc >= 2 && !strcmp(argv[1], "versions")) { versions(); return 0; }
  if (argc >= 5 && !strcmp(argv[1], "identify")) {
    int64_t sizes[4] = { 1 << 20, 1 << 20, 1 << 20, 1 << 20 }, f;
    uint64_t o, v;
    uint64_t w = pattern_word(atoll(argv[2]), (uint64_t)atoll(argv[3]), (uint64_t)atoll(argv[4]));
    if (pattern_identify(w, 4, sizes, &f, &o, &v)) printf("%lld %llu %llu\n", (long long)f, (unsigned long long)o, (unsigned long long)v);
    else printf("none\n");
    return 0;
  }
  fprintf(stderr, "usage: pattern-harness words | stream FILE SIZE | versions | identify F O V\n");
  return 2;
}
