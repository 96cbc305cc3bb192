// Socket buffers (struct sk_buff): a linear part (kernel pages the socket layer copied payload into) and up to
// MAX_SKB_FRAGS page fragments (references to pages: page-cache pages for sendfile/splice, no copy).
//
//   skb record (SKB_REC bytes)
//   0      4     8        12      16      20        24    28      32     36     40       48
//   +------+-----+--------+-------+-------+---------+-----+-------+------+------+--------+------------------+---------------+
//   | sock | len | linear | nfrag | flags | consumed| id  | csum  | next |  zc  | stamp  | lin pfn x LIN_MAX| frag x FRAG_MAX|
//   +------+-----+--------+-------+-------+---------+-----+-------+------+------+--------+------------------+---------------+
//   flags: SKBFL_SHARED_FRAG (the frags are pages others may write: MSG_SPLICE_PAGES' page-cache and pipe pages,
//   MSG_ZEROCOPY's user pages)
//   zc: the MSG_ZEROCOPY send (its id + 1) whose user pages the fragments reference, 0 = none
//   stamp (i64): the sender's clock (TIME_NS) when the skb reached the receive queue: the peer cannot copy it sooner
//   frag: [pfn u32, off u32, len u32]; the linear part fills its pages from the start, page after page
import { Counter, Ev, Knob, CopyWhat } from "../abi";
import { count, spend } from "../counters";
import { ev, spendQuiet } from "../trace";
import { knob } from "../machine";
import { rgrow } from "../mem";
import { frAlloc, frInitRef, frFree, getPage, putPage, FK_KBUF } from "../mm/frames";
import { cpuCopyPiece } from "../mm/usercopy";

export const FRAG_MAX: i32 = 17;   // MAX_SKB_FRAGS
export const LIN_MAX: i32 = 16;    // linear pages (64 KiB)
const OFF_LIN: usize = 48;
const OFF_FRAG: usize = OFF_LIN + <usize>LIN_MAX * 4;
const SKB_REC: usize = OFF_FRAG + <usize>FRAG_MAX * 12;

let pool: usize = 0;          // the records
let cap: i32 = 0;             // records allocated
let freeList: i32 = -1;       // free records, linked through next
let top: i32 = 0;             // records ever used
export let skbSerial: i32 = 0;     // ids handed out (events name skbs by id)
export let skbsLive: i32 = 0;      // skbs allocated and not freed

export function skbReset(): void {
  if (pool == 0) { cap = 64; pool = rgrow(0, 0, <usize>cap * SKB_REC); }
  freeList = -1; top = 0; skbSerial = 0; skbsLive = 0;
}

@inline function r(s: i32): usize { return pool + <usize>s * SKB_REC; }
@inline export function skbSock(s: i32): i32 { return load<i32>(r(s)); }
@inline export function skbLen(s: i32): i32 { return load<i32>(r(s), 4); }
@inline export function skbLinear(s: i32): i32 { return load<i32>(r(s), 8); }
@inline export function skbNfrags(s: i32): i32 { return load<i32>(r(s), 12); }
/** skb_shinfo(skb)->flags: SKBFL_SHARED_FRAG, set by tcp_sendmsg_locked for MSG_SPLICE_PAGES (sendfile, splice)
 *  and by the model for MSG_ZEROCOPY (measured: linearized likewise): skb_has_shared_frag makes
 *  skb_checksum_help and skb_segment linearize before the CPU sums the payload. */
