/**
 * What the views draw, folded from the model's events: which frames sit in the page cache, the pipe's slots, the
 * socket's skbs and their frags, the NIC's TX ring, the process's mappings and page tables. Pure: the same events
 * give the same state, so stepping back is folding one event fewer (from the nearest checkpoint).
 */
import { Call, CopyWhat, Dev } from "../scenario/abi.js";
import type { WEvent } from "./events.js";

export interface CachePage { file: number; index: number; order: number; frame: number; }
export interface PipeSlot { slot: number; frame: number; len: number; }
export interface Skb { id: number; linear: number; socket: number; frags: { frame: number; offset: number; len: number }[]; sent: boolean; dev: number; linearFrames: number[]; }
export interface Desc { index: number; frame: number; len: number; eop: boolean; done: boolean; }
export interface Mapping { vaddr: number; frame: number; flags: number; }
export interface PtPage { level: number; frame: number; vaddr: number; }

export interface ViewState {
  /** events folded */
  pos: number;
  /** where the process is */
  inKernel: boolean;
  /** the call under way (or the last one), with its first four argument values */
  call: { id: number; step: number; args: number[]; ret?: number; errno?: number } | null;
  /** page-cache pages resident before the trace began (SETUP), and the source pages in all */
  setupResident: number;
  setupFilePages: number;
  /** frames of those pages, as the run touches them (the trace names no frame for setup's pages) */
  setupFrames: number[];
  /** kernel pages the CPU copied payload into, waiting for the skb that will carry them */
  kbuf: number[];
  /** page-cache pages by frame */
  cache: Map<number, CachePage>;
  /** frames the process's buffer holds (copied into or out of by the CPU) */
  userFrames: Set<number>;
  /** frames in the peer's buffer */
  peerFrames: Set<number>;
  /** the process's page-table entries by virtual address */
  ptes: Map<number, Mapping>;
  /** page-table pages allocated */
  pt: PtPage[];
  /** pipes by id: occupied slots */
  pipes: Map<number, Map<number, PipeSlot>>;
  /** skbs by id, in allocation order */
  skbs: Map<number, Skb>;
  /** NIC TX ring: descriptors by ring index */
  ring: Map<number, Desc>;
  /** page reference counts by frame, as last reported */
  refs: Map<number, number>;
  /** frames the disk has filled */
  diskFrames: number;
  blockRequests: number;
  dmaBytes: { disk: number; nic: number; other: number };
  delivered: { bytes: number; intact: boolean };
  xmit: { loopback: number; nic: number };
  waits: number;
  signals: number;
  /** the sink kinds the last XMIT used (a hint for which device to light up) */
  lastDev: number;
}

export function emptyState(): ViewState {
  return {
    pos: 0, inKernel: false, call: null, setupResident: 0, setupFilePages: 0, setupFrames: [], kbuf: [], cache: new Map(), userFrames: new Set(), peerFrames: new Set(), ptes: new Map(), pt: [],
    pipes: new Map(), skbs: new Map(), ring: new Map(), refs: new Map(), diskFrames: 0, blockRequests: 0,
    dmaBytes: { disk: 0, nic: 0, other: 0 }, delivered: { bytes: 0, intact: true }, xmit: { loopback: 0, nic: 0 },
    waits: 0, signals: 0, lastDev: 0,
  };
}

export function cloneState(s: ViewState): ViewState {
  return {
    ...s,
    call: s.call && { ...s.call, args: s.call.args.slice() },
    setupFrames: s.setupFrames.slice(),
    kbuf: s.kbuf.slice(),
    cache: new Map(s.cache),
    userFrames: new Set(s.userFrames),
    peerFrames: new Set(s.peerFrames),
    ptes: new Map(s.ptes),
    pt: s.pt.slice(),
    pipes: new Map([...s.pipes].map(([k, v]) => [k, new Map(v)])),
    skbs: new Map([...s.skbs].map(([k, v]) => [k, { ...v, frags: v.frags.slice(), linearFrames: v.linearFrames.slice() }])),
    ring: new Map([...s.ring].map(([k, v]) => [k, { ...v }])),
    refs: new Map(s.refs),
    dmaBytes: { ...s.dmaBytes },
    delivered: { ...s.delivered },
    xmit: { ...s.xmit },
  };
}

