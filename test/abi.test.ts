import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as abi from "../src/scenario/abi.js";
import { MACHINE_PARAMS, TCP_CONGESTION_NAMES } from "../src/scenario/machine-params.js";
import { DEFAULT_MAX_STEPS } from "../src/scenario/limits.js";
import { compileByName } from "../src/scenario/index.js";
import { encodeProgram, mapProgram, readKnobs, replaceKnobs } from "../src/scenario/layout.js";
import { loadSimulator } from "../src/model/index.js";
import { decodeEvent } from "../src/model/events.js";
import { normalizeEvent } from "../src/widget/events.js";
import { decodeProgram } from "../src/report/trace/program.js";
// @ts-expect-error plain JS module without types
import { renderAssemblyScript, renderC, callRows } from "../scripts/render-abi.mjs";

describe("the generated ABI headers", () => {
  it("assembly/abi.ts and native-host/abi.h are current (run npm run gen:abi)", () => {
    expect(readFileSync("assembly/abi.ts", "utf8")).toBe(renderAssemblyScript(abi));
    expect(readFileSync("native-host/abi.h", "utf8")).toBe(renderC(abi));
  });
  it("gives every call, counter and event a distinct number", () => {
    const ids = Object.values(abi.Call).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const counters = Object.values(abi.Counter);
    expect(new Set(counters).size).toBe(counters.length);
    expect(Math.max(...counters)).toBeLessThan(abi.COUNTER_COUNT);
    const ev = Object.values(abi.Ev);
    expect(new Set(ev).size).toBe(ev.length);
    const knobs = Object.values(abi.Knob);
    expect(new Set(knobs).size).toBe(knobs.length);
    expect(Math.max(...knobs)).toBeLessThan(64); // assembly/machine.ts KNOB_SLOTS
  });
});

describe("the call table (calls.ts)", () => {
  it("names, for every flags or const argument, a family that has macros in Flags", () => {
    for (const [call, c] of Object.entries(abi.CALLS)) {
      for (const [arg, a] of Object.entries(c.args) as [string, { kind: string; family?: readonly string[] }][]) {
        if (a.kind !== "flags" && a.kind !== "const") continue;
        expect(a.family, `${call}.${arg}`).toBeDefined();
        for (const f of a.family!) expect(Object.keys(abi.Flags).some((k) => k.startsWith(f)), `${call}.${arg}: ${f}*`).toBe(true);
      }
    }
  });
  it("gives the engines each call's signature: a buffer before its length, `to` an fd argument", () => {
    const { rows } = callRows(abi.CALLS);
    expect(rows[abi.Call.read.id]).toMatchObject({ nargs: 3, kinds: ["A_FD", "A_PTR", "A_LEN"], syscall: true, to: -1 });
    expect(rows[abi.Call.splice.id]).toMatchObject({ to: 2 }); // fd_out
    expect(rows[abi.Call.mmap.id].kinds[4]).toBe("A_NUM"); // -1 with MAP_ANONYMOUS: mmap's own check
    expect(rows[abi.Call.mem_read.id].syscall).toBe(false);
    expect(() => callRows({ ...abi.CALLS, bad: { id: 99, syscall: true, args: { buf: { kind: "buf" } } } })).toThrow(/buf is followed by its len/);
    expect(() => callRows({ ...abi.CALLS, bad: { id: 99, syscall: true, args: { n: { kind: "num" } }, to: "n" } })).toThrow(/"to" names no fd/);
    expect(() => callRows({ ...abi.CALLS, bad: { id: 1, syscall: true, args: {} } })).toThrow(/id 1 is taken/);
  });
});

