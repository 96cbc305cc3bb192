/**
 * The package as an npm user gets it (issue 19): `npm pack`, installed into a fresh project (from the npm cache
 * this machine has, --prefer-offline) with a C compiler that exists but fails, then used as a consumer would:
 *
 *   install        exits 0, one warning naming the compiler's first error line and `npx zcsim doctor`
 *   tree           the core's dependencies only: no chart.js, lit or cli-progress (optional peers)
 *   node           the core and zerocopy-sim/node run; the native host's reason is the install's
 *   bin            zcsim --version, `zcsim trace ... | head -3` quiet, zcsim doctor
 *   types          every entry point type-checks under moduleResolution bundler and nodenext (lit installed for
 *                  the widget's types: they extend LitElement)
 *   vite           a page importing the core and the widget builds without a warning, and runs in Chromium with
 *                  no 404 and no console error
 *
 * Needs a built tree (npm run build) and npm; Chromium for the last part (test/browser/helpers.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launch, serve } from "../browser/helpers.js";
import { buildMissing, npmPack, PKG, ROOT } from "./helpers.js";

const missing = buildMissing();
if (missing) {
  if (process.env.CI === "true") throw new Error(missing);
  console.log(`package: ${missing}`);
}
const noBrowser = browserMissing();
if (noBrowser) {
  if (process.env.CI === "true") throw new Error(noBrowser);
  console.log(`package: the Vite page's run in Chromium skipped: ${noBrowser}`);
}

const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
/** The compiler's first error line, as a real gcc prints it for a missing header. */
const CC_ERROR = "host.h:10:10: fatal error: sys/mman.h: No such file or directory";

let dir = "";
let app = "";
let install = { status: -1 as number | null, out: "" };

function sh(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const r = spawnSync(cmd, args, { cwd: app, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...opts.env }, input: opts.input, timeout: 60_000 });
  return { status: r.status, out: r.stdout ?? "", err: r.stderr ?? "" };
}

