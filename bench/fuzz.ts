/**
 * bench/fuzz: the fuzzer at scale (issue 23, item 4). 10,000 scenarios of test/hostile/schema-arb.ts (half built
 * from the format's pieces, half mutated catalogue files) in ten seeded batches of 1,000: each compiles or is
 * refused with a ScenarioError, each that compiles runs in the model (in a child process under fuzz-run.ts's hang
 * watch, the one test/hostile's tests use), and a
 * sample runs on the native host too. It prints the counts of crashes (a throw that is not a ScenarioError), traps
 * (the wasm), hangs (15 s of silence), host refusals of what the model ran, and engine disagreements on
 * `delivered.intact`; the target of each is 0. Exit status 1 when one is not.
 *
 *   npx tsx bench/fuzz.ts [--n 10000] [--seed 1] [--native 100] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { compile } from "../src/scenario/index.js";
import { fuzzScenarios } from "../test/hostile/schema-arb.js";
import { runSchemaFuzz, type FuzzLine } from "../test/hostile/fuzz-run.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
};
const N = Number(arg("n", "10000")), SEED = Number(arg("seed", "1")), NATIVE = Number(arg("native", "100"));
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(SEED) || !Number.isInteger(NATIVE) || NATIVE < 0) {
  process.stderr.write("bench/fuzz: --n, --seed and --native take whole numbers\n");
  process.exit(2);
}
const BATCH = 1000;
const t0 = Date.now();
const counts = { scenarios: 0, refused: 0, ran: 0, crashes: 0, traps: 0, hangs: 0, hostRefused: 0, disagreements: 0, nativeRuns: 0 };
const statuses: Record<string, number> = {};
const found: string[] = [];
const done: { seed: number; line: FuzzLine }[] = [];
for (let b = 0; b * BATCH < N; b++) {
  const n = Math.min(BATCH, N - b * BATCH), seed = SEED + b;
  const o = await runSchemaFuzz(seed, n);
  counts.scenarios += n;
  for (const l of o.lines) {
    if (l.refused) counts.refused++;
    if (l.crash) { counts.crashes++; found.push(`crash seed ${seed} #${l.i}: ${l.crash}`); }
    if (l.trap) { counts.traps++; found.push(`trap seed ${seed} #${l.i}: ${l.trap}`); }
    if (l.status) { counts.ran++; statuses[l.status] = (statuses[l.status] ?? 0) + 1; if (l.status === "DONE") done.push({ seed, line: l }); }
  }
  if (o.hang !== undefined) { counts.hangs++; found.push(`hang seed ${seed} #${o.hang} (the rest of its batch did not run)`); }
  process.stderr.write(`bench/fuzz: ${counts.scenarios} of ${N} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}

const native = process.platform === "linux" ? await import("../src/node/native.js") : undefined;
const avail = native?.nativeAvailable() ?? { ok: false, why: "not Linux" };
if (!avail.ok) process.stderr.write(`bench/fuzz: no native sample: ${avail.why}\n`);
else if (NATIVE > 0 && done.length) {
  const step = Math.max(1, Math.floor(done.length / NATIVE));
  const cache = new Map<number, unknown[]>();
  for (let k = 0; k < done.length && counts.nativeRuns < NATIVE; k += step) {
    const { seed, line } = done[k];
    if (!cache.has(seed)) cache.set(seed, fuzzScenarios(BATCH, seed));
    const c = compile(cache.get(seed)![line.i]);
    counts.nativeRuns++;
    try {
      const r = await native!.runNativeDetailed(c, { timeoutMs: 60_000 });
      if (r.result.delivered.intact !== line.intact) { counts.disagreements++; found.push(`intact: seed ${seed} #${line.i}: model ${line.intact}, kernel ${r.result.delivered.intact} (${r.raw.status})`); }
    } catch (e) {
      if (!(e instanceof native!.NativeError)) { counts.crashes++; found.push(`native crash seed ${seed} #${line.i}: ${(e as Error).message}`); continue; }
      if (/UNSUPPORTED/.test((e as Error).message)) { counts.nativeRuns--; continue; } // a model-only mechanism
      counts.hostRefused++;
      found.push(`host refused seed ${seed} #${line.i}: ${(e as Error).message}`);
    }
  }
}

const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`bench/fuzz: ${counts.scenarios} scenarios (seeds ${SEED}..${SEED + Math.ceil(N / BATCH) - 1}) in ${secs} s`);
console.log(`  refused ${counts.refused}, ran in the model ${counts.ran}: ${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`  crashes ${counts.crashes}, traps ${counts.traps}, hangs ${counts.hangs}`);
console.log(`  native sample ${counts.nativeRuns}: host refusals ${counts.hostRefused}, disagreements on intact ${counts.disagreements}`);
for (const f of found.slice(0, 20)) console.log(`  ${f}`);
const json = arg("json", "");
if (json) writeFileSync(json, JSON.stringify({ counts, statuses, found }, null, 2) + "\n");
process.exitCode = counts.crashes + counts.traps + counts.hangs + counts.hostRefused + counts.disagreements > 0 ? 1 : 0;
