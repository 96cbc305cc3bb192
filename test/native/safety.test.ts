/**
 * Safety: SIGINT or SIGTERM in the middle of a transfer, a peer that never reads (timeout), a killed host: no
 * temporary file and no process is left behind. And degradation: run as an unprivileged user, the tracepoint and
 * perf counters are reported unavailable with the reason, never as zero, and everything else still works.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { nativeBinary, runHost, toResult, type NativeRaw } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { Knob } from "../../src/scenario/abi.js";
import { Asm, imm, reg, str } from "./asm.js";
import { hasTool, isRoot, nativeReady, scratch } from "./helpers.js";

const ready = nativeReady();

/** A transfer that blocks: 64 MiB written to a lazy peer that reads nothing until the end, its receive buffer
 * held small (Knob.TCP_RCVBUF; otherwise the host sizes a lazy peer's buffer to hold the whole file). */
function blocking(): BigInt64Array {
  const a = new Asm();
  a.knob(Knob.TCP_RCVBUF, 65536);
  a.file("src", 64 << 20);
  const out = a.sink("out", "tcp", 0, true);
  const buf = a.buf("buf", 1 << 20);
  const fd = a.reg("fd"), n = a.reg("n");
  a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
  a.label("loop");
  a.call("read", [reg(fd), reg(buf), imm(1 << 20)], [n], "end");
  a.call("write", [reg(out), reg(buf), reg(n)], []);
  a.jump("loop");
  a.label("end");
  return a.build();
}

