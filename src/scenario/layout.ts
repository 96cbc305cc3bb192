/**
 * The program's layout (docs/program-format.md), in one place for everything in TypeScript that writes or reads
 * program words: the compiler lays a program out, calibration rewrites its knob section, the trace exports read its
 * strings and CALL instructions back. The engines read the same layout through the generated abi (Header, FileRec,
 * SinkRec, BufRec, CallInsn).
 *
 *   header  HEADER_WORDS   [MAGIC, VERSION, NREGS, NKNOBS, NSTRINGS, NFILES, NSINKS, NBUFS, NCODE, NPOOL]
 *   knobs   2 x NKNOBS      [id, value]...
 *   strings                 [nbytes, bytes packed 8 a word, little-endian]...
 *   files   FileRec.WORDS x NFILES   sinks SinkRec.WORDS x NSINKS   bufs BufRec.WORDS x NBUFS
 *   code    NCODE           pool NPOOL
 */
import { BufRec, FileRec, Header, HEADER_WORDS, PROGRAM_MAGIC, PROGRAM_VERSION, SinkRec } from "./abi.js";

/** What a program holds, section by section, before it is laid out in words. */
export interface ProgramSections {
  nregs: number;
  knobs: [number, number | bigint][];
  strings: string[];
  /** records of FileRec.WORDS, SinkRec.WORDS and BufRec.WORDS words, in their field order */
  files: (number | bigint)[][];
  sinks: (number | bigint)[][];
  bufs: (number | bigint)[][];
  code: bigint[];
  pool: bigint[];
}

/** A string's words: its byte count, then its UTF-8 bytes packed eight to a word. */
export function stringWords(s: string): bigint[] {
  const bytes = new TextEncoder().encode(s);
  const out = [BigInt(bytes.length)];
  for (let i = 0; i < bytes.length; i += 8) {
    let word = 0n;
    for (let j = 0; j < 8 && i + j < bytes.length; j++) word |= BigInt(bytes[i + j]) << BigInt(8 * j);
    out.push(word);
  }
  return out;
}

/** Lays the sections out as the engines read them. */
export function encodeProgram(p: ProgramSections): BigInt64Array {
  const header = new Array<bigint>(HEADER_WORDS).fill(0n);
  header[Header.MAGIC] = BigInt(PROGRAM_MAGIC);
  header[Header.VERSION] = BigInt(PROGRAM_VERSION);
  header[Header.NREGS] = BigInt(p.nregs);
  header[Header.NKNOBS] = BigInt(p.knobs.length);
  header[Header.NSTRINGS] = BigInt(p.strings.length);
  header[Header.NFILES] = BigInt(p.files.length);
  header[Header.NSINKS] = BigInt(p.sinks.length);
  header[Header.NBUFS] = BigInt(p.bufs.length);
  header[Header.NCODE] = BigInt(p.code.length);
  header[Header.NPOOL] = BigInt(p.pool.length);
  const w: bigint[] = header;
  for (const [k, v] of p.knobs) w.push(BigInt(k), BigInt(v));
  for (const s of p.strings) for (const x of stringWords(s)) w.push(x);
  const records = (rs: (number | bigint)[][], words: number) => {
    for (const r of rs) {
      if (r.length !== words) throw new Error(`a record of ${r.length} words, not ${words}`);
      for (const x of r) w.push(BigInt(x));
    }
  };
  records(p.files, FileRec.WORDS);
  records(p.sinks, SinkRec.WORDS);
  records(p.bufs, BufRec.WORDS);
  for (const x of p.code) w.push(x); // no spread: a program may hold 100,000s of words
  for (const x of p.pool) w.push(x);
  return BigInt64Array.from(w);
}

/** Where each section of a laid-out program starts (word offsets), and its strings. */
export interface ProgramMap {
  knobs: number;
  nknobs: number;
  strings: string[];
  files: number;
  nfiles: number;
  sinks: number;
  nsinks: number;
  bufs: number;
  nbufs: number;
  code: number;
  ncode: number;
  pool: number;
  npool: number;
}

/** Reads the header and walks the strings: the offsets of every section. */
export function mapProgram(words: BigInt64Array): ProgramMap {
  const h = (i: number) => Number(words[i]);
  const nknobs = h(Header.NKNOBS), nstrings = h(Header.NSTRINGS);
  let p = HEADER_WORDS + 2 * nknobs;
  const strings: string[] = [];
  for (let i = 0; i < nstrings; i++) {
    const nb = Number(words[p]);
    const bytes = new Uint8Array(nb);
    for (let j = 0; j < nb; j++) bytes[j] = Number((BigInt.asUintN(64, words[p + 1 + (j >> 3)]) >> BigInt((j & 7) * 8)) & 0xffn);
    strings.push(new TextDecoder().decode(bytes));
    p += 1 + Math.ceil(nb / 8);
  }
  const m = { knobs: HEADER_WORDS, nknobs, strings, nfiles: h(Header.NFILES), nsinks: h(Header.NSINKS), nbufs: h(Header.NBUFS), ncode: h(Header.NCODE), npool: h(Header.NPOOL) };
  const files = p;
  const sinks = files + FileRec.WORDS * m.nfiles;
  const bufs = sinks + SinkRec.WORDS * m.nsinks;
  const code = bufs + BufRec.WORDS * m.nbufs;
  return { ...m, files, sinks, bufs, code, pool: code + m.ncode };
}

/** The program's knob section as id -> value. */
export function readKnobs(words: BigInt64Array): Map<number, bigint> {
  const n = Number(words[Header.NKNOBS]);
  const knobs = new Map<number, bigint>();
  for (let i = 0; i < n; i++) knobs.set(Number(words[HEADER_WORDS + 2 * i]), words[HEADER_WORDS + 2 * i + 1]);
  return knobs;
}

/** A copy of the program with its knob section replaced by `knobs` (everything after it moves as one block). */
export function replaceKnobs(words: BigInt64Array, knobs: Map<number, bigint>): BigInt64Array {
  const rest = words.subarray(HEADER_WORDS + 2 * Number(words[Header.NKNOBS]));
  const out = new BigInt64Array(HEADER_WORDS + 2 * knobs.size + rest.length);
  out.set(words.subarray(0, HEADER_WORDS));
  out[Header.NKNOBS] = BigInt(knobs.size);
  let p = HEADER_WORDS;
  for (const [k, v] of knobs) { out[p++] = BigInt(k); out[p++] = v; }
  out.set(rest, p);
  return out;
}
