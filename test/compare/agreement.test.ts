/**
 * The regression guard: the model against this machine's kernel over the matrix (the default one; CI, with
 * CI=true, the full one), scenario by scenario, never below the committed baseline: the measured rows only (exact,
 * and ranges over three native runs of each point). Skipped, with one line, where the kernel side cannot run (not
 * Linux, no C compiler, the native host not built), except under CI, which must run the kernel side and fails
 * without it.
 *
 * To raise the baseline after the model learns a mechanism (each scenario keeps its lowest of three runs, since
 * some kernel counts race the disk; the file's "slack" is the share of exact rows a scenario may lose to races):
 *   zcsim compare --matrix default --write-baseline test/compare/agreement-baseline.json --baseline-runs 3
 *   zcsim compare --matrix full --write-baseline test/compare/agreement-baseline.json --baseline-runs 3
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildReport, checkBaseline, expandMatrix, runTasks, type Baseline, type MatrixName } from "../../src/node/compare.js";
import { bothOrSkip } from "./engines.js";

const BASELINE = new URL("./agreement-baseline.json", import.meta.url);
const matrix: MatrixName = process.env.CI ? "full" : "default";

describe(`agreement with the kernel (${matrix} matrix)`, () => {
  it("no scenario agrees less than the baseline", { timeout: 1_800_000 }, async (ctx) => {
    const engines = await bothOrSkip(ctx);
    if (!engines) return;
    engines.kernelRuns = 3;
    const tasks = expandMatrix([], matrix);
    const t0 = performance.now();
    const outs = await runTasks(tasks, engines);
    const rep = buildReport(matrix, outs, engines, performance.now() - t0);
    const s = rep.summary;
    expect(s.kernel).toBe("ran");
    console.log(`${matrix} matrix: ${s.runs} points x 3 native runs in ${(rep.ms / 1000).toFixed(1)} s; measured ${s.agree}/${s.exact} ` +
      `(${s.explained} explained, ${s.unexplained} unexplained), derived ${s.consistent}/${s.derived} consistent; ` +
      Object.entries(s.perScenario).map(([n, p]) => `${n} ${p.agree}/${p.exact}`).join(", "));
    const failed = rep.rows.filter((r) => r.counter === "run" && r.agree === false);
    expect(failed.map((r) => `${r.scenario} ${JSON.stringify(r.params)}: ${r.why}`)).toEqual([]);
    const baseline = JSON.parse(readFileSync(BASELINE, "utf8")) as Baseline;
    expect(checkBaseline(s, baseline, matrix)).toEqual([]);
  });
});
