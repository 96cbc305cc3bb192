/**
 * The counters the widget shows, read from whatever the model's player or a result gives (a Result, a counter
 * array indexed by `Counter`, or an object keyed by Counter names), and laid out as rows keyed by the Result's
 * paths, so that a native result (the same shape) sits beside the model's.
 */
import { Counter, COUNTER_COUNT } from "../scenario/abi.js";
import type { Result } from "../result.js";

export type CounterName = keyof typeof Counter;
/** Counter values by Result path ("copies.cpu.bytes") and by Counter name ("CPU_COPY_BYTES"). */
export type Flat = Record<string, number>;

export interface CounterRow {
  /** the Result path the row shows */
  path: string;
  /** the model's counter that feeds it */
  counter: CounterName;
  label: string;
  /** what it means, for the tooltip */
  doc: string;
  unit?: "bytes" | "ns";
  /** shown only when non-zero in the model or the native result */
  optional?: boolean;
  /** colour key for the legend of motions */
  tone?: "copy" | "dma" | "ref";
}

export const COUNTER_ROWS: CounterRow[] = [
  { path: "syscalls.total", counter: "SYSCALLS", label: "system calls", doc: "calls the process made into the kernel" },
  { path: "modeSwitches", counter: "MODE_SWITCHES", label: "mode switches", doc: "user↔kernel transitions (2 per system call)" },
  { path: "copies.cpu.ops", counter: "CPU_COPY_OPS", label: "CPU copies", doc: "copies of payload bytes made by the CPU", tone: "copy" },
  { path: "copies.cpu.bytes", counter: "CPU_COPY_BYTES", label: "CPU-copied bytes", doc: "payload bytes the CPU copied", unit: "bytes", tone: "copy" },
  { path: "copies.dma.ops", counter: "DMA_OPS", label: "DMA transfers", doc: "device transfers of payload bytes (disk, NIC)", tone: "dma" },
  { path: "copies.dma.bytes", counter: "DMA_BYTES", label: "DMA bytes", doc: "payload bytes moved by devices", unit: "bytes", tone: "dma" },
  { path: "faults.minor", counter: "FAULTS_MINOR", label: "minor faults", doc: "page faults served from memory" },
  { path: "faults.major", counter: "FAULTS_MAJOR", label: "major faults", doc: "page faults that waited for the disk", optional: true },
  { path: "kernel.copyColdSrcBytes", counter: "COPY_COLD_SRC_BYTES", label: "copied from memory", doc: "copied bytes the CPU had to fetch: the source was not in its cache", unit: "bytes", optional: true, tone: "copy" },
  { path: "kernel.copyColdDstBytes", counter: "COPY_COLD_DST_BYTES", label: "copied to memory", doc: "copied bytes written to lines not in the CPU's cache (a fresh page)", unit: "bytes", optional: true, tone: "copy" },
  { path: "kernel.pageRefs", counter: "PAGE_REFS", label: "page references", doc: "get_page: references taken by pipes, skbs and mappings", tone: "ref" },
  { path: "kernel.ptesSet", counter: "PTES_SET", label: "PTEs set", doc: "page table entries written", optional: true },
  { path: "kernel.skbs", counter: "SKBS", label: "skbs", doc: "socket buffers built", optional: true },
  { path: "kernel.skbFragBytes", counter: "SKB_FRAG_BYTES", label: "bytes in skb frags", doc: "bytes the socket carried by page reference", unit: "bytes", optional: true, tone: "ref" },
  { path: "kernel.skbLinearBytes", counter: "SKB_LINEAR_BYTES", label: "bytes in skb linear", doc: "bytes the socket carried in copied linear parts", unit: "bytes", optional: true, tone: "copy" },
  { path: "kernel.nicDescriptors", counter: "NIC_DESCRIPTORS", label: "NIC descriptors", doc: "TX descriptors posted to the NIC", optional: true },
  { path: "kernel.csumBytes", counter: "CSUM_BYTES", label: "checksummed by CPU", doc: "bytes the CPU read to checksum (no offload)", unit: "bytes", optional: true },
  { path: "kernel.nvcsw", counter: "NVCSW", label: "context switches", doc: "voluntary context switches: the process slept", optional: true },
  { path: "delivered.bytes", counter: "DELIVERED_BYTES", label: "delivered", doc: "bytes the sink received and verified", unit: "bytes" },
  { path: "timeNs", counter: "TIME_NS", label: "time", doc: "the cost model's predicted time (native: measured)", unit: "ns" },
];

const PATH_BY_COUNTER = new Map(COUNTER_ROWS.map((r) => [r.counter, r.path]));

/** Every numeric leaf of an object, by dotted path. */
function flatten(o: unknown, prefix = "", out: Flat = {}): Flat {
  if (o === null || o === undefined) return out;
  if (typeof o === "number" || typeof o === "bigint" || typeof o === "boolean") {
    out[prefix] = Number(o);
    return out;
  }
  if (typeof o === "object" && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Reads counters in any of the shapes the model may give into a Flat keyed by Result path (and Counter name). */
export function readCounters(src: unknown): Flat {
  const out: Flat = {};
  if (!src) return out;
  if ((Array.isArray(src) || ArrayBuffer.isView(src)) && (src as ArrayLike<unknown>).length >= Math.min(COUNTER_COUNT, 44)) {
    const arr = src as ArrayLike<number | bigint>;
    for (const [name, i] of Object.entries(Counter)) {
      const v = Number(arr[i]);
      out[name] = v;
      const p = PATH_BY_COUNTER.get(name as CounterName);
      if (p) out[p] = v;
    }
    return out;
  }
  const o = src as Record<string, unknown>;
  // an object keyed by Counter names ({ SYSCALLS: 3, ... }), or a Result-like object, or both
  Object.assign(out, flatten(o));
  for (const [name] of Object.entries(Counter)) {
    if (typeof o[name] === "number" || typeof o[name] === "bigint") {
      const p = PATH_BY_COUNTER.get(name as CounterName);
      if (p) out[p] = Number(o[name]);
    }
  }
  // a Result's nested kernel section may name counters differently: accept the Counter's own name in camelCase
  for (const r of COUNTER_ROWS) {
    if (out[r.path] !== undefined) continue;
    const camel = r.counter.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const key of [`kernel.${camel}`, `counters.${r.counter}`, camel, r.counter]) {
      if (out[key] !== undefined) { out[r.path] = out[key]; break; }
    }
  }
  return out;
}

/** The rows worth showing for these values (optional rows only when some side has them non-zero). */
export function visibleRows(model: Flat, native?: Flat | null): CounterRow[] {
  return COUNTER_ROWS.filter((r) => !r.optional || (model[r.path] ?? 0) !== 0 || (native?.[r.path] ?? 0) !== 0);
}

export function fmtCounter(v: number | undefined, unit?: CounterRow["unit"]): string {
  if (v === undefined || Number.isNaN(v)) return "–";
  if (unit === "bytes") {
    if (v >= 1024 * 1024) return `${+(v / (1024 * 1024)).toFixed(2)} MiB`;
    if (v >= 1024) return `${+(v / 1024).toFixed(2)} KiB`;
    return `${v} B`;
  }
  if (unit === "ns") {
    if (v >= 1e6) return `${+(v / 1e6).toFixed(2)} ms`;
    if (v >= 1e3) return `${+(v / 1e3).toFixed(1)} µs`;
    return `${Math.round(v)} ns`;
  }
  return v.toLocaleString("en-US");
}

/** The result's counters as the widget reads them (for the end of a run and the native column). */
export const resultCounters = (r: Result | null | undefined): Flat => readCounters(r);
