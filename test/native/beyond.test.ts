/**
 * Beyond the classic five, on the real kernel (issue 6): vmsplice, copy_file_range and its errno cases,
 * MSG_ZEROCOPY completions over loopback, MAP_POPULATE's faults, and the page-sharing hazard on a zero-copy path
 * against a copying one.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import type { NativeRaw } from "../../src/node/native.js";
import { nativeBinary, runNative } from "../../src/node/native.js";
import { Flags, Knob, Rpn, SO_EE_CODE_ZEROCOPY_COPIED } from "../../src/scenario/abi.js";
import { compileByName } from "../../src/scenario/index.js";
import { Asm, imm, reg, str } from "./asm.js";
import { isRoot, nativeReady, userNamespaces } from "./helpers.js";

const ready = nativeReady();
function host(p: BigInt64Array): NativeRaw {
  const r = spawnSync(nativeBinary(), ["-"], { input: Buffer.from(p.buffer), timeout: 60_000, maxBuffer: 1 << 28 });
  return JSON.parse(r.stdout.toString()) as NativeRaw;
}
const plus = (r: number, k: number) => ({ expr: [[Rpn.REG, r], [Rpn.IMM, k], [Rpn.ADD, 0]] as Array<[number, number]> });

describe.skipIf(!ready.ok)(`native: beyond the classic five${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it("vmsplice maps user pages into a pipe (no copy), then splice to the socket", () => {
    const a = new Asm();
    a.file("src", 65536);
    const out = a.sink("out", "tcp", 0);
    const buf = a.buf("buf", 65536);
    const fd = a.reg("fd"), pr = a.reg("pr"), pw = a.reg("pw"), n = a.reg("n");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("read", [reg(fd), reg(buf), imm(65536)], [n]);
    a.call("pipe", [], [pr, pw]);
    a.call("vmsplice", [reg(pw), { iov: [[reg(buf), reg(n)]] }, imm(Flags.SPLICE_F_GIFT)], []);
    a.call("splice", [reg(pr), null, reg(out), null, imm(65536), imm(0)], []);
    const r = host(a.build());
    expect(r.status).toBe("OK");
    expect(r.errors).toEqual([]);
    expect(r.calls.map((c) => [c[0], c[2]])).toEqual([["open", 4], ["read", 65536], ["pipe", 0], ["vmsplice", 65536], ["splice", 65536]]);
    expect(r.counters.CPU_COPY_BYTES).toBe(65536); // the read only
    expect(r.sinks[0]).toMatchObject({ bytes: 65536, bad: 0 });
  });

  it("copy_file_range: one call, chunks, EINVAL on an overlapping range of one file, EBADF on an O_APPEND output", () => {
    const a = new Asm();
    a.file("src", 1 << 20);
    const out = a.sink("dst", "file", 0);
    const fd = a.reg("fd"), app = a.reg("app"), off0 = a.reg("off0"), off1 = a.reg("off1"), n = a.reg("n");
    a.call("open", [str(a.str("src")), imm(Flags.O_RDWR), imm(0)], [fd]);
    a.call("copy_file_range", [reg(fd), null, reg(out), null, imm(1 << 19), imm(0)], []);
    a.label("loop");
    a.call("copy_file_range", [reg(fd), null, reg(out), null, imm(65536), imm(0)], [n], "end");
    a.jump("loop");
    a.label("end");
    a.set(off0, imm(0));
    a.set(off1, imm(100));
    a.call("copy_file_range", [reg(fd), { ref: off0 }, reg(fd), { ref: off1 }, imm(1000), imm(0)], []);
    a.call("open", [str(a.str("app")), imm(Flags.O_WRONLY | Flags.O_CREAT | Flags.O_APPEND), imm(0o644)], [app]);
    a.call("copy_file_range", [reg(fd), null, reg(app), null, imm(4096), imm(0)], []);
    const r = host(a.build());
    expect(r.status).toBe("OK");
    expect(r.calls.filter((c) => c[0] === "copy_file_range").map((c) => c[2]).slice(0, 2)).toEqual([1 << 19, 65536]);
    expect(r.errors.map((e) => [e.step, e.errno])).toEqual([[3, "EINVAL"], [5, "EBADF"]]);
    expect(r.sinks[0]).toMatchObject({ bytes: 1 << 20, bad: 0 });
    // /proc/self/io counts copy_file_range in rchar and wchar
    expect(r.counters.IO_RCHAR).toBe(1 << 20);
    expect(r.counters.IO_WCHAR).toBe(1 << 20);
  });

  it("MSG_ZEROCOPY to a loopback peer: the completion says the kernel copied (SO_EE_CODE_ZEROCOPY_COPIED)", () => {
    const a = new Asm();
    a.knob(Knob.STEP_BUDGET, 100000);
    a.file("src", 65536);
    const out = a.sink("out", "tcp", 0);
    const buf = a.buf("buf", 65536);
    const fd = a.reg("fd"), lo = a.reg("lo"), hi = a.reg("hi"), code = a.reg("code"), rr = a.reg("rr");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
    a.call("read", [reg(fd), reg(buf), imm(65536)], []);
    a.call("setsockopt", [reg(out), imm(Flags.SOL_SOCKET), imm(Flags.SO_ZEROCOPY), imm(1)], []);
    a.call("send", [reg(out), reg(buf), imm(32768), imm(Flags.MSG_ZEROCOPY)], []);
    a.call("send", [reg(out), plus(buf, 32768), imm(32768), imm(Flags.MSG_ZEROCOPY)], []);
    a.label("wait");
    a.call("recv_errqueue", [reg(out)], [lo, hi, code]);
    a.set(rr, { expr: [[Rpn.REG, lo], [Rpn.IMM, 0], [Rpn.LT, 0]] }); // lo stays -1 until a completion came
    a.jz(reg(rr), "done");
    a.jump("wait");
    a.label("done");
    const r = host(a.build());
    expect(r.status).toBe("OK");
    const done = r.calls.filter((c) => c[0] === "recv_errqueue" && c[2] === 0);
    expect(done.length).toBeGreaterThan(0);
    expect(r.counters.ZC_COMPLETIONS).toBeGreaterThanOrEqual(1);
    expect(r.counters.ZC_COPIED).toBe(r.counters.ZC_COMPLETIONS);
    expect(r.sinks[0]).toMatchObject({ bytes: 65536, bad: 0 });
    expect(SO_EE_CODE_ZEROCOPY_COPIED).toBe(1);
  });

  it("MAP_POPULATE: getrusage counts the faults inside mmap(), perf's page-fault event does not", async () => {
    const r = await runNative(compileByName("mmap-write", { fileSize: "1MiB", populate: "on" }));
    expect(r.faults.minor + r.faults.major).toBeGreaterThan(0);
    if (r.kernel?.perfPageFaults !== null) expect(r.kernel?.perfPageFaults).toBe(0);
    expect(r.delivered.intact).toBe(true);
  });

  for (const path of ["sendfile", "mmap+write"] as const)
    it(`the page-sharing hazard: ${path} ${path === "sendfile" ? "delivers the new bytes (pages shared)" : "delivers the old bytes (copied at the call)"}`, () => {
      const a = new Asm();
      a.file("src", 16384);
      const out = a.sink("out", "tcp", 0, true);
      const fd = a.reg("fd"), m = a.reg("m");
      a.call("open", [str(a.str("src")), imm(Flags.O_RDWR), imm(0)], [fd]);
      a.call("mmap", [imm(0), imm(16384), imm(Flags.PROT_READ | Flags.PROT_WRITE), imm(Flags.MAP_SHARED), reg(fd), imm(0)], [m]);
      if (path === "sendfile") a.call("sendfile", [reg(out), reg(fd), null, imm(16384)], []);
      else a.call("write", [reg(out), reg(m), imm(16384)], []);
      a.call("mem_write", [plus(m, 4096), imm(1000)], []);
      a.call("peer_read", [reg(out)], []);
      const r = host(a.build());
      expect(r.status).toBe("OK");
      expect(r.sinks[0]).toMatchObject({ bytes: 16384, bad: 0, modified: path === "sendfile" ? 1000 : 0 });
      // peer_read's own traffic on the control pipes is the host's, not the program's: subtracted exactly
      expect([r.counters.IO_RCHAR, r.counters.IO_SYSCR]).toEqual(path === "sendfile" ? [16384, 1] : [0, 0]);
      expect([r.counters.IO_WCHAR, r.counters.IO_SYSCW]).toEqual([16384, 1]);
    });

  for (const path of ["vmsplice", "write"] as const)
    it(`the hazard in a user buffer: ${path} ${path === "vmsplice" ? "shares the buffer's pages (the peer reads the new bytes)" : "copies at the call (the peer reads the old bytes)"}`, () => {
      const a = new Asm();
      a.file("src", 16384);
      const out = a.sink("out", "tcp", 0, true);
      const buf = a.buf("buf", 16384);
      const fd = a.reg("fd"), pr = a.reg("pr"), pw = a.reg("pw");
      a.call("open", [str(a.str("src")), imm(0), imm(0)], [fd]);
      a.call("read", [reg(fd), reg(buf), imm(16384)], []);
      if (path === "vmsplice") {
        a.call("pipe", [], [pr, pw]);
        a.call("vmsplice", [reg(pw), { iov: [[reg(buf), imm(16384)]] }, imm(0)], []);
        a.call("splice", [reg(pr), null, reg(out), null, imm(16384), imm(0)], []);
      } else {
        a.call("write", [reg(out), reg(buf), imm(16384)], []);
      }
      a.call("mem_write", [plus(buf, 100), imm(1000)], []);
      a.call("peer_read", [reg(out)], []);
      const r = host(a.build());
      expect(r.status).toBe("OK");
      expect(r.errors).toEqual([]);
      expect(r.sinks[0]).toMatchObject({ bytes: 16384, bad: 0, modified: path === "vmsplice" ? 1000 : 0 });
    });

  const fs2 = isRoot || userNamespaces().ok;
  it.skipIf(!fs2)(`copy_file_range between two filesystems (Knob.OTHER_FS_FILES): EXDEV; sendfile crosses them${fs2 ? "" : " (skipped: needs root or unprivileged user namespaces)"}`, () => {
    const a = new Asm();
    a.knob(Knob.OTHER_FS_FILES, 0b10);
    a.file("src", 65536);
    a.file("far", 0);
    const fin = a.reg("in"), fout = a.reg("out");
    a.call("open", [str(a.str("src")), imm(0), imm(0)], [fin]);
    a.call("open", [str(a.str("far")), imm(Flags.O_WRONLY), imm(0)], [fout]);
    a.call("copy_file_range", [reg(fin), null, reg(fout), null, imm(4096), imm(0)], []);
    a.call("sendfile", [reg(fout), reg(fin), null, imm(4096)], []);
    const r = host(a.build());
    expect(r.status).toBe("OK");
    expect(r.errors.map((e) => [e.call, e.errno])).toEqual([["copy_file_range", "EXDEV"]]);
    expect(r.calls[3][2]).toBe(4096);
    expect(r.files[1]).toMatchObject({ name: "far", otherFs: true, verified: true });
    expect(r.sandboxRemoved).toBe(true);
  });
});
