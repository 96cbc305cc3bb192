// The CPU's copies from frame to frame (memcpy, copy_page; arch/x86/lib): each moves identities (frames.ts frCopy)
// and is counted and costed here, whoever makes it: the process's calls (copy_to_user, a write's copy-in, a COW
// break, an skb's linearization) count one op per call; the peer's count one op per skb it copies from
// (skb_copy_datagram_iter, the tracepoint skb:skb_copy_datagram_iovec). The first piece of an op carries e = 1 in
// its CPU_COPY event. Each piece stays within one source page and one destination page.
import { Counter, Ev, Knob, CopyWhat } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, psCost } from "../machine";
import { frCopy } from "./frames";
import { cacheTouch, CPU_PROCESS } from "./cache";

let callCopied: bool = false;   // the current call (or user op) has counted its copy op
let peerArmed: bool = false;    // the peer's next piece starts a new op (a new skb)

/** A call or a user op begins: its first copy will count one op. */
export function cpuCopyCallStart(): void { callCopied = false; }

/** The peer starts copying from a new skb: its first piece counts one op. */
export function cpuCopyBegin(): void { peerArmed = true; }

/** One piece of a CPU copy: identities of [soff, soff+len) of `src` to [doff, ...) of `dst`. */
export function cpuCopyPiece(src: u32, soff: i32, dst: u32, doff: i32, len: i32, what: i32): void {
  if (len <= 0) return;
  frCopy(src, soff, dst, doff, len);
  let first = 0;
  let c: i64 = 0;
  if (what == CopyWhat.PEER_TO_USER) {
    if (peerArmed) { count(Counter.PEER_COPY_OPS, 1); first = 1; }
    peerArmed = false;
    count(Counter.PEER_COPY_BYTES, len);
    // its cost is the peer's, on its own CPU and clock (socket.ts peerRead): the sender waits for it only when
    // the buffers are full (its cache is not kept: its cost per byte is measured whole, cache.ts)
  } else {
    c = psCost(len, knob(what == CopyWhat.LINEARIZE ? Knob.COST_LINEARIZE_PS_PER_BYTE : Knob.COST_COPY_PS_PER_BYTE));
    if (!callCopied) { count(Counter.CPU_COPY_OPS, 1); first = 1; c += knob(Knob.COST_COPY_OP_NS); }
    callCopied = true;
    count(Counter.CPU_COPY_BYTES, len);
    spend(c);
  }
  ev(Ev.CPU_COPY, src, dst, len, what, first, c);
  if (what != CopyWhat.PEER_TO_USER) {
    // lines the copy had to fetch: its source not in this CPU's cache, its destination not either (written lines
    // are fetched before they are written)
    if (!cacheTouch(src, soff, len, CPU_PROCESS, false)) cacheMiss(src, len, 0, Knob.COST_COPY_COLD_SRC_PS_PER_BYTE, Counter.COPY_COLD_SRC_BYTES);
    if (!cacheTouch(dst, doff, len, CPU_PROCESS, true)) cacheMiss(dst, len, 1, Knob.COST_COPY_COLD_DST_PS_PER_BYTE, Counter.COPY_COLD_DST_BYTES);
  }
}

/** A copy's `len` bytes of frame `pfn` were not in the process's CPU's cache: their extra cost. */
function cacheMiss(pfn: u32, len: i32, dst: i32, costKnob: i32, counterId: i32): void {
  const c = psCost(len, knob(costKnob));
  count(counterId, len);
  spend(c);
  ev(Ev.CACHE_MISS, pfn, len, dst, 0, 0, c);
}
