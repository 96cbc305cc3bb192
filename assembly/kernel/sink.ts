// Sinks: where the payload ends up and is verified by identity (docs/program-format.md, "The byte pattern"). A
// sink checks each received byte at stream position p against file `expect`'s pattern at p, at any version; a
// version above 0 counts as modified. Zero-copy paths reach the sink with the page as it is when the receiver
// reads it; copying paths with what the copy captured.
import { Counter, Ev, SinkKind } from "../abi";
import { count } from "../counters";
import { ev } from "../trace";
import { frVerify, vBad, vModified } from "../mm/frames";

export const MAX_SINKS: i32 = 16;
const sKind = new StaticArray<i32>(MAX_SINKS);       // SinkKind
const sExpect = new StaticArray<i32>(MAX_SINKS);     // file id the sink must receive, -1: anything
const sBytes = new StaticArray<i64>(MAX_SINKS);      // bytes delivered
const sBad = new StaticArray<i64>(MAX_SINKS);        // bytes that were not the expected pattern
const sModified = new StaticArray<i64>(MAX_SINKS);   // bytes at a version above 0
const sNext = new StaticArray<i64>(MAX_SINKS);       // next stream position (stream sinks)
const sLazy = new StaticArray<bool>(MAX_SINKS);      // the peer reads only at peer_read / close
let sinks: i32 = 0;

export function sinkReset(): void { sinks = 0; }
export function sinkNew(kind: i32, expect: i32, lazy: bool): i32 {
  const s = sinks++;
  unchecked(sKind[s] = kind); unchecked(sExpect[s] = expect); unchecked(sBytes[s] = 0); unchecked(sBad[s] = 0); unchecked(sModified[s] = 0); unchecked(sNext[s] = 0); unchecked(sLazy[s] = lazy);
  return s;
}
export function sinkCount(): i32 { return sinks; }
@inline export function sinkKind(s: i32): i32 { return unchecked(sKind[s]); }
@inline export function sinkLazy(s: i32): bool { return unchecked(sLazy[s]); }
export function sinkBytes(s: i32): i64 { return unchecked(sBytes[s]); }
export function sinkBad(s: i32): i64 { return unchecked(sBad[s]); }
export function sinkModified(s: i32): i64 { return unchecked(sModified[s]); }
export function sinkExpect(s: i32): i32 { return unchecked(sExpect[s]); }

/** Receives bytes [off, off+len) of frame `pfn` at stream position `pos` (-1: the next position). */
export function sinkReceive(s: i32, pfn: u32, off: i32, len: i32, pos: i64): void {
  if (len <= 0) return;
  const p = pos < 0 ? unchecked(sNext[s]) : pos;
  frVerify(pfn, off, len, unchecked(sExpect[s]), p);
  unchecked(sBytes[s] = unchecked(sBytes[s]) + (len));
  unchecked(sBad[s] = unchecked(sBad[s]) + (vBad));
  unchecked(sModified[s] = unchecked(sModified[s]) + (vModified));
  if (p + len > unchecked(sNext[s])) unchecked(sNext[s] = p + len);
  count(Counter.DELIVERED_BYTES, len);
  count(Counter.DELIVERED_BAD, vBad);
  count(Counter.DELIVERED_MODIFIED, vModified);
  ev(Ev.DELIVER, s, len, vBad == 0 ? 1 : 0, vBad, vModified, 0);
}

/** /dev/null-like sinks receive bytes nobody reads: nothing to verify. */
export function sinkIsVerifying(s: i32): bool { return unchecked(sKind[s]) != SinkKind.null_; }
