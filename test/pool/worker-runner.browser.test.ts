/**
 * WorkerRunner (src/model/worker-runner.ts) in real Chromium: a page bundled by Vite the way the demo would use it
 * (`new Worker(new URL(".../worker-runner.ts", import.meta.url), { type: "module" })`), the model in module Web
 * Workers, the wasm found by the model's own default URL. The results equal the model's in Node, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadSimulator } from "../../src/model/index.js";
import { compileByName } from "../../src/scenario/index.js";
import { ARTIFACTS, browserMissing, launch, ROOT, serve, type Browser, type Served } from "../browser/helpers.js";

const missing = browserMissing();
if (missing) console.log(missing);

const POINTS: { scenario: string; params: Record<string, string> }[] = [
  { scenario: "sendfile", params: { fileSize: "4MiB", chunk: "64KiB" } },
  { scenario: "read-write", params: { fileSize: "16MiB" } },
  { scenario: "splice", params: { fileSize: "1MiB", chunk: "4KiB", pipeSize: "16KiB" } },
  { scenario: "tee", params: { fileSize: "256KiB" } },
  { scenario: "msg-zerocopy", params: { sink: "nic" } },
];

describe.skipIf(!!missing)("WorkerRunner in Chromium", () => {
  let dir = "";
  let served: Served | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(ARTIFACTS, "worker-runner-"));
    const rel = (p: string) => relative(dir, join(ROOT, p)).split("\\").join("/");
    writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="./main.ts"></script>`);
    writeFileSync(join(dir, "main.ts"), `
      import { WorkerRunner } from "${rel("src/model/worker-runner.ts")}";
      import { compileByName } from "${rel("src/scenario/index.ts")}";
      const points = ${JSON.stringify(POINTS)};
      const runner = new WorkerRunner({
        create: () => new Worker(new URL("${rel("src/model/worker-runner.ts")}", import.meta.url), { type: "module" }),
        size: 2,
      });
      (window as any).done = runner.map(points.map((p) => ({ compiled: compileByName(p.scenario, p.params) })))
        .then((outs) => { runner.terminate(); return JSON.stringify(outs.map((o) => ({ status: o.status, result: o.result }))); },
              (e) => "error: " + e.message);
    `);
    const { build } = await import("vite");
    const { noNodeFs } = await import("../../web/vite.config.js");
    await build({
      root: dir, base: "./", logLevel: "error", configFile: false, plugins: [noNodeFs],
      worker: { format: "es", plugins: () => [noNodeFs] },
      build: { outDir: join(dir, "dist"), emptyOutDir: true, target: "es2022", assetsInlineLimit: 0 },
    });
    served = await serve(join(dir, "dist"));
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the points in workers, with the results of the model in Node, in order", async () => {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(served!.url);
    const text = await page.evaluate(() => (window as unknown as { done: Promise<string> }).done);
    expect(errors).toEqual([]);
    expect(text.startsWith("error")).toBe(false);
    const got = JSON.parse(text) as { status: string; result: unknown }[];
    const sim = await loadSimulator({ wasm: readFileSync(join(ROOT, "build/zcsim.wasm")) });
    expect(got.map((g) => g.status)).toEqual(POINTS.map(() => "DONE"));
    got.forEach((g, i) => expect(g.result).toEqual(sim.run(compileByName(POINTS[i].scenario, POINTS[i].params)).result));
  });
});