export const SKBFL_SHARED_FRAG: i32 = 1;
@inline export function skbFlags(s: i32): i32 { return load<i32>(r(s), 16); }
@inline export function skbSetFlags(s: i32, f: i32): void { store<i32>(r(s), f, 16); }
@inline export function skbConsumed(s: i32): i32 { return load<i32>(r(s), 20); }
@inline export function skbSetConsumed(s: i32, v: i32): void { store<i32>(r(s), v, 20); }
@inline export function skbId(s: i32): i32 { return load<i32>(r(s), 24); }
@inline export function skbCsum(s: i32): bool { return load<i32>(r(s), 28) != 0; }
@inline export function skbSetCsum(s: i32): void { store<i32>(r(s), 1, 28); }
@inline export function skbNext(s: i32): i32 { return load<i32>(r(s), 32); }
@inline export function skbSetNext(s: i32, n: i32): void { store<i32>(r(s), n, 32); }
@inline export function skbZc(s: i32): i32 { return load<i32>(r(s), 36); }
@inline export function skbSetZc(s: i32, v: i32): void { store<i32>(r(s), v, 36); }
@inline export function skbStamp(s: i32): i64 { return load<i64>(r(s), 40); }
@inline export function skbSetStamp(s: i32, t: i64): void { store<i64>(r(s), t, 40); }
@inline export function skbLinPfn(s: i32, i: i32): u32 { return load<u32>(r(s) + OFF_LIN + (<usize>i << 2)); }
@inline export function fragPfn(s: i32, i: i32): u32 { return load<u32>(r(s) + OFF_FRAG + <usize>i * 12); }
@inline export function fragOff(s: i32, i: i32): i32 { return load<i32>(r(s) + OFF_FRAG + <usize>i * 12, 4); }
@inline export function fragLen(s: i32, i: i32): i32 { return load<i32>(r(s) + OFF_FRAG + <usize>i * 12, 8); }

/** alloc_skb for socket `sock` (no payload yet). */
export function skbAlloc(sock: i32): i32 {
  let s = freeList;
  if (s >= 0) freeList = skbNext(s);
  else {
    if (top >= cap) { pool = rgrow(pool, <usize>cap * SKB_REC, <usize>cap * 2 * SKB_REC); cap *= 2; }
    s = top++;
  }
  memory.fill(r(s), 0, SKB_REC);
  store<i32>(r(s), sock);
  store<i32>(r(s), skbSerial++, 24);
  store<i32>(r(s), -1, 32);
  skbsLive++;
  return s;
}

/** A finished skb, leaving the socket layer: its cost, traced. */
export function skbSeal(s: i32): void {
  const c = knob(Knob.COST_SKB_NS);
  spend(c);
  ev(Ev.SKB_ALLOC, skbId(s), skbLinear(s), skbSock(s), skbLen(s), skbNfrags(s), c);
}

/** An skb as its driver gets it (net_dev_start_xmit: after validate_xmit_skb's segmentation or linearizing):
 *  counted (SKBS, its linear and frag payload bytes), as the native host samples it. */
export function skbAtDriver(s: i32): void {
  count(Counter.SKBS, 1);
  count(Counter.SKB_LINEAR_BYTES, skbLinear(s));
  count(Counter.SKB_FRAG_BYTES, skbLen(s) - skbLinear(s));
}

/** Room left in the linear part. */
export function skbLinRoom(s: i32): i32 {
  const max = <i32>knob(Knob.SKB_LINEAR_MAX);
  const lim = max < LIN_MAX * 4096 ? max : LIN_MAX * 4096;
  return lim - skbLinear(s);
}

/** The linear page and offset where the next `n` <= page-room bytes go (allocating a page when needed). */
export function skbLinTail(s: i32): u32 {
  const lin = skbLinear(s);
  const i = lin >> 12;
  if ((lin & 4095) == 0) {
    const p = frAlloc(0, FK_KBUF);
    frInitRef(p, 1);
    store<u32>(r(s) + OFF_LIN + (<usize>i << 2), p);
    spendQuiet(knob(Knob.COST_PAGE_ALLOC_NS));
  }
  return skbLinPfn(s, i);
}

/** Accounts `n` bytes appended to the linear part. */
export function skbLinAdd(s: i32, n: i32): void {
  store<i32>(r(s), skbLinear(s) + n, 8);
  store<i32>(r(s), skbLen(s) + n, 4);
}

/** Copies [off, off+len) of `pfn` into the linear part (one copy op: the socket layer's or a linearization). */
export function skbCopyIn(s: i32, pfn: u32, off: i32, len: i32, what: i32): void {
  let done = 0;
  while (done < len) {
    const lin = skbLinear(s);
    const page = skbLinTail(s);
    let n = 4096 - (lin & 4095);
    if (n > len - done) n = len - done;
    cpuCopyPiece(pfn, off + done, page, lin & 4095, n, what);
    skbLinAdd(s, n);
    done += n;
  }
}