/** Running (a zombie waiting for init to reap it is not running). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};
const children = (pid: number): number[] => {
  const r = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
  return r.stdout.split("\n").filter(Boolean).map(Number);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready.ok || !hasTool("pgrep"))(`native safety${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    it(`${sig} mid-transfer leaves no sandbox and no process`, async () => {
      const s = scratch();
      try {
        const p = blocking();
        const child = spawn(nativeBinary(), ["--timeout", "60", "-"], { env: { ...process.env, TMPDIR: s.dir }, stdio: ["pipe", "pipe", "pipe"] });
        let err = "";
        child.stderr.on("data", (b: Buffer) => (err += b.toString()));
        child.stdin.end(Buffer.from(p.buffer));
        const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));
        // wait until the phase is under way: the sandbox exists and the peer is forked
        for (let i = 0; i < 200 && !(err.includes("sandbox") && children(child.pid!).length); i++) await sleep(25);
        await sleep(300);
        const peers = children(child.pid!);
        expect(peers.length).toBe(1);
        expect(readdirSync(s.dir).length).toBe(1);
        child.kill(sig);
        const { signal } = await exited;
        expect(signal).toBe(sig);
        expect(readdirSync(s.dir)).toEqual([]);
        for (let i = 0; i < 40 && peers.some(alive); i++) await sleep(25);
        expect(peers.filter(alive)).toEqual([]);
      } finally {
        s.done();
      }
    });

  it("a peer that dies mid-transfer: the writes fail with ECONNRESET or EPIPE (recorded), the run ends, nothing is left", async () => {
    const s = scratch();
    try {
      const child = spawn(nativeBinary(), ["--timeout", "30", "-"], { env: { ...process.env, TMPDIR: s.dir }, stdio: ["pipe", "pipe", "pipe"] });
      let out = "", err = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (err += b.toString()));
      child.stdin.end(Buffer.from(blocking().buffer));
      const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      for (let i = 0; i < 200 && !(err.includes("sandbox") && children(child.pid!).length); i++) await sleep(25);
      await sleep(300);
      const peers = children(child.pid!);
      expect(peers.length).toBe(1);
      process.kill(peers[0], "SIGKILL");
      expect(await exited).toBe(0);
      const raw = JSON.parse(out) as NativeRaw;
      expect(raw.status).toBe("PEER_FAILED");
      expect(raw.errors.some((e) => e.call === "write" && (e.errno === "EPIPE" || e.errno === "ECONNRESET"))).toBe(true);
      expect(readdirSync(s.dir)).toEqual([]);
      expect(peers.filter(alive)).toEqual([]);
    } finally {
      s.done();
    }
  });

  it("a peer that never reads ends in a timeout error, not a hang; everything is reaped and removed", async () => {
    const s = scratch();
    try {
      const t0 = Date.now();
      const raw = await runHost(blocking(), { timeoutMs: 3000, env: { TMPDIR: s.dir } });
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(raw.status).toBe("TIMEOUT");
      expect(raw.detail).toMatch(/^blocked: write at step \d+ had not returned after [\d.]+ s when the phase's bound of 1 s/);
      // the blocked write() came back when the time ran out (with what it had sent, or EINTR)
      expect(raw.syscalls.byName.write).toBeGreaterThan(0);
      expect(raw.sandboxRemoved).toBe(true);
      expect(readdirSync(s.dir)).toEqual([]);
    } finally {
      s.done();
    }
  });

  it("a host killed outright (SIGKILL) leaves its sandbox and peer to the driver, which removes and kills them", async () => {
    const s = scratch(), t = scratch();
    try {
      const pids = `${t.dir}/peers`;
      const run = runHost(blocking(), {
        timeoutMs: 20_000,
        env: { TMPDIR: s.dir, ZC_PIDS: pids },
        wrap: ["sh", "-c", 'exec 3<&0; "$0" "$@" 0<&3 & p=$!; sleep 1; pgrep -P $p > "$ZC_PIDS"; kill -9 $p; wait $p'],
      });
      await expect(run).rejects.toThrow(/without a result|died/);
      const peers = readFileSync(pids, "utf8").split("\n").filter(Boolean).map(Number);
      expect(peers.length).toBe(1);
      for (let i = 0; i < 40 && peers.some(alive); i++) await sleep(25);
      expect(peers.filter(alive)).toEqual([]);
      expect(readdirSync(s.dir)).toEqual([]);
    } finally {
      s.done();
      t.done();
    }
  });
});

const DROP = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"];
/** nobody can run the binary here (its path may not be searchable by others in a CI checkout): it answers usage, 3 */
const nobodyRuns = () => spawnSync("setpriv", [...DROP, nativeBinary()], { stdio: "ignore", timeout: 10_000 }).status === 3;
const nobody = isRoot && hasTool("setpriv") && ready.ok && nobodyRuns();
const nobodyWhy = !isRoot ? "needs root to drop to nobody" : !hasTool("setpriv") ? "needs setpriv" : "nobody cannot run the binary from this checkout";
describe.skipIf(!ready.ok || !nobody)(`native, unprivileged (as nobody)${nobody ? "" : ` (skipped: ${nobodyWhy})`}`, () => {
  it("reports tracepoints and perf counters unavailable with the reason, never as zero", () => {
    const s = scratch();
    try {
      spawnSync("chmod", ["777", s.dir]);
      const compiled = compileByName("sendfile", { fileSize: "1MiB" });
      const r = spawnSync("setpriv", [...DROP, nativeBinary(), "-"], {
        input: Buffer.from(compiled.program.buffer),
        env: { ...process.env, TMPDIR: s.dir },
        timeout: 60_000,
        maxBuffer: 1 << 28,
      });
      const raw = JSON.parse(r.stdout.toString()) as NativeRaw;
      expect(raw.status).toBe("OK");
      for (const k of ["TP_PAGE_FAULT_USER", "TP_FILEMAP_ADD", "TP_BLOCK_RQ_ISSUE", "TP_NET_DEV_XMIT", "TP_SKB_COPY_DATAGRAM"]) {
        expect(raw.counters[k], k).toBeNull();
        expect(raw.evidence[k], k).toBe("unavailable");
        expect(raw.unavailable[k], k).toMatch(/tracefs|perf_event_paranoid|EACCES|denied/i);
      }
      const result = toResult(compiled, raw);
      expect(result.kernel?.pageFaultUser).toBeNull();
      expect(result.evidence?.["kernel.pageFaultUser"]).toBe("unavailable");
      expect(result.unavailable?.["kernel.pageFaultUser"]).toBeTruthy();
      expect(result.copies.dma.ops).toBeNull();
      // what needs no privilege is still measured
      expect(result.syscalls.byName.sendfile).toBeGreaterThan(0);
      expect(result.evidence?.["faults.minor"]).toBe("measured");
      expect(result.faults.minor).toBe(0); // without mlockall the host populates its own pages with MADV_POPULATE_*
      expect(result.io.rchar).toBe(1 << 20);
      expect(result.delivered.intact).toBe(true);
      expect(existsSync(raw.sandbox)).toBe(false);
    } finally {
      s.done();
    }
  });
});
