// TCP sockets connected to a sink: the loopback peer (sink `tcp`) or the simulated NIC (sink `nic`).
//
// tcp_sendmsg builds skbs of at most TCP_GSO_MAX payload bytes. Data from user memory is copied into the task's
// page fragment and referenced as frags. Pages from a pipe (splice, sendfile: MSG_SPLICE_PAGES) and MSG_ZEROCOPY's
// user pages become frags by reference, marked shared (SKBFL_SHARED_FRAG). A TCP socket's route always gathers and
// sums (sk_setup_caps), so these skbs are the same whatever the device: a NIC without SG or checksum offload makes
// its copies and sums at transmit (dev/nic.ts). A receiver on this machine (loopback, the NIC's veth peer) copies
// MSG_ZEROCOPY's user pages at receive (skb_orphan_frags_rx).
// A full skb is transmitted at once; the sender may have at most SNDBUF (+ RCVBUF on loopback, where the peer
// holds the rest) bytes in skbs not yet freed, and sleeps (a voluntary context switch) while the peer reads or
// the NIC completes. A lazy peer reads nothing until peer_read or close: a sender that would then wait forever
// returns what it has sent (the model's stand-in for a blocking call that never returns).
//
// The peer (another process, counted apart in PEER_*) reads with recv() of PEER_BUF_BYTES: for each skb it
// copies from (skb_copy_datagram_iter: the tracepoint skb:skb_copy_datagram_iovec), then verifies what landed in
// its buffer. Zero-copy data is read from the page as it is at that moment.
//
// Two CPUs, two clocks. The sender's clock is TIME_NS; the peer runs on a CPU of its own (the native host pins it
// there) with its own clock, kPeerClock. An eager peer reads what is queued after each of the sender's calls, in
// order; in time, each copy starts when both the peer is free and the skb has arrived (its stamp), and ends a
// recv's cost later. The bytes it frees are free for the sender only from then on: kBacklog holds the reads whose
// end is still ahead of the sender's clock. A sender that finds the socket buffers full in time sleeps until the
// peer's clock says there is room. So a peer slower than the sender holds it back by exactly as much as it is
// slower, past the buffers' worth; a faster one never does.
//
//   sender clock ---[call]--[call]--[call]----------[sleep: buffers full]--[call]-->
//                       \skb   \skb   \skb                 ^ room at the peer's clock
//   peer clock   --------[copy]--[copy]--[copy]--[copy]--[copy]------------------->
import { Counter, Ev, Knob, CopyWhat, Call, Errno } from "../abi";
import { count, counter, spend } from "../counters";
import { ev, spendQuiet } from "../trace";
import { knob, psCost } from "../machine";
import { frAlloc, frInitRef, frRef, putPage, FK_KBUF } from "../mm/frames";
import { cpuCopyBegin, cpuCopyPiece, copyFromUser, uaccessFault } from "../mm/usercopy";
import {
  skbAlloc, skbSeal, skbLen, skbAddFrag, skbFree,
  skbNext, skbSetNext, skbConsumed, skbSetConsumed, skbByte, atPfn, atOff, atRun, skbId, FRAG_MAX,
  skbZc, skbSetZc, skbNfrags, fragPfn, fragOff, fragLen, skbLinearize, setZcFreeHook, skbStamp, skbSetStamp,
  skbFlags, skbSetFlags, SKBFL_SHARED_FRAG, skbSock,
} from "./skb";
import { translate, FM_GUP } from "../mm/fault";
import { loXmit, nicXmit, nicClean, nicProcess } from "./netdevice";
import { sinkReceive, sinkLazy, sinkExpect } from "./sink";
import { sleepFor, WAIT_SOCKET, inoSizeOf } from "../mm/pagecache";

export const ROUTE_LO: i32 = 1;
export const ROUTE_NIC: i32 = 2;
export const MAX_SOCKS: i32 = 16;

