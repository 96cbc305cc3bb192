/*
 * The byte pattern (docs/program-format.md, "The byte pattern"): byte o of file f at version v is byte o % 8
 * (little-endian) of
 *
 *     W(f, o, v) = (o / 8) * 0x9E3779B97F4A7C15 + (f + 1) * 0xD1B54A32D192ED03 + v * 0x94D049BB133111EB
 *
 * Setup writes version 0; mem_write writes version k + 1; every sink checks what it received against it.
 */
#include <string.h>
#include "host.h"

uint64_t pattern_word(int64_t file, uint64_t off, uint64_t version) {
  return (off / 8) * 0x9E3779B97F4A7C15ull + (uint64_t)(file + 1) * 0xD1B54A32D192ED03ull +
         version * 0x94D049BB133111EBull;
}

uint8_t pattern_byte(int64_t file, uint64_t off, uint64_t version) {
  return (uint8_t)(pattern_word(file, off, version) >> (8 * (off % 8)));
}

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

/* Checks len received bytes that sit at stream position pos of file `file`: a byte equal to version 0 is intact,
 * equal to a version 1..PATTERN_MAX_VERSION is modified, anything else is bad. */
void pattern_check(int64_t file, uint64_t pos, const unsigned char *buf, size_t len, int64_t *bad, int64_t *modified,
                   int64_t *first_bad) {
  size_t i = 0;
  while (i < len) {
    uint64_t o = pos + i;
    if (o % 8 == 0 && i + 8 <= len) {
      uint64_t w, want = pattern_word(file, o, 0);
      memcpy(&w, buf + i, 8);
      if (w == want) { i += 8; continue; }
    }
    if (buf[i] != pattern_byte(file, o, 0)) {
      int found = 0;
      for (uint64_t v = 1; v <= PATTERN_MAX_VERSION && !found; v++) found = buf[i] == pattern_byte(file, o, v);
      if (found) (*modified)++;
      else {
        if (*bad == 0 && first_bad) *first_bad = (int64_t)o;
        (*bad)++;
      }
    }
    i++;
  }
}

/* Which file, offset and version an 8-byte word of the pattern is, if it is one: W is affine in o/8 with an odd
 * factor, so o/8 = (w - (f+1)*B - v*C) * A^-1 (mod 2^64); a word is recognised when that lands inside the file.
 * (A random word passes with a chance of about size/2^67.) Returns 1 and fills the identity, or 0. */
int pattern_identify(uint64_t w, int64_t *file, uint64_t *off, uint64_t *version) {
  const uint64_t A = 0x9E3779B97F4A7C15ull, B = 0xD1B54A32D192ED03ull, C = 0x94D049BB133111EBull;
  uint64_t inv = A;
  for (int i = 0; i < 6; i++) inv *= 2 - A * inv; /* Newton: A * inv = 1 (mod 2^64) */
  for (int64_t f = 0; f < H.nfiles; f++)
    for (uint64_t v = 0; v <= PATTERN_MAX_VERSION; v++) {
      uint64_t q = (w - (uint64_t)(f + 1) * B - v * C) * inv;
      if (q < ((uint64_t)H.files[f].size + 7) / 8) { *file = f; *off = q * 8; *version = v; return 1; }
    }
  return 0;
}
