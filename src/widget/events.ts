/**
 * The model's trace events as the widget sees them: `{ seq, kind, a..f }` with `kind` the Ev name, whatever
 * shape the model's decoder gives them (named fields or the raw words), and a sentence for each one.
 */
import { Call, CopyWhat, Dev, Ev, EVENTS, Errno, Wait, signalName } from "../scenario/abi.js";

export type EvKind = keyof typeof Ev;

/** One trace record: the event's index, its kind, and its six operands (Ev in abi.ts documents a..f). */
export interface WEvent {
  seq: number;
  kind: EvKind;
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

const KIND_BY_ID = new Map<number, EvKind>(Object.entries(Ev).map(([k, v]) => [v, k as EvKind]));
export const CALL_BY_ID = new Map<number, string>(Object.entries(Call).map(([k, v]) => [v.id, k]));
const DEV_BY_ID = new Map<number, string>(Object.entries(Dev).map(([k, v]) => [v, k]));
const COPY_BY_ID = new Map<number, string>(Object.entries(CopyWhat).map(([k, v]) => [v, k]));
const ERRNO_BY_ID = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/**
 * Other spellings a decoder may give a field (the model's own names are EVENTS' in abi.ts), by field name, or by
 * "KIND.field" where one kind's field takes spellings another's does not.
 */
const ALIASES: Record<string, string[]> = {
  call: ["callId", "nr"], vaddr: ["addr"], pages: ["mapped"], mode: ["populate", "inMmap"], frame: ["pfn"],
  src: ["srcFrame", "from"], dst: ["dstFrame", "to"], bytes: ["len"], len: ["bytes"], device: ["dev"],
  index: ["ring", "idx", "ringIndex"], pipe: ["pipeId"], skb: ["skbId", "id"], linear: ["linearBytes"],
  socket: ["sock", "socketId"], sink: ["sinkId"], refcount: ["refs"], signo: ["signal"], code: ["si_code", "siCode"],
  addr: ["address"], what: ["wait"], toKernel: ["dir", "direction"], residentPages: ["resident"], filePages: ["pages"],
  "BLOCK_RQ.index": ["first"], "PAGE_UNREF.refcount": ["refs", "count"], "USER_OP.arg0": ["addr", "sink"], "USER_OP.arg1": ["len"],
  "CACHE_MISS.dst": [],
};

/**
 * The operand names of each kind, in a..f order: the model's name first (EVENTS), then the accepted spellings; word f
 * is the action's ns where the kind names fewer than six fields.
 */
export const FIELDS: Record<EvKind, string[][]> = Object.fromEntries(
  (Object.keys(EVENTS) as EvKind[]).map((kind) => {
    const fields: readonly string[] = EVENTS[kind].fields;
    const slots = fields.map((f) => [f, ...(ALIASES[`${kind}.${f}`] ?? ALIASES[f] ?? [])]);
    while (slots.length < 6) slots.push(slots.length === 5 ? ["ns"] : []);
    return [kind, slots];
  }),
) as Record<EvKind, string[][]>;

const num = (v: unknown): number | undefined => {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
};

/** Reads one event in any of the shapes a decoder may give: an 8-word record, {kind:"DMA", a..f}, named fields. */
export function normalizeEvent(raw: unknown, index = 0): WEvent {
  if (Array.isArray(raw) || ArrayBuffer.isView(raw)) {
    const w = Array.from(raw as ArrayLike<number | bigint>, (x) => Number(x));
    return { seq: w[0], kind: KIND_BY_ID.get(w[1]) ?? "TRACE_CUT", a: w[2] ?? 0, b: w[3] ?? 0, c: w[4] ?? 0, d: w[5] ?? 0, e: w[6] ?? 0, f: w[7] ?? 0 };
  }
  const o = raw as Record<string, unknown>;
  const k = o.kind ?? o.type;
  const kind: EvKind = typeof k === "string" && k in Ev ? (k as EvKind) : (KIND_BY_ID.get(num(k) ?? -1) ?? "TRACE_CUT");
  const out: WEvent = { seq: num(o.seq) ?? index, kind, a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 };
  const slots = ["a", "b", "c", "d", "e", "f"] as const;
  const names = FIELDS[kind];
  slots.forEach((s, i) => {
    let v = num(o[s]);
    if (v === undefined && names[i]) for (const n of names[i]) if ((v = num(o[n])) !== undefined) break;
    if (v === undefined && Array.isArray(o.args)) v = num((o.args as unknown[])[i]);
    if (v !== undefined) out[s] = v;
  });
  // a few fields a decoder may give as names rather than numbers
  if (kind === "CPU_COPY" && typeof o.what === "string") out.d = (CopyWhat as Record<string, number>)[o.what] ?? 0;
  if ((kind === "DMA") && typeof (o.dev ?? o.device) === "string") out.a = (Dev as Record<string, number>)[String(o.dev ?? o.device)] ?? 0;
  if (kind === "XMIT" && typeof (o.dev ?? o.device) === "string") out.b = (Dev as Record<string, number>)[String(o.dev ?? o.device)] ?? 0;
  if ((kind === "SYS_ENTER" || kind === "SYS_EXIT" || kind === "USER_OP" || kind === "PEER_CALL") && typeof o.call === "string") {
    out.a = (Call as Record<string, { id: number }>)[o.call]?.id ?? 0;
  }
  if (kind === "SYS_EXIT" && typeof o.errno === "string") out.d = (Errno as Record<string, number>)[o.errno] ?? 0;
  return out;
}

export const callName = (id: number): string => CALL_BY_ID.get(id) ?? `call#${id}`;
export const devName = (id: number): string => DEV_BY_ID.get(id) ?? `dev#${id}`;
export const copyWhatName = (id: number): string => COPY_BY_ID.get(id) ?? `copy#${id}`;
export const errnoName = (n: number): string => ERRNO_BY_ID.get(Math.abs(n)) ?? String(n);

/** 65536 -> "64 KiB", 1000 -> "1000 B". */
export function fmtBytes(n: number): string {
  if (n >= 1024 ** 3 && n % (1024 ** 2) === 0) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2 && n % 1024 === 0) return `${+(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024 && n % 64 === 0) return `${+(n / 1024).toFixed(2)} KiB`;
  return `${n} B`;
}

export const hex = (n: number): string => "0x" + Math.max(0, n).toString(16);

/** How an event moves data: a CPU copy, a device transfer, a reference hand-off, or none of these. */
export type Motion = "copy" | "dma" | "ref" | "none";

export function motionOf(e: WEvent): Motion {
  switch (e.kind) {
    case "CPU_COPY":
      return "copy";
    case "DMA":
      return "dma";
    case "PIPE_PUSH": case "PIPE_POP": case "SKB_FRAG": case "DESC_POST": case "XMIT": case "PTE_SET":
      return "ref";
    default:
      return "none";
  }
}

const WAIT_NAMES: Record<number, string> = { [Wait.DISK]: "for the disk", [Wait.SOCKET]: "for room in the socket buffer", [Wait.PIPE]: "for the pipe" };
const LEVEL_NAMES = ["", "PTE table", "PMD", "PUD", "PGD"];

/** One sentence for the live region and the event log; `args` is the text of a call's arguments (SYS_ENTER). */
export function describe(e: WEvent, args = ""): string {
  switch (e.kind) {
    case "SYS_ENTER":
      return `The process calls ${callName(e.a)}(${args}): it enters the kernel.`;
    case "SYS_EXIT":
      return e.c < 0 || e.d
        ? `${callName(e.a)} fails: returns -1, errno ${errnoName(e.d)}; back to user space.`
        : `${callName(e.a)} returns ${e.c}; back to user space.`;
    case "FAULT":
      return `${e.b ? "Major" : "Minor"} page fault at ${hex(e.a)}${e.d === 1 ? " (inside mmap: MAP_POPULATE)" : e.d === 2 ? " (in the kernel, touching user memory)" : ""}: ${e.c} page${e.c === 1 ? "" : "s"} mapped.`;
    case "PTE_SET":
      return `Page table entry set: virtual page ${hex(e.a)} now maps frame ${e.b}.`;
    case "PT_ALLOC":
      return `A ${LEVEL_NAMES[e.a] ?? "page table"} page is allocated (frame ${e.b}) to cover ${hex(e.c)}.`;
    case "CPU_COPY": {
      const what: Record<number, string> = {
        [CopyWhat.TO_USER]: "from the page cache to the user buffer",
        [CopyWhat.FROM_USER]: "from the user buffer into the kernel",
        [CopyWhat.LINEARIZE]: "into the skb's linear part (the NIC cannot gather)",
        [CopyWhat.PEER_TO_USER]: "from the socket to the peer's buffer",
        [CopyWhat.PAGE_TO_PAGE]: "from one page to another",
      };
      return `CPU copy: ${fmtBytes(e.c)} ${what[e.d] ?? ""} (frame ${e.a} → frame ${e.b}).`;
    }
    case "DMA": {
      if (e.a === Dev.DISK) return `DMA: the disk writes ${fmtBytes(e.d)} into frame ${e.c} of the page cache; the CPU is not involved.`;
      if (e.a === Dev.NIC) return `DMA: the NIC reads ${fmtBytes(e.d)} from frame ${e.b} for transmission; the CPU is not involved.`;
      return `DMA by ${devName(e.a)}: ${fmtBytes(e.d)} from frame ${e.b} to frame ${e.c}.`;
    }
    case "DESC_POST":
      return `TX descriptor ${e.a} posted: frame ${e.b}, ${fmtBytes(e.c)}${e.d & 1 ? ", end of packet" : ""}.`;
    case "DESC_DONE":
      return `The NIC marks TX descriptor ${e.a} done (DD).`;
    case "CACHE_ADD":
      return `File ${e.a} page ${e.b}${e.c ? ` (a folio of ${1 << e.c} pages)` : ""} is added to the page cache in frame ${e.d}.`;
    case "PIPE_PUSH":
      return `A reference to frame ${e.c} (${fmtBytes(e.d)}) enters pipe ${e.a}, slot ${e.b}: no bytes move.`;
    case "PIPE_POP":
      return `Pipe ${e.a} slot ${e.b} hands its reference to frame ${e.c} (${fmtBytes(e.d)}) on.`;
    case "SKB_ALLOC":
      return `The socket allocates skb ${e.a}${e.b ? ` with a ${fmtBytes(e.b)} linear part` : ""}.`;
    case "SKB_FRAG":
      return `skb ${e.a} gets a fragment: a reference to frame ${e.b} (${fmtBytes(e.d)} at offset ${e.c}), no copy.`;
    case "XMIT":
      return `skb ${e.a} (${fmtBytes(e.c)}) is handed to the ${e.b === Dev.LOOPBACK ? "loopback device" : e.b === Dev.NIC ? "NIC" : devName(e.b)}.`;
    case "DELIVER":
      return `The sink receives ${fmtBytes(e.b)}${e.c ? ", intact" : ", NOT intact"}.`;
    case "CSUM":
      return `The CPU reads ${fmtBytes(e.b)} of frame ${e.a} to compute the checksum (no checksum offload).`;
    case "PAGE_REF":
      return e.c > 1
        ? `folio_ref_add: frame ${e.a} takes ${e.c} references at once (one per page mapped), ${e.b} in all.`
        : `get_page: frame ${e.a} now has ${e.b} reference${e.b === 1 ? "" : "s"}.`;
    case "PAGE_UNREF":
      return `put_page: frame ${e.a} now has ${e.b} reference${e.b === 1 ? "" : "s"}.`;
    case "PAGE_FREE":
      return `Frame ${e.a} is freed.`;
    case "SIGNAL":
      return `The process receives ${signalName(e.a) ?? `signal ${e.a}`} at ${hex(e.c)}.`;
    case "WAIT":
      return `The process sleeps ${WAIT_NAMES[e.a] ?? ""} and is woken up: a context switch.`.replace("  ", " ");
    case "MODE_SWITCH":
      return e.a ? "Mode switch: user → kernel." : "Mode switch: kernel → user.";
    case "BLOCK_RQ":
      return `A block request reads ${e.c} page${e.c === 1 ? "" : "s"} of file ${e.a} from page ${e.b}.`;
    case "ZC_COMPLETE":
      return `MSG_ZEROCOPY completion for sends ${e.a}..${e.b}${e.c ? " (the kernel copied after all)" : ""}.`;
    case "TRACE_CUT":
      return `The trace was cut here: ${e.a} more events were not kept.`;
    case "IO_ACCT":
      return `/proc/self/io accounting: rchar +${e.a}, wchar +${e.b}.`;
    case "PEER_CALL":
      return `The loopback peer calls ${callName(e.a)}, which returns ${e.b}.`;
    case "PEER_WAKE":
      return `skb ${e.b} arrives while the peer sleeps in recv: the sender's CPU wakes it (an interrupt to the peer's CPU).`;
    case "CACHE_MISS":
      return `${fmtBytes(e.b)} of frame ${e.a} are not in the CPU's cache: the copy waits for memory to ${e.c ? "write" : "read"} them.`;
    case "SETUP":
      return `Setup done: ${e.a} of ${e.b} source pages are in the page cache.`;
    case "USER_OP":
      return e.a === Call.peer_read.id
        ? "The peer reads what is queued for it."
        : `The process ${e.a === Call.mem_write.id ? "stores" : "loads"} ${fmtBytes(e.d)} at ${hex(e.c)}.`;
    case "COST":
      return `Other kernel work (page-cache lookups, small allocations) costs ${e.f} ns.`;
    default:
      return e.kind;
  }
}