const kRoute = new StaticArray<i32>(MAX_SOCKS);      // ROUTE_*
const kSink = new StaticArray<i32>(MAX_SOCKS);       // the sink at the other end
const kCur = new StaticArray<i32>(MAX_SOCKS);        // skb being filled, -1
const kInflight = new StaticArray<i64>(MAX_SOCKS);   // bytes in skbs sent and not yet freed (sk_wmem_queued)
const kQHead = new StaticArray<i32>(MAX_SOCKS);      // the peer's receive queue (skbs), oldest first
const kQTail = new StaticArray<i32>(MAX_SOCKS);
const kQBytes = new StaticArray<i64>(MAX_SOCKS);     // unread bytes in the peer's receive queue
const kPeerBuf = new StaticArray<usize>(MAX_SOCKS);  // u32[] the peer's recv() buffer frames
const kPeerPages = new StaticArray<i32>(MAX_SOCKS);  // pages in the peer's buffer
const kClosed = new StaticArray<bool>(MAX_SOCKS);    // the sender closed (the peer drains and stops)
const kZc = new StaticArray<bool>(MAX_SOCKS);        // SO_ZEROCOPY set
const kZcNext = new StaticArray<i32>(MAX_SOCKS);     // the id the next MSG_ZEROCOPY send gets
const kPeerTotal = new StaticArray<i64>(MAX_SOCKS);  // bytes the peer has copied out in the phase
const kPeerClock = new StaticArray<i64>(MAX_SOCKS);  // the peer's CPU: when it is done with what it has read (ns)
// the peer's reads not yet over on the sender's clock, oldest first: a ring of BACKLOG_MAX [end ns, bytes] pairs
const BACKLOG_MAX: i32 = 1024;
const kBacklog = new StaticArray<usize>(MAX_SOCKS);  // i64[2 * BACKLOG_MAX]
const kBlHead = new StaticArray<i32>(MAX_SOCKS);
const kBlLen = new StaticArray<i32>(MAX_SOCKS);
const kBlBytes = new StaticArray<i64>(MAX_SOCKS);    // bytes in the backlog
const kHeld = new StaticArray<bool>(MAX_SOCKS);      // kCur is a sub-MSS skb Nagle's algorithm holds back
// Nagle's view of the byte stream (ACKs are cumulative):  acked ........ smallEnd ........ sndNxt
const kSndNxt = new StaticArray<i64>(MAX_SOCKS);     // snd_nxt: bytes transmitted
const kAcked = new StaticArray<i64>(MAX_SOCKS);      // snd_una: bytes the peer has acknowledged
const kSmallEnd = new StaticArray<i64>(MAX_SOCKS);   // the end of the last sub-MSS skb transmitted (snd_sml)
const kSmallAckAt = new StaticArray<i64>(MAX_SOCKS); // when the peer's read that acknowledged it ends, on its clock
const kRcvbuf = new StaticArray<i64>(MAX_SOCKS);     // the peer's receive buffer (sk_rcvbuf) in payload bytes
let socks: i32 = 0;

// MSG_ZEROCOPY bookkeeping: per send id, the skbs still holding its pages, and whether any was copied; per
// socket, the error queue of completions [lo, hi, copied] (consecutive completions merge, as the kernel's do)
const ZC_MAX: i32 = 512;
const zcSkbs = new StaticArray<i32>(MAX_SOCKS * ZC_MAX);     // skbs outstanding per (socket, id % ZC_MAX)
const zcCopied = new StaticArray<bool>(MAX_SOCKS * ZC_MAX);  // some of its data was copied after all
const EQ_MAX: i32 = 256;
const eqLo = new StaticArray<i32>(MAX_SOCKS * EQ_MAX);       // error queue, per socket a ring of EQ_MAX
const eqHi = new StaticArray<i32>(MAX_SOCKS * EQ_MAX);
const eqCopied = new StaticArray<bool>(MAX_SOCKS * EQ_MAX);
const eqHead = new StaticArray<i32>(MAX_SOCKS);              // oldest queued completion
const eqTail = new StaticArray<i32>(MAX_SOCKS);              // next free slot

// The wake-up latency's spread: xorshift32, seeded alike at every run (the same program gives the same run).
let wakeRng: u32 = 0x9e3779b9;

/** One wake-up's latency: COST_PEER_WAKE_LATENCY_NS, spread evenly by +-PEER_WAKE_JITTER_PCT per cent. */
function wakeLatency(): i64 {
  const l = knob(Knob.COST_PEER_WAKE_LATENCY_NS);
  const pct = knob(Knob.PEER_WAKE_JITTER_PCT);
  if (pct <= 0 || l <= 0) return l;
  let x = wakeRng;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  wakeRng = x;
  // u in [-1, 1): the latency in [l * (1 - pct/100), l * (1 + pct/100))
  const u = <f64>x / 2147483648.0 - 1.0;
  const p = pct > 100 ? 100 : pct;
  return <i64>(<f64>l * (1.0 + u * <f64>p / 100.0));
}

export function sockReset(): void {
  wakeRng = 0x9e3779b9;
  pfPfn = 0; pfOff = 0;
  for (let i = 0; i < socks; i++) {
    if (unchecked(kPeerBuf[i]) != 0) heap.free(unchecked(kPeerBuf[i]));
    if (unchecked(kBacklog[i]) != 0) heap.free(unchecked(kBacklog[i]));
  }
  socks = 0;
}

