// The simulated NIC (sink `nic`): a TX descriptor ring in the style of the Intel 8254x (e1000) datasheet.
//
//   TX ring (ringSize descriptors)
//                ntc          TDH                     TDT
//                 v            v                       v
//   +-----+------+------+------+------+------+------+------+-----+
//   |     | done | done | posted (NIC fetches)  ...  | free  ... |     ring wraps: index = n % ringSize
//   +-----+------+------+------+------+------+------+------+-----+
//   the driver posts at TDT and writes TDT (the doorbell); the NIC DMAs each buffer from memory, sets DD in
//   the descriptor and advances TDH; the driver reclaims DD descriptors from ntc and frees the skb at EOP.
//
//   descriptor (16 bytes)
//   0                 8        12    13       14      16
//   +-----------------+--------+-----+--------+-------+
//   | buffer address  | length | cmd | status |  skb  |   address = pfn << 12 | offset; cmd: EOP (end of
//   +-----------------+--------+-----+--------+-------+   packet); status: DD (descriptor done)
//
// Features: NETIF_F_SG lets one skb take one gather descriptor per fragment; without it the skb must be
// linear (the CPU copies it). NETIF_F_HW_CSUM lets the NIC compute the checksum; without it the CPU reads the
// payload to compute it. The two are independent (measured on 6.18: a veth with checksumming off reads SG back as
// on, and write()'s page frags reach its driver as frags). TSO needs both: the socket layer builds 64 KiB skbs
// whatever the device has (TCP's software GSO), and without TSO validate_xmit_skb cuts each into MSS-sized
// segments (skb_segment). Without SG each segment is a new linear skb the payload is copied into (and, without
// checksumming, summed in the same pass: skb_copy_and_csum_bits). With SG a segment references the original's
// frags; without checksumming the CPU then sums it (skb_checksum), after linearizing a segment whose frags are
// shared (SKBFL_SHARED_FRAG: page-cache pages from sendfile or splice, MSG_ZEROCOPY's user pages: a writer may
// change them under the sum). The driver gets one skb and one descriptor per buffer of each segment. The frames go
// to a peer on this machine (the veth's), whose receive copies MSG_ZEROCOPY's pages (zcOrphanRx).

import { Counter, Ev, Dev, Knob } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, psCost } from "../machine";
import { rgrow } from "../mem";
import { dmaTransfer } from "./dma";
import {
  skbLen, skbLinear, skbNfrags, skbLinPfn, fragPfn, fragOff, fragLen, skbId, skbCsum, skbSetCsum, skbLinearize,
  skbFree, skbSock, skbAlloc, skbCopyIn, skbByte, atPfn, atOff, atRun, skbAtDriver, skbAddFrag, skbFlags,
  skbSetFlags, SKBFL_SHARED_FRAG,
} from "../kernel/skb";
import { CopyWhat } from "../abi";
import { sinkReceive } from "../kernel/sink";
import { sockSink, zcOrphanRx, zcClone, zcRelease } from "../kernel/socket";
import { nicDev, netdevSetFeatures } from "../kernel/netdevice";

export const CMD_EOP: u32 = 1;
export const STA_DD: u32 = 1;

let ring: usize = 0;            // the descriptors
let ringSize: u32 = 0;          // descriptors in the ring
export let TDT: u32 = 0;        // transmit descriptor tail: next the driver fills (free-running)
export let TDH: u32 = 0;        // transmit descriptor head: next the NIC processes (free-running)
export let ntc: u32 = 0;        // next to clean: oldest descriptor the driver has not reclaimed
export let featSG: bool = true; // NETIF_F_SG
export let featCsum: bool = true; // NETIF_F_HW_CSUM
let wired: i32 = 0;             // sinks on the wire (each socket routed here delivers to its own sink)
export let posted: i64 = 0;     // descriptors posted since reset

export function nicReset(): void {
  ringSize = <u32>knob(Knob.NIC_TX_RING);
  if (ringSize < 2) ringSize = 2;
  if (ring != 0) heap.free(ring);
  ring = rgrow(0, 0, <usize>ringSize << 4);
  TDT = 0; TDH = 0; ntc = 0; posted = 0;
  featCsum = knob(Knob.NIC_CSUM) != 0;
  // netdev_fix_features no longer drops SG without a checksum feature (6.18 keeps it: measured, read back on)
  featSG = knob(Knob.NIC_SG) != 0;
  netdevSetFeatures(nicDev, featSG, featCsum);
  wired = 0;
}
/** A socket to `sink` is routed through the NIC: the frames of that socket's skbs go to that sink. */
export function nicAttach(sink: i32): void { if (sink >= 0) wired++; }