/**
 * skb_append_pagefrags / skb_splice_from_iter: adds a reference to [off, off+len) of `pfn` as a fragment,
 * coalescing with the last fragment when it continues it in the same page. Returns false when no fragment
 * slot is left.
 */
export function skbAddFrag(s: i32, pfn: u32, off: i32, len: i32): bool {
  const n = skbNfrags(s);
  if (n > 0) {
    const i = n - 1;
    if (fragPfn(s, i) == pfn && fragOff(s, i) + fragLen(s, i) == off) {
      store<i32>(r(s) + OFF_FRAG + <usize>i * 12, fragLen(s, i) + len, 8);
      store<i32>(r(s), skbLen(s) + len, 4);
      ev(Ev.SKB_FRAG, skbId(s), pfn, off, len, i, 0);
      return true;
    }
  }
  if (n >= FRAG_MAX) return false;
  getPage(pfn);
  const f = r(s) + OFF_FRAG + <usize>n * 12;
  store<u32>(f, pfn); store<i32>(f, off, 4); store<i32>(f, len, 8);
  store<i32>(r(s), n + 1, 12);
  store<i32>(r(s), skbLen(s) + len, 4);
  ev(Ev.SKB_FRAG, skbId(s), pfn, off, len, n, 0);
  return true;
}

/** __skb_linearize: copies the fragments into the linear part and drops their references (a CPU copy). */
export function skbLinearize(s: i32): void {
  const n = skbNfrags(s);
  if (n == 0) return;
  for (let i = 0; i < n; i++) {
    const pfn = fragPfn(s, i);
    let off = fragOff(s, i);
    let len = fragLen(s, i);
    // a fragment may run across the pages of a folio
    let page = pfn + <u32>(off >> 12);
    off &= 4095;
    while (len > 0) {
      const m = 4096 - off < len ? 4096 - off : len;
      // skbCopyIn adds to len; undo the frag's share first
      store<i32>(r(s), skbLen(s) - m, 4);
      skbCopyIn(s, page, off, m, CopyWhat.LINEARIZE);
      len -= m; off = 0; page++;
    }
    putPage(pfn);
  }
  store<i32>(r(s), 0, 12);
}

/** Called when an skb that carried MSG_ZEROCOPY pages is freed (socket.ts queues the completion). */
let onZcFree: (sock: i32, zc: i32) => void = (sock: i32, zc: i32): void => {};
export function setZcFreeHook(f: (sock: i32, zc: i32) => void): void { onZcFree = f; }

/** kfree_skb: drops the fragments' references and frees the linear pages. */
export function skbFree(s: i32): void {
  const zc = skbZc(s);
  if (zc != 0) onZcFree(skbSock(s), zc - 1);
  const n = skbNfrags(s);
  for (let i = 0; i < n; i++) putPage(fragPfn(s, i));
  const lp = (skbLinear(s) + 4095) >> 12;
  for (let i = 0; i < lp; i++) frFree(skbLinPfn(s, i));
  skbSetNext(s, freeList);
  freeList = s;
  skbsLive--;
}

/** The frame and offset holding byte `at` of the skb's payload, and how many bytes follow in that frame. */
export let atPfn: u32 = 0;
export let atOff: i32 = 0;
export let atRun: i32 = 0;
export function skbByte(s: i32, at: i32): void {
  const lin = skbLinear(s);
  if (at < lin) {
    atPfn = skbLinPfn(s, at >> 12);
    atOff = at & 4095;
    const end = lin - (at & ~4095);
    atRun = (end < 4096 ? end : 4096) - atOff;
    return;
  }
  let x = at - lin;
  const n = skbNfrags(s);
  for (let i = 0; i < n; i++) {
    const l = fragLen(s, i);
    if (x < l) {
      const o = fragOff(s, i) + x;
      atPfn = fragPfn(s, i) + <u32>(o >> 12);
      atOff = o & 4095;
      const left = l - x;
      atRun = 4096 - atOff < left ? 4096 - atOff : left;
      return;
    }
    x -= l;
  }
  atPfn = 0; atOff = 0; atRun = 0;
}