export function sockNew(route: i32, sink: i32): i32 {
  const k = socks++;
  unchecked(kRoute[k] = route); unchecked(kSink[k] = sink); unchecked(kCur[k] = -1); unchecked(kInflight[k] = 0);
  unchecked(kQHead[k] = -1); unchecked(kQTail[k] = -1); unchecked(kQBytes[k] = 0); unchecked(kClosed[k] = false); unchecked(kZc[k] = false);
  unchecked(kZcNext[k] = 0); unchecked(eqHead[k] = 0); unchecked(eqTail[k] = 0);
  unchecked(kPeerTotal[k] = 0); unchecked(kPeerClock[k] = 0);
  unchecked(kBacklog[k] = heap.alloc(<usize>BACKLOG_MAX << 4));
  unchecked(kBlHead[k] = 0); unchecked(kBlLen[k] = 0); unchecked(kBlBytes[k] = 0); unchecked(kHeld[k] = false);
  unchecked(kSndNxt[k] = 0); unchecked(kAcked[k] = 0); unchecked(kSmallEnd[k] = 0); unchecked(kSmallAckAt[k] = 0);
  unchecked(kGoal[k] = sizeGoal(k));
  unchecked(kRcvbuf[k] = peerRcvbuf(sink));
  setZcFreeHook(zcSkbFreed);
  const pages = <i32>((knob(Knob.PEER_BUF_BYTES) + 4095) >> 12);
  unchecked(kPeerPages[k] = pages);
  unchecked(kPeerBuf[k] = heap.alloc(<usize>pages << 2));
  for (let i = 0; i < pages; i++) {
    const p = frAlloc(0, FK_KBUF);
    frInitRef(p, 1);
    store<u32>(unchecked(kPeerBuf[k]) + (<usize>i << 2), p);
  }
  return k;
}
export function sockRoute(k: i32): i32 { return unchecked(kRoute[k]); }
export function sockSink(k: i32): i32 { return unchecked(kSink[k]); }
export function sockSetZc(k: i32, on: bool): void { unchecked(kZc[k] = on); }
export function sockZc(k: i32): bool { return unchecked(kZc[k]); }
export function sockClosed(k: i32): bool { return unchecked(kClosed[k]); }
/** The device's own features: loopback has them all; the NIC what was set. A TCP socket's route caps have
 *  scatter-gather and checksumming whatever the device has (sk_setup_caps: TCP always does GSO, in software when
 *  the device cannot), so the socket layer builds the same skbs either way, MSG_ZEROCOPY's included (its `zc` is
 *  sk_route_caps & NETIF_F_SG); a device that lacks them costs its copies at transmit (nicXmit). */
export function routeSG(k: i32): bool { return true; }

// sk_page_frag: the task's page fragment (current->task_frag) that tcp_sendmsg copies user data into, 32 KiB
// (SKB_FRAG_PAGE_ORDER 3); skb_page_frag_refill starts it over when only it holds the page, takes a new one when full
const PFRAG_ORDER: i32 = 3;
const PFRAG_SIZE: i32 = 4096 << PFRAG_ORDER;
let pfPfn: u32 = 0;     // the fragment page (a folio head), 0 = none
let pfOff: i32 = 0;     // the next free byte in it
function pfragRefill(): void {
  if (pfPfn != 0) {
    if (frRef(pfPfn) == 1) { pfOff = 0; return; }
    if (pfOff < PFRAG_SIZE) return;
    putPage(pfPfn);
  }
  pfPfn = frAlloc(PFRAG_ORDER, FK_KBUF);
  frInitRef(pfPfn, 1);
  pfOff = 0;
  spendQuiet(knob(Knob.COST_PAGE_ALLOC_NS));
}

/**
 * The peer's receive buffer. TCP_RCVBUF set: that (SO_RCVBUF). Autotuned (0): tcp_rmem's ceiling (TCP_RMEM_MAX), except for a
 * lazy peer, whose listener the setup sizes (SO_RCVBUFFORCE, as the native host does) to hold twice the file it
 * expects and 4 MiB more, at most 256 MiB: held back, it must not block the sender for good.
 */
function peerRcvbuf(sink: i32): i64 {
  const set = knob(Knob.TCP_RCVBUF);
  if (set > 0) return set;
  const ceiling = knob(Knob.TCP_RMEM_MAX);
  if (!sinkLazy(sink)) return ceiling;
  const e = sinkExpect(sink);
  let want: i64 = (e >= 0 ? 2 * inoSizeOf(e + 1) : 0) + (4 << 20);
  if (want > (256 << 20)) want = 256 << 20;
  return want > ceiling ? want : ceiling;
}

/**
 * The bytes a sender may have sent and not yet seen read. They are the sender's (sk_wmem_queued) until the
 * receiver ACKs them, and the receiver ACKs what it queued only when its reader frees room: a full frame gets
 * an ACK on arrival only if the window's right edge then advances (__tcp_ack_snd_check), and otherwise the ACK
 * goes out with the read (tcp_cleanup_rbuf). So an eager peer that lags holds nothing the sender has been told of:
 * the connection holds at most the send buffer (measured with cubic, the peer the slower side: 4.2 MB queued at
 * the sender, tb 3.9 MB; the 1.5 MB in the peer's queue all unacknowledged). A lazy peer, which reads nothing,
 * ACKs on arrival until its receive buffer is full: the send buffer and the receive buffer.
 */
function limit(k: i32): i64 {
  const set = knob(Knob.TCP_SNDBUF);
  const snd = set > 0 ? set : knob(Knob.TCP_WMEM_MAX);
  return unchecked(kRoute[k]) == ROUTE_LO && sinkLazy(unchecked(kSink[k])) ? snd + unchecked(kRcvbuf[k]) : snd;
}

