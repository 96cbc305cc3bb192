// CPU copies, and copies to and from user memory through the page tables (copy_to_user / copy_from_user).
// A copy moves identities frame to frame (frames.ts frCopy); each piece stays within one source page and one
// destination page. The process's copies count one op per call (a read()'s copy-out, a write()'s copy-in, a
// sendfile's linearization: what the native host derives, one per call that copies); the peer's count one op
// per skb it copies from (skb_copy_datagram_iter, the tracepoint skb:skb_copy_datagram_iovec). The first piece
// of an op carries e = 1 in its CPU_COPY event.
import { Counter, Ev, Knob, CopyWhat } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, psCost } from "../machine";
import { frCopy } from "./frames";
import { cacheTouch, CPU_PROCESS } from "./cache";
import { translate, FM_KERNEL, lastFault } from "./fault";

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

/** EFAULT-style outcome of the last user copy: the signal the fault raised (0: none). */
export let uaccessFault: i32 = 0;

/**
 * copy_to_user: bytes [soff, soff+len) of kernel frame `src` (len <= 4096 - soff) to user address `uaddr`.
 * Returns the bytes copied (short on a fault it could not fix: EFAULT).
 */
export function copyToUser(uaddr: i64, src: u32, soff: i32, len: i32, what: i32): i32 {
  let done = 0;
  uaccessFault = 0;
  while (done < len) {
    const va = uaddr + done;
    const pageOff = <i32>(va & 4095);
    let n = 4096 - pageOff;
    if (n > len - done) n = len - done;
    const dst = translate(va, true, FM_KERNEL);
    if (dst == 0) { uaccessFault = lastFault; break; }
    cpuCopyPiece(src, soff + done, dst, pageOff, n, what);
    done += n;
  }
  return done;
}

/** copy_from_user: `len` bytes at `uaddr` to [doff, doff+len) of kernel frame `dst`. Returns bytes copied. */
export function copyFromUser(uaddr: i64, dst: u32, doff: i32, len: i32, what: i32): i32 {
  let done = 0;
  uaccessFault = 0;
  while (done < len) {
    const va = uaddr + done;
    const pageOff = <i32>(va & 4095);
    let n = 4096 - pageOff;
    if (n > len - done) n = len - done;
    const src = translate(va, false, FM_KERNEL);
    if (src == 0) { uaccessFault = lastFault; break; }
    cpuCopyPiece(src, pageOff, dst, doff + done, n, what);
    done += n;
  }
  return done;
}

/** Whether [uaddr, uaddr+len) can be read (faulting it in): the frame of each page, for zero-copy users. */
export function userPageFor(va: i64, write: bool): u32 {
  const p = translate(va, write, FM_KERNEL);
  uaccessFault = p == 0 ? lastFault : 0;
  return p;
}
