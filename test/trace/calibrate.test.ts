/**
 * Calibration: the model's time is piecewise linear and homogeneous in its cost knobs and the features read from
 * the model at a point say exactly how (TIME_NS = sum cost_k * feature_k there); a profile applied to a program sets those knobs; the robust fit recovers
 * the costs synthetic data was made with, outliers and noise notwithstanding; on a small native matrix the fitted
 * costs predict this kernel's times better than the defaults.
 */
import { describe, expect, it } from "vitest";
import { compileByName, type Compiled } from "../../src/scenario/index.js";
import { loadSimulator, type Simulator } from "../../src/model/index.js";
import {
  COST_KNOBS, DEFAULT_COSTS, applyProfile, features, fitCosts, predict, nnls, runMatrix, fitProfile, report, withKnobs, modelTime, type Cell,
  wakeupCostNs, fitCells, mergeMatrices, type MeasuredCell,
} from "../../src/node/calibrate.js";
import { nativeReady } from "../native/helpers.js";
import { Knob } from "../../src/scenario/abi.js";

let simP: Promise<Simulator> | undefined;
const sim = () => (simP ??= loadSimulator());

/** Model-only cells that exercise every cost: NIC without offloads, cold reads, pipes, files, the peer. */
const MODEL_CELLS: [string, Record<string, string | boolean>][] = [
  ["read-write", { fileSize: "1MiB", chunk: "4KiB" }], ["read-write", { fileSize: "2MiB", chunk: "64KiB" }],
  ["read-write", { fileSize: "1MiB", chunk: "64KiB", cache: "cold" }], ["read-write", { fileSize: "1MiB", chunk: "16KiB", sink: "nic", nicCsum: false }],
  ["sendfile", { fileSize: "2MiB" }], ["sendfile", { fileSize: "1MiB", sink: "nic" }], ["sendfile", { fileSize: "1MiB", sink: "nic", nicSg: false }],
  ["sendfile", { fileSize: "1MiB", cache: "cold" }], ["splice", { fileSize: "1MiB", chunk: "16KiB" }], ["splice", { fileSize: "2MiB", sink: "nic" }],
  ["mmap-write", { fileSize: "1MiB" }], ["mmap-write", { fileSize: "2MiB", chunk: "64KiB", populate: true }], ["mmap-write", { fileSize: "1MiB", cache: "cold" }],
  ["tee", { fileSize: "1MiB" }], ["vmsplice", { fileSize: "1MiB", chunk: "16KiB" }], ["copy-file-range", { fileSize: "2MiB" }],
  ["copy-file-range", { fileSize: "1MiB", chunk: "4KiB" }], ["msg-zerocopy", { fileSize: "1MiB" }], ["msg-zerocopy", { fileSize: "1MiB", sink: "nic" }],
  ["mmap-truncate", { fileSize: "1MiB" }], ["read-write", { fileSize: "4MiB", chunk: "1MiB", sink: "file" }], ["splice", { fileSize: "1MiB", sink: "file" }],
];
const compiledCells = (): Compiled[] => MODEL_CELLS.map(([n, p]) => compileByName(n, p));

describe("the cost model is piecewise linear in its knobs, and the features say how", () => {
  it("predict(features, defaults) is the model's own time", async () => {
    const s = await sim();
    for (const c of compiledCells()) {
      const f = features(s, c);
      const t = s.run(c).result.timeNs;
      // per-byte costs round down to whole ns per piece (a piece is at most a page): under half a percent
      expect(Math.abs(predict(f, DEFAULT_COSTS) - t)).toBeLessThanOrEqual(1 + t * 5e-3);
    }
  });

  it("a profile sets the knobs in the program: the model's time is the prediction with the profile's costs", async () => {
    const s = await sim();
    const costs = Object.fromEntries(COST_KNOBS.map((k, i) => [k.name, 7 + 13 * i]));
    for (const c of compiledCells().slice(0, 8)) {
      const f = features(s, c, costs);
      const withP = applyProfile(c, { costs });
      const a = s.run(withP).result, b = s.run(c).result;
      // per-byte costs round to whole ns per piece, and a small cost's step is a few units: within 1 %
      expect(Math.abs(a.timeNs - predict(f, costs))).toBeLessThanOrEqual(1 + a.timeNs * 1e-2);
      // the calls, the bytes copied and delivered do not change; what races on the clocks may (skbs Nagle
      // coalesces, the peer's wake-ups, the sender's sleeps)
      expect(a.syscalls).toEqual(b.syscalls);
      expect(a.copies.cpu.bytes).toBe(b.copies.cpu.bytes);
      expect(a.delivered).toEqual(b.delivered);
      expect(a.errors).toEqual(b.errors);
      expect(Number(withP.program[3])).toBeGreaterThanOrEqual(Number(c.program[3]));
    }
  });

  it("where the loopback peer holds the sender back, features read at the point still add up to the model's time", async () => {
    const s = await sim();
    // the peer's copy 40 times dearer than the sender's: the sender waits for it once the socket buffers are full
    const slow = { ...DEFAULT_COSTS, COST_PEER_COPY_PS_PER_BYTE: 4000 };
    for (const [n, p] of [["sendfile", { fileSize: "16MiB" }], ["read-write", { fileSize: "16MiB", chunk: "64KiB" }], ["splice", { fileSize: "16MiB" }]] as const) {
      const c = compileByName(n, p);
      const t = modelTime(s, c, slow);
      expect(t).toBeGreaterThan(modelTime(s, c, DEFAULT_COSTS) * 2);
      // within 2 %: which skb a wake-up lands on moves with the step a feature is read with (the time has kinks)
      expect(Math.abs(predict(features(s, c, slow), slow) - t)).toBeLessThanOrEqual(1 + t * 2e-2);
      // and the features differ from those where the peer copies for free: its copy is on the path now
      const j = COST_KNOBS.findIndex((k) => k.name === "COST_PEER_COPY_PS_PER_BYTE");
      expect(features(s, c, slow)[j]).toBeGreaterThan(features(s, c, { ...DEFAULT_COSTS, COST_PEER_COPY_PS_PER_BYTE: 0 })[j]);
    }
  });

  it("withKnobs replaces a knob already in the program rather than adding a second", () => {
    const c = compileByName("sendfile", {});
    const n = Number(c.program[3]);
    const once = withKnobs(c, { 18: 5 });
    const twice = withKnobs(once, { 18: 9 });
    expect(Number(twice.program[3])).toBe(Number(once.program[3]));
    expect(Number(once.program[3])).toBe(n + (Object.hasOwn(c.knobs, 18) ? 0 : 1));
    expect(twice.knobs[18]).toBe(9);
    expect(twice.program.length).toBe(once.program.length);
  });
});