/** Transmits skb `s` on the socket's route. */
function xmit(k: i32, s: i32): void {
  skbSeal(s);
  unchecked(kInflight[k] = unchecked(kInflight[k]) + (skbLen(s)));
  if (unchecked(kRoute[k]) == ROUTE_LO) {
    loXmit(s);
    skbSetStamp(s, counter(Counter.TIME_NS));
    const end = unchecked(kSndNxt[k]) + skbLen(s);
    unchecked(kSndNxt[k] = end);
    if (skbLen(s) < MSS_LO) unchecked(kSmallEnd[k] = end);
    else {
      // a full frame is acknowledged on arrival, by the receiving softirq on this CPU (__tcp_ack_snd_check), and
      // the ACK covers every byte before it: sub-MSS skbs still unread included
      unchecked(kAcked[k] = end);
      unchecked(kSmallAckAt[k] = 0);
    }
    if (skbNfrags(s) > 0) zcOrphanRx(s);
    skbSetNext(s, -1);
    if (unchecked(kQTail[k]) >= 0) skbSetNext(unchecked(kQTail[k]), s); else unchecked(kQHead[k] = s);
    unchecked(kQTail[k] = s);
    unchecked(kQBytes[k] = unchecked(kQBytes[k]) + (skbLen(s)));
  } else {
    nicXmit(s);
  }
}

/**
 * The end of a send call's tcp_push, with Nagle's algorithm (tcp_nagle_check; no TCP_NODELAY): on loopback a
 * sub-MSS skb is held while data sent earlier is still unacknowledged (smallUnacked), and the next send appends
 * to it: 4 KiB writes go out as skbs of tens of KiB. The page paths (sendfile, splice) end each tcp_sendmsg here
 * too: with MSG_MORE tcp_push corks the tail, but release_sock then processes the ACKs the call's full segments
 * drew, and tcp_data_snd_check pushes the tail under Nagle's rule, not the cork's (measured: a 64 KiB sendfile
 * step leaves as a 65483-byte skb and, about 4 times in 5, a 53-byte one).
 */
export function tcpPushEnd(k: i32, more: bool = false): void {
  const s = unchecked(kCur[k]);
  if (s < 0) return;
  // MSG_MORE through a NIC: corked until it fills (its ACKs come from the wire, after the call)
  if (more && unchecked(kRoute[k]) != ROUTE_LO) return;
  // (not for a lazy peer: its ACKs come from the delayed-ACK timer, not its reads, which the model has no clock for)
  if (unchecked(kRoute[k]) == ROUTE_LO && !sinkLazy(unchecked(kSink[k])) && skbLen(s) > 0 && skbLen(s) < MSS_LO &&
      smallUnacked(k)) { unchecked(kHeld[k] = true); return; }
  tcpPush(k);
}

/** Before a send: an skb Nagle held has gone out if the ACK it waited for came meanwhile (tcp_data_snd_check);
 *  if not, this send appends to it. */
function nagleRelease(k: i32): void {
  if (!unchecked(kHeld[k])) return;
  unchecked(kHeld[k] = false);   // sent now, or this call appends to it and its end decides again
  if (unchecked(kCur[k]) >= 0 && !smallUnacked(k)) tcpPush(k);
}

/** A sub-MSS skb sent and not yet acknowledged (tcp_minshall_check), as on loopback: a full-sized segment is
 *  acknowledged at once, in the receiving softirq (__tcp_ack_snd_check: a full frame received), and so is all
 *  before it; a sub-MSS one otherwise only when the peer reads it (the delayed ACK goes out with the read,
 *  tcp_cleanup_rbuf). Measured: 64 KiB writes leave as a 65483-byte skb and a 53-byte one each (2015 skbs for
 *  1024 writes), 4 KiB writes coalesce (about 2000 skbs for 16384). */
function smallUnacked(k: i32): bool {
  return unchecked(kSmallEnd[k]) > unchecked(kAcked[k]) || unchecked(kSmallAckAt[k]) > counter(Counter.TIME_NS);
}

/** tcp_push: sends the skb being filled. */
export function tcpPush(k: i32): void {
  unchecked(kHeld[k] = false);
  const s = unchecked(kCur[k]);
  if (s < 0) return;
  unchecked(kCur[k] = -1);
  if (skbLen(s) == 0) { skbFree(s); return; }
  xmit(k, s);
}

/**
 * sk_stream_wait_memory: makes room for `need` more bytes. Returns false if no room can come (a lazy peer).
 */
function waitRoom(k: i32, need: i64): bool {
  if (room(k) >= need) return true;
  if (unchecked(kRoute[k]) == ROUTE_NIC) {
    // the sender sleeps until TX completions free its skbs: the NIC has sent everything posted, the driver's
    // clean-up frees them, and the socket's memory is back
    sleepFor(WAIT_SOCKET, 0);
    nicProcess();
    nicClean();
    unchecked(kInflight[k] = 0);
    return true;
  }
  if (sinkLazy(unchecked(kSink[k]))) { sockStalled = true; return false; }
  // the peer reads what is queued (in order, each copy at its time on the peer's clock); the sender sleeps only
  // if, on its own clock, the peer has not yet freed enough
  peerDrain(k);
  if (room(k) >= need) return true;
  const now = counter(Counter.TIME_NS);
  // asleep, the sender is woken when a third of the buffer is free (sk_stream_write_space: free space at least
  // half of what is queued), or when `need` fits if that is more
  let target = limit(k) * 2 / 3;
  if (target > limit(k) - need) target = limit(k) - need;
  let until = now;
  while (unchecked(kInflight[k]) + backlogBytes(k, until) > target && unchecked(kBlLen[k]) > 0)
    until = blEnd(k, unchecked(kBlHead[k]));
  sleepFor(WAIT_SOCKET, until - now);
  return true;
}

