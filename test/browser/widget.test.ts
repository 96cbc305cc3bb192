/**
 * <zerocopy-sim> and the demo site in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
 *
 * The demo is built (vite) into dist/web/ and dist/widget/ and served by a tiny static server on 127.0.0.1. What the
 * page shows is checked against the model's own run in Node: the same compiled scenario, its events and the
 * player's counters at each chosen step, and the whole run's result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { compileByName, parseSets, type Compiled } from "../../src/scenario/index.js";
import { COUNTER_ROWS, readCounters, type Flat } from "../../src/widget/counters.js";
import { normalizeEvent, type WEvent } from "../../src/widget/events.js";
import { ARTIFACTS, browserMissing, launch, ROOT, serve, type Browser, type Served } from "./helpers.js";

const MODEL = join(ROOT, "src/model/index.ts");
const WASM = join(ROOT, "build/zcsim.wasm");
const missing = browserMissing();
if (missing) console.log(missing);

interface ModelLike {
  run(c: Compiled, o?: { trace?: boolean }): { result: unknown; events?: unknown[] };
  player(c: Compiled): { step(): unknown; counters(): unknown; position: number; length: number };
}

/** The model's own run in Node: events, the counters after each event, the whole run's result. */
async function modelRun(scenario: string, params: string): Promise<{ events: WEvent[]; at: (n: number) => Flat; result: Flat; stepped: Flat }> {
  const mod = await import(MODEL);
  const sim = (await mod.loadSimulator({ wasm: readFileSync(WASM) })) as ModelLike;
  const compiled = compileByName(scenario, parseSets(params.split(/\s+/).filter(Boolean)));
  const run = sim.run(compiled, { trace: true });
  const events = Array.from(run.events ?? [], (e, i) => normalizeEvent(e, i));
  const player = sim.player(compiled);
  const counters: Flat[] = [readCounters(player.counters())];
  while (player.step() !== null && counters.length <= events.length) counters.push(readCounters(player.counters()));
  return { events, at: (n) => counters[n], result: readCounters(run.result), stepped: counters[counters.length - 1] };
}

/** The counters the element shows: Result path -> the model column's value. */
async function domCounters(page: Page, sel = "zerocopy-sim"): Promise<Record<string, number>> {
  return page.evaluate((s) => {
    const root = document.querySelector(s)!.shadowRoot!;
    const out: Record<string, number> = {};
    for (const tr of root.querySelectorAll<HTMLTableRowElement>(".counters tr[data-counter]")) {
      const v = tr.querySelector<HTMLElement>("td.v.model")!.dataset.value;
      if (v !== undefined && v !== "") out[tr.dataset.counter!] = Number(v);
    }
    return out;
  }, sel);
}

/** What the element's shadow DOM shows, without the marks of the current motion (highlights, animation tokens). */
async function domState(page: Page, sel = "zerocopy-sim"): Promise<string> {
  return page.evaluate((s) => {
    const root = document.querySelector(s)!.shadowRoot!;
    const main = root.querySelector(".main")!.cloneNode(true) as HTMLElement;
    main.querySelectorAll(".overlay").forEach((o) => o.replaceChildren());
    main.querySelectorAll("[class]").forEach((el) => {
      const keep = [...el.classList].filter((c) => !/^(hl|hl-src|hl-dst|m-copy|m-dma|m-ref|m-none|changed)$/.test(c)).sort();
      el.setAttribute("class", keep.join(" "));
    });
    return main.innerHTML.replace(/<!--[^>]*-->/g, "").replace(/\s+/g, " ");
  }, sel);
}

const position = (page: Page, sel = "zerocopy-sim") => page.evaluate((s) => (document.querySelector(s) as unknown as { position: number }).position, sel);

async function ready(page: Page, sel = "zerocopy-sim"): Promise<void> {
  await page.waitForFunction((s) => {
    const el = document.querySelector(s) as unknown as { length: number } | null;
    return !!el && el.length > 0;
  }, sel, { timeout: 20_000 });
}