/** How many skbs the state keeps once they are sent (the socket view shows the recent ones). */
const SENT_SKBS_KEPT = 6;

/** A frame the run reads file data from: a page-cache page that setup filled, if no event has named it yet. */
function touchFileFrame(s: ViewState, frame: number): void {
  if (frame < 0 || s.cache.has(frame) || s.userFrames.has(frame) || s.kbuf.includes(frame)) return;
  if (s.setupFrames.length >= s.setupResident || s.setupFrames.includes(frame)) return;
  for (const k of s.skbs.values()) if (k.linearFrames.includes(frame)) return;
  s.setupFrames.push(frame);
}

/** Whether `frame` is a page-cache page (added during the run, or filled by setup). */
export function isCacheFrame(s: ViewState, frame: number): boolean {
  return s.cache.has(frame) || s.setupFrames.includes(frame);
}

/** Applies one event to `s` (mutates it). */
export function apply(s: ViewState, e: WEvent): void {
  s.pos++;
  switch (e.kind) {
    case "SETUP":
      s.setupResident = e.a;
      s.setupFilePages = e.b;
      break;
    case "SYS_ENTER":
      s.inKernel = true;
      s.call = { id: e.a, step: e.b, args: [e.c, e.d, e.e, e.f] };
      break;
    case "SYS_EXIT":
      s.inKernel = false;
      s.call = { id: e.a, step: e.b, args: s.call?.id === e.a ? s.call.args : [], ret: e.c, errno: e.d };
      break;
    case "MODE_SWITCH":
      s.inKernel = e.a === 1;
      break;
    case "USER_OP":
      if (e.a !== Call.peer_read.id) s.call = { id: e.a, step: e.b, args: [e.c, e.d], ret: e.d };
      break;
    case "PTE_SET":
      touchFileFrame(s, e.b);
      s.ptes.set(e.a, { vaddr: e.a, frame: e.b, flags: e.c });
      break;
    case "PT_ALLOC":
      s.pt.push({ level: e.a, frame: e.b, vaddr: e.c });
      break;
    case "CACHE_ADD":
      // a folio of 2^order pages: frames head.., indices index..
      for (let i = 0; i < 1 << Math.max(0, e.c); i++) s.cache.set(e.d + i, { file: e.a, index: e.b + i, order: e.c, frame: e.d + i });
      break;
    case "PAGE_FREE": {
      s.cache.delete(e.a);
      s.refs.delete(e.a);
      s.userFrames.delete(e.a);
      const k = s.kbuf.indexOf(e.a);
      if (k >= 0) s.kbuf.splice(k, 1);
      // a sent skb's linear page, freed and soon reused: it no longer belongs to that skb
      for (const skb of s.skbs.values()) if (skb.sent) skb.linearFrames = skb.linearFrames.filter((f) => f !== e.a);
      break;
    }
    case "CPU_COPY":
      if (e.d === CopyWhat.TO_USER || e.d === CopyWhat.LINEARIZE || e.d === CopyWhat.PAGE_TO_PAGE) touchFileFrame(s, e.a);
      if (e.d === CopyWhat.TO_USER) s.userFrames.add(e.b);
      // copying from a mapping of the file reads the page cache's own page: it is no private user page
      if (e.d === CopyWhat.FROM_USER && !isCacheFrame(s, e.a)) s.userFrames.add(e.a);
      if ((e.d === CopyWhat.FROM_USER || e.d === CopyWhat.LINEARIZE) && !s.cache.has(e.b) && !s.kbuf.includes(e.b)) s.kbuf.push(e.b);
      if (e.d === CopyWhat.PEER_TO_USER) s.peerFrames.add(e.b);
      break;
    case "CSUM":
      touchFileFrame(s, e.a);
      break;
    case "DMA":
      if (e.a === Dev.DISK) { s.dmaBytes.disk += e.d; s.diskFrames++; }
      else if (e.a === Dev.NIC) { touchFileFrame(s, e.b); s.dmaBytes.nic += e.d; }
      else s.dmaBytes.other += e.d;
      break;
    case "BLOCK_RQ":
      s.blockRequests++;
      break;
    case "PIPE_PUSH": {
      touchFileFrame(s, e.c);
      let p = s.pipes.get(e.a);
      if (!p) s.pipes.set(e.a, (p = new Map()));
      p.set(e.b, { slot: e.b, frame: e.c, len: e.d });
      break;
    }
    case "PIPE_POP": {
      let p = s.pipes.get(e.a);
      if (!p) s.pipes.set(e.a, (p = new Map()));
      p.delete(e.b);
      break;
    }
    case "SKB_ALLOC": {
      // the model may attach frags before it reports the skb complete: keep them
      const skb = skbOf(s, e.a);
      skb.linear = e.b;
      skb.socket = e.c;
      if (e.b > 0) { skb.linearFrames = s.kbuf.slice(); s.kbuf = []; }
      break;
    }
    case "SKB_FRAG":
      touchFileFrame(s, e.b);
      skbOf(s, e.a).frags.push({ frame: e.b, offset: e.c, len: e.d });
      break;
    case "XMIT": {
      const skb = s.skbs.get(e.a);
      if (skb) { skb.sent = true; skb.dev = e.b; }
      if (e.b === Dev.LOOPBACK) s.xmit.loopback++;
      else s.xmit.nic++;
      s.lastDev = e.b;
      // forget the oldest sent skbs so that the view stays small
      const sent = [...s.skbs.values()].filter((k) => k.sent);
      for (const k of sent.slice(0, Math.max(0, sent.length - SENT_SKBS_KEPT))) s.skbs.delete(k.id);
      break;
    }
    case "DESC_POST":
      touchFileFrame(s, e.b);
      s.ring.set(e.a, { index: e.a, frame: e.b, len: e.c, eop: (e.d & 1) === 1, done: false });
      break;
    case "DESC_DONE": {
      const d = s.ring.get(e.a);
      if (d) d.done = true;
      break;
    }
    case "PAGE_REF": case "PAGE_UNREF":
      s.refs.set(e.a, e.b);
      break;
    case "DELIVER":
      s.delivered.bytes += e.b;
      if (!e.c) s.delivered.intact = false;
      break;
    case "WAIT":
      s.waits++;
      break;
    case "SIGNAL":
      s.signals++;
      break;
    default:
      break;
  }
}

