// Sinks: where the payload ends up, and the delivery proof (docs/program-format.md, "The delivery proof"; the
// native host's is native-host/pattern.c). A sink that expects file f checks each received byte at stream
// position p by identity: it must be byte p of f, at a version legal for it when the sink read it:
//   version 0, or a version a store made before the call that sent it     intact
//   a version a store made after that call, before the sink read it       modified (the sharing hazard)
//   anything else (another file, another position, zeros, lost bytes)     bad
// Stores are numbered (the k-th mem_write of the phase writes version k, mm/frames.ts storeBegin), so "before the
// call" is "version <= the stores made before the call": each sink keeps, for its stream, how many stores
// preceded the calls that sent it (sinkSent, after every call, as the native host's derive_call does).
// Every sink also sums its stream's 64-bit digest from the bytes its identities stand for.
//
//   sent list (all sinks, in call order)
//   +------+-----------+---------+
//   | sink | stream end| stores  |   bytes [previous end of that sink, end) were sent after `stores` stores
//   +------+-----------+---------+
//
// A null sink's bytes are what the calls returned (write_null reads nothing): counted by sinkSent, never checked.
import { Counter, Ev, SinkKind } from "../abi";
import { count } from "../counters";
import { ev } from "../trace";
import { readRuns, runLo, runHi, runId, identFile, identBase, identVer, patternWord, digestWeight, storeSeq, IDENT_ZERO } from "../mm/frames";

export const MAX_SINKS: i32 = 16;
const sKind = new StaticArray<i32>(MAX_SINKS);       // SinkKind
const sExpect = new StaticArray<i32>(MAX_SINKS);     // file id the sink must receive, -1: anything (unverified)
const sBytes = new StaticArray<i64>(MAX_SINKS);      // bytes delivered
const sBad = new StaticArray<i64>(MAX_SINKS);        // bytes at no version legal for them
const sModified = new StaticArray<i64>(MAX_SINKS);   // bytes at a version written after the call that sent them
const sNext = new StaticArray<i64>(MAX_SINKS);       // next stream position (stream sinks)
const sLazy = new StaticArray<bool>(MAX_SINKS);      // the peer reads only at peer_read / close
const sDigest = new StaticArray<u64>(MAX_SINKS);     // the stream digest
const sWritten = new StaticArray<i64>(MAX_SINKS);    // bytes the calls returned as sent to it
const sCursor = new StaticArray<i32>(MAX_SINKS);     // where the last lookup in the sent list stopped
const sentSink: i32[] = [];
const sentEnd: i64[] = [];
const sentStores: i64[] = [];
let sinks: i32 = 0;
// the piece being delivered: its bad and modified bytes
let pBad: i64 = 0;
let pModified: i64 = 0;

export function sinkReset(): void {
  sinks = 0;
  sentSink.length = 0; sentEnd.length = 0; sentStores.length = 0;
  cDone = false; cShift = 0; cHeld = false;
}
export function sinkNew(kind: i32, expect: i32, lazy: bool): i32 {
  const s = sinks++;
  unchecked(sKind[s] = kind); unchecked(sExpect[s] = expect); unchecked(sBytes[s] = 0); unchecked(sBad[s] = 0); unchecked(sModified[s] = 0); unchecked(sNext[s] = 0); unchecked(sLazy[s] = lazy);
  unchecked(sDigest[s] = 0); unchecked(sWritten[s] = 0); unchecked(sCursor[s] = 0);
  return s;
}
export function sinkCount(): i32 { return sinks; }
@inline export function sinkKind(s: i32): i32 { return unchecked(sKind[s]); }
@inline export function sinkLazy(s: i32): bool { return unchecked(sLazy[s]); }
export function sinkBytes(s: i32): i64 { return unchecked(sBytes[s]); }
export function sinkBad(s: i32): i64 { return unchecked(sBad[s]); }
export function sinkModified(s: i32): i64 { return unchecked(sModified[s]); }
export function sinkExpect(s: i32): i32 { return unchecked(sExpect[s]); }
export function sinkDigest(s: i32): u64 { return unchecked(sDigest[s]); }

/** A call returned `bytes` as sent to sink `s` (native: derive_call's to_sink). A null sink receives them here. */
export function sinkSent(s: i32, bytes: i64): void {
  if (bytes <= 0) return;
  const w = unchecked(sWritten[s]) + bytes;
  unchecked(sWritten[s] = w);
  const n = sentSink.length;
  let last = -1;
  for (let i = n - 1; i >= 0; i--) if (unchecked(sentSink[i]) == s) { last = i; break; }
  if (last >= 0 && last == n - 1 && unchecked(sentStores[last]) == storeSeq) unchecked(sentEnd[last] = w);
  else { sentSink.push(s); sentEnd.push(w); sentStores.push(storeSeq); }
  if (unchecked(sKind[s]) == SinkKind.null_) {
    unchecked(sBytes[s] = unchecked(sBytes[s]) + bytes);
    count(Counter.DELIVERED_BYTES, bytes);
    ev(Ev.DELIVER, s, bytes, 1, 0, 0, 0);
  }
}

