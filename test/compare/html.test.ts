/** The HTML report is one valid, self-contained page with a chart per counter family. */
import { describe, expect, it } from "vitest";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { buildReport, chartJsSource, type Outcome } from "../../src/node/compare.js";
import { chartSeries, renderCompareHtml } from "../../src/report/compare-html.js";
import { mkResult } from "./helpers.js";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function walk(n: Node, f: (e: Element) => void): void {
  if ("tagName" in n) f(n as Element);
  const kids = "childNodes" in n ? (n.childNodes as Node[]) : [];
  for (const k of kids) walk(k, f);
  if ("content" in n && n.content) walk(n.content as Node, f);
}

function report() {
  const sizes = [["64KiB", 65536], ["1MiB", 1048576], ["16MiB", 16777216]] as const;
  const outs: Outcome[] = sizes.map(([label, bytes], id) => ({
    task: { id, scenario: "read-write", params: { fileSize: label, chunk: "64KiB", cache: "warm" }, overrides: {} },
    model: mkResult("sim", { payloadBytes: bytes, copies: { cpu: { bytes: 2 * bytes } }, io: { syscr: bytes / 65536 + 1 } }),
    kernel: mkResult("native", { payloadBytes: bytes, copies: { cpu: { bytes: 2 * bytes } }, io: { syscr: bytes / 65536 + (id === 2 ? 2 : 1) } }),
    ms: 1,
  }));
  return buildReport("default", outs, { kernel: { run: async () => mkResult("native") } }, 1234);
}

describe("the HTML report", () => {
  const rep = report();
  const html = renderCompareHtml(rep, { chartJs: chartJsSource(), date: "2026-01-01 00:00 UTC", host: "linux test" });

  it("parses without an error", () => {
    const errors: string[] = [];
    const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}`) });
    expect(errors).toEqual([]);
    let title = "";
    walk(doc, (e) => {
      if (e.tagName === "title") title = (e.childNodes[0] as { value: string }).value;
    });
    expect(title).toMatch(/model against the kernel/);
  });

  it("has a chart per counter family, drawn by an inlined chart.js, and needs no network", () => {
    const doc = parse(html);
    const canvases: string[] = [];
    const scripts: Element[] = [];
    walk(doc, (e) => {
      if (e.tagName === "canvas") canvases.push(e.attrs.find((a) => a.name === "data-family")!.value);
      if (e.tagName === "script") scripts.push(e);
      for (const a of e.attrs) if (a.name === "src" || a.name === "href") throw new Error(`external ${a.name}: ${a.value}`);
    });
    expect(canvases).toEqual(expect.arrayContaining(["syscalls", "/proc/self/io", "CPU copies", "page faults", "time"]));
    expect(new Set(canvases).size).toBe(canvases.length);
    expect(scripts.length).toBe(3);
    const text = (e: Element) => (e.childNodes[0] as { value: string } | undefined)?.value ?? "";
    expect(text(scripts[0])).toContain("Chart");
    expect(text(scripts[0]).length).toBeGreaterThan(100_000);
    const data = JSON.parse(text(scripts[1])) as { families: string[]; series: { sizes: string[] }[] };
    expect(data.families).toEqual(canvases);
    expect(data.series[0].sizes).toEqual(["64KiB", "1MiB", "16MiB"]);
    expect(text(scripts[2])).toContain("new Chart(");
  });

  it("lists the disagreement with its explanation and the agreement", () => {
    expect(html).toContain("io.syscr");
    expect(html).toContain("unexplained");
    expect(html).toMatch(/id="agreement">Measured: \d+ of \d+ agree/);
    // the measured verdict is the first figure of the page
    expect(html.indexOf(`id="agreement"`)).toBeLessThan(html.indexOf("<table"));
  });

  it("charts model and kernel values by size, per counter", () => {
    const s = chartSeries(rep.rows)[0];
    expect(s.families["/proc/self/io"]["io.syscr"]).toEqual([[2, 17, 257], [2, 17, 258]]);
  });

  it("escapes what it embeds", () => {
    const r = report();
    r.rows[0].why = "</script><b>x</b>";
    r.rows[0].agree = false;
    const h = renderCompareHtml(r, { chartJs: "/* </script> */" });
    expect(h).not.toContain("</script><b>");
    const errors: string[] = [];
    parse(h, { onParseError: (e) => errors.push(e.code) });
    expect(errors).toEqual([]);
  });
});