describe.skipIf(!!missing)("<zerocopy-sim> in Chromium", () => {
  let browser: Browser;
  let site: Served;
  let widgetDir: string;
  const problems: string[] = [];

  const watch = (page: Page) => {
    // a failed load is reported by the response (with its URL); the browser's own /favicon.ico probe is not the page's
    page.on("console", (m) => {
      if ((m.type() === "error" || m.type() === "warning") && !/^Failed to load resource/.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  };

  beforeAll(async () => {
    const { build } = await import("vite");
    if (!existsSync(WASM)) throw new Error("build/zcsim.wasm is missing: run npm run build:wasm (npm ci does)");
    // vitest sets NODE_ENV=test, which would make vite bundle Lit's development build
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "error", mode: "production" });
      await build({ configFile: join(ROOT, "web/vite.widget.config.ts"), logLevel: "error", mode: "production" });
    } finally {
      process.env.NODE_ENV = env;
    }
    site = await serve(join(ROOT, "dist/web"));
    widgetDir = join(ROOT, "dist/widget");
    browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("plays sendfile step by step: DOM and counters match the model's own run, and the end matches the whole run", async () => {
    const page = await browser.context.newPage();
    watch(page);
    await page.goto(site.url);
    await ready(page);
    const { scenario, params, length } = await page.evaluate(() => {
      const el = document.querySelector("zerocopy-sim") as unknown as { scenario: string; params: string; length: number };
      return { scenario: el.scenario, params: el.params, length: el.length };
    });
    expect(scenario).toBe("sendfile");
    const m = await modelRun(scenario, params);
    expect(length).toBe(m.events.length);
    expect(m.events.length).toBeGreaterThan(3);

    // chosen steps: the first, the first of each kind of motion, the middle, the last
    const firsts = ["CACHE_ADD", "SYS_ENTER", "PIPE_PUSH", "SKB_FRAG", "CPU_COPY", "DMA", "DESC_POST", "XMIT", "DELIVER", "SYS_EXIT"]
      .map((k) => m.events.findIndex((e) => e.kind === k) + 1).filter((n) => n > 0);
    const chosen = new Set([1, ...firsts, Math.floor(m.events.length / 2), m.events.length]);

    await page.locator("zerocopy-sim").focus();
    let pos = 0;
    while (pos < m.events.length) {
      await page.keyboard.press("ArrowRight");
      pos++;
      if (!chosen.has(pos)) continue;
      expect(await position(page)).toBe(pos);
      const ev = m.events[pos - 1];
      const dom = await page.evaluate(() => {
        const root = document.querySelector("zerocopy-sim")!.shadowRoot!;
        return {
          kind: root.querySelector(".now .kind")!.textContent!.trim(),
          desc: root.querySelector(".now .desc")!.textContent!.trim(),
          live: root.querySelector("[aria-live]")!.textContent!.trim(),
          cached: root.querySelectorAll('[data-role="cache"] .cell.on').length,
          pipeSlots: [...root.querySelectorAll<HTMLElement>('[data-role="pipe"] .slot.on')].map((s) => Number(s.dataset.slot)),
          frags: [...root.querySelectorAll<HTMLElement>('[data-role="socket"] .frag')].map((f) => Number(f.dataset.frame)),
          descs: [...root.querySelectorAll<HTMLElement>('[data-role="nic"] .slot.on')].map((d) => Number(d.dataset.desc)),
        };
      });
      expect(dom.kind).toBe(`#${ev.seq} ${ev.kind}`);
      expect(dom.live).toBe(dom.desc);
      expect(dom.desc.length).toBeGreaterThan(10);
      // the page cache shows the pages setup left there and every page the model added since
      const setup = m.events.find((e) => e.kind === "SETUP")?.a ?? 0;
      const added = setup + m.events.slice(0, pos).filter((e) => e.kind === "CACHE_ADD").reduce((n, e) => n + (1 << e.c), 0);
      const freed = m.events.slice(0, pos).filter((e) => e.kind === "PAGE_FREE").length;
      if (!freed) expect(dom.cached).toBe(added);
      if (ev.kind === "PIPE_PUSH") expect(dom.pipeSlots).toContain(ev.b);
      if (ev.kind === "SKB_FRAG") expect(dom.frags).toContain(ev.b);
      if (ev.kind === "DESC_POST") expect(dom.descs).toContain(ev.a);
      // the counters are the model player's at this step
      const want = m.at(pos);
      const got = await domCounters(page);
      for (const [path, v] of Object.entries(got)) expect({ path, pos, v }).toEqual({ path, pos, v: want[path] });
    }
    // at the end: the step-by-step counters are the whole run's
    const end = await domCounters(page);
    for (const r of COUNTER_ROWS) {
      if (m.result[r.path] === undefined) continue;
      expect({ path: r.path, stepped: m.stepped[r.path] }).toEqual({ path: r.path, stepped: m.result[r.path] });
      if (end[r.path] !== undefined) expect({ path: r.path, shown: end[r.path] }).toEqual({ path: r.path, shown: m.result[r.path] });
    }
    const pageEnd = await page.evaluate(() => {
      const el = document.querySelector("zerocopy-sim") as unknown as { currentCounters: Record<string, number>; result: unknown };
      return { counters: el.currentCounters, result: el.result };
    });
    const resultFlat = readCounters(pageEnd.result);
    for (const r of COUNTER_ROWS) if (resultFlat[r.path] !== undefined) expect({ path: r.path, v: pageEnd.counters[r.path] }).toEqual({ path: r.path, v: resultFlat[r.path] });

    // back to the first reference hand-off to the socket, caught mid-motion, for the screenshot
    const frag = m.events.findIndex((e) => e.kind === "SKB_FRAG");
    await page.evaluate((n) => {
      const el = document.querySelector("zerocopy-sim") as unknown as { seek(n: number): void; step(): boolean };
      el.seek(n);
      el.step();
    }, Math.max(0, frag));
    await page.waitForTimeout(350);
    await page.locator("zerocopy-sim").screenshot({ path: join(ARTIFACTS, "widget-sendfile.png") });
    await page.screenshot({ path: join(ARTIFACTS, "demo-desktop.png"), fullPage: true });
    await page.close();
  });

  it("step back restores the previous state exactly (views and counters), by key and by button", async () => {
    const page = await browser.context.newPage();
    watch(page);
    await page.goto(site.url);
    await ready(page);
    const length = await page.evaluate(() => (document.querySelector("zerocopy-sim") as unknown as { length: number }).length);
    await page.locator("zerocopy-sim").focus();
    for (const n of [1, 2, Math.floor(length / 3), Math.floor(length / 2), length - 1]) {
      await page.evaluate((k) => (document.querySelector("zerocopy-sim") as unknown as { seek(n: number): void }).seek(k), n);
      const before = await domState(page);
      const countersBefore = await domCounters(page);
      await page.keyboard.press("ArrowRight");
      expect(await position(page)).toBe(n + 1);
      expect(await domState(page)).not.toBe(before);
      await page.keyboard.press("ArrowLeft");
      expect(await position(page)).toBe(n);
      expect(await domState(page)).toBe(before);
      expect(await domCounters(page)).toEqual(countersBefore);
    }
    // Home resets; the buttons step as the keys do
    await page.keyboard.press("Home");
    expect(await position(page)).toBe(0);
    const root = page.locator("zerocopy-sim");
    await root.getByRole("button", { name: "Step forward" }).click({ timeout: 5000 });
    await root.getByRole("button", { name: "Step forward" }).click({ timeout: 5000 });
    expect(await position(page)).toBe(2);
    await root.getByRole("button", { name: "Step back" }).click({ timeout: 5000 });
    expect(await position(page)).toBe(1);
    await root.getByRole("button", { name: "Reset to the start" }).click({ timeout: 5000 });
    expect(await position(page)).toBe(0);
    await page.locator("zerocopy-sim").focus();
    // Space plays, Space pauses
    await page.keyboard.press(" ");
    await page.waitForFunction(() => (document.querySelector("zerocopy-sim") as unknown as { position: number }).position > 0);
    await page.keyboard.press(" ");
    expect(await page.evaluate(() => (document.querySelector("zerocopy-sim") as unknown as { playing: boolean }).playing)).toBe(false);
    // a phone-sized screen
    await page.setViewportSize({ width: 360, height: 800 });
    await page.evaluate(() => (document.querySelector("zerocopy-sim") as unknown as { seek(n: number): void }).seek(12));
    // nothing wider than the screen once the charts have followed the resize
    await page.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth, null, { timeout: 5000 })
      .catch(() => {});
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, "demo-360.png"), fullPage: false });
    await page.close();
  });

  it("two elements on one page do not interfere", async () => {
    const page = await browser.context.newPage();
    watch(page);
    await page.goto(site.url + "embed.html");
    await ready(page, "#a");
    await ready(page, "#b");
    const attrs = await page.evaluate(() => ["#a", "#b"].map((s) => {
      const el = document.querySelector(s) as unknown as { scenario: string; params: string };
      return { scenario: el.scenario, params: el.params };
    }));
    const ma = await modelRun(attrs[0].scenario, attrs[0].params);
    const mb = await modelRun(attrs[1].scenario, attrs[1].params);
    const stepN = (sel: string, n: number) => page.evaluate(([s, k]) => { const el = document.querySelector(s as string) as unknown as { step(): boolean }; for (let i = 0; i < (k as number); i++) el.step(); }, [sel, n] as const);
    await stepN("#a", 7);
    expect(await position(page, "#a")).toBe(7);
    expect(await position(page, "#b")).toBe(0);
    expect(await domCounters(page, "#b")).toEqual(pick(mb.at(0), await domCounters(page, "#b")));
    await stepN("#b", 3);
    expect(await position(page, "#a")).toBe(7);
    expect(await position(page, "#b")).toBe(3);
    const a = await domCounters(page, "#a");
    const b = await domCounters(page, "#b");
    expect(a).toEqual(pick(ma.at(7), a));
    expect(b).toEqual(pick(mb.at(3), b));
    await page.evaluate(() => (document.querySelector("#a") as unknown as { back(): boolean }).back());
    expect(await position(page, "#b")).toBe(3);
    expect(await domCounters(page, "#b")).toEqual(b);
    // #b shows the bundled native result beside the model's counters, value for value
    const nat = readCounters(JSON.parse(readFileSync(join(ROOT, "web/public/native-sendfile.json"), "utf8")));
    const shown = await page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const tr of document.querySelector("#b")!.shadowRoot!.querySelectorAll<HTMLTableRowElement>(".counters tr[data-counter]")) {
        out[tr.dataset.counter!] = tr.querySelector<HTMLElement>("td.native")?.dataset.value ?? "absent";
      }
      return out;
    });
    for (const path of ["syscalls.total", "modeSwitches", "delivered.bytes"]) expect({ path, v: shown[path] }).toEqual({ path, v: String(nat[path]) });
    await page.locator("#b").screenshot({ path: join(ARTIFACTS, "widget-native.png") });
    await page.close();
  });

  it("a plain HTML page with the documented snippet shows the element, and a bad parameter is named", async () => {
    const doc = readFileSync(join(ROOT, "docs/embedding.md"), "utf8");
    const snippet = /```html\n([\s\S]*?)```/.exec(doc)![1];
    const dir = mkdtempSync(join(tmpdir(), "zcsim-plain-"));
    try {
      cpSync(widgetDir, dir, { recursive: true });
      writeFileSync(join(dir, "index.html"), snippet);
      const splice = JSON.parse(readFileSync(join(ROOT, "sim/splice.json"), "utf8"));
      writeFileSync(join(dir, "my-splice.json"), JSON.stringify({ ...splice, name: "my-splice" }));
      const plain = await serve(dir);
      const page = await browser.context.newPage();
      watch(page);
      await page.goto(plain.url);
      await ready(page);
      expect(await page.evaluate(() => document.querySelector("zerocopy-sim")!.shadowRoot!.querySelector("h2")!.textContent)).toMatch(/sendfile/);
      const err = await page.evaluate(() => new Promise<{ message: string; field?: string }>((ok) => {
        const el = document.createElement("zerocopy-sim");
        el.setAttribute("params", "chunk=12parsecs");
        el.addEventListener("zcsim-error", (e) => ok((e as CustomEvent).detail));
        document.body.append(el);
      }));
      expect(err.field).toBe("params.chunk");
      expect(err.message).toMatch(/chunk/);
      // a scenario of the author's own, by URL (src), with its params overridden
      const own = await page.evaluate(() => new Promise<{ scenario: string; length: number } | { error: string }>((ok) => {
        const el = document.createElement("zerocopy-sim");
        el.setAttribute("src", "my-splice.json");
        el.setAttribute("params", "fileSize=16KiB");
        el.addEventListener("zcsim-ready", (e) => ok((e as CustomEvent).detail));
        el.addEventListener("zcsim-error", (e) => ok({ error: (e as CustomEvent).detail.message }));
        document.body.append(el);
      }));
      expect(own).toMatchObject({ scenario: "my-splice" });
      expect((own as { length: number }).length).toBeGreaterThan(0);
      // autoplay at the top speed plays to the end on its own, a zcsim-step per event, then zcsim-end with the result
      const played = await page.evaluate(() => new Promise<{ steps: number; length: number; end: Record<string, number>; last: Record<string, number> }>((ok) => {
        const el = document.createElement("zerocopy-sim") as HTMLElement & { length: number };
        let steps = 0;
        let last: Record<string, number> = {};
        el.setAttribute("params", "fileSize=8KiB chunk=4KiB");
        el.setAttribute("speed", "256");
        el.setAttribute("autoplay", "");
        el.addEventListener("zcsim-step", (e) => { steps++; last = (e as CustomEvent).detail.counters; });
        el.addEventListener("zcsim-end", (e) => ok({ steps, length: el.length, end: (e as CustomEvent).detail.counters, last }));
        document.body.append(el);
      }));
      expect(played.steps).toBe(played.length);
      expect(played.end).toEqual(played.last);
      await page.close();
      await plain.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the demo compares every strategy in a chart and computes the claims table's model column live", async () => {
    const page = await browser.context.newPage();
    watch(page);
    await page.goto(site.url);
    await page.waitForFunction(() => document.querySelectorAll("#claims-table tbody tr").length > 0 && document.querySelectorAll("#compare-table tbody tr").length > 0, null, { timeout: 20_000 });
    const { claims, compare, charts } = await page.evaluate(() => ({
      claims: [...document.querySelectorAll<HTMLTableRowElement>("#claims-table tbody tr")].map((tr) => ({
        mechanism: tr.dataset.mechanism!, model: [...tr.querySelectorAll("td.model")].map((td) => td.textContent!.trim()),
        kernel: [...tr.querySelectorAll("td.kernel")].map((td) => td.textContent!.trim()),
      })),
      compare: [...document.querySelectorAll<HTMLTableRowElement>("#compare-table tbody tr")].map((tr) => tr.dataset.scenario!),
      charts: [...document.querySelectorAll("canvas")].map((c) => (c as HTMLCanvasElement).width),
    }));
    // the model's column is the model's own claims run, here in Node
    const { claimRows } = await import("../../src/node/claims.js");
    const mod = await import(MODEL);
    const sim = await mod.loadSimulator({ wasm: readFileSync(WASM) });
    const rows = await claimRows({ model: { run: (c: Compiled) => sim.run(c, { trace: false }).result } });
    const show = (v: number | null) => (v === null ? "–" : String(v));
    expect(claims.map((c) => c.mechanism)).toEqual(rows.map((r) => r.mechanism));
    for (const r of rows) {
      const got = claims.find((c) => c.mechanism === r.mechanism)!;
      expect({ m: r.mechanism, model: got.model }).toEqual({ m: r.mechanism, model: [r.model.modeSwitches, r.model.cpuCopies, r.model.dmaCopies].map(show) });
    }
    // the measured column is the bundled measurement, labelled with its kernel
    const measured = JSON.parse(readFileSync(join(ROOT, "web/measured.json"), "utf8")) as { kernel: string; rows: { mechanism: string; kernel: { modeSwitches: number | null } | null }[] };
    expect(await page.locator("#claims-table thead").textContent()).toContain(measured.kernel);
    for (const m of measured.rows) if (m.kernel) expect(claims.find((c) => c.mechanism === m.mechanism)!.kernel[0]).toBe(show(m.kernel.modeSwitches));
    expect(compare).toEqual((await import("../../src/scenario/index.js")).scenarioNames());
    expect(charts.length).toBe(2);
    for (const w of charts) expect(w).toBeGreaterThan(100);
    await page.close();
  });

  it("plays every catalogue scenario to its end, event by event, and ends on the whole run's counters", async () => {
    const { scenarioNames } = await import("../../src/scenario/index.js");
    const page = await browser.context.newPage();
    watch(page);
    await page.goto(site.url + "embed.html");
    await ready(page, "#a");
    for (const name of scenarioNames()) {
      // a small file where the scenario takes one
      let params = "fileSize=16KiB";
      try { compileByName(name, { fileSize: "16KiB" }); } catch { params = ""; }
      const out = await page.evaluate(([n, p]) => new Promise<{ length: number; end: Record<string, number>; result: unknown; kinds: string[] } | { error: string }>((ok) => {
        const el = document.querySelector("#a") as HTMLElement & { length: number; step(): boolean; currentCounters: Record<string, number>; result: unknown; scenario: string; params: string };
        const onReady = () => {
          el.removeEventListener("zcsim-ready", onReady);
          const kinds = new Set<string>();
          el.addEventListener("zcsim-step", (e) => { const ev = (e as CustomEvent).detail.event; if (ev) kinds.add(ev.kind); });
          while (el.step()) { /* every event rendered in turn */ }
          ok({ length: el.length, end: el.currentCounters, result: el.result, kinds: [...kinds] });
        };
        el.addEventListener("zcsim-ready", onReady);
        el.addEventListener("zcsim-error", (e) => ok({ error: (e as CustomEvent).detail.message }), { once: true });
        el.scenario = n;
        el.params = p;
      }), [name, params] as const);
      expect({ name, error: (out as { error?: string }).error }).toEqual({ name, error: undefined });
      const o = out as { length: number; end: Record<string, number>; result: unknown };
      expect(o.length).toBeGreaterThan(0);
      const whole = readCounters(o.result);
      for (const r of COUNTER_ROWS) if (whole[r.path] !== undefined) expect({ name, path: r.path, v: o.end[r.path] }).toEqual({ name, path: r.path, v: whole[r.path] });
    }
    await page.close();
  });

  it("logs no console errors or warnings", () => {
    expect(problems).toEqual([]);
  });
});

/** `want` restricted to the keys `got` has (the rows the element shows). */
function pick(want: Flat, got: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(got)) out[k] = want[k];
  return out;
}