/** Stores made before the call that sent stream position `pos` of `s`, and (in lookEnd) where that call's bytes
 * end; a position no finished call sent yet is the current call's. A file sink is read back after every store. */
let lookEnd: i64 = 0;
function storesBeforeCall(s: i32, pos: i64): i64 {
  lookEnd = <i64>0x7fffffffffffffff;
  if (unchecked(sKind[s]) == SinkKind.file) return storeSeq;
  const n = sentSink.length;
  for (let i = unchecked(sCursor[s]); i < n; i++) {
    if (unchecked(sentSink[i]) != s || unchecked(sentEnd[i]) <= pos) continue;
    unchecked(sCursor[s] = i);
    lookEnd = unchecked(sentEnd[i]);
    return unchecked(sentStores[i]);
  }
  return storeSeq;
}

/** Whether the digest is summed (RunOptions.digest): about 3 ns per 8 bytes, ten times the model's own work on a
 * zero-copy transfer, so that bulk runs (calibration) can leave it out. Not reset by a run. */
let digestOn: bool = true;
export function sinkSetDigest(on: bool): void { digestOn = on; }

/** Adds bytes [q, q+n) of the stream, which are bytes [so, so+n) of file `f` at version `v` (f < 0: zeros), to
 * the digest: D += w_i * R_i over the stream words (native-host/pattern.c). */
function digestRun(s: i32, f: i32, so: i64, v: i32, q: i64, n: i64): void {
  if (f < 0 || n <= 0 || !digestOn) return;
  let d = unchecked(sDigest[s]);
  const end = q + n;
  if (((so - q) & 7) == 0) {
    // the usual case: stream words are file words; whole ones need no mask
    let i = (q + 7) >> 3;
    const last = end >> 3;
    if (i < last) {
      let src = so + ((i << 3) - q);
      for (; i < last; i++) { d += patternWord(f, src, v) * digestWeight(i); src += 8; }
      if (q & 7) d += partialWord(f, so, v, q, end, q >> 3);
      if (end & 7) d += partialWord(f, so, v, q, end, last);
      unchecked(sDigest[s] = d);
      return;
    }
  }
  for (let i = q >> 3; (i << 3) < end; i++) d += partialWord(f, so, v, q, end, i);
  unchecked(sDigest[s] = d);
}

/** The digest term of stream word i, of which bytes [q, end) are bytes so + (p - q) of file f at version v. */
function partialWord(f: i32, so: i64, v: i32, q: i64, end: i64, i: i64): u64 {
  const ws = i << 3;
  const a = ws > q ? ws : q, b = ws + 8 < end ? ws + 8 : end;
  const src = so + (ws - q); // file offset of the stream word's first byte (may lie outside the run: masked)
  const sh = <i32>(src & 7);
  let w: u64 = patternWord(f, src & ~7, v);
  if (sh != 0) w = (w >> (<u64>(8 * sh))) | (patternWord(f, (src & ~7) + 8, v) << (<u64>(64 - 8 * sh)));
  const lo = <i32>(a - ws), hi = <i32>(b - ws);
  const mask: u64 = (hi == 8 ? <u64>0xffffffffffffffff : ((<u64>1 << (<u64>(8 * hi))) - 1)) & ~((<u64>1 << (<u64>(8 * lo))) - 1);
  return (w & mask) * digestWeight(i);
}

/** Checks and digests a run of one identity: n bytes at stream position q, byte 0 of which is byte `so` of file
 * `f` at version `v` (identity `id`). */
function deliverRun(s: i32, id: u64, q: i64, n: i64): void {
  const f = identFile(id);
  const so = identBase(id);
  const v = identVer(id);
  const known = f >= 0 && f < 0xffe;
  digestRun(s, known ? f : -1, so, v, q, n);
  const expect = unchecked(sExpect[s]);
  if (expect < 0) return;
  if (!known || f != expect || so != q) { pBad += n; return; }
  if (v == 0) return;
  // split by the calls that sent it: version v is legal at the call if store v preceded it
  let at = q;
  while (at < q + n) {
    const e = storesBeforeCall(s, at);
    const m = lookEnd - at < q + n - at ? lookEnd - at : q + n - at;
    if (<i64>v <= e) {} // changed before the call: intact
    else if (<i64>v <= storeSeq) pModified += m;
    else pBad += m;
    at += m;
  }
}

