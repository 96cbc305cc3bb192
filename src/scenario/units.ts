/** Sizes as scenario files write them: 4096, "4096", "64KiB", "1MiB", "2GiB", "512B". */

const UNITS: Record<string, number> = { B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4, PIB: 1024 ** 5, EIB: 1024 ** 6 };

/** The largest file a scenario may set up: the model keeps 4 KiB pages as identities, and a native run writes it. */
export const MAX_FILE_SIZE = 16 * 1024 ** 3;
/** The largest buffer a scenario may allocate. */
export const MAX_BUF_SIZE = 1024 ** 3;
/** All setup files together: the native host writes them (its own limit), the model keeps a record per page. */
export const MAX_FILES_TOTAL = 32 * 1024 ** 3;
/** All buffers together: the native host maps and pre-faults them (real memory, under its RLIMIT_AS), the model's
 * wasm32 memory holds their pages' records. */
export const MAX_BUFS_TOTAL = 4 * 1024 ** 3;
/** Setup files, sinks, buffers a scenario may declare (the engines' tables: the model's 64 inodes hold the setup
 * files, the file and null sinks and the files the program creates; the host's MAX_FILES, MAX_SINKS, MAX_BUFS). */
export const MAX_SETUP_FILES = 32;
export const MAX_SINKS = 16;
export const MAX_BUFFERS = 32;
/** Distinct names (files, sinks, buffers, paths) in one program: the host's MAX_STRINGS. */
export const MAX_NAMES = 4096;
/** Registers (bound names, loop counters, temporaries): the host's limit on nregs. */
export const MAX_REGISTERS = 65536;

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB|PiB|EiB)?\s*$/i;

/** Parses a size; returns undefined when `text` is not a size at all, throws a reason when it is a bad one. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === "number") {
    if (!Number.isFinite(text)) throw new Error(`${text} is not a finite number`);
    if (!Number.isInteger(text)) throw new Error(`${text} is not a whole number of bytes`);
    return text;
  }
  const m = SIZE_RE.exec(text);
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? "B").toUpperCase()];
  const bytes = Number(m[1]) * unit;
  if (!Number.isInteger(bytes)) throw new Error(`"${text}" is not a whole number of bytes`);
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text}" is too large`);
  return bytes;
}

/** Formats bytes the way scenario files write them: 65536 -> "64KiB". */
export function formatSize(bytes: number): string {
  for (const [unit, k] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= k && bytes % k === 0) return `${bytes / k}${unit}`;
  }
  return `${bytes}B`;
}
