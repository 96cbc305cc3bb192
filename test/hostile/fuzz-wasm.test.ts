/**
 * Hostile programs fed to the wasm, which must never trap and never hang:
 *   - the compiler fuzz's accepted files (the 10,000 of test/scenario/fuzz.test.ts, those that compile);
 *   - random programs of every call with absurd arguments (calls-arb.ts).
 * They run in a child process (wasm-runner.ts, under fuzz-run.ts's hang watch) so that a hang is caught by a time
 * limit per program instead of stalling the test runner (15 s per program; 90 s for the runner to start on a loaded
 * machine); every program gets a fresh instance and a small step budget.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/scenario/abi.js";
import { watchRunner } from "./fuzz-run.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const haveModel = existsSync(root + "src/model/index.ts") && existsSync(root + "build/zcsim.wasm");
if (!haveModel) console.log("fuzz-wasm: skipped: the model (src/model/index.ts, build/zcsim.wasm) is not built");

interface Outcome { total: number; ran: number; statuses: Record<string, number>; traps: { i: number; trap: string; scenario: unknown }[]; hang?: { i: number; scenario?: unknown }; ms: number }

/** Runs the runner under the hang watch (fuzz-run.ts), counting statuses and keeping traps. */
async function runBatch(args: string[]): Promise<Outcome> {
  const o: Outcome = { total: 0, ran: 0, statuses: {}, traps: [], ms: 0 };
  const w = await watchRunner(args, (line) => {
    if (line.total !== undefined) o.total = line.total;
    if (line.status) { o.ran++; o.statuses[line.status] = (o.statuses[line.status] ?? 0) + 1; }
    if (line.trap) { o.ran++; o.traps.push({ i: line.i!, trap: line.trap, scenario: line.scenario }); }
  });
  o.ms = w.ms;
  if (w.hang) o.hang = { i: w.hang.i, scenario: w.hang.program };
  return o;
}

const describeTraps = (o: Outcome) => o.traps.slice(0, 3).map((t) => `#${t.i}: ${t.trap}: ${JSON.stringify((t.scenario as { program: unknown }).program).slice(0, 600)}`).join("\n");

describe.skipIf(!haveModel)("hostile programs in the wasm", () => {
  it("the compiler fuzz's accepted files: no trap, no hang, a status of the ABI", async () => {
    const o = await runBatch(["fuzz"]);
    console.log(`fuzz-wasm: compiler fuzz: ${o.ran} accepted files ran in ${o.ms} ms: ${JSON.stringify(o.statuses)}`);
    expect(o.hang, "a program hung the wasm").toBeUndefined();
    expect(o.traps.length, describeTraps(o)).toBe(0);
    expect(o.ran).toBeGreaterThan(100);
    for (const s of Object.keys(o.statuses)) expect(Object.keys(Status)).toContain(s);
  }, 240_000);

  it("the programs that trapped or hung it before (regressions.json): no trap, no hang", async () => {
    const o = await runBatch(["regressions"]);
    expect(o.hang, `regression #${o.hang?.i} hung the wasm`).toBeUndefined();
    expect(o.traps.length, describeTraps(o)).toBe(0);
    expect(o.ran).toBe(o.total);
  }, 240_000);

  it("random calls with absurd arguments: no trap, no hang, a status of the ABI", async () => {
    const o = await runBatch(["calls", "2026", "300"]);
    const o2 = await runBatch(["calls", "6", "300"]);
    for (const [seed, r] of [["2026", o], ["6", o2]] as const) {
      console.log(`fuzz-wasm: random calls, seed ${seed}: ${r.ran} programs ran in ${r.ms} ms: ${JSON.stringify(r.statuses)}; traps ${r.traps.length}${r.hang ? `; hang at #${r.hang.i}` : ""}`);
      expect(r.hang, `program #${r.hang?.i} of seed ${seed} hung the wasm (no answer within 15 s; rerun wasm-runner.ts calls ${seed} 300): ${JSON.stringify(r.hang?.scenario ?? null).slice(0, 1500)}`).toBeUndefined();
      expect(r.traps.length, describeTraps(r)).toBe(0);
      for (const s of Object.keys(r.statuses)) expect(Object.keys(Status)).toContain(s);
    }
  }, 240_000);
});