@inline function blEnd(k: i32, i: i32): i64 { return load<i64>(unchecked(kBacklog[k]) + (<usize>i << 4)); }
@inline function blBytes(k: i32, i: i32): i64 { return load<i64>(unchecked(kBacklog[k]) + (<usize>i << 4), 8); }

/** Bytes the peer has read whose copy is not over at `now` (the sender's clock): they still hold buffer room. */
function backlogBytes(k: i32, now: i64): i64 {
  while (unchecked(kBlLen[k]) > 0) {
    const h = unchecked(kBlHead[k]);
    if (blEnd(k, h) > now) break;
    unchecked(kBlBytes[k] = unchecked(kBlBytes[k]) - blBytes(k, h));
    unchecked(kBlHead[k] = (h + 1) % BACKLOG_MAX);
    unchecked(kBlLen[k] = unchecked(kBlLen[k]) - 1);
  }
  return unchecked(kBlBytes[k]);
}

/** A read of `bytes` by the peer ends at `end` on its clock. A full ring merges it into its newest entry (which
 *  then ends later: the sender may wait a little longer than it would, never less). */
function backlogPush(k: i32, end: i64, bytes: i64): void {
  const n = unchecked(kBlLen[k]);
  unchecked(kBlBytes[k] = unchecked(kBlBytes[k]) + bytes);
  let i = (unchecked(kBlHead[k]) + n) % BACKLOG_MAX;
  if (n == BACKLOG_MAX) { i = (i + BACKLOG_MAX - 1) % BACKLOG_MAX; bytes += blBytes(k, i); }
  else unchecked(kBlLen[k] = n + 1);
  store<i64>(unchecked(kBacklog[k]) + (<usize>i << 4), end);
  store<i64>(unchecked(kBacklog[k]) + (<usize>i << 4), bytes, 8);
}

/** A send found no room and none can come (a lazy peer): a blocking sender would wait forever. */
export let sockStalled: bool = false;
export function sockStallReset(): void { sockStalled = false; }

/** The route's MSS: loopback's MTU of 65536, a NIC's of 1500, less the IP and TCP headers and timestamps. */
export const MSS_LO: i32 = 65483;
export const MSS_NIC: i32 = 1448;
const MAX_TCP_HEADER: i32 = 320;
/**
 * tcp_xmit_size_goal: the payload one skb takes: as many whole MSS as fit in the GSO size less the headers, at
 * least one MSS (65483 bytes on loopback, 45 x 1448 = 65160 bytes through the NIC).
 */
function sizeGoal(k: i32): i32 {
  const mss = unchecked(kRoute[k]) == ROUTE_LO ? MSS_LO : MSS_NIC;
  const room = <i32>knob(Knob.TCP_GSO_MAX) - 1 - MAX_TCP_HEADER;
  const g = (room / mss) * mss;
  return g > mss ? g : mss;
}
let curGoal: i32 = 65483;
function goal(): i32 { return curGoal; }
const kGoal = new StaticArray<i32>(MAX_SOCKS);       // the socket's size goal (the knobs do not change in a run)

function curSkb(k: i32): i32 {
  curGoal = unchecked(kGoal[k]);
  let s = unchecked(kCur[k]);
  if (s >= 0 && skbLen(s) >= goal()) { tcpPush(k); s = -1; }
  if (s < 0) { s = skbAlloc(k); unchecked(kCur[k] = s); }
  return s;
}

/** Bytes a send may queue now before it must wait. */
function room(k: i32): i64 {
  const bl = unchecked(kRoute[k]) == ROUTE_LO ? backlogBytes(k, counter(Counter.TIME_NS)) : 0;
  return limit(k) - unchecked(kInflight[k]) - bl;
}

/**
 * tcp_sendmsg from user memory: copies `len` bytes at `uaddr` into skbs. Returns bytes sent, or -errno
 * (-EFAULT when nothing could be read). `zc`: MSG_ZEROCOPY with SO_ZEROCOPY: user pages become fragments.
 */
