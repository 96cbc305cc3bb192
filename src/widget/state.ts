/**
 * What the views draw, folded from the model's events: which frames sit in the page cache, the pipe's slots, the
 * socket's skbs and their frags, the NIC's TX ring, the process's mappings and page tables. Pure: the same events
 * give the same state, so stepping back is folding one event fewer (from the nearest checkpoint).
 */
import { Call, CopyWhat, Dev } from "../scenario/abi.js";
import type { WEvent } from "./events.js";

export interface CachePage { file: number; index: number; order: number; frame: number; }
export interface PipeSlot { slot: number; frame: number; len: number; }
export interface Skb { id: number; linear: number; socket: number; frags: { frame: number; offset: number; len: number }[]; sent: boolean; dev: number; }
export interface Desc { index: number; frame: number; len: number; eop: boolean; done: boolean; }
export interface Mapping { vaddr: number; frame: number; flags: number; }
export interface PtPage { level: number; frame: number; vaddr: number; }

export interface ViewState {
  /** events folded */
  pos: number;
  /** where the process is */
  inKernel: boolean;
  /** the call under way (or the last one) */
  call: { id: number; step: number; ret?: number; errno?: number } | null;
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
    pos: 0, inKernel: false, call: null, cache: new Map(), userFrames: new Set(), peerFrames: new Set(), ptes: new Map(), pt: [],
    pipes: new Map(), skbs: new Map(), ring: new Map(), refs: new Map(), diskFrames: 0, blockRequests: 0,
    dmaBytes: { disk: 0, nic: 0, other: 0 }, delivered: { bytes: 0, intact: true }, xmit: { loopback: 0, nic: 0 },
    waits: 0, signals: 0, lastDev: 0,
  };
}

export function cloneState(s: ViewState): ViewState {
  return {
    ...s,
    call: s.call && { ...s.call },
    cache: new Map(s.cache),
    userFrames: new Set(s.userFrames),
    peerFrames: new Set(s.peerFrames),
    ptes: new Map(s.ptes),
    pt: s.pt.slice(),
    pipes: new Map([...s.pipes].map(([k, v]) => [k, new Map(v)])),
    skbs: new Map([...s.skbs].map(([k, v]) => [k, { ...v, frags: v.frags.slice() }])),
    ring: new Map([...s.ring].map(([k, v]) => [k, { ...v }])),
    refs: new Map(s.refs),
    dmaBytes: { ...s.dmaBytes },
    delivered: { ...s.delivered },
    xmit: { ...s.xmit },
  };
}

/** How many skbs the state keeps once they are sent (the socket view shows the recent ones). */
const SENT_SKBS_KEPT = 6;

/** Applies one event to `s` (mutates it). */
export function apply(s: ViewState, e: WEvent): void {
  s.pos++;
  switch (e.kind) {
    case "SYS_ENTER":
      s.inKernel = true;
      s.call = { id: e.a, step: e.b };
      break;
    case "SYS_EXIT":
      s.inKernel = false;
      s.call = { id: e.a, step: e.b, ret: e.c, errno: e.d };
      break;
    case "MODE_SWITCH":
      s.inKernel = e.a === 1;
      break;
    case "USER_OP":
      if (e.a !== Call.peer_read.id) s.call = { id: e.a, step: e.b, ret: e.d };
      break;
    case "PTE_SET":
      s.ptes.set(e.a, { vaddr: e.a, frame: e.b, flags: e.c });
      break;
    case "PT_ALLOC":
      s.pt.push({ level: e.a, frame: e.b, vaddr: e.c });
      break;
    case "CACHE_ADD":
      s.cache.set(e.d, { file: e.a, index: e.b, order: e.c, frame: e.d });
      break;
    case "PAGE_FREE":
      s.cache.delete(e.a);
      s.refs.delete(e.a);
      s.userFrames.delete(e.a);
      break;
    case "CPU_COPY":
      if (e.d === CopyWhat.TO_USER) s.userFrames.add(e.b);
      if (e.d === CopyWhat.FROM_USER) s.userFrames.add(e.a);
      if (e.d === CopyWhat.PEER_TO_USER) s.peerFrames.add(e.b);
      break;
    case "DMA":
      if (e.a === Dev.DISK) { s.dmaBytes.disk += e.d; s.diskFrames++; }
      else if (e.a === Dev.NIC) s.dmaBytes.nic += e.d;
      else s.dmaBytes.other += e.d;
      break;
    case "BLOCK_RQ":
      s.blockRequests++;
      break;
    case "PIPE_PUSH": {
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
    case "SKB_ALLOC":
      s.skbs.set(e.a, { id: e.a, linear: e.b, socket: e.c, frags: [], sent: false, dev: 0 });
      break;
    case "SKB_FRAG": {
      const skb = s.skbs.get(e.a);
      if (skb) skb.frags.push({ frame: e.b, offset: e.c, len: e.d });
      break;
    }
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
