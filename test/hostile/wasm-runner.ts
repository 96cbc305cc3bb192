/**
 * Child process of fuzz-run.ts (its hang watch; fuzz-wasm.test.ts, fuzz-schema.test.ts, bench/fuzz.ts): runs scenario files in the model, one fresh instance each, and writes one JSON
 * line per program: {"start": i} before it, then {"i", "status"} or {"i", "trap"}. The parent kills this process
 * when a program makes no progress for its time limit: a hang of the wasm cannot stall the test runner.
 *
 *   node --import tsx test/hostile/wasm-runner.ts fuzz            the compiler fuzz's accepted files
 *   node --import tsx test/hostile/wasm-runner.ts calls SEED N    N random hostile call programs (calls-arb.ts)
 *   node --import tsx test/hostile/wasm-runner.ts regressions     regressions.json: what the fuzz found, shrunk
 *   node --import tsx test/hostile/wasm-runner.ts schema SEED N   N scenarios of schema-arb.ts (half mutated catalogue)
 *
 * A compile that throws anything but a ScenarioError is a crash: {"i", "crash"}. Runs have the caps of a CLI run,
 * lowered (200,000 instructions, 5 s): a run they stop is TIMEOUT, never a hang.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { compileModel, instantiateModel, Simulator } from "../../src/model/index.js";
import { Knob } from "../../src/scenario/abi.js";
import { compile, ScenarioError } from "../../src/scenario/index.js";
import { fuzzScenarios } from "./schema-arb.js";
import { hostileScenarioArb } from "./calls-arb.js";
import { acceptedFuzzScenarios } from "./compiler-fuzz-arb.js";

const [mode, seed = "1", n = "200"] = process.argv.slice(2);
const regressions = () => {
  const doc = JSON.parse(readFileSync(new URL("./regressions.json", import.meta.url), "utf8")) as { setup: unknown; programs: { program: unknown[] }[] };
  return doc.programs.map((p) => ({ name: "regression", title: "t", setup: doc.setup, program: p.program }));
};
const scenarios: unknown[] = mode === "fuzz" ? acceptedFuzzScenarios() : mode === "regressions" ? regressions()
  : mode === "schema" ? fuzzScenarios(Number(n), Number(seed))
  : fc.sample(hostileScenarioArb, { numRuns: Number(n), seed: Number(seed) });
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
out({ total: scenarios.length });
const mod = await compileModel();
for (let i = 0; i < scenarios.length; i++) {
  let c;
  try {
    c = compile(scenarios[i]);
  } catch (e) {
    if (!(e instanceof ScenarioError)) out({ i, crash: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300), scenario: scenarios[i] });
    else out({ i, refused: true });
    continue;
  }
  out({ start: i, program: (scenarios[i] as { program: unknown }).program });
  const sim = new Simulator(await instantiateModel(mod));
  try {
    const r = mode === "schema"
      ? sim.run(c, { trace: i % 7 === 0, traceCap: 4096, maxSteps: 200_000, timeoutMs: 5_000 })
      : sim.run(c, { trace: i % 7 === 0, traceCap: 4096, knobs: { [Knob.STEP_BUDGET]: 20_000 } });
    out({ i, status: r.status, intact: r.result.delivered.intact, ...(r.stopped ? { stopped: r.stopped.reason } : {}) });
  } catch (e) {
    out({ i, trap: (e as Error).message, scenario: scenarios[i] });
  }
}
out({ done: true });