@inline function d(n: u32): usize { return ring + (<usize>(n % ringSize) << 4); }
export function descStatus(n: u32): u32 { return <u32>load<u8>(d(n), 13); }
export function ringFree(): u32 { return ringSize - (TDT - ntc); }
export function ringSizeOf(): u32 { return ringSize; }

function post(pfn: u32, off: i32, len: i32, eop: bool, skb: i32): void {
  const p = d(TDT);
  store<u64>(p, ((<u64>pfn) << 12) | <u64>off);
  store<u32>(p, <u32>len, 8);
  store<u8>(p, eop ? <u8>CMD_EOP : 0, 12);
  store<u8>(p, 0, 13);
  store<u16>(p, <u16>skb, 14);
  const c = knob(Knob.COST_DESC_NS);
  count(Counter.NIC_DESCRIPTORS, 1);
  spend(c);
  ev(Ev.DESC_POST, TDT % ringSize, pfn, len, eop ? CMD_EOP : 0, skbId(skb), c);
  TDT++;
  posted++;
}

/** The driver's TX clean-up: reclaims DD descriptors, freeing each skb at its EOP descriptor. */
export function nicClean(): void {
  while (ntc != TDH) {
    const p = d(ntc);
    if (!(<u32>load<u8>(p, 13) & STA_DD)) break;
    if (<u32>load<u8>(p, 12) & CMD_EOP) skbFree(<i32>load<u16>(p, 14));
    store<u8>(p, 0, 13);
    ntc++;
  }
}

/** The wire's MSS (MTU 1500 less IPv4 and TCP headers with timestamps): what one segment carries. */
export const NIC_MSS: i32 = 1448;

/** validate_xmit_skb, then ndo_start_xmit for each skb it yields: a GSO skb the device cannot take whole (no SG or
 *  no checksum offload: no TSO) is cut into MSS segments first (skb_segment). */
export function nicXmit(skb: i32): void {
  if ((!featSG || !featCsum) && skbLen(skb) > NIC_MSS) {
    const len = skbLen(skb);
    for (let at = 0; at < len; at += NIC_MSS) {
      const seg = skbAlloc(skbSock(skb));
      const end = at + NIC_MSS < len ? at + NIC_MSS : len;
      if (!featSG) {
        // without NETIF_F_SG: a new linear skb per segment, the payload copied in (and summed)
        let x = at;
        while (x < end) {
          skbByte(skb, x);
          const n = atRun < end - x ? atRun : end - x;
          skbCopyIn(seg, atPfn, atOff, n, CopyWhat.LINEARIZE);
          x += n;
        }
        if (!featCsum) csumPass(seg);
      } else {
        // with NETIF_F_SG: the segment takes references to the original's frags over [at, end)
        segFrags(skb, seg, at, end);
        skbSetFlags(seg, skbFlags(skb));
        zcClone(seg, skb);
        // perform_csum_check: the CPU sums the segment, linear first if its frags are shared
        if (skbFlags(seg) & SKBFL_SHARED_FRAG) skbLinearize(seg);
        csumPass(seg);
      }
      xmitOne(seg);
    }
    skbFree(skb);   // consume_skb: the original's frags (page references) are dropped
    return;
  }
  xmitOne(skb);
}

/** skb_segment's gather path: `seg` copies what of bytes [at, end) lies in `skb`'s linear part (TCP's payload
 *  never does: it is all in frags) and references the rest where it lies, in the original's frags. */
function segFrags(skb: i32, seg: i32, at: i32, end: i32): void {
  let pos = skbLinear(skb);
  let x = at;
  while (x < end && x < pos) {
    skbByte(skb, x);
    const n = atRun < end - x ? atRun : end - x;
    skbCopyIn(seg, atPfn, atOff, n, CopyWhat.LINEARIZE);
    x += n;
  }
  const nf = skbNfrags(skb);
  for (let i = 0; i < nf && pos < end; i++) {
    const l = fragLen(skb, i);
    if (pos + l > at) {
      const a = at > pos ? at - pos : 0;
      const b = end < pos + l ? end - pos : l;
      skbAddFrag(seg, fragPfn(skb, i), fragOff(skb, i) + a, b - a);
    }
    pos += l;
  }
}

