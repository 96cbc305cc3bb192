/**
 * The host itself, on programs assembled word by word: it refuses what is malformed or unsafe (without making the
 * call), numbers descriptors as the model does, records errno and signals, stops endless programs, and its cache
 * states are what they claim (cold really cold, warm really warm, by mincore and by the disk reads they cause).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { NativeRaw } from "../../src/node/native.js";
import { nativeBinary, runNative, runNativeDetailed } from "../../src/node/native.js";
import { Call, Flags, Knob, Op, PROGRAM_MAGIC } from "../../src/scenario/abi.js";
import { compileByName, scenarioNames } from "../../src/scenario/index.js";
import { Asm, classic, imm, reg, str } from "./asm.js";
import { isRoot, nativeReady } from "./helpers.js";

const ready = nativeReady();

function host(program: BigInt64Array | Buffer, args: string[] = [], env: Record<string, string> = {}): { code: number | null; raw: NativeRaw; stderr: string } {
  const input = Buffer.isBuffer(program) ? program : Buffer.from(program.buffer, program.byteOffset, program.byteLength);
  const r = spawnSync(nativeBinary(), [...args, "-"], { input, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 1 << 28 });
  return { code: r.status, raw: JSON.parse(r.stdout.toString()) as NativeRaw, stderr: r.stderr.toString() };
}

describe.skipIf(!ready.ok)(`native host: the program and its safety${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it("refuses a bad magic, a truncated program, a name that leaves the sandbox", () => {
    const p = classic("sendfile", { fileSize: 4096 });
    const bad = p.slice();
    bad[0] = 1n;
    expect(host(bad).raw.status).toBe("BAD_MAGIC");
    expect(host(bad).code).toBe(2);
    expect(host(Buffer.from(p.buffer).subarray(0, 100)).raw.status).toBe("BAD_PROGRAM");
    for (const name of ["../etc", "a/b", "..", "."]) {
      const a = new Asm();
      a.file("src", 4096);
      a.call("open", [str(a.str(name)), imm(0), imm(0)], [a.reg("fd")]);
      const r = host(a.build());
      expect(r.raw.status, name).toBe("BAD_PROGRAM");
      expect(r.raw.detail).toMatch(/plain name/);
    }
  });

  it("pointers outside the program's memory are passed as written (the kernel answers EFAULT, in its own order); a host descriptor is not run", () => {
    const a = new Asm();
    a.file("src", 8192);
    const buf = a.buf("buf", 4096);
    const fd = a.reg("fd");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("read", [reg(fd), { expr: [[1, buf], [0, 4096], [2, 0]] }, imm(4096)], []); // buf + 4096: past the buffer
    a.call("read", [reg(fd), imm(0x1000), imm(10)], []); // nothing of the program's there
    a.call("read", [imm(50), imm(0x1000), imm(10)], []); // a bad descriptor and a bad pointer: the kernel says EBADF
    a.call("read", [imm(100), reg(buf), imm(10)], []); // the host's own descriptors start at 100: not run
    a.call("pread64", [reg(fd), { expr: [[1, buf], [0, 4000], [2, 0]] }, imm(4096), imm(0)], []); // runs into the guard
    a.call("read", [reg(fd), reg(buf), imm(4096)], []);
    const r = host(a.build()).raw;
    expect(r.status).toBe("OK");
    expect(r.syscalls.byName).toEqual({ open: 1, read: 4, pread64: 1 });
    expect(r.syscalls.refused).toBe(1);
    // no errno for the step not run: the kernel was never asked
    expect(r.errors.map((e) => [e.step, e.errno])).toEqual([[1, "EFAULT"], [2, "EFAULT"], [3, "EBADF"]]);
    expect(r.notRun!).toMatchObject([{ step: 4, call: "read", count: 1 }]);
    expect(r.notRun![0].why).toMatch(/descriptor of the host's own/);
    const calls = r.calls.map((c) => [c[0], c[2], c[4]]);
    expect(calls).toEqual([["open", 3, 0], ["read", -1, 0], ["read", -1, 0], ["read", -1, 0], ["read", -1, 1], ["pread64", 96, 0], ["read", 4096, 0]]);
    expect(r.calls[2][8]).toBe(0x1000); // the log keeps the pointer the program passed
  });

  it("mem_read past a buffer, mem_write to an unmapped address: real faults (SIGSEGV SEGV_MAPERR at the first byte outside), counted by the kernel", () => {
    const a = new Asm();
    const buf = a.buf("buf", 4096);
    a.call("mem_read", [{ expr: [[1, buf], [0, 4000], [2, 0]] }, imm(200)], []);
    a.call("mem_write", [imm(0x1000), imm(8)], []);
    const r = host(a.build()).raw;
    expect(r.signals).toEqual([
      expect.objectContaining({ step: 0, signal: "SIGSEGV", code: "SEGV_MAPERR", mapOffset: 4096 }),
      expect.objectContaining({ step: 1, signal: "SIGSEGV", code: "SEGV_MAPERR", addr: "4096" }),
    ]);
    expect(r.signals.every((s) => !("emulated" in s))).toBe(true);
    expect(r.notRun).toEqual([]);
    // the two faults happened: the kernel's page-fault tracepoint saw them (the phase has no other fault)
    if (r.perf["exceptions:page_fault_user"].value !== null) expect(r.counters.TP_PAGE_FAULT_USER).toBe(2);
    else expect(isRoot).toBe(false);
  });

  it("a load, a store or a call that would reach the host's own memory is not run: no signal, no errno, the reason", () => {
    const a = new Asm();
    a.file("src", 8192);
    const buf = a.buf("buf", 4096);
    const fd = a.reg("fd");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("mem_read", [{ expr: [[1, buf], [0, 4096], [2, 0]] }, imm(8)], []); // the hole after the buffer: a real fault
    a.call("munmap", [reg(buf), imm(4096)], []); // the buffer is the host's allocation
    a.call("madvise", [reg(buf), imm(4096), imm(Flags.MADV_DONTNEED)], []); // the program's: made
    a.call("madvise", [reg(buf), imm(4096), imm(100)], []); // MADV_HWPOISON: refused
    a.call("mmap", [reg(buf), imm(4096), imm(Flags.PROT_READ), imm(Flags.MAP_PRIVATE | Flags.MAP_ANONYMOUS | Flags.MAP_FIXED), imm(-1), imm(0)], []);
    const r = host(a.build()).raw;
    expect(r.status).toBe("OK");
    expect(r.signals).toMatchObject([{ step: 1, signal: "SIGSEGV", code: "SEGV_MAPERR" }]);
    expect(r.notRun!.map((n) => [n.step, n.call])).toEqual([[2, "munmap"], [4, "madvise"], [5, "mmap"]]);
    for (const n of r.notRun!) expect(n.why.length).toBeGreaterThan(10);
    expect(r.errors).toEqual([]);
    expect(r.syscalls.byName).toEqual({ open: 1, madvise: 1 });
    expect(r.syscalls.refused).toBe(3);
  });

  it("munmap and madvise of ranges holding nothing of the host's are made: the kernel's own answers", () => {
    const a = new Asm();
    a.file("src", 8192);
    const fd = a.reg("fd"), m = a.reg("m");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("mmap", [imm(0), imm(8192), imm(Flags.PROT_READ), imm(Flags.MAP_PRIVATE), reg(fd), imm(0)], [m]);
    a.call("munmap", [reg(m), imm(8192)], []);
    a.call("munmap", [reg(m), imm(8192)], []); // nothing mapped there any more: not an error (man munmap)
    a.call("munmap", [imm(0x10001), imm(4096)], []); // unaligned: EINVAL, whatever lies there
    a.call("madvise", [reg(m), imm(8192), imm(Flags.MADV_DONTNEED)], []); // a hole: ENOMEM
    a.call("madvise", [reg(m), imm(8192), imm(999)], []); // an advice the kernel does not know: EINVAL
    const r = host(a.build()).raw;
    expect(r.status).toBe("OK");
    expect(r.notRun).toEqual([]);
    expect(r.syscalls.byName).toEqual({ open: 1, mmap: 1, munmap: 3, madvise: 2 });
    expect(r.errors.map((e) => [e.step, e.call, e.errno])).toEqual([[4, "munmap", "EINVAL"], [5, "madvise", "ENOMEM"], [6, "madvise", "EINVAL"]]);
  });

  it("numbers the program's descriptors as the model does: sinks first, from 3", () => {
    const a = new Asm();
    a.file("src", 4096);
    a.sink("out", "null");
    a.sink("copy", "file", 0);
    const fd = a.reg("fd"), pr = a.reg("pr"), pw = a.reg("pw");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("pipe", [], [pr, pw]);
    const r = host(a.build()).raw;
    expect(r.calls[0][2]).toBe(5);
    expect([r.calls[1][11], r.calls[1][12]]).toEqual([6, 7]);
  });

  it("records EPIPE for a write to a pipe without reader (SIGPIPE ignored)", () => {
    const a = new Asm();
    const buf = a.buf("buf", 4096);
    const pr = a.reg("pr"), pw = a.reg("pw");
    a.call("pipe", [], [pr, pw]);
    a.call("close", [reg(pr)], []);
    a.call("write", [reg(pw), reg(buf), imm(100)], []);
    const r = host(a.build()).raw;
    expect(r.errors).toMatchObject([{ step: 2, call: "write", errno: "EPIPE" }]);
  });

  it("catches SIGBUS past EOF of a truncated mapping at the exact address, and reads the tail of the last page as zeros", () => {
    const a = new Asm();
    a.file("src", 65536);
    const fd = a.reg("fd"), m = a.reg("m");
    a.call("open", [str(a.str("src")), imm(Flags.O_RDWR), imm(0)], [fd]);
    a.call("mmap", [imm(0), imm(65536), imm(Flags.PROT_READ | Flags.PROT_WRITE), imm(Flags.MAP_SHARED), reg(fd), imm(0)], [m]);
    a.call("ftruncate", [reg(fd), imm(5000)], []);
    a.call("mem_read", [{ expr: [[1, m], [0, 5000], [2, 0]] }, imm(3192)], []); // the tail of the page holding EOF: zeros
    a.call("mem_read", [{ expr: [[1, m], [0, 8200], [2, 0]] }, imm(16)], []); // a page wholly past EOF
    a.call("mem_write", [{ expr: [[1, m], [0, 12288], [2, 0]] }, imm(1)], []);
    const r = host(a.build()).raw;
    expect(r.status).toBe("OK");
    expect(r.signals).toMatchObject([
      { step: 4, signal: "SIGBUS", code: "BUS_ADRERR", mapOffset: 8200 },
      { step: 5, signal: "SIGBUS", code: "BUS_ADRERR", mapOffset: 12288 },
    ]);
    expect(r.calls[3][2]).toBe(3192);
    expect(r.calls[4][2]).toBe(-1);
    expect(r.calls[4][3]).toBe(0); // a signal, not an errno
    expect(r.counters.SIGNALS).toBe(2);
  });

  it("stops an endless program at STEP_BUDGET", () => {
    const a = new Asm();
    a.knob(Knob.STEP_BUDGET, 1000);
    a.label("top");
    a.set(a.reg("x"), imm(1));
    a.jump("top");
    const r = host(a.build()).raw;
    expect(r.status).toBe("BUDGET_EXCEEDED");
    expect(r.steps).toBe(1001);
  });

  it("verifies what a file sink received and counts bytes written after the call (mem_write makes version 1)", () => {
    const a = new Asm();
    a.file("src", 16384);
    const out = a.sink("out", "tcp", 0, true); // lazy: it reads at peer_read
    const fd = a.reg("fd"), m = a.reg("m");
    a.call("open", [str(a.str("src")), imm(Flags.O_RDWR), imm(0)], [fd]);
    a.call("sendfile", [reg(out), reg(fd), null, imm(16384)], []);
    a.call("mmap", [imm(0), imm(16384), imm(Flags.PROT_READ | Flags.PROT_WRITE), imm(Flags.MAP_SHARED), reg(fd), imm(0)], [m]);
    a.call("mem_write", [reg(m), imm(100)], []);
    a.call("peer_read", [reg(out)], []);
    const r = host(a.build()).raw;
    expect(r.status).toBe("OK");
    // sendfile shares the page cache's pages with the socket: the peer reads the bytes as they are when it reads
    expect(r.sinks[0]).toMatchObject({ bytes: 16384, bad: 0, modified: 100 });
    expect(r.calls[4][2]).toBe(16384);
  });

  it("unknown calls and wrong argument counts are refused at load", () => {
    const p = classic("sendfile", { fileSize: 4096 });
    const words = Array.from(p);
    const code = words.findIndex((w, i) => w === BigInt(Op.CALL) && words[i + 1] === BigInt(Call.sendfile.id));
    const bad = BigInt64Array.from(words);
    bad[code + 3] = 3n;
    expect(host(bad).raw.status).toBe("BAD_PROGRAM");
    expect(Number(bad[0])).toBe(PROGRAM_MAGIC);
  });
});

describe.skipIf(!ready.ok)("native host: cache states are what they claim", () => {
  for (const fill of ["write", "read"] as const)
    it(`warm (fill ${fill}) is fully resident and reads nothing from the disk`, async () => {
      const r = await runNative(compileByName("read-write", { fileSize: "4MiB", cache: "warm", fill }));
      expect(r.kernel?.residentPages).toBe(1024);
      expect(r.kernel?.filePages).toBe(1024);
      if (isRoot) {
        // the folios, by order (pagemap + kpageflags), cover the file exactly
        const { raw } = await runNativeDetailed(compileByName("read-write", { fileSize: "4MiB", cache: "warm", fill }));
        const orders = raw.files[0].folioOrders!;
        expect(orders.reduce((a, n, o) => a + n * 2 ** o, 0)).toBe(1024);
        expect(orders.reduce((a, n) => a + n, 0)).toBe(raw.files[0].fillFolios);
      }
      expect(r.io.readBytes).toBe(0);
      expect(r.faults.major).toBe(0);
      expect(r.delivered.intact).toBe(true);
    });

  it("cold has no page resident and the reads come from the disk (readahead included)", async () => {
    const r = await runNative(compileByName("read-write", { fileSize: "4MiB", cache: "cold" }));
    expect(r.kernel?.residentPages).toBe(0);
    expect(r.io.readBytes).toBeGreaterThanOrEqual(4 << 20);
    expect(r.copies.dma.bytes).toBe(r.io.readBytes);
    expect(r.delivered.intact).toBe(true);
  });

  it("a cold file's layout on the disk is reported (FIEMAP): where its blocks jump, inside the file, page-aligned, in order; a warm file's is not", async () => {
    const { raw } = await runNativeDetailed(compileByName("read-write", { fileSize: "5255025B", cache: "cold" }));
    const f = raw.files[0];
    expect(f.diskBreaksTotal).toBeGreaterThanOrEqual(0);
    expect(f.diskBreaks!.length).toBe(Math.min(4, f.diskBreaksTotal!));
    for (const [k, b] of f.diskBreaks!.entries()) {
      expect(b % 4096).toBe(0);
      expect(b).toBeGreaterThan(k ? f.diskBreaks![k - 1] : 0);
      expect(b).toBeLessThan(f.size);
    }
    const warm = await runNativeDetailed(compileByName("read-write", { fileSize: "64KiB", cache: "warm" }));
    expect(warm.raw.files[0].diskBreaks).toBeUndefined();
  });

  it("cold mmap-write takes major faults", async () => {
    const r = await runNative(compileByName("mmap-write", { fileSize: "4MiB", cache: "cold" }));
    expect(r.kernel?.residentPages).toBe(0);
    expect(r.faults.major).toBeGreaterThan(0);
    expect(r.delivered.intact).toBe(true);
  });
});

const CLASSIC = ["read-write", "mmap-write", "sendfile", "splice", "tee"];

describe.skipIf(!ready.ok)("native host: the sink connection's congestion control", () => {
  const available = (() => {
    try { return readFileSync("/proc/sys/net/ipv4/tcp_available_congestion_control", "utf8").trim().split(/\s+/); } catch { return []; }
  })();
  it("sets TCP_CONGESTION on the connection and reports what it ran with; system leaves the kernel's default", async () => {
    const run = async (tcpCongestion: string) => (await runNativeDetailed(compileByName("sendfile", { fileSize: "256KiB", tcpCongestion }))).raw;
    const sys = await run("system");
    expect(sys.status).toBe("OK");
    expect(sys.machine?.tcpCongestion).toBe(sys.machine?.tcpCongestionDefault);
    expect(sys.knobs.find((k) => k.knob === "TCP_CONGESTION")?.applied).toBe(false);
    for (const cc of ["reno", "cubic"]) {
      const raw = await run(cc);
      expect(raw.status).toBe("OK");
      expect(raw.machine?.tcpCongestion).toBe(cc);
      expect(raw.knobs.find((k) => k.knob === "TCP_CONGESTION")).toMatchObject({ applied: true, program: cc === "reno" ? 1 : 2 });
    }
  });
  it.skipIf(!available.includes("bbr") && !isRoot)("bbr: set where the kernel has it, refused as UNSUPPORTED (with the reason) where it does not", async () => {
    const { raw } = await runNativeDetailed(compileByName("sendfile", { fileSize: "256KiB", tcpCongestion: "bbr" }));
    if (raw.status === "OK") expect(raw.machine?.tcpCongestion).toBe("bbr");
    else {
      expect(raw.status).toBe("UNSUPPORTED");
      expect(raw.detail).toMatch(/TCP_CONGESTION bbr/);
    }
  });
});

describe.skipIf(!ready.ok)("native host: every catalogue scenario runs", () => {
  for (const name of CLASSIC)
    for (const sink of ["tcp", "file", "null"])
      it(`${name} to ${sink}`, async () => {
        const r = await runNative(compileByName(name, { sink }));
        expect(r.engine).toBe("native");
        expect(r.errors).toEqual([]);
        // a null sink is never read back: unverified (docs/result.md), its bytes the calls' return values
        expect(r.delivered.intact).toBe(sink === "null" ? null : true);
        expect(r.evidence?.["delivered.intact"]).toBe(sink === "null" ? "unobservable" : "measured");
        expect(r.evidence?.["copies.cpu.bytes"]).toBe("derived");
        expect(r.evidence?.["faults.minor"]).toBe("measured");
      });

  for (const name of scenarioNames().filter((n) => !CLASSIC.includes(n)))
    it(`${name} at its defaults`, async () => {
      const { result: r, raw } = await runNativeDetailed(compileByName(name));
      expect(raw.status).toBe("OK");
      expect(raw.syscalls.refused).toBe(0);
      if (name === "mmap-truncate") {
        // touching a page wholly past the new EOF: SIGBUS, BUS_ADRERR, at the exact byte; the tail of the page
        // holding EOF reads as zeros (no signal)
        const p = r.params as Record<string, number>;
        expect(r.signals?.map((x) => [x.signal, x.code, x.mapOffset])).toEqual([["SIGBUS", "BUS_ADRERR", p.touchAt]]);
      } else if (name === "msg-zerocopy") {
        expect(r.kernel?.zcCompletions).toBeGreaterThan(0);
        expect(r.kernel?.zcCopied).toBe(r.kernel?.zcCompletions);
        expect(r.delivered.intact).toBe(true);
      } else if (name === "sharing-hazard") {
        expect(r.delivered.modifiedBytes).toBe(Number((r.params as Record<string, unknown>).len));
      } else {
        expect(r.errors).toEqual([]);
        expect(r.delivered.intact).toBe(true);
      }
    });
});
