/**
 * The worker pool (src/node/pool.ts): the same results as sequential runs in one model, in the tasks' order
 * whatever order they finish in, errors propagated to their own task (with their class), native runs scheduled
 * as the mode says. No timing assertions: the scheduling checks count overlaps with a crafted native runner.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadSimulator } from "../../src/model/index.js";
import { compileByName, ScenarioError, type Compiled } from "../../src/scenario/index.js";
import { Pool, runPooled, type ModelTask, type NativeTask, type NativeMode } from "../../src/node/pool.js";
import { nativeAvailable, runNative } from "../../src/node/native.js";
import type { Result } from "../../src/result.js";

const sim = await loadSimulator();
const pool = new Pool({ size: 3 });
afterAll(() => pool.close());

/** Mixed sizes, the big ones first, so that the later small ones finish before them. */
const TASKS: ModelTask[] = [
  { kind: "model", scenario: "read-write", overrides: { fileSize: "64MiB" } },
  { kind: "model", scenario: "sendfile", overrides: { fileSize: "64KiB" } },
  { kind: "model", scenario: "mmap-write", overrides: { fileSize: "32MiB", chunk: "64KiB" } },
  { kind: "model", scenario: "splice", overrides: { fileSize: "1MiB", chunk: "4KiB" } },
  { kind: "model", scenario: "tee" },
  { kind: "model", scenario: "vmsplice", overrides: { fileSize: "2MiB" } },
  { kind: "model", scenario: "copy-file-range", overrides: { cache: "cold" } },
  { kind: "model", scenario: "msg-zerocopy", overrides: { sink: "nic" } },
  { kind: "model", scenario: "mmap-truncate" },
  { kind: "model", scenario: "sharing-hazard" },
];

const sequential = (t: ModelTask): Result => sim.run(compileByName(t.scenario!, t.overrides as Record<string, string>), { trace: false }).result;

describe("pool: model runs", () => {
  it("map gives the same results as sequential runs, in the tasks' order", async () => {
    const finished: number[] = [];
    const outs = await pool.map(TASKS, (_o, i) => finished.push(i));
    expect(outs).toHaveLength(TASKS.length);
    expect([...finished].sort((a, b) => a - b)).toEqual(TASKS.map((_, i) => i));
    TASKS.forEach((t, i) => {
      expect(outs[i].kind).toBe("model");
      expect(outs[i].status).toBe("DONE");
      expect(outs[i].result).toEqual(sequential(t));
    });
  });

  it("a compiled task, a task by name and a task by source agree", async () => {
    const c = compileByName("splice", { fileSize: "3MiB", pipeSize: "16KiB" });
    const { catalogue } = await import("../../src/scenario/index.js");
    const [a, b, d] = await pool.map([
      { kind: "model", compiled: c },
      { kind: "model", scenario: "splice", overrides: { fileSize: "3MiB", pipeSize: "16KiB" } },
      { kind: "model", source: catalogue.splice, overrides: { fileSize: "3MiB", pipeSize: "16KiB" } },
    ]);
    expect(a.result).toEqual(sim.run(c).result);
    expect(b.result).toEqual(a.result);
    expect(d.result).toEqual(a.result);
  });

  it("the same task many times over gives the same result every time (workers are reused between runs)", async () => {
    const t: ModelTask = { kind: "model", scenario: "read-write", overrides: { fileSize: "4MiB", chunk: "4KiB" } };
    const outs = await pool.map(Array.from({ length: 12 }, () => t));
    for (const o of outs) expect(o.result).toEqual(outs[0].result);
    expect(outs[0].result).toEqual(sequential(t));
  });

  it("trace on: the events cross the thread and match a sequential traced run", async () => {
    const c = compileByName("sendfile", { fileSize: "256KiB", chunk: "64KiB" });
    const o = await pool.run({ kind: "model", compiled: c, trace: true });
    const s = sim.run(c, { trace: true });
    expect(o.events).toEqual(s.events);
    expect(o.traceDropped).toBe(s.traceDropped);
  });

  it("a fresh instance measures from a new memory, with the same counts", async () => {
    const t: ModelTask = { kind: "model", scenario: "sendfile", overrides: { fileSize: "16MiB" }, fresh: true };
    const [a, b] = await pool.map([t, t]);
    expect(a.result).toEqual(b.result);
    expect(a.memoryBefore).toBe(b.memoryBefore);
    expect(a.memoryBytes).toBeGreaterThanOrEqual(a.memoryBefore);
    expect(a.framesPeak).toBeGreaterThan(4096);
  });
});