describe("the knobs' defaults (KNOBS)", () => {
  it("are the machine parameters' defaults", () => {
    for (const [name, m] of Object.entries(MACHINE_PARAMS)) {
      if (m.knob === undefined || name === "trace") continue; // trace: on for a scenario, off for a bare program
      const d = Object.values(abi.KNOBS).find((k) => k.id === m.knob)!.default;
      const want = m.type === "bool" ? (m.default ? 1 : 0) : m.type === "string" ? TCP_CONGESTION_NAMES.indexOf(m.default as never) : m.default;
      expect(d, name).toBe(want);
    }
    expect(abi.KNOBS.STEP_BUDGET.default).toBe(DEFAULT_MAX_STEPS);
  });
  it("are what the model runs with when a program sets none of them", async () => {
    // the same run twice: its knob section stripped (the model's defaults) and every knob set to its default
    const sim = await loadSimulator();
    const c = compileByName("read-write", { fileSize: "256KiB" });
    const set = new Map(Object.values(abi.KNOBS).map((k) => [k.id, BigInt(k.default)] as [number, bigint]));
    set.set(abi.Knob.TRACE, 0n);
    const bare = sim.run({ ...c, program: replaceKnobs(c.program, new Map()), knobs: {} });
    const full = sim.run({ ...c, program: replaceKnobs(c.program, set), knobs: {} });
    expect(bare.result.timeNs).toBeGreaterThan(0);
    expect(bare.result).toEqual(full.result);
  });
});

describe("the program layout (layout.ts)", () => {
  it("reads back what it lays out", () => {
    const c = compileByName("splice", { fileSize: "64KiB" });
    const m = mapProgram(c.program);
    expect(m.nfiles).toBe(c.files.length);
    expect(m.strings).toEqual(expect.arrayContaining(c.files.map((f) => f.name)));
    expect(Number(c.program[m.files + abi.FileRec.SIZE])).toBe(c.files[0].size);
    expect(m.pool + m.npool).toBe(c.program.length);
    expect(Object.fromEntries([...readKnobs(c.program)].map(([k, v]) => [k, Number(v)]))).toEqual(c.knobs);
    const again = encodeProgram({ nregs: 1, knobs: [[3, 5]], strings: ["a", "bcdefghij"], files: [], sinks: [], bufs: [[0, 4096, 0]], code: [BigInt(abi.Op.HALT)], pool: [] });
    expect(mapProgram(again).strings).toEqual(["a", "bcdefghij"]);
    expect(decodeProgram(c.program).calls.size).toBe(c.steps.length);
  });
});

describe("the event field list (EVENTS)", () => {
  it("is what both decoders read: the widget recovers every word of the model's records from the model's decoded events", async () => {
    const sim = await loadSimulator();
    const seen = new Set<string>();
    for (const name of ["mmap-write", "splice", "msg-zerocopy", "read-write"]) {
      const out = sim.run(compileByName(name, { fileSize: "128KiB" }), { trace: true });
      const words = sim.traceWords();
      for (let i = 0; i < words.length / 8; i++) {
        const e = decodeEvent(words, i);
        const w = normalizeEvent(e, i);
        seen.add(e.kind);
        expect([w.seq, abi.Ev[w.kind], w.a, w.b, w.c, w.d, w.e, w.f], `${name} event ${i} ${e.kind}`).toEqual(Array.from(words.subarray(i * 8, i * 8 + 8), Number));
      }
      expect(out.result).toBeDefined();
    }
    expect(seen.has("FAULT") && seen.has("CPU_COPY") && seen.has("SYS_ENTER")).toBe(true);
  });
  it("names FAULT's d the fault's mode (FaultMode) and e its failure, as assembly/mm/fault.ts emits them", async () => {
    const sim = await loadSimulator();
    const faults = (name: string) => {
      sim.run(compileByName(name, { fileSize: "128KiB" }), { trace: true });
      const words = sim.traceWords();
      return Array.from({ length: words.length / 8 }, (_, i) => decodeEvent(words, i)).filter((e) => e.kind === "FAULT");
    };
    // write() from a mapping: the kernel's copy_from_user takes the faults
    const kernel = faults("mmap-write");
    expect(kernel.length).toBeGreaterThan(0);
    expect(kernel.every((f) => f.mode === abi.FaultMode.KERNEL && f.signal === 0)).toBe(true);
    // loads past a truncated file's end: the program's own faults, one of them failing (not accounted: major -1)
    const user = faults("mmap-truncate");
    expect(user.every((f) => f.mode === abi.FaultMode.USER)).toBe(true);
    expect(user.some((f) => f.major === -1 && f.signal !== 0)).toBe(true);
    expect(user.some((f) => f.major === 0 && f.signal === 0 && Number(f.pages) > 0)).toBe(true);
  });
});
