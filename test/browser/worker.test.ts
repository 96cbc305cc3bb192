/**
 * <zerocopy-sim> runs the model in a Web Worker it owns (src/widget/sim.ts), in real Chromium:
 *   - a scenario that loops until the model's wall-time cap: the page's main thread keeps running (a timer's ticks
 *     keep coming while the run lasts), the element ends in the one-line stopped state the model reports
 *     (TIMEOUT, looping), and a following normal run plays;
 *   - a model that never answers (a stub wasm whose zc_run does not return): the watchdog terminates the worker
 *     ("no answer within N s"), and a following run with the real model plays;
 *   - the Stop button ends a run in flight; a call nothing can wake ends TIMEOUT, blocked;
 *   - where the page has no Worker, the element runs the model on the page's thread.
 * The element is the built bundle (vite, web/vite.widget.config.ts) in a temporary directory: its worker and its
 * wasm must be emitted beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { blockedScenario, busyLoopScenario } from "../hostile/never-ending.js";
import { ARTIFACTS, browserMissing, launch, ROOT, serve, type Browser, type Served } from "./helpers.js";

const missing = browserMissing();
if (missing) console.log(missing);

/** A model whose zc_run never returns: only terminating its worker ends it. binaryen comes with assemblyscript. */
async function stuckWasm(): Promise<Uint8Array> {
  const binaryen = (await import("binaryen")).default;
  const m = binaryen.parseText(`(module
    (memory (export "memory") 4)
    (func (export "zc_alloc") (param i32) (result i32) (i32.const 1024))
    (func (export "zc_free") (param i32))
    (func (export "zc_load") (param i32 i32) (result i32) (i32.const 0))
    (func (export "zc_clear_knobs"))
    (func (export "zc_set_knob") (param i32 i64))
    (func (export "zc_set_digest") (param i32))
    (func (export "zc_test_corrupt") (param i32 i64))
    (func (export "zc_setup") (result i32) (i32.const 0))
    (func (export "zc_steps") (result i64) (i64.const 0))
    (func (export "zc_run") (param i64) (result i32) (loop $spin (br $spin)) (i32.const 0)))`);
  if (!m.validate()) throw new Error("the stub wasm does not validate");
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

interface Outcome { ok?: { length: number; intact: boolean | null }; error?: string; shown: string; ticks: number; maxGapMs: number; ms: number; pressed?: boolean }

/**
 * Sets attributes on #sim (null removes one) and waits for its zcsim-ready or zcsim-error, counting a 10 ms timer's
 * ticks meanwhile: on a main thread the run does not hold, they keep coming.
 */
function runIn(page: Page, attrs: Record<string, string | null>, opts: { stopAfterMs?: number } = {}): Promise<Outcome> {
  return page.evaluate(([a, o]) => new Promise<Outcome>((resolve) => {
    const el = document.querySelector("#sim") as HTMLElement & { length: number; result: { delivered: { intact: boolean | null } } | null; stop(): void };
    const t0 = performance.now();
    let last = t0, ticks = 0, maxGapMs = 0;
    const timer = setInterval(() => { const t = performance.now(); maxGapMs = Math.max(maxGapMs, t - last); last = t; ticks++; }, 10);
    let pressed: boolean | undefined;
    if (o.stopAfterMs !== undefined) {
      setTimeout(() => {
        // the element's own Stop button, as a reader would press it
        const b = el.shadowRoot!.querySelector<HTMLButtonElement>("button.stop");
        pressed = !!b;
        if (b) b.click(); else el.stop();
      }, o.stopAfterMs);
    }
    const done = (r: Partial<Outcome>) => {
      clearInterval(timer);
      el.removeEventListener("zcsim-ready", onReady);
      el.removeEventListener("zcsim-error", onError);
      maxGapMs = Math.max(maxGapMs, performance.now() - last);
      // the element renders on its next update
      requestAnimationFrame(() => setTimeout(() => {
        const shown = (el.shadowRoot!.querySelector(".stopped .why, .error, h2")?.textContent ?? "").trim();
        resolve({ ...r, shown, ticks, maxGapMs, ms: performance.now() - t0, ...(pressed === undefined ? {} : { pressed }) });
      }, 50));
    };
    const onReady = () => done({ ok: { length: el.length, intact: el.result?.delivered.intact ?? null } });
    const onError = (e: Event) => done({ error: (e as CustomEvent<{ message: string }>).detail.message });
    el.addEventListener("zcsim-ready", onReady);
    el.addEventListener("zcsim-error", onError);
    for (const [k, v] of Object.entries(a)) { if (v === null) el.removeAttribute(k); else el.setAttribute(k, v); }
  }), [attrs, opts] as const);
}

/** Waits for #sim's first run to be loaded. */
const loaded = (page: Page) => page.waitForFunction(() => ((document.querySelector("#sim") as unknown as { length: number } | null)?.length ?? 0) > 0, null, { timeout: 30_000 });

describe.skipIf(!!missing)("<zerocopy-sim> runs the model in a worker it can terminate", () => {
  let dir = "";
  let served: Served | undefined;
  let browser: Browser | undefined;
  const problems: string[] = [];

  const open = async (noWorker = false, before?: (page: Page) => Promise<void>): Promise<Page> => {
    const page = await browser!.context.newPage();
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    // a failed load is reported by the response (with its URL); the browser's own /favicon.ico probe is not the page's
    page.on("console", (m) => { if ((m.type() === "error" || m.type() === "warning") && !/^Failed to load resource/.test(m.text())) problems.push(`${m.type()}: ${m.text()}`); });
    page.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    if (noWorker) await page.addInitScript(() => { delete (window as { Worker?: unknown }).Worker; });
    await before?.(page);
    await page.goto(served!.url);
    return page;
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "build/zcsim.wasm"))) throw new Error("build/zcsim.wasm is missing: run npm run build:wasm");
    dir = mkdtempSync(join(tmpdir(), "zcsim-worker-"));
    const { build } = await import("vite");
    // vitest sets NODE_ENV=test, which would make vite bundle Lit's development build
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      await build({ configFile: join(ROOT, "web/vite.widget.config.ts"), logLevel: "error", mode: "production", build: { outDir: dir, emptyOutDir: true } });
    } finally {
      process.env.NODE_ENV = env;
    }
    writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="zerocopy-sim.js"></script>
      <zerocopy-sim id="sim" scenario="sendfile" params="fileSize=16KiB"></zerocopy-sim>`);
    writeFileSync(join(dir, "busy.json"), JSON.stringify(busyLoopScenario()));
    writeFileSync(join(dir, "blocked.json"), JSON.stringify(blockedScenario));
    writeFileSync(join(dir, "stuck.wasm"), await stuckWasm());
    served = await serve(dir);
    browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the bundle emits the element, its worker and the wasm side by side", () => {
    expect(readdirSync(dir).filter((f) => /\.(js|wasm)$/.test(f)).sort()).toEqual(["stuck.wasm", "zcsim.wasm", "zerocopy-sim-worker.js", "zerocopy-sim.js"]);
  });

  it("a loop to the wall-time cap: the page stays responsive, the element says stopped (TIMEOUT, looping), a next run plays", async () => {
    const page = await open();
    await loaded(page);

    const loop = await runIn(page, { src: "busy.json", params: "fileSize=256KiB chunk=64KiB sink=null", timeout: "2" });
    expect(loop.error).toMatch(/^stopped: TIMEOUT, looping: the program was still executing instructions \([\d,]+ in \d+ ms, at program\[\d+\][^)]*\) when it reached the element's timeout of 2 s$/);
    expect(loop.shown).toBe(loop.error);
    // the run took its 2 s; the page's timer kept ticking all along (on the page's thread it would stall ~2 s)
    console.log(`worker: a 2 s loop in the worker: the page's timer ticked ${loop.ticks} times, its longest wait ${loop.maxGapMs.toFixed(0)} ms`);
    expect(loop.ms).toBeGreaterThanOrEqual(2000);
    expect(loop.maxGapMs, `the longest the page's timer waited: ${loop.maxGapMs.toFixed(0)} ms`).toBeLessThan(1000);
    expect(loop.ticks).toBeGreaterThan(20);

    const next = await runIn(page, { src: null, params: "fileSize=16KiB", timeout: null });
    expect(next.error).toBeUndefined();
    expect(next.ok).toMatchObject({ intact: true });
    expect(next.ok!.length).toBeGreaterThan(0);
    expect(next.shown).toMatch(/sendfile/);
    await page.close();
  }, 60_000);

  it("a model that never answers: the watchdog terminates its worker, and the real model then runs", async () => {
    const page = await open();
    await loaded(page);
    const stuck = await runIn(page, { wasm: "stuck.wasm", timeout: "1" });
    expect(stuck.error).toBe("stopped: no answer within 6 s (the model's worker was terminated)");
    expect(stuck.shown).toBe(stuck.error);
    expect(stuck.ms).toBeGreaterThanOrEqual(6000);
    expect(stuck.maxGapMs).toBeLessThan(1000);
    const next = await runIn(page, { wasm: null, timeout: null });
    expect(next.ok).toMatchObject({ intact: true });
    await page.close();
  }, 60_000);

  it("Stop ends a run in flight; a call nothing can wake ends TIMEOUT, blocked; the element runs again", async () => {
    const page = await open();
    await loaded(page);
    const stopped = await runIn(page, { src: "busy.json", params: "fileSize=256KiB chunk=64KiB sink=null" }, { stopAfterMs: 1000 });
    expect(stopped.pressed, "the Stop button is shown while the run is under way").toBe(true);
    expect(stopped.error).toMatch(/^stopped: Stop pressed after \d+\.\d s \(the model's worker was terminated\)$/);
    await page.locator("#sim").screenshot({ path: join(ARTIFACTS, "widget-stopped.png") });
    expect(stopped.ms).toBeLessThan(20_000); // not the model's 60 s
    const blocked = await runIn(page, { src: "blocked.json", params: null });
    expect(blocked.error).toMatch(/^stopped: TIMEOUT, blocked: the call at program\[1\] sleeps/);
    // the stopped state's own button runs the scenario again: still blocked, still said so
    const again = await page.evaluate(() => new Promise<string>((ok) => {
      const el = document.querySelector("#sim")!;
      el.addEventListener("zcsim-error", (e) => ok((e as CustomEvent).detail.message), { once: true });
      el.shadowRoot!.querySelector<HTMLButtonElement>(".stopped button")!.click();
    }));
    expect(again).toBe(blocked.error);
    const next = await runIn(page, { src: null, scenario: "splice", params: "fileSize=16KiB" });
    expect(next.ok).toMatchObject({ intact: true });
    await page.close();
  }, 60_000);

  it("an element taken off the page mid-run lets its worker go quietly, and runs again when it comes back", async () => {
    const page = await open();
    let closed = 0;
    page.on("worker", (w) => w.on("close", () => closed++));
    await loaded(page);
    const out = await page.evaluate(() => new Promise<{ whileAway: string[]; back: string }>((ok) => {
      const el = document.querySelector("#sim")!;
      const said: string[] = [];
      el.addEventListener("zcsim-error", (e) => said.push((e as CustomEvent).detail.message));
      el.setAttribute("src", "busy.json");
      el.setAttribute("params", "fileSize=256KiB chunk=64KiB sink=null");
      el.setAttribute("timeout", "2");
      setTimeout(() => {
        const parent = el.parentNode!;
        el.remove();
        // 3 s away: the run's 2 s cap has passed, and nothing was said about it
        setTimeout(() => {
          const whileAway = said.slice();
          el.addEventListener("zcsim-error", (e) => ok({ whileAway, back: (e as CustomEvent).detail.message }), { once: true });
          parent.appendChild(el);
        }, 3000);
      }, 700);
    }));
    expect(out.whileAway).toEqual([]);
    expect(closed, "the worker of the run under way was terminated when the element left").toBeGreaterThanOrEqual(1);
    expect(out.back).toMatch(/^stopped: TIMEOUT, looping: .* the element's timeout of 2 s$/);
    await page.close();
  }, 60_000);

  it("a bad timeout is named", async () => {
    const page = await open();
    await loaded(page);
    const bad = await runIn(page, { timeout: "abc" });
    expect(bad.error).toBe('timeout: "abc" is not a number of seconds from 1 to 3600');
    await page.close();
  }, 30_000);

  it("without Worker the element runs the model on the page's thread (where a loop holds the page: the measure above can fail)", async () => {
    const page = await open(true);
    expect(await page.evaluate(() => typeof (window as { Worker?: unknown }).Worker)).toBe("undefined");
    await loaded(page);
    const r = await runIn(page, { params: "fileSize=32KiB" });
    expect(r.ok).toMatchObject({ intact: true });
    expect(r.ok!.length).toBeGreaterThan(0);
    // no Stop button there: nothing could press it while the run holds the thread
    const loop = await runIn(page, { src: "busy.json", params: "fileSize=256KiB chunk=64KiB sink=null", timeout: "2" });
    expect(loop.error).toMatch(/^stopped: TIMEOUT, looping: /);
    expect(loop.maxGapMs).toBeGreaterThanOrEqual(1900);
    await page.close();
  }, 30_000);

  it("a worker whose script cannot load: the element runs the model on the page's thread", async () => {
    let asked = 0;
    const page = await open(false, async (p) => { await p.route("**/zerocopy-sim-worker.js", (r) => { asked++; return r.abort(); }); });
    await loaded(page);
    expect(asked).toBeGreaterThan(0);
    const r = await runIn(page, { scenario: "tee", params: "fileSize=16KiB" });
    expect(r.ok).toMatchObject({ intact: true });
    expect(asked, "once failed, workers are not tried again").toBe(1);
    await page.close();
  }, 30_000);

  it("logs no console errors or warnings", () => {
    expect(problems).toEqual([]);
  });
});