describe("pool: errors", () => {
  it("a refused scenario rejects its own task with a ScenarioError naming the field", async () => {
    const bad = pool.run({ kind: "model", scenario: "sendfile", overrides: { chunk: "banana" } });
    await expect(bad).rejects.toBeInstanceOf(ScenarioError);
    await expect(bad).rejects.toThrow(/params\.chunk/);
    await expect(pool.run({ kind: "model", scenario: "no-such-scenario" })).rejects.toThrow(/unknown scenario/);
  });

  it("settle keeps every other task's result, in order, and the failed one's error in its place", async () => {
    const tasks: ModelTask[] = [TASKS[1], { kind: "model", scenario: "splice", overrides: { pipeSize: "twelve" } }, TASKS[3]];
    const s = await pool.settle(tasks);
    expect(s.map((x) => x.ok)).toEqual([true, false, true]);
    if (s[0].ok) expect(s[0].value.result).toEqual(sequential(TASKS[1]));
    if (s[2].ok) expect(s[2].value.result).toEqual(sequential(TASKS[3]));
    if (!s[1].ok) expect(s[1].error).toBeInstanceOf(ScenarioError);
  });

  it("map rejects with the first failed task's error, once all have ended", async () => {
    const tasks: ModelTask[] = [TASKS[1], { kind: "model", scenario: "x1" }, { kind: "model", scenario: "x2" }];
    await expect(pool.map(tasks)).rejects.toThrow(/"x1"/);
  });

  it("a model that stops on a bad program reports its status, not a crash", async () => {
    const c = compileByName("sendfile", { fileSize: "64KiB" });
    const broken: Compiled = { ...c, program: c.program.slice(0, 3) };
    const o = await pool.run({ kind: "model", compiled: broken });
    const s = sim.run(broken);
    expect(o.status).toBe(s.status);
    expect(o.status).not.toBe("DONE");
  });

  it("a worker that dies fails the task it had; the pool replaces it", async () => {
    const p = new Pool({ size: 1 });
    await p.run(TASKS[1]); // the worker is up
    const long = p.run({ kind: "model", scenario: "read-write", overrides: { fileSize: "256MiB", chunk: "4KiB" } });
    const after = p.run(TASKS[3]);
    const slots = (p as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
    await slots[0].worker.terminate();
    await expect(long).rejects.toThrow(/died/);
    expect((await after).result).toEqual(sequential(TASKS[3]));
    await p.close();
  });

  it("a closed pool refuses work", async () => {
    const p = new Pool({ size: 1 });
    await p.run(TASKS[1]);
    await p.close();
    await expect(p.run(TASKS[1])).rejects.toThrow(/closed/);
  });

  it("runPooled makes and closes its own pool", async () => {
    const outs = await runPooled([TASKS[1], TASKS[3]], { size: 2 });
    expect(outs.map((o) => o.result)).toEqual([sequential(TASKS[1]), sequential(TASKS[3])]);
  });
});

describe("pool: native scheduling (a crafted native runner that records overlaps)", () => {
  const run = async (mode: NativeMode, size: number, models = 0) => {
    let nat = 0, maxNat = 0, maxAll = 0;
    let modelsRunningAtNative = 0;
    const events: string[] = [];
    const p = new Pool({
      size, native: mode,
      nativeRunner: async (c: Compiled) => {
        nat++;
        maxNat = Math.max(maxNat, nat);
        events.push(`start ${c.params.fileSize}`);
        await new Promise((r) => setTimeout(r, 20));
        events.push(`end ${c.params.fileSize}`);
        nat--;
        return { result: { ...sim.run(c).result, engine: "native" } as Result };
      },
    });
    // count how many tasks of any kind are in flight, from outside, as each starts
    const probe = p as unknown as { nativeRunning: number; modelRunning: number };
    const tasks: (NativeTask | ModelTask)[] = [];
    for (let i = 0; i < 6; i++) {
      tasks.push({ kind: "native", scenario: "sendfile", overrides: { fileSize: `${i + 1}MiB` } });
      for (let k = 0; k < models; k++) tasks.push({ kind: "model", scenario: "sendfile", overrides: { fileSize: "64KiB" } });
    }
    const timer = setInterval(() => {
      maxAll = Math.max(maxAll, probe.nativeRunning + probe.modelRunning);
      if (probe.nativeRunning > 0) modelsRunningAtNative = Math.max(modelsRunningAtNative, probe.modelRunning);
    }, 1);
    const outs = await p.map(tasks);
    clearInterval(timer);
    await p.close();
    return { outs, maxNat, maxAll, modelsRunningAtNative, events, tasks };
  };

  it("serial: one native run at a time, results in order", async () => {
    const r = await run("serial", 4);
    expect(r.maxNat).toBe(1);
    r.outs.forEach((o, i) => {
      expect(o.kind).toBe("native");
      expect(o.result.payloadBytes).toBe((i + 1) * 1048576);
    });
    const mib = [1, 2, 3, 4, 5, 6].map((n) => n * 1048576);
    expect(r.events).toEqual(mib.flatMap((b) => [`start ${b}`, `end ${b}`]));
  });

  it("parallel: native runs overlap up to the pool's size", async () => {
    const r = await run("parallel", 3);
    expect(r.maxNat).toBeGreaterThan(1);
    expect(r.maxNat).toBeLessThanOrEqual(3);
  });

  it("exclusive: a native run has the machine to itself (no model run beside it)", async () => {
    const r = await run("exclusive", 3, 2);
    expect(r.maxNat).toBe(1);
    expect(r.modelsRunningAtNative).toBe(0);
    expect(r.outs.filter((o) => o.kind === "model")).toHaveLength(12);
    r.outs.forEach((o, i) => expect(o.kind).toBe(r.tasks[i].kind));
  });

  it("a failing native runner rejects its task; the others run on", async () => {
    const p = new Pool({ size: 2, nativeRunner: async (c) => { if (c.params.fileSize === 2097152) throw new Error("host exploded"); return { result: sim.run(c).result }; } });
    const s = await p.settle([1, 2, 3].map((n) => ({ kind: "native" as const, scenario: "sendfile", overrides: { fileSize: `${n}MiB` } })));
    await p.close();
    expect(s.map((x) => x.ok)).toEqual([true, false, true]);
    if (!s[1].ok) expect(s[1].error.message).toBe("host exploded");
  });
});

const native = nativeAvailable();
describe.skipIf(!native.ok)("pool: real native runs", () => {
  it("a native task through the pool counts what a direct native run counts", async () => {
    const c = compileByName("sendfile", { fileSize: "1MiB", chunk: "64KiB" });
    const o = await pool.run({ kind: "native", compiled: c });
    const d = await runNative(c);
    expect(o.result.engine).toBe("native");
    expect(o.result.syscalls).toEqual(d.syscalls);
    expect(o.result.delivered).toEqual(d.delivered);
    expect(o.result.copies.cpu).toEqual(d.copies.cpu);
  });
});
if (!native.ok) console.log(`pool: real native runs skipped: ${native.why}`);