/** Delivers bytes [off, off+len) of frame `pfn` at stream position q. */
function deliverFrame(s: i32, pfn: u32, off: i32, len: i32, q: i64): void {
  if (len <= 0) return;
  const n = readRuns(pfn, off, off + len);
  for (let i = 0; i < n; i++) {
    const lo = runLo(i);
    const id = runId(i);
    // the run's identity is position-independent: byte lo of the frame is byte base + lo of the file
    deliverRun(s, identFile(id) >= 0 && identFile(id) < 0xffe ? shiftBase(id, lo) : id, q + <i64>(lo - off), <i64>(runHi(i) - lo));
  }
}
/** the identity whose byte 0 is byte `lo` of `id`'s page */
@inline function shiftBase(id: u64, lo: i32): u64 { return (id & ~(<u64>0xffffffffff)) | ((id + <u64>lo) & 0xffffffffff); }

// ---- the test hook (RunOptions.testCorrupt; native: ZCSIM_TEST_CORRUPT) --------------------------------------
// kind 0 zero, 1 flip, 2 dup, 3 drop, 4 swap the byte at stream position cPos, for the tests of the proof only
let cKind: i32 = -1;
let cPos: i64 = 0;
let cDone: bool = false;
let cShift: i64 = 0;
let cHeld: bool = false;
let cHeldId: u64 = 0;
export function sinkTestCorrupt(kind: i32, pos: i64): void { cKind = kind; cPos = pos; }

/** One byte whose value is not an identity (a flipped bit): bad, and its value in the digest. */
function deliverValue(s: i32, q: i64, value: u64): void {
  let d = unchecked(sDigest[s]);
  d += (value << (<u64>(8 * (q & 7)))) * digestWeight(q >> 3);
  unchecked(sDigest[s] = d);
  if (unchecked(sExpect[s]) >= 0) pBad += 1;
}

function byteId(pfn: u32, off: i32): u64 {
  readRuns(pfn, off, off + 1);
  const id = runId(0);
  return identFile(id) >= 0 && identFile(id) < 0xffe ? shiftBase(id, off) : id;
}

/** Delivers a piece at input stream position p, damaged as the test hook says. Returns the bytes delivered. */
function deliverPiece(s: i32, pfn: u32, off: i32, len: i32, p: i64): i64 {
  if (cKind < 0 || len <= 0) { deliverFrame(s, pfn, off, len, p + cShift); return len; }
  if (cHeld) { // swap across two pieces: this piece's first byte goes first, then the held one
    cHeld = false;
    deliverRun(s, byteId(pfn, off), cPos, 1);
    deliverRun(s, cHeldId, cPos + 1, 1);
    deliverFrame(s, pfn, off + 1, len - 1, p + 1);
    return len;
  }
  if (cDone || cPos < p || cPos >= p + len) { deliverFrame(s, pfn, off, len, p + cShift); return len; }
  cDone = true;
  const k = <i32>(cPos - p);
  deliverFrame(s, pfn, off, k, p);
  let out: i64 = len;
  let rest = k + 1;
  const id = byteId(pfn, off + k);
  if (cKind == 0) deliverRun(s, IDENT_ZERO, cPos, 1);
  else if (cKind == 1) {
    const f = identFile(id), so = identBase(id);
    const b: u64 = f >= 0 && f < 0xffe ? (patternWord(f, so & ~7, identVer(id)) >> (<u64>(8 * (so & 7)))) & 0xff : 0;
    deliverValue(s, cPos, b ^ (<u64>1 << (<u64>(cPos & 7))));
  } else if (cKind == 2) { deliverRun(s, id, cPos, 1); deliverRun(s, id, cPos + 1, 1); cShift = 1; out++; }
  else if (cKind == 3) { cShift = -1; out--; }
  else if (cKind == 4) {
    if (k + 1 < len) { deliverRun(s, byteId(pfn, off + k + 1), cPos, 1); deliverRun(s, id, cPos + 1, 1); rest = k + 2; }
    else { cHeld = true; cHeldId = id; }
  }
  deliverFrame(s, pfn, off + rest, len - rest, p + <i64>rest + cShift);
  return out;
}

/** Receives bytes [off, off+len) of frame `pfn` at stream position `pos` (-1: the next position). */
export function sinkReceive(s: i32, pfn: u32, off: i32, len: i32, pos: i64): void {
  if (len <= 0) return;
  const p = pos < 0 ? unchecked(sNext[s]) : pos;
  pBad = 0;
  pModified = 0;
  const got = deliverPiece(s, pfn, off, len, p);
  unchecked(sBytes[s] = unchecked(sBytes[s]) + got);
  unchecked(sBad[s] = unchecked(sBad[s]) + pBad);
  unchecked(sModified[s] = unchecked(sModified[s]) + pModified);
  if (p + len > unchecked(sNext[s])) unchecked(sNext[s] = p + len);
  count(Counter.DELIVERED_BYTES, got);
  count(Counter.DELIVERED_BAD, pBad);
  count(Counter.DELIVERED_MODIFIED, pModified);
  ev(Ev.DELIVER, s, got, pBad == 0 ? 1 : 0, pBad, pModified, 0);
}

/** /dev/null-like sinks receive bytes nobody reads: nothing to verify. */
export function sinkIsVerifying(s: i32): bool { return unchecked(sKind[s]) != SinkKind.null_; }