function skbOf(s: ViewState, id: number): Skb {
  let skb = s.skbs.get(id);
  if (!skb) s.skbs.set(id, (skb = { id, linear: 0, socket: 0, frags: [], sent: false, dev: 0, linearFrames: [] }));
  return skb;
}

/** Folds events into states, keeping a checkpoint every `every` events so that any position is cheap to reach. */
export class StateFolder {
  private checkpoints: ViewState[] = [emptyState()];
  constructor(private readonly events: readonly WEvent[], private readonly every = 256) {}

  /** The state after the first `n` events. */
  at(n: number): ViewState {
    n = Math.max(0, Math.min(n, this.events.length));
    const k = Math.floor(n / this.every);
    while (this.checkpoints.length <= k) {
      const last = this.checkpoints.length - 1;
      const s = cloneState(this.checkpoints[last]);
      for (let i = last * this.every; i < (last + 1) * this.every; i++) apply(s, this.events[i]);
      this.checkpoints.push(s);
    }
    const s = cloneState(this.checkpoints[k]);
    for (let i = k * this.every; i < n; i++) apply(s, this.events[i]);
    return s;
  }
}

/** The four page-table indices of an x86-64 virtual address (PGD, PUD, PMD, PTE), 9 bits each above the 4 KiB page. */
export function ptIndices(vaddr: number): [number, number, number, number] {
  const v = BigInt(Math.max(0, Math.floor(vaddr)));
  const at = (shift: bigint) => Number((v >> shift) & 511n);
  return [at(39n), at(30n), at(21n), at(12n)];
}