export function tcpSendUser(k: i32, uaddr: i64, len: i64): i64 {
  nagleRelease(k);
  let sent: i64 = 0;
  while (sent < len) {
    if (room(k) <= 0 && !waitRoom(k, 1)) break;
    const s = curSkb(k);
    let n = <i64>goal() - skbLen(s);
    if (n <= 0) { tcpPush(k); continue; }
    if (n > len - sent) n = len - sent;
    const r = room(k);
    if (n > r) n = r;
    // skb_copy_to_page_nocache: into the page fragment, appended to the skb as a frag (coalesced with its last one
    // when it continues it); a new skb when all MAX_SKB_FRAGS are taken (tcp_mark_push, new_segment)
    let done: i64 = 0;
    let fault = false;
    let full = false;
    while (done < n) {
      pfragRefill();
      if (!canCoalesce(s, pfPfn, pfOff) && skbNfrags(s) >= FRAG_MAX) { full = true; break; }
      let m = PFRAG_SIZE - pfOff;
      if (<i64>m > n - done) m = <i32>(n - done);
      let c = 0;
      while (c < m) {
        const off = pfOff + c;
        let q = 4096 - (off & 4095);
        if (q > m - c) q = m - c;
        const got = copyFromUser(uaddr + sent + done + c, pfPfn + <u32>(off >> 12), off & 4095, q, CopyWhat.FROM_USER);
        c += got;
        if (got < q) { fault = true; break; }
      }
      if (c > 0) skbAddFrag(s, pfPfn, pfOff, c);
      pfOff += c;
      done += c;
      if (fault) break;
    }
    sent += done;
    if (fault) break;
    if (full || skbLen(s) >= goal()) tcpPush(k);
  }
  tcpPushEnd(k);
  if (sent == 0 && uaccessFault != 0) return -Errno.EFAULT;
  if (sent == 0 && len > 0) return -Errno.EAGAIN;   // EAGAIN: no room, and none can come (O_NONBLOCK or a lazy peer)
  return sent;
}

/**
 * tcp_sendmsg with MSG_SPLICE_PAGES: adds [off, off+len) of page `pfn` (len <= 4096 - off). With SG the page
 * is referenced as a fragment; without, it is copied into the linear part. Returns bytes taken (0: must wait
 * and could not).
 */
export function tcpSendPage(k: i32, pfn: u32, off: i32, len: i32): i32 {
  nagleRelease(k);
  if (room(k) < <i64>len && !waitRoom(k, len)) return 0;
  let s = curSkb(k);
  let done = 0;
  while (done < len) {
    // skb_splice_from_iter: take what fits under the size goal; a page may straddle two skbs
    let n = goal() - skbLen(s);
    if (n > len - done) n = len - done;
    // MSG_SPLICE_PAGES: the route caps of a TCP socket always gather (see routeSG)
    if (n <= 0 || !skbAddFrag(s, pfn, off + done, n)) { tcpPush(k); s = curSkb(k); continue; }
    skbSetFlags(s, skbFlags(s) | SKBFL_SHARED_FRAG);
    done += n;
    if (skbLen(s) >= goal()) { tcpPush(k); if (done < len) s = curSkb(k); }
  }
  return len;
}

function canCoalesce(s: i32, pfn: u32, off: i32): bool {
  const n = skbNfrags(s);
  return n > 0 && fragPfn(s, n - 1) == pfn && fragOff(s, n - 1) + fragLen(s, n - 1) == off;
}

/** skb_orphan_frags_rx (__netif_receive_skb_core): a receiver on this machine (loopback, or the veth's peer
 *  namespace) must not see the sender's user pages: skb_copy_ubufs copies the frags and completes the send's hold
 *  as failed, so its completion says copied (SO_EE_CODE_ZEROCOPY_COPIED), also for a segment already linear. */
export function zcOrphanRx(s: i32): void {
  const zc = skbZc(s);
  if (zc == 0) return;
  skbLinearize(s);
  unchecked(zcCopied[skbSock(s) * ZC_MAX + ((zc - 1) % ZC_MAX)] = true);
}

/** skb_zerocopy_clone: a segment cut from skb `from` shares its send's pages, and holds the completion too. */
export function zcClone(seg: i32, from: i32): void {
  const zc = skbZc(from);
  if (zc == 0) return;
  skbSetZc(seg, zc);
  const slot = skbSock(from) * ZC_MAX + ((zc - 1) % ZC_MAX);
  unchecked(zcSkbs[slot] = unchecked(zcSkbs[slot]) + 1);
}

/** The skb's copy for the device holds none of the send's pages any more (validate_xmit_skb linearized it for a
 *  device without SG): the send's completion no longer waits on it, and nothing is left to orphan at the receiver
 *  (measured on 6.18: the 376-byte tail of a 64 KiB send through a veth without SG completes uncopied). */
export function zcRelease(s: i32): void {
  const zc = skbZc(s);
  if (zc == 0) return;
  skbSetZc(s, 0);
  zcSkbFreed(skbSock(s), zc - 1);
}

/** The last skb of MSG_ZEROCOPY send `id` was freed: its completion goes on the error queue. */
function zcSkbFreed(k: i32, id: i32): void {
  const slot = k * ZC_MAX + (id % ZC_MAX);
  const left = unchecked(zcSkbs[slot]) - 1;
  unchecked(zcSkbs[slot] = left);
  if (left > 0) return;
  zcComplete(k, id, unchecked(zcCopied[slot]));
}

