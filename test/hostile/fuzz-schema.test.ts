/**
 * The fuzzer in `npm test` (issue 23, item 4): 1,000 scenarios from schema-arb.ts (half built from the format's
 * pieces, half mutated catalogue files), seeded. Each must compile or be refused with a ScenarioError (no other
 * throw: a crash), and each that compiles must run in the model to a status of the ABI without a trap and within its
 * caps (no hang: the child is killed after 15 s of silence). A small sample runs on both engines: neither may crash,
 * and they must agree on `delivered.intact`. bench/fuzz.ts runs 10,000 the same way.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/scenario/abi.js";
import { compile } from "../../src/scenario/index.js";
import { fuzzScenarios } from "./schema-arb.js";
import { runSchemaFuzz, type FuzzOutcome } from "./fuzz-run.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const haveModel = existsSync(root + "build/zcsim.wasm");
if (!haveModel) console.log("fuzz-schema: skipped: the model (build/zcsim.wasm) is not built");
const native = process.platform === "linux" ? await import("../../src/node/native.js") : undefined;
const nativeOk = native?.nativeAvailable() ?? { ok: false, why: "not Linux" };
if (!nativeOk.ok) console.log(`fuzz-schema: the both-engines sample skipped: ${nativeOk.why}`);

describe.skipIf(!haveModel)("the fuzzer: 1,000 scenarios from the schema and the catalogue", () => {
  let outcome: FuzzOutcome;

  it("no crash, no trap, no hang; every run ends in a status of the ABI", async () => {
    outcome = await runSchemaFuzz(2026, 1000);
    const o = outcome;
    const ran = o.lines.filter((l) => l.status);
    const statuses: Record<string, number> = {};
    for (const l of ran) statuses[l.status!] = (statuses[l.status!] ?? 0) + 1;
    console.log(`fuzz-schema: 1,000 scenarios in ${o.ms} ms: ${o.lines.filter((l) => l.refused).length} refused, ${ran.length} ran ${JSON.stringify(statuses)}`);
    expect(o.hang, `scenario #${o.hang} hung the model`).toBeUndefined();
    const crashes = o.lines.filter((l) => l.crash);
    expect(crashes.map((c) => `#${c.i}: ${c.crash}`), JSON.stringify(crashes[0]?.scenario ?? null).slice(0, 1500)).toEqual([]);
    const traps = o.lines.filter((l) => l.trap);
    expect(traps.map((c) => `#${c.i}: ${c.trap}`), JSON.stringify(traps[0]?.scenario ?? null).slice(0, 1500)).toEqual([]);
    expect(o.lines).toHaveLength(1000);
    expect(ran.length, "enough of them compile to exercise the engines").toBeGreaterThan(200);
    for (const s of Object.keys(statuses)) expect(Object.keys(Status)).toContain(s);
    // a run the caps stopped says why
    for (const l of ran.filter((x) => x.status === "TIMEOUT")) expect(["blocked", "looping"]).toContain(l.stopped);
  }, 120_000);

  it.skipIf(!nativeOk.ok)("a sample on both engines: no crash in either, the same verdict on intact", async () => {
    expect(outcome, "the model's run above").toBeDefined();
    const all = fuzzScenarios(1000, 2026);
    // every 40th scenario the model ran to its end (a sample of ~10: the host takes ~0.3 s a run)
    const sample = outcome.lines.filter((l) => l.status === "DONE").filter((_, k) => k % 20 === 0);
    const disagree: string[] = [];
    for (const l of sample) {
      const c = compile(all[l.i]);
      let r;
      try {
        r = await native!.runNativeDetailed(c, { timeoutMs: 30_000 });
      } catch (e) {
        if (!(e instanceof native!.NativeError)) throw e;
        if (/UNSUPPORTED/.test((e as Error).message)) continue; // a model-only mechanism (the nic sink): said so, not run
        disagree.push(`#${l.i}: the host refused what the model ran: ${(e as Error).message}`);
        continue;
      }
      if (r.result.delivered.intact !== l.intact) disagree.push(`#${l.i}: model intact=${l.intact}, kernel intact=${r.result.delivered.intact} (${r.raw.status})`);
    }
    console.log(`fuzz-schema: ${sample.length} scenarios on both engines, ${disagree.length} disagreements`);
    expect(sample.length).toBeGreaterThan(2);
    expect(disagree).toEqual([]);
  }, 180_000);
});
