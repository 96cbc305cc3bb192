/** Crafted results for the comparison tests. */
import type { Result } from "../../src/result.js";

type Deep<T> = { [K in keyof T]?: T[K] extends object ? Deep<T[K]> : T[K] };

export function mkResult(engine: "sim" | "native", patch: Deep<Result> = {}): Result {
  const base: Result = {
    engine,
    scenario: "read-write",
    params: { fileSize: 1048576, chunk: 65536, cache: "warm", sink: "tcp" },
    payloadBytes: 1048576,
    syscalls: { total: 35, byName: { open: 1, read: 17, write: 16, close: 1 } },
    modeSwitches: 70,
    faults: { minor: 0, major: 0 },
    copies: { cpu: { ops: 32, bytes: 2097152 }, dma: { ops: 0, bytes: 0 } },
    io: { rchar: 1048576, wchar: 1048576, syscr: 17, syscw: 16, readBytes: 0 },
    errors: [],
    delivered: { bytes: 1048576, intact: true },
    timeNs: 1_000_000,
    peer: { copies: { ops: 16, bytes: 1048576 }, syscalls: { total: 17 } },
    kernel: { pageFaultUser: 0, nvcsw: 3 },
  };
  if (engine === "native") {
    base.evidence = {
      syscalls: "measured", modeSwitches: "derived", "faults.minor": "measured", "faults.major": "measured",
      "copies.cpu.bytes": "derived", "copies.cpu.ops": "derived", "copies.dma.bytes": "unobservable", "copies.dma.ops": "unobservable",
      io: "measured", delivered: "measured", timeNs: "measured", "kernel.pageFaultUser": "measured", "kernel.nvcsw": "measured",
    };
  }
  return merge(base, patch) as Result;
}

function merge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}
