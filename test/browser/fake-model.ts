/**
 * A small stand-in for src/model, for developing the views before the model lands (test/browser/vite.fake.config.ts
 * aliases it). It invents a plausible event stream per call; it is never part of a build that ships.
 */
import { Call, CopyWhat, Dev, Ev } from "../../src/scenario/abi.js";
import type { Compiled } from "../../src/scenario/types.js";
import type { Result } from "../../src/result.js";

type Raw = { seq: number; kind: string; a: number; b: number; c: number; d: number; e: number; f: number };

function events(c: Compiled): Raw[] {
  const out: Raw[] = [];
  const push = (kind: keyof typeof Ev, a = 0, b = 0, cc = 0, d = 0) => out.push({ seq: out.length, kind, a, b, c: cc, d, e: 0, f: 0 });
  const size = c.files[0]?.size ?? 65536;
  const pages = Math.ceil(size / 4096);
  const chunk = typeof c.params.chunk === "number" ? c.params.chunk : size;
  const nic = c.sinks.some((s) => s.kind === "nic");
  const sg = c.params.nicSg !== false;
  push("SETUP", pages, pages);
  for (let i = 0; i < pages; i++) push("CACHE_ADD", 0, i, 0, 100 + i);
  push("SYS_ENTER", Call.open.id, 0); push("SYS_EXIT", Call.open.id, 0, 3);
  let skb = 0, desc = 0;
  const mmap = c.name === "mmap-write";
  if (mmap) {
    push("SYS_ENTER", Call.mmap.id, 1); push("PT_ALLOC", 3, 50, 0x7f0000000000); push("PT_ALLOC", 2, 51, 0x7f0000000000); push("PT_ALLOC", 1, 52, 0x7f0000000000);
    push("SYS_EXIT", Call.mmap.id, 1, 0x7f0000000000);
    push("FAULT", 0x7f0000000000, 0, Math.min(16, pages));
    for (let i = 0; i < Math.min(16, pages); i++) push("PTE_SET", 0x7f0000000000 + i * 4096, 100 + i, 1);
  }
  for (let off = 0; off < size; off += chunk) {
    const n = Math.min(chunk, size - off);
    const call = c.name === "read-write" ? Call.read.id : mmap ? Call.write.id : Call.sendfile.id;
    if (c.name === "read-write") {
      push("SYS_ENTER", Call.read.id, 1, 3, 0, n);
      for (let p = 0; p < n / 4096; p++) push("CPU_COPY", 100 + off / 4096 + p, 200 + p, 4096, CopyWhat.TO_USER);
      push("SYS_EXIT", Call.read.id, 1, n);
    }
    push("SYS_ENTER", c.name === "read-write" ? Call.write.id : call, 2, 4, 3, 0, n);
    push("SKB_ALLOC", ++skb, sg || c.name !== "sendfile" ? 0 : n, 1);
    for (let p = 0; p < n / 4096; p++) {
      const f = 100 + off / 4096 + p;
      if (c.name === "read-write") push("CPU_COPY", 200 + p, 300 + p, 4096, CopyWhat.FROM_USER);
      else if (c.name === "sendfile") { push("PAGE_REF", f, 2); push("SKB_FRAG", skb, f, 0, 4096); }
      else push("CPU_COPY", f, 300 + p, 4096, CopyWhat.FROM_USER);
    }
    if (nic) {
      push("DESC_POST", desc, 100 + off / 4096, n, 1);
      push("DMA", Dev.NIC, 100 + off / 4096, -1, n);
      push("XMIT", skb, Dev.NIC, n);
      push("DESC_DONE", desc++, 1);
    } else push("XMIT", skb, Dev.LOOPBACK, n);
    push("DELIVER", 0, n, 1);
    push("SYS_EXIT", c.name === "read-write" ? Call.write.id : call, 2, n);
  }
  return out;
}

function countersOf(evs: Raw[]): Record<string, number> {
  const k: Record<string, number> = { SYSCALLS: 0, MODE_SWITCHES: 0, CPU_COPY_OPS: 0, CPU_COPY_BYTES: 0, DMA_OPS: 0, DMA_BYTES: 0, DELIVERED_BYTES: 0, FAULTS_MINOR: 0, PAGE_REFS: 0, PTES_SET: 0, TIME_NS: 0 };
  for (const e of evs) {
    if (e.kind === "SYS_ENTER") { k.SYSCALLS++; k.MODE_SWITCHES += 2; k.TIME_NS += 200; }
    if (e.kind === "CPU_COPY") { k.CPU_COPY_OPS++; k.CPU_COPY_BYTES += e.c; k.TIME_NS += e.c / 10; }
    if (e.kind === "DMA") { k.DMA_OPS++; k.DMA_BYTES += e.d; }
    if (e.kind === "DELIVER") k.DELIVERED_BYTES += e.b;
    if (e.kind === "FAULT") k.FAULTS_MINOR++;
    if (e.kind === "PAGE_REF") k.PAGE_REFS++;
    if (e.kind === "PTE_SET") k.PTES_SET++;
  }
  return k;
}

function result(c: Compiled, k: Record<string, number>): Result {
  return {
    engine: "sim", scenario: c.name, params: c.params, payloadBytes: c.payloadBytes,
    syscalls: { total: k.SYSCALLS, byName: {} }, modeSwitches: k.MODE_SWITCHES, faults: { minor: k.FAULTS_MINOR, major: 0 },
    copies: { cpu: { ops: k.CPU_COPY_OPS, bytes: k.CPU_COPY_BYTES }, dma: { ops: k.DMA_OPS, bytes: k.DMA_BYTES } },
    io: { rchar: 0, wchar: 0, syscr: 0, syscw: 0, readBytes: 0 }, errors: [], delivered: { bytes: k.DELIVERED_BYTES, intact: true },
    timeNs: k.TIME_NS, kernel: { pageRefs: k.PAGE_REFS, ptesSet: k.PTES_SET },
  };
}

export async function loadSimulator(_opts?: unknown) {
  return {
    run(c: Compiled, o: { trace?: boolean } = {}) {
      const evs = events(c);
      return { result: result(c, countersOf(evs)), events: o.trace === false ? undefined : evs };
    },
    player(c: Compiled) {
      const evs = events(c);
      let pos = 0;
      return {
        get length() { return evs.length; },
        get position() { return pos; },
        step() { return pos < evs.length ? evs[pos++] : null; },
        back() { if (pos > 0) pos--; return null; },
        seek(n: number) { pos = Math.max(0, Math.min(evs.length, n)); },
        reset() { pos = 0; },
        counters() { return result(c, countersOf(evs.slice(0, pos))); },
      };
    },
  };
}