function zcComplete(k: i32, id: i32, copied: bool): void {
  const h = unchecked(eqHead[k]), t = unchecked(eqTail[k]);
  if (t > h) {
    const last = k * EQ_MAX + ((t - 1) % EQ_MAX);
    if (unchecked(eqHi[last]) + 1 == id && unchecked(eqCopied[last]) == copied) { unchecked(eqHi[last] = id); return; }
  }
  if (t - h >= EQ_MAX) return;
  const e = k * EQ_MAX + (t % EQ_MAX);
  unchecked(eqLo[e] = id); unchecked(eqHi[e] = id); unchecked(eqCopied[e] = copied);
  unchecked(eqTail[k] = t + 1);
}

/** Completions waiting on the error queue. */
export function errqueueLen(k: i32): i32 { return unchecked(eqTail[k]) - unchecked(eqHead[k]); }
/** sk_stream_is_writeable: the socket can take more. */
export function sockHasRoom(k: i32): bool { return room(k) > 0; }

/** recvmsg(MSG_ERRQUEUE): the oldest completion, or false if none is queued. */
export let eqOutLo: i64 = 0;
export let eqOutHi: i64 = 0;
export let eqOutCopied: bool = false;
export function recvErrqueue(k: i32): bool {
  const h = unchecked(eqHead[k]);
  if (h == unchecked(eqTail[k])) return false;
  const e = k * EQ_MAX + (h % EQ_MAX);
  eqOutLo = unchecked(eqLo[e]); eqOutHi = unchecked(eqHi[e]); eqOutCopied = unchecked(eqCopied[e]);
  unchecked(eqHead[k] = h + 1);
  // counted as the sends a completion covers (ee_data - ee_info + 1), as the native host counts them
  // (on loopback the frags were copied at delivery, skb_orphan_frags_rx: the completion does not wait for the
  // peer's reading, measured on 6.18: a 16 MiB MSG_ZEROCOPY transfer takes no longer than a sendfile)
  const sends = eqOutHi - eqOutLo + 1;
  count(Counter.ZC_COMPLETIONS, sends);
  if (eqOutCopied) count(Counter.ZC_COPIED, sends);
  ev(Ev.ZC_COMPLETE, eqOutLo, eqOutHi, eqOutCopied ? 1 : 0, k, 0, 0);
  return true;
}

/**
 * tcp_sendmsg with MSG_ZEROCOPY on an SO_ZEROCOPY socket: the user pages become fragments (pinned by
 * reference, no copy) when the route can gather; otherwise the data is copied and the completion says so.
 * Each call is one zerocopy id; its completion is queued when the last skb holding its pages is freed.
 */
export function tcpSendUserZc(k: i32, uaddr: i64, len: i64): i64 {
  const id = unchecked(kZcNext[k]);
  unchecked(kZcNext[k] = id + 1);
  const slot = k * ZC_MAX + (id % ZC_MAX);
  unchecked(zcSkbs[slot] = 1);          // held by the call itself until it returns
  unchecked(zcCopied[slot] = false);
  let sent: i64 = 0;
  {
    tcpPush(k);
    while (sent < len) {
      if (room(k) <= 0 && !waitRoom(k, 1)) break;
      const va = uaddr + sent;
      const off = <i32>(va & 4095);
      let n = 4096 - off;
      if (<i64>n > len - sent) n = <i32>(len - sent);
      const pfn = translate(va, false, FM_GUP);
      if (pfn == 0) break;
      let s = curSkb(k);
      let m = goal() - skbLen(s);
      if (m > n) m = n;
      if (m <= 0 || (skbNfrags(s) >= FRAG_MAX && !canCoalesce(s, pfn, off))) { tcpPush(k); continue; }
      if (skbZc(s) == 0) { skbSetZc(s, id + 1); unchecked(zcSkbs[slot] = unchecked(zcSkbs[slot]) + 1); }
      skbAddFrag(s, pfn, off, m);
      // the user may write these pages while the skb holds them: a CPU checksum needs a copy (measured on 6.18:
      // MSG_ZEROCOPY's payload reaches a driver without checksum offload linear, as sendfile's does)
      skbSetFlags(s, skbFlags(s) | SKBFL_SHARED_FRAG);
      sent += m;
      if (skbLen(s) >= goal()) tcpPush(k);
    }
    tcpPush(k);
  }
  zcSkbFreed(k, id);   // the call's own hold
  if (sent == 0 && len > 0) return -Errno.EFAULT;
  return sent;
}