describe("the remote wake-up's cost, measured against a polling peer", () => {
  const cell = (params: Record<string, string>, medianNs: number, peerWakeups?: number[]): MeasuredCell =>
    ({ scenario: "read-write", params: { fileSize: "64MiB", cache: "warm", chunk: "64KiB", ...params }, fit: true, features: [], samplesNs: [medianNs], medianNs, defaultNs: 0, ...(peerWakeups ? { peerWakeups } : {}) });

  it("(sleeping - polling) / wake-ups, the median over pairs; none without a pair or with too few wake-ups", () => {
    expect(wakeupCostNs([cell({}, 50e6, [900, 1000, 1100]), cell({ peerPoll: "true" }, 20e6)])).toBe(30_000);
    expect(wakeupCostNs([cell({}, 50e6, [1000]), cell({ peerPoll: "true" }, 20e6),
      cell({ fileSize: "256MiB" }, 100e6, [2000]), cell({ fileSize: "256MiB", peerPoll: "true" }, 60e6),
      cell({ chunk: "4KiB" }, 100e6, [1000]), cell({ chunk: "4KiB", peerPoll: "true" }, 90e6)])).toBe(20_000);
    expect(wakeupCostNs([cell({}, 50e6, [1000])])).toBeUndefined();
    expect(wakeupCostNs([cell({}, 50e6, [10]), cell({ peerPoll: "true" }, 20e6)])).toBeUndefined();
  });

  it("recovers the cost the model's own wake-ups were priced at", async () => {
    const s = await sim(), wake = 30_000;
    const cells = fitCells(["64MiB"]).filter((c) => c.scenario === "read-write" && c.params.chunk === "64KiB" && !c.params.sink).map((c): MeasuredCell => {
      const r = s.run(compileByName(c.scenario, c.params), { trace: false, knobs: { [Knob.COST_REMOTE_WAKEUP_NS]: wake } }).result;
      return { ...c, features: [], samplesNs: [r.timeNs], medianNs: r.timeNs, defaultNs: 0, peerWakeups: [r.peer!.wakeups!] };
    });
    expect(cells.map((c) => c.params.peerPoll ?? "false").sort()).toEqual(["false", "true"]);
    expect(Math.abs(wakeupCostNs(cells)! / wake - 1)).toBeLessThan(0.1);
  });
});

describe("matrices pooled", () => {
  it("a cell measured in several matrices keeps every run, and its median is over them all", () => {
    const cell = (fileSize: string, samplesNs: number[], extra: Partial<MeasuredCell> = {}): MeasuredCell =>
      ({ scenario: "sendfile", params: { fileSize, cache: "warm" }, fit: true, features: [], samplesNs, medianNs: 0, defaultNs: 0, ...extra });
    const a = [cell("8MiB", [10, 11, 12], { peerWakeups: [1, 2, 3] }), cell("16MiB", [20])];
    const b = [cell("8MiB", [30, 31], { peerWakeups: [4, 5], machine: { cpuCacheBytes: 4096 } })];
    const m = mergeMatrices([a, b]);
    expect(m.length).toBe(2);
    const c8 = m.find((c) => c.params.fileSize === "8MiB")!;
    expect(c8.samplesNs).toEqual([10, 11, 12, 30, 31]);
    expect(c8.medianNs).toBe(12);
    expect(c8.peerWakeups).toEqual([1, 2, 3, 4, 5]);
    expect(c8.machine).toEqual({ cpuCacheBytes: 4096 });
    expect(m.find((c) => c.params.fileSize === "16MiB")!.medianNs).toBe(20);
    expect(a[0].samplesNs).toEqual([10, 11, 12]);   // the inputs are left as they were
  });
});