/** The CPU reads the payload to checksum it (skb_checksum_help, or skb_copy_and_csum_bits while segmenting). */
function csumPass(skb: i32): void {
  const bytes = skbLen(skb);
  const c = psCost(bytes, knob(Knob.COST_CSUM_PS_PER_BYTE));
  count(Counter.CSUM_BYTES, bytes);
  spend(c);
  ev(Ev.CSUM, skbNfrags(skb) > 0 ? fragPfn(skb, 0) : skbLinPfn(skb, 0), bytes, skbId(skb), 0, 0, c);
  skbSetCsum(skb);
}

/** ndo_start_xmit: (linearize, checksum), one descriptor per buffer, then the doorbell. */
function xmitOne(skb: i32): void {
  let need: u32 = (skbLinear(skb) > 0 ? 1 : 0) + <u32>skbNfrags(skb);
  if ((!featSG && skbNfrags(skb) > 0) || need > ringSize - 1) {
    skbLinearize(skb);
    zcRelease(skb);
    need = 1;
  }
  // skb_checksum_help: without offload the CPU reads the payload (a linear copy first if its frags are shared)
  if (!featCsum && !skbCsum(skb)) {
    if (skbFlags(skb) & SKBFL_SHARED_FRAG) skbLinearize(skb);
    csumPass(skb);
  }
  // net_dev_start_xmit: the skb as the driver gets it
  count(Counter.TP_NET_DEV_XMIT, 1);
  skbAtDriver(skb);
  ev(Ev.XMIT, skbId(skb), Dev.NIC, skbLen(skb), skbSock(skb), skbLinear(skb), 0);
  if (ringFree() < need) { nicClean(); }
  if (ringFree() < need) { nicProcess(); nicClean(); }
  const nf = skbNfrags(skb);
  if (skbLinear(skb) > 0) post(skbLinPfn(skb, 0), 0, skbLinear(skb), nf == 0, skb);
  for (let i = 0; i < nf; i++) {
    const o = fragOff(skb, i);
    post(fragPfn(skb, i) + <u32>(o >> 12), o & 4095, fragLen(skb, i), i == nf - 1, skb);
  }
  // doorbell: writing TDT makes the NIC fetch what was posted
  nicProcess();
}

/** The NIC fetches every posted descriptor: DMA from memory to the wire, then DD (after a doorbell). */
export function nicProcess(): void {
  while (TDH != TDT) {
    const p = d(TDH);
    const addr = load<u64>(p);
    const len = <i32>load<u32>(p, 8);
    const skb = <i32>load<u16>(p, 14);
    const pfn = <u32>(addr >> 12);
    dmaTransfer(Dev.NIC, pfn, -1, len);
    let left = len;
    let off = <i32>(addr & 4095);
    let page = pfn;
    let li = linIndex(skb, pfn);
    const sink = wired > 0 ? sockSink(skbSock(skb)) : -1;   // the frame's destination: its socket's peer
    while (left > 0) {
      const n = 4096 - off < left ? 4096 - off : left;
      if (sink >= 0) sinkReceive(sink, page, off, n, -1);
      left -= n;
      off = 0;
      if (li >= 0) { li++; page = li < 16 ? skbLinPfn(skb, li) : 0; } else page++;
    }
    store<u8>(p, <u8>STA_DD, 13);
    ev(Ev.DESC_DONE, TDH % ringSize, STA_DD, 0, 0, 0, 0);
    // the frame's receiver is on this machine (the veth's peer namespace): skb_orphan_frags_rx at its end
    if (sink >= 0 && (<u32>load<u8>(p, 12) & CMD_EOP)) zcOrphanRx(skb);
    TDH++;
  }
}

function linIndex(skb: i32, pfn: u32): i32 {
  const n = (skbLinear(skb) + 4095) >> 12;
  for (let i = 0; i < n; i++) if (skbLinPfn(skb, i) == pfn) return i;
  return -1;
}

// the driver's operations, registered with the socket layer (kernel/netdevice.ts)
nicDev.ndo_start_xmit = nicXmit;
nicDev.tx_process = nicProcess;
nicDev.tx_clean = nicClean;