/** One recv() by the peer: up to PEER_BUF_BYTES from the receive queue. Returns bytes read. */
export function peerRead(k: i32): i64 {
  const max = <i64>unchecked(kPeerPages[k]) << 12;
  let got: i64 = 0;
  while (got < max && unchecked(kQHead[k]) >= 0) {
    const s = unchecked(kQHead[k]);
    // recv returns what it has (SO_RCVLOWAT 1) rather than wait for an skb that arrives after its copying is done
    if (got > 0 && skbStamp(s) > unchecked(kPeerClock[k])) break;
    cpuCopyBegin();
    count(Counter.TP_SKB_COPY_DATAGRAM, 1);
    let at = skbConsumed(s);
    const from = at;
    const len = skbLen(s);
    skbByte(s, at);
    let srcPfn = atPfn, srcOff = atOff, srcRun = atRun;
    while (at < len && got < max) {
      if (srcRun <= 0) { skbByte(s, at); srcPfn = atPfn; srcOff = atOff; srcRun = atRun; }
      const dstPage = load<u32>(unchecked(kPeerBuf[k]) + (<usize>(got >> 12) << 2));
      const dOff = <i32>(got & 4095);
      let n = srcRun;
      if (4096 - dOff < n) n = 4096 - dOff;
      if (<i64>n > max - got) n = <i32>(max - got);
      if (n > len - at) n = len - at;
      cpuCopyPiece(srcPfn, srcOff, dstPage, dOff, n, CopyWhat.PEER_TO_USER);
      at += n;
      got += n;
      srcOff += n;
      srcRun -= n;
    }
    skbSetConsumed(s, at);
    let t = unchecked(kPeerClock[k]);
    if (skbStamp(s) > t && from == 0) {
      if (knob(Knob.PEER_POLL) != 0) {
        // a polling peer (PEER_POLL) never sleeps: it finds the skb as it arrives, and nobody has to wake it
        t = skbStamp(s);
      } else {
        // the peer was asleep in recv when this skb arrived: the sender's softirq (tcp_data_ready, on the sender's
        // CPU) woke it, an interrupt to the peer's CPU; the peer runs a wake-up latency later (skbs arriving
        // meanwhile find it awake) and copies from then on
        t = skbStamp(s) + wakeLatency();
        const c = knob(Knob.COST_REMOTE_WAKEUP_NS);
        count(Counter.PEER_WAKEUPS, 1);
        spend(c);
        ev(Ev.PEER_WAKE, k, skbId(s), 0, 0, 0, c);
      }
    }
    unchecked(kPeerClock[k] = t + psCost(<i64>(at - from), knob(Knob.COST_PEER_COPY_PS_PER_BYTE)));
    if (at >= len) {
      // the read acknowledges what it consumed (tcp_cleanup_rbuf: a delayed ACK goes out with the read)
      const seq = unchecked(kPeerTotal[k]) + got;
      if (len < MSS_LO && seq > unchecked(kAcked[k])) {
        unchecked(kAcked[k] = seq);
        unchecked(kSmallAckAt[k] = unchecked(kPeerClock[k]));
      }
      unchecked(kQHead[k] = skbNext(s));
      if (unchecked(kQHead[k]) < 0) unchecked(kQTail[k] = -1);
      unchecked(kInflight[k] = unchecked(kInflight[k]) - (len));
      skbFree(s);
    }
  }
  unchecked(kQBytes[k] = unchecked(kQBytes[k]) - (got));
  unchecked(kPeerTotal[k] = unchecked(kPeerTotal[k]) + got);
  // on the peer's clock: the recv (entry and exit) and its copies, each skb's not before it arrived
  unchecked(kPeerClock[k] = unchecked(kPeerClock[k]) + 2 * knob(Knob.COST_MODE_SWITCH_NS));
  backlogPush(k, unchecked(kPeerClock[k]), got);
  count(Counter.PEER_SYSCALLS, 1);
  ev(Ev.PEER_CALL, Call.read, got, k, 0, 0, 0);
  // the peer verifies what its buffer now holds
  let v: i64 = 0;
  while (v < got) {
    const page = load<u32>(unchecked(kPeerBuf[k]) + (<usize>(v >> 12) << 2));
    const n = got - v < 4096 ? <i32>(got - v) : 4096;
    sinkReceive(unchecked(kSink[k]), page, 0, n, -1);
    v += n;
  }
  return got;
}

/** The peer reads until its receive queue is empty (an eager peer after each of the sender's calls). */
export function peerDrain(k: i32): void {
  while (unchecked(kQHead[k]) >= 0) peerRead(k);
}

/** After a syscall returns: an eager peer reads what is queued; the NIC driver reclaims completed skbs. */
export function sockSettle(k: i32): void {
  if (unchecked(kRoute[k]) == ROUTE_LO) { if (!sinkLazy(unchecked(kSink[k]))) peerDrain(k); }
  else { nicClean(); unchecked(kInflight[k] = 0); }   // every posted descriptor is done: all its skbs are freed
}

/** The program has ended: an skb Nagle still holds goes out (natively when the last ACK comes, or at the host's
 *  close after the phase) and an eager peer reads it, so that what the program sent is delivered. */
export function sockFlushAtExit(): void {
  for (let k = 0; k < socks; k++) {
    if (unchecked(kClosed[k]) || unchecked(kRoute[k]) != ROUTE_LO || unchecked(kCur[k]) < 0) continue;
    tcpPush(k);
    if (!sinkLazy(unchecked(kSink[k]))) peerDrain(k);
  }
}

/** close(): pushes what is pending; the peer reads the rest and sees EOF (its final read returns 0). */
export function sockClose(k: i32): void {
  tcpPush(k);
  if (unchecked(kRoute[k]) == ROUTE_LO) {
    peerDrain(k);
    count(Counter.PEER_SYSCALLS, 1);
    ev(Ev.PEER_CALL, Call.read, 0, k, 0, 0, 0);
  } else { nicProcess(); nicClean(); }
  unchecked(kClosed[k] = true);
}

export function sockCount(): i32 { return socks; }
