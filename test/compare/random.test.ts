/**
 * The random matrix (`zcsim compare --matrix random --seed N --points K`, issue 17): points drawn from the
 * catalogue's parameter space, the same for a seed on every machine; and, with a fixed seed and a few points, the
 * model against this machine's kernel (three native runs a point), where at least 99.5 % of the measured rows must
 * agree. Another seed is `zcsim compare --matrix random --seed N`.
 */
import { describe, expect, it } from "vitest";
import { buildReport, expandMatrix, NIC_SCENARIOS, RANDOM_SPACE, runTasks } from "../../src/node/compare.js";
import { compile, catalogue, parseSize } from "../../src/scenario/index.js";
import { bothOrSkip } from "./engines.js";

const bytes = (v: string) => parseSize(v) ?? NaN;

describe("the random matrix", () => {
  it("draws the same points for a seed, others for another seed", () => {
    const a = expandMatrix([], "random", {}, { seed: 17, points: 40 });
    const b = expandMatrix([], "random", {}, { seed: 17, points: 40 });
    const c = expandMatrix([], "random", {}, { seed: 18, points: 40 });
    expect(a).toEqual(b);
    expect(a.map((t) => t.params)).not.toEqual(c.map((t) => t.params));
    expect(a.length).toBeGreaterThan(30); // a repeated draw is kept once; 40 draws seldom repeat
  });

  it("stays inside the parameter space, in bytes that are seldom page multiples, and every point compiles", () => {
    const tasks = expandMatrix([], "random", {}, { seed: 5, points: 200 });
    const scenarios = new Set(tasks.map((t) => t.scenario));
    expect(scenarios.size).toBe(Object.keys(catalogue).length);
    let unaligned = 0;
    for (const t of tasks) {
      expect(() => compile(catalogue[t.scenario], t.overrides)).not.toThrow();
      const p = t.params;
      if (p.fileSize) {
        const n = bytes(p.fileSize);
        expect(n).toBeGreaterThanOrEqual(RANDOM_SPACE.fileSize.min);
        expect(n).toBeLessThanOrEqual(RANDOM_SPACE.fileSize.max);
        if (n % 4096) unaligned++;
      }
      if (p.chunk && p.chunk !== "whole") {
        expect(bytes(p.chunk)).toBeGreaterThanOrEqual(RANDOM_SPACE.chunk.min);
        expect(bytes(p.chunk)).toBeLessThanOrEqual(RANDOM_SPACE.chunk.max);
      }
      if (p.pipeSize) expect(Math.log2(bytes(p.pipeSize) / 4096) % 1).toBe(0);
      if (p.cache === "cold") expect(p.fill).toBeUndefined();
      // MSG_ZEROCOPY's calls need a socket; a NIC only where the default matrix takes one
      if (t.scenario === "msg-zerocopy") expect(["tcp", "nic"]).toContain(p.sink);
      if (p.sink === "nic") {
        expect(Object.keys(NIC_SCENARIOS)).toContain(t.scenario);
        expect(NIC_SCENARIOS[t.scenario]).toContainEqual(Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith("nic") || k === "sink")));
      }
    }
    expect(unaligned / tasks.length).toBeGreaterThan(0.9);
    expect(tasks.some((t) => t.params.chunk === "whole")).toBe(true);
    expect(new Set(tasks.map((t) => t.params.sink).filter(Boolean))).toEqual(new Set(["tcp", "file", "null", "nic"]));
  });

  it("keeps a --set fixed everywhere and draws only from the names given", () => {
    const tasks = expandMatrix(["splice", "sendfile"], "random", { cache: "cold" }, { seed: 3, points: 20 });
    expect(tasks.every((t) => t.params.cache === "cold" && ["splice", "sendfile"].includes(t.scenario))).toBe(true);
  });

  // A fixed seed, so that CI runs the same points every time; docs/compare.md ("The random matrix") gives the
  // agreement of 50-point matrices on seeds 1-3.
  it("with seed 2 and 8 points, at least 99.5 % of the measured rows agree with this kernel", { timeout: 600_000 }, async (ctx) => {
    const engines = await bothOrSkip(ctx);
    if (!engines) return;
    engines.kernelRuns = 3;
    const tasks = expandMatrix([], "random", {}, { seed: 2, points: 8 });
    const rep = buildReport("random", await runTasks(tasks, engines), engines, 0);
    const s = rep.summary;
    expect(s.kernel).toBe("ran");
    const failed = rep.rows.filter((r) => r.counter === "run" && r.agree === false);
    expect(failed.map((r) => `${r.scenario} ${JSON.stringify(r.params)}: ${r.why}`)).toEqual([]);
    const bad = rep.rows.filter((r) => r.agree === false && r.class !== "tolerance" && r.basis === "measured");
    console.log(`random matrix, seed 2, ${s.runs} points: measured ${s.agree}/${s.exact}` +
      bad.map((r) => `\n  ${r.scenario} ${JSON.stringify(r.params)} ${r.counter}: model ${r.model}, kernel ${r.kernel} (${r.why})`).join(""));
    expect(s.exact).toBeGreaterThan(100);
    expect(s.agree / s.exact).toBeGreaterThanOrEqual(0.995);
  });
});
