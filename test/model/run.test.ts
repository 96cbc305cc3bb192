/** Whole runs: determinism, the step player against the wasm's own counters, counters-only vs traced runs. */
import { describe, it, expect } from "vitest";
import { compileByName } from "../../src/scenario/index.js";
import { Counter } from "../../src/scenario/abi.js";
import { sim, MiB } from "./helpers.js";

const CASES: [string, Record<string, string | number | boolean>][] = [
  ["read-write", { fileSize: MiB, cache: "cold" }],
  ["mmap-write", { fileSize: MiB, cache: "cold" }],
  ["sendfile", { fileSize: MiB, sink: "nic", nicSg: false }],
  ["sendfile", { fileSize: MiB, sink: "nic", cache: "cold" }],
  ["splice", { fileSize: MiB, chunk: "4KiB" }],
  ["tee", { fileSize: MiB }],
];

describe("determinism", () => {
  for (const [name, over] of CASES) {
    it(`${name} ${JSON.stringify(over)}: the same trace, word for word, twice`, async () => {
      const s = await sim();
      const c = compileByName(name, over);
      s.run(c, { trace: true });
      const a = s.traceWords();
      s.run(compileByName("read-write", {}), { trace: true });   // something else in between
      s.run(c, { trace: true });
      const b = s.traceWords();
      expect(a.length).toBeGreaterThan(100);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    });
  }
});

describe("the step player", () => {
  for (const [name, over] of CASES) {
    it(`${name} ${JSON.stringify(over)}: counters rebuilt from the events end equal to the wasm's`, async () => {
      const s = await sim();
      const p = s.player(compileByName(name, over));
      expect(p.run.traceDropped).toBe(0);
      let n = 0;
      while (p.step()) n++;
      expect(n).toBe(p.length);
      expect(p.rawCounters()).toEqual(p.run.counters);
      expect(p.counters().syscalls).toEqual(p.run.result.syscalls);
    });
  }
  it("back and seek replay the counters exactly", async () => {
    const s = await sim();
    const p = s.player(compileByName("splice", { fileSize: "256KiB" }));
    p.seek(p.length);
    const end = p.rawCounters();
    p.seek(Math.floor(p.length / 2));
    const mid = p.rawCounters();
    p.back();
    p.step();
    expect(p.rawCounters()).toEqual(mid);
    p.seek(p.length);
    expect(p.rawCounters()).toEqual(end);
    p.reset();
    expect(p.position).toBe(0);
    expect(p.rawCounters().every((v) => v === 0)).toBe(true);
  });
  it("a capped trace ends with TRACE_CUT and says how many it dropped", async () => {
    const s = await sim();
    const out = s.run(compileByName("read-write", { fileSize: MiB }), { trace: true, traceCap: 100 });
    expect(out.events!.length).toBe(101);
    expect(out.events![100].kind).toBe("TRACE_CUT");
    expect(out.traceDropped).toBeGreaterThan(0);
    expect(out.events![100].dropped).toBe(out.traceDropped);
  });
});

describe("counters-only", () => {
  for (const [name, over] of CASES) {
    it(`${name}: the same counters with and without the trace`, async () => {
      const s = await sim();
      const c = compileByName(name, over);
      const a = s.run(c, { trace: true }).counters;
      const b = s.run(c, { trace: false }).counters;
      expect(b).toEqual(a);
      expect(b[Counter.SYSCALLS]).toBeGreaterThan(0);
    });
  }
});

describe("status", () => {
  it("an endless loop stops at STEP_BUDGET, and the run says it is not intact", async () => {
    const { runProgram } = await import("./helpers.js");
    const { Knob } = await import("../../src/scenario/abi.js");
    const out = await runProgram([{ repeat: { while: "1" }, do: [{ call: "pipe", ret: ["r", "w"] }, { call: "close", fd: "r" }, { call: "close", fd: "w" }] }], {}, { trace: false, knobs: { [Knob.STEP_BUDGET]: 3000 } });
    expect(out.status).toBe("BUDGET_EXCEEDED");
    expect(out.result.delivered.intact).toBe(false);
    // 3000 instructions: the calls among them all ran (each loop round: 3 calls and a jump or test)
    expect(out.result.syscalls.total).toBeGreaterThan(1000);
  });
});

describe("memory", () => {
  it("counters only, 1 GiB: at most 32 bytes of wasm memory per simulated 4 KiB page", { timeout: 60_000 }, async () => {
    const { loadSimulator } = await import("../../src/model/index.js");
    for (const [name, over] of [["sendfile", { sink: "nic" }], ["mmap-write", {}], ["read-write", {}]] as const) {
      const fresh = await loadSimulator();
      const out = fresh.run(compileByName(name, { fileSize: "1GiB", chunk: "64KiB", ...over }), { trace: false });
      expect(out.result.delivered).toMatchObject({ bytes: 1 << 30, intact: true });
      expect(out.memoryBytes / ((1 << 30) / 4096)).toBeLessThanOrEqual(32);
    }
  });
});

describe("a call nothing can wake", () => {
  it("a blocking read of an empty pipe never returns: the run stops with TIMEOUT, as the native host's bound does", async () => {
    const { runProgram } = await import("./helpers.js");
    const out = await runProgram([
      { call: "pipe", ret: ["r", "w"] },
      { call: "read", fd: "r", buf: "b", count: 10 },
      { call: "close", fd: "r" },
    ], { buffers: { b: { size: 4096 } } });
    expect(out.status).toBe("TIMEOUT");
    expect(out.result.syscalls.byName).toEqual({ pipe: 1, read: 1 });   // close never ran
    expect(out.result.modeSwitches).toBe(3);                            // the read entered and never left
    expect(out.result.errors).toEqual([]);
  });
  it("vmsplice into a full pipe: SPLICE_F_NONBLOCK answers EAGAIN, the pipe's O_NONBLOCK does not (Linux 6.18)", async () => {
    const { runProgram } = await import("./helpers.js");
    const prog = (flags: string[]) => [
      { call: "pipe2", flags: ["O_NONBLOCK"], ret: ["r", "w"] },
      { call: "vmsplice", fd: "w", iov: [{ iov_base: "b", iov_len: 65536 }], flags: [] },
      { call: "vmsplice", fd: "w", iov: [{ iov_base: "b", iov_len: 4096 }], flags },
    ];
    const nb = await runProgram(prog(["SPLICE_F_NONBLOCK"]), { buffers: { b: { size: 65536 } } });
    expect(nb.status).toBe("DONE");
    expect(nb.result.errors).toEqual([expect.objectContaining({ call: "vmsplice", errno: "EAGAIN" })]);
    const blocking = await runProgram(prog([]), { buffers: { b: { size: 65536 } } });
    expect(blocking.status).toBe("TIMEOUT");
  });
});

describe("the connection's congestion control", () => {
  it("bbr: the model says it does not pace; cubic (the default) and reno need no note", async () => {
    const s = await sim();
    const note = (over: Record<string, string>) => (s.run(compileByName("sendfile", { fileSize: "256KiB", ...over }), { trace: false }).result.notes ?? []).join(" ");
    expect(note({ tcpCongestion: "bbr" })).toMatch(/does not pace/);
    expect(note({})).not.toMatch(/pace/);
    expect(note({ tcpCongestion: "reno" })).not.toMatch(/pace/);
    // no TCP sink, no connection: nothing to say
    expect(note({ tcpCongestion: "bbr", sink: "file" })).not.toMatch(/pace/);
  });
});