describe("the fit", () => {
  it("nnls solves a small non-negative problem exactly", () => {
    const A = [[1, 0], [0, 1], [1, 1]];
    const x = nnls(A, [2, 3, 5], [0, 0], 0);
    expect(x[0]).toBeCloseTo(2, 6);
    expect(x[1]).toBeCloseTo(3, 6);
    expect(nnls([[1], [1]], [-1, -2], [1], 0)[0]).toBe(0);
  });

  it("recovers the costs synthetic times were made with, shrugging off outliers", async () => {
    const s = await sim();
    const truth: Record<string, number> = {};
    COST_KNOBS.forEach((k, i) => { truth[k.name] = DEFAULT_COSTS[k.name] * (0.4 + ((i * 37) % 23) / 10); });
    // every cell at two sizes: the fit has more rows than costs, and an outlier has a twin that contradicts it
    const feats = MODEL_CELLS.flatMap(([n, p]) => [1, 3].map((k) => features(s, compileByName(n, { ...p, fileSize: `${k * Number.parseInt(String(p.fileSize))}MiB` }))));
    const outliers = new Set([3, 11, 30]);
    const rows = feats.map((f, i) => ({ features: f, measuredNs: predict(f, truth) * (outliers.has(i) ? 3 : 1) }));
    // Huber's weights shrink the outliers; the bisquare rounds (for data known to hold gross outliers) drop them
    expect(outliers.size).toBe(3);
    const huber = fitCosts(rows);
    for (const i of outliers) expect(huber.weights[i]).toBeLessThan(0.5);
    feats.forEach((f, i) => { if (!outliers.has(i)) expect(Math.abs(predict(f, huber.costs) / predict(f, truth) - 1)).toBeLessThan(0.1); });
    const fit = fitCosts(rows, { bisquare: true });
    for (const i of outliers) expect(fit.weights[i]).toBeLessThan(0.05);
    // every other row is predicted as it was made
    feats.forEach((f, i) => { if (!outliers.has(i)) expect(Math.abs(predict(f, fit.costs) / predict(f, truth) - 1)).toBeLessThan(0.01); });
    // each cost that carries a real share of some row's time comes back (within 5 %). Not WAKEUP: in these cells
    // a process sleeps only for the disk, once per block request, so the data cannot tell a wake-up from a request
    COST_KNOBS.forEach((k, j) => {
      const share = Math.max(...feats.map((f) => (f[j] * truth[k.name]) / predict(f, truth)));
      if (share > 0.05 && k.name !== "COST_WAKEUP_NS") expect(Math.abs(fit.costs[k.name] / truth[k.name] - 1), k.name).toBeLessThan(0.05);
    });
  });

  it("with 1 % noise on every time the predictions stay within a few per cent", async () => {
    const s = await sim();
    const truth: Record<string, number> = {};
    COST_KNOBS.forEach((k, i) => { truth[k.name] = DEFAULT_COSTS[k.name] * (0.5 + ((i * 29) % 17) / 8); });
    const feats = MODEL_CELLS.flatMap(([n, p]) => [1, 3].map((k) => features(s, compileByName(n, { ...p, fileSize: `${k * Number.parseInt(String(p.fileSize))}MiB` }))));
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const fit = fitCosts(feats.map((f) => ({ features: f, measuredNs: predict(f, truth) * (1 + 0.02 * rnd()) })));
    feats.forEach((f) => expect(Math.abs(predict(f, fit.costs) / predict(f, truth) - 1)).toBeLessThan(0.04));
  });
});

const ready = nativeReady();
describe.skipIf(!ready.ok)(`on this kernel (${ready.why ?? "native host here"})`, () => {
  it("a small native matrix: the fitted costs predict the measured medians better than the defaults", async () => {
    const s = await sim();
    const cells: Cell[] = [];
    for (const scenario of ["read-write", "sendfile", "copy-file-range", "splice"]) {
      for (const fileSize of ["8MiB", "32MiB"]) cells.push({ scenario, params: { fileSize, cache: "warm" }, fit: true });
    }
    const measured = await runMatrix(s, cells, { reps: 3 });
    expect(measured.length).toBe(cells.length);
    const { profile: p, cells: fitted } = fitProfile(s, measured);
    const rms = (cs: typeof measured, costs: Record<string, number>) => Math.sqrt(report(cs, costs).reduce((a, r) => a + r.relError ** 2, 0) / cs.length);
    expect(rms(fitted, p.costs)).toBeLessThan(rms(measured, DEFAULT_COSTS));
    // the report's predictions are the model's own times with the profile
    for (const c of fitted) expect(Math.abs(predict(c.features, p.costs) / modelTime(s, compileByName(c.scenario, c.params), p.costs) - 1)).toBeLessThan(0.01);
    expect(p.kernel).toMatch(/\d/);
    expect(Object.keys(p.costs).sort()).toEqual(COST_KNOBS.map((k) => k.name).sort());
  }, 300_000);
});
