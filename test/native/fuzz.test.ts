/**
 * Hostile programs: valid programs with words changed at random. The host never crashes or hangs; it answers
 * with JSON (a refusal, or a run with its errors), removes its sandbox and leaves no process.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import type { NativeRaw } from "../../src/node/native.js";
import { nativeBinary } from "../../src/node/native.js";
import { classic, type Classic } from "./asm.js";
import { nativeReady, scratch } from "./helpers.js";

const ready = nativeReady();
const STATUSES = ["OK", "BAD_MAGIC", "BAD_VERSION", "BAD_PROGRAM", "BUDGET_EXCEEDED", "SETUP_FAILED", "PEER_FAILED", "UNSUPPORTED", "TIMEOUT"];

/** xorshift: the same mutations on every run */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

describe.skipIf(!ready.ok)(`native host under hostile programs${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it("150 mutated programs: JSON every time, no crash, no hang, no leftover", () => {
    const s = scratch();
    const rand = rng(Number(process.env.ZC_SEED ?? 20261125));
    const names: Classic[] = ["read-write", "mmap-write", "sendfile", "splice", "tee"];
    const sinks = ["tcp", "file", "null"] as const;
    const values = [-1n, 0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 99n, 100n, 4096n, 65536n, 1n << 40n, -(1n << 62n)];
    const seen = new Map<string, number>();
    try {
      for (let i = 0; i < Number(process.env.ZC_N ?? 150); i++) {
        const p = classic(names[i % 5], { fileSize: 65536, chunk: 16384, sink: sinks[Math.floor(i / 5) % 3] });
        const k = 1 + Math.floor(rand() * 3);
        for (let j = 0; j < k; j++) {
          const at = 2 + Math.floor(rand() * (p.length - 2));
          p[at] = rand() < 0.7 ? values[Math.floor(rand() * values.length)] : BigInt(Math.floor(rand() * 2 ** 31)) - (1n << 30n);
        }
        if (process.env.ZC_DUMP) writeFileSync(`/tmp/zc/f${i}.bin`, Buffer.from(p.buffer));
        const r = spawnSync(nativeBinary(), ["--timeout", "2", "-"], { input: Buffer.from(p.buffer), env: { ...process.env, TMPDIR: s.dir }, timeout: 30_000, maxBuffer: 1 << 28 });
        expect(r.signal, `program ${i}: died of a signal`).toBeNull();
        expect([0, 2], `program ${i}: exit ${r.status}`).toContain(r.status);
        const raw = JSON.parse(r.stdout.toString()) as NativeRaw;
        expect(STATUSES, `program ${i}`).toContain(raw.status);
        seen.set(raw.status, (seen.get(raw.status) ?? 0) + 1);
        expect(readdirSync(s.dir), `program ${i}: leftover`).toEqual([]);
      }
      expect(seen.get("OK")).toBeGreaterThan(10);
      expect(seen.get("BAD_PROGRAM")).toBeGreaterThan(10);
    } finally {
      s.done();
    }
  });
});