beforeAll(() => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), "zcsim-pack-"));
  app = join(dir, "app");
  mkdirSync(app);
  const { filename } = npmPack(["--pack-destination", dir]);
  // a C compiler that exists (--version works) and fails on the host's sources
  const cc = join(dir, "cc-that-fails");
  writeFileSync(cc, `#!/bin/sh\n[ "$1" = "--version" ] && { echo "cc-that-fails 1.0"; exit 0; }\necho "In file included from main.c:3:" >&2\necho "${CC_ERROR}" >&2\necho "compilation terminated." >&2\nexit 1\n`);
  chmodSync(cc, 0o755);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
  const r = spawnSync("npm", ["install", join(dir, filename), "--prefer-offline", "--no-audit", "--no-fund", "--foreground-scripts"], {
    cwd: app, encoding: "utf8", env: { ...process.env, CC: cc }, timeout: 90_000,
  });
  install = { status: r.status, out: `${r.stdout}${r.stderr}` };
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!missing)("the packed package in a fresh project", () => {
  it("installs although the C compiler fails: one warning with the compiler's first error line and the remedy", () => {
    expect(install.status, install.out).toBe(0);
    const warnings = install.out.split("\n").filter((l) => l.startsWith("zerocopy-sim:"));
    expect(warnings, install.out).toHaveLength(1);
    expect(warnings[0]).toContain(CC_ERROR);
    expect(warnings[0]).toContain("npx zcsim doctor");
  });

  it("the core's dependencies only: no chart.js, lit or cli-progress in the tree", () => {
    const top = readdirSync(join(app, "node_modules")).filter((n) => !n.startsWith("."));
    const names = top.flatMap((n) => (n.startsWith("@") ? readdirSync(join(app, "node_modules", n)).map((m) => `${n}/${m}`) : [n])).sort();
    expect(names).toEqual([PKG.name, ...Object.keys(PKG.dependencies)].sort());
    for (const p of Object.keys(PKG.peerDependencies ?? {})) expect(names).not.toContain(p);
  });

  it("the core and zerocopy-sim/node run in Node; the native host says why it is missing, and the remedy", () => {
    writeFileSync(join(app, "use.mjs"), `
      import { loadSimulator, compileByName } from "zerocopy-sim";
      import { nativeAvailable } from "zerocopy-sim/node";
      import { wasmUrl } from "zerocopy-sim/wasm";
      const sim = await loadSimulator();
      const { result } = sim.run(compileByName("sendfile", { fileSize: "64KiB" }));
      console.log(JSON.stringify({ payload: result.payloadBytes, delivered: result.delivered.bytes, native: nativeAvailable(), wasm: wasmUrl.href }));
    `);
    const r = sh(process.execPath, ["use.mjs"]);
    expect(r.err).toBe("");
    const got = JSON.parse(r.out) as { payload: number; delivered: number; native: { ok: boolean; why: string }; wasm: string };
    expect(got.payload).toBe(65536);
    expect(got.delivered).toBe(65536);
    expect(got.native.ok).toBe(false);
    expect(got.native.why).toContain(CC_ERROR);
    expect(got.native.why).toContain("npx zcsim doctor");
    expect(got.native.why).not.toContain("npm run build:native");
    expect(existsSync(new URL(got.wasm))).toBe(true);
  });

  it("zcsim --version, doctor, and a reader that goes away (| head -3): quiet", () => {
    expect(sh("node_modules/.bin/zcsim", ["--version"]).out.trim()).toBe(PKG.version);
    const doctor = sh("node_modules/.bin/zcsim", ["doctor"]);
    expect(doctor.status).toBe(0);
    expect(doctor.out).toMatch(/^ {2}no {2}native host +.*sys\/mman\.h/m);
    expect(doctor.out).toContain("npm rebuild zerocopy-sim"); // the remedy a consumer has (no build:native script here)
    const head = sh("bash", ["-c", "node_modules/.bin/zcsim trace splice --format jsonl 2>err.txt | head -3 >/dev/null; echo ${PIPESTATUS[0]}; cat err.txt"]);
    const [status, ...err] = head.out.split("\n");
    expect(["0", "141"]).toContain(status);
    expect(err.join("\n").trim()).toBe("");
  });

  it("every entry point type-checks under moduleResolution bundler and nodenext", async () => {
    const lit = spawnSync("npm", ["install", `lit@${PKG.peerDependencies?.lit ?? "3"}`, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, encoding: "utf8", timeout: 60_000 });
    expect(lit.status, lit.stderr).toBe(0);
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "src/use.ts"), `
      import { loadSimulator, compileByName, type Result } from "zerocopy-sim";
      import { runNative, nativeAvailable } from "zerocopy-sim/node";
      import { ZeroCopySim } from "zerocopy-sim/widget";
      import { wasmUrl } from "zerocopy-sim/wasm";
      const sim = await loadSimulator({ wasm: wasmUrl });
      const r: Result = sim.run(compileByName("sendfile", { fileSize: "1MiB" })).result;
      export const passes: number = r.copies.cpu.bytes / r.payloadBytes;
      export const el: ZeroCopySim | null = document.querySelector("zerocopy-sim");
      export const ok: boolean = nativeAvailable().ok;
      export { runNative };
      // @ts-expect-error: a typo in a typed API is caught (the types are there, not any)
      r.copies.cpu.byts;
    `);
    // the two resolutions at once (tsc is mostly CPU: the two cores)
    const checks = [["bundler", "esnext"], ["nodenext", "nodenext"]].map(([resolution, module]) => {
      writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify({
        compilerOptions: {
          target: "es2022", module, moduleResolution: resolution, strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true,
          lib: ["es2022", "dom"], types: ["node"], typeRoots: [join(ROOT, "node_modules/@types")],
        },
        include: ["src"],
      }));
      return new Promise<[string, number | null, string]>((done) => {
        const c = spawn(process.execPath, [TSC, "-p", `tsconfig.${resolution}.json`], { cwd: app });
        let said = "";
        c.stdout.on("data", (d) => { said += d; });
        c.stderr.on("data", (d) => { said += d; });
        c.on("close", (code) => done([resolution, code, said]));
      });
    });
    for (const [resolution, code, said] of await Promise.all(checks)) {
      expect(said, resolution).toBe("");
      expect(code, resolution).toBe(0);
    }
  });

  it("a Vite page with the core and the widget builds without a warning and runs with no 404 and no console error", async () => {
    mkdirSync(join(app, "web"), { recursive: true });
    writeFileSync(join(app, "web/index.html"), `<!doctype html><html><head><meta charset="utf-8"><title>consumer</title><link rel="icon" href="data:,"></head><body>
      <p id="out">loading</p><zerocopy-sim id="w" scenario="sendfile" params="fileSize=64KiB"></zerocopy-sim>
      <script type="module" src="./main.js"></script></body></html>`);
    writeFileSync(join(app, "web/main.js"), `
      import { loadSimulator, compileByName } from "zerocopy-sim";
      import "zerocopy-sim/widget";
      const w = document.getElementById("w");
      w.addEventListener("zcsim-ready", () => { document.body.dataset.widget = "ready"; });
      w.addEventListener("zcsim-error", (e) => { document.body.dataset.widget = "error"; });
      const sim = await loadSimulator();
      const { result } = sim.run(compileByName("sendfile", { fileSize: "64KiB" }));
      document.getElementById("out").textContent = "delivered " + result.delivered.bytes;
    `);
    const { build } = await import("vite");
    const said: string[] = [];
    const note = (m: string) => { said.push(m); };
    await build({
      root: join(app, "web"), base: "./", configFile: false, logLevel: "warn",
      customLogger: { info() {}, warn: note, warnOnce: note, error: note, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
      build: { outDir: join(app, "out"), emptyOutDir: true, target: "es2022" },
    });
    expect(said).toEqual([]);
    const assets = readdirSync(join(app, "out/assets"));
    expect(assets.filter((a) => a.endsWith(".wasm")).length).toBeGreaterThan(0); // resolved and emitted at build time
    if (noBrowser) return;

    const site = await serve(join(app, "out"));
    const browser = await launch();
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
      page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
      page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
      page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
      await page.goto(site.url);
      await page.waitForFunction(() => document.getElementById("out")?.textContent !== "loading" && document.body.dataset.widget, null, { timeout: 30_000 });
      expect(await page.textContent("#out")).toBe("delivered 65536");
      expect(await page.evaluate(() => document.body.dataset.widget)).toBe("ready");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
