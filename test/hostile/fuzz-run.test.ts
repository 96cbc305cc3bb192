/**
 * The hang watch of fuzz-run.ts, which every hostile run leans on: a child that stops writing lines after a program
 * started is killed after the limit and named as a hang; one that ends normally is not; one that fails is an error.
 * The children here are tiny scripts speaking wasm-runner.ts's lines, not the model.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { watchRunner, type RunnerLine } from "./fuzz-run.js";

const dir = mkdtempSync(join(tmpdir(), "zcsim-fuzz-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, body: string) => {
  const f = join(dir, name);
  writeFileSync(f, `const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");\n${body}\n`);
  return f;
};

describe("fuzz-run's hang watch", () => {
  it("a program that goes silent is a hang: the child is killed after the limit, the program named", async () => {
    const f = script("hang.mjs", `out({ total: 2 }); out({ start: 0, program: ["p0"] }); out({ i: 0, status: "DONE" }); out({ start: 1, program: ["p1"] }); setInterval(() => {}, 1000);`);
    const lines: RunnerLine[] = [];
    const t = Date.now();
    const w = await watchRunner([], (l) => lines.push(l), 1500, f);
    expect(w.hang).toEqual({ i: 1, program: ["p1"] });
    expect(Date.now() - t).toBeGreaterThanOrEqual(1500);
    expect(lines.filter((l) => l.status)).toEqual([{ i: 0, status: "DONE" }]);
  }, 120_000);

  it("lines that keep coming within the limit are no hang", async () => {
    const f = script("slow.mjs", `out({ total: 3 }); let i = 0; const t = setInterval(() => { out({ start: i }); out({ i, status: "DONE" }); if (++i === 3) { clearInterval(t); out({ done: true }); } }, 600);`);
    const lines: RunnerLine[] = [];
    const w = await watchRunner([], (l) => lines.push(l), 1500, f);
    expect(w.hang).toBeUndefined();
    expect(lines.filter((l) => l.status).map((l) => l.i)).toEqual([0, 1, 2]);
  }, 120_000);

  it("a child that fails is an error, with what it said", async () => {
    const f = script("fail.mjs", `process.stderr.write("broken on purpose"); process.exit(3);`);
    await expect(watchRunner([], () => {}, 1500, f)).rejects.toThrow(/the runner failed \(3\): broken on purpose/);
  }, 120_000);
});
