/**
 * The demo's Web Worker runner (src/model/worker-runner.ts), its protocol tested in Node: the page side and the
 * worker side joined by a MessageChannel (each port stands for one worker), the model loaded in the worker side.
 * Same results as sequential runs, in order, errors to their own run, a worker that fails replaced.
 */
import { MessageChannel } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { compileModel, loadSimulator } from "../../src/model/index.js";
import { compile, compileByName, type Compiled } from "../../src/scenario/index.js";
import { serveModel, WorkerRunner, type WorkerLike } from "../../src/model/worker-runner.js";
import { blockedScenario } from "../hostile/never-ending.js";

const sim = await loadSimulator();
const ports: MessageChannel[] = [];
afterAll(() => ports.forEach((c) => { c.port1.close(); c.port2.close(); }));

/** A "worker": one end of a channel, the other end served by serveModel (in this thread). */
function fakeWorker(): WorkerLike {
  const ch = new MessageChannel();
  ports.push(ch);
  serveModel(ch.port2 as unknown as Parameters<typeof serveModel>[0]);
  ch.port2.start();
  const w = ch.port1 as unknown as WorkerLike;
  ch.port1.start();
  (w as { terminate?: () => void }).terminate = () => ch.port1.close();
  return w;
}

describe("WorkerRunner (over MessageChannels)", () => {
  it("runs give the sequential results, in the inputs' order", async () => {
    const mod = await compileModel();
    let made = 0;
    const runner = new WorkerRunner({ create: () => { made++; return fakeWorker(); }, size: 3, wasm: mod });
    const items = [
      { compiled: compileByName("read-write", { fileSize: "8MiB" }) },
      { compiled: compileByName("sendfile", { fileSize: "64KiB" }) },
      { compiled: compileByName("splice", { fileSize: "2MiB", chunk: "4KiB" }) },
      { compiled: compileByName("tee") },
      { compiled: compileByName("msg-zerocopy", { sink: "nic" }) },
    ];
    const seen: number[] = [];
    const outs = await runner.map(items, (_o, i) => seen.push(i));
    expect(made).toBe(3);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    outs.forEach((o, i) => {
      expect(o.status).toBe("DONE");
      expect(o.result).toEqual(sim.run(items[i].compiled).result);
    });
    const traced = await runner.run(items[1].compiled, { trace: true });
    expect(traced.events).toEqual(sim.run(items[1].compiled, { trace: true }).events);
    runner.terminate();
    await expect(runner.run(items[1].compiled)).rejects.toThrow(/terminated/);
  });

  it("a run that throws rejects only itself", async () => {
    const runner = new WorkerRunner({ create: fakeWorker, size: 2 });
    const good = compileByName("sendfile", { fileSize: "64KiB" });
    const bad = { ...good, program: "not words" } as unknown as Compiled;
    const s = await Promise.allSettled([runner.run(good), runner.run(bad), runner.run(good)]);
    expect(s.map((x) => x.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    await expect(runner.map([{ compiled: good }, { compiled: bad }])).rejects.toBeInstanceOf(Error);
    runner.terminate();
  });

  it("a worker that fails is replaced; its run is rejected", async () => {
    let n = 0;
    const runner = new WorkerRunner({
      size: 1,
      create: () => {
        n++;
        if (n > 1) return fakeWorker();
        // a worker that fails to load: it reports an error event instead of answering
        const listeners: ((e: { message?: string }) => void)[] = [];
        return {
          postMessage: () => queueMicrotask(() => listeners.forEach((f) => f({ message: "script failed" }))),
          addEventListener: (t: string, f: (e: never) => void) => { if (t === "error") listeners.push(f as never); },
          terminate: () => {},
        } as WorkerLike;
      },
    });
    const c = compileByName("sendfile", { fileSize: "64KiB" });
    await expect(runner.run(c)).rejects.toThrow(/script failed/);
    const o = await runner.run(c);
    expect(o.result).toEqual(sim.run(c).result);
    expect(n).toBe(2);
    runner.terminate();
  });

  it("eventsOnlyIfDone: a stopped run comes back without its trace, a finished one with it", async () => {
    const runner = new WorkerRunner({ create: fakeWorker, size: 1 });
    // a read of a pipe nobody writes: the model stops it at once (TIMEOUT, blocked)
    const blocked = compile(blockedScenario);
    const stopped = await runner.run(blocked, { trace: true }, { eventsOnlyIfDone: true });
    expect(stopped.status).toBe("TIMEOUT");
    expect(stopped.stopped?.reason).toBe("blocked");
    expect(stopped.events).toBeUndefined();
    // without the option the partial trace comes back, as before
    expect((await runner.run(blocked, { trace: true })).events?.length).toBeGreaterThan(0);
    const c = compileByName("sendfile", { fileSize: "64KiB" });
    const done = await runner.run(c, { trace: true }, { eventsOnlyIfDone: true });
    expect(done.status).toBe("DONE");
    expect(done.events).toEqual(sim.run(c, { trace: true }).events);
    runner.terminate();
  });
});
