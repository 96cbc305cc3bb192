/** The comparison logic on crafted results: no engine runs here. */
import { describe, expect, it } from "vitest";
import {
  baselineOf, buildReport, checkBaseline, compareResults, evidenceOf, exitStatus, expandMatrix, rowsOf, summarize,
  type Outcome, type Row, type Task,
} from "../../src/node/compare.js";

import { explain, type Known } from "../../src/report/known.js";
import { formatTable } from "../../src/report/compare-table.js";
import { mkResult } from "./helpers.js";

const P = { fileSize: "1MiB", chunk: "64KiB", cache: "warm" };
const row = (rows: Row[], counter: string) => {
  const r = rows.find((x) => x.counter === counter);
  if (!r) throw new Error(`no row ${counter}: ${rows.map((x) => x.counter).join(", ")}`);
  return r;
};

describe("compareResults", () => {
  it("agrees everywhere on identical results", () => {
    const rows = compareResults("read-write", P, mkResult("sim"), mkResult("native"));
    const exact = rows.filter((r) => r.class === "exact" && r.agree !== null);
    expect(exact.length).toBeGreaterThan(15);
    expect(exact.every((r) => r.agree)).toBe(true);
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(0);
    expect(s.exact).toBe(s.agree);
  });

  it("reports a mismatch as one, with an explanation slot", () => {
    const k = mkResult("native", { syscalls: { total: 36, byName: { read: 18 } }, modeSwitches: 72 });
    const rows = compareResults("read-write", P, mkResult("sim"), k);
    expect(row(rows, "syscalls.byName.read")).toMatchObject({ class: "exact", model: 17, kernel: 18, agree: false, why: "unexplained" });
    expect(row(rows, "syscalls.byName.write").agree).toBe(true);
    expect(row(rows, "modeSwitches").agree).toBe(false);
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(3); // read, total, mode switches
    expect(s.unexplained).toBe(3);
  });

  it("counts a call made by one side only as 0 on the other", () => {
    const k = mkResult("native", { syscalls: { total: 36, byName: { fstat: 1 } } });
    const rows = compareResults("read-write", P, mkResult("sim"), k);
    expect(row(rows, "syscalls.byName.fstat")).toMatchObject({ model: 0, kernel: 1, agree: false });
  });

  it("respects a tolerance, and a tolerance row never counts as exact", () => {
    const near = compareResults("read-write", P, mkResult("sim"), mkResult("native", { timeNs: 2_500_000 }));
    expect(row(near, "timeNs")).toMatchObject({ class: "tolerance", agree: true });
    expect(row(near, "timeNs").tolerance).toMatch(/x4/);
    const far = compareResults("read-write", P, mkResult("sim"), mkResult("native", { timeNs: 90_000_000 }));
    expect(row(far, "timeNs").agree).toBe(false);
    const s = summarize(far, 1, "ran");
    expect(s.disagree).toBe(0);
    expect(s.tolerance - s.toleranceAgree).toBe(1);
    expect(row(far, "kernel.nvcsw").class).toBe("tolerance");
  });

  it("never scores an unobservable counter, even when the figures differ", () => {
    const m = mkResult("sim", { copies: { dma: { ops: 16, bytes: 1048576 } } });
    const rows = compareResults("read-write", P, m, mkResult("native"));
    const r = row(rows, "copies.dma.bytes");
    expect(r).toMatchObject({ class: "unobservable", agree: null, model: 1048576, evidence: "unobservable" });
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(0);
    expect(s.unobservable).toBe(2);
  });

  it("never scores an unavailable counter as zero, and says why", () => {
    const k = mkResult("native", {
      faults: { minor: 0 },
      evidence: { "faults.minor": "unavailable" },
      unavailable: { "faults.minor": "perf_event_paranoid is 3" },
    });
    const m = mkResult("sim", { faults: { minor: 16 } });
    const rows = compareResults("read-write", P, m, k);
    expect(row(rows, "faults.minor")).toMatchObject({ kernel: null, agree: null, evidence: "unavailable" });
    expect(row(rows, "faults.minor").why).toMatch(/perf_event_paranoid/);
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(0);
    expect(s.notScored).toBeGreaterThanOrEqual(1);
  });

  it("takes evidence from the nearest parent path", () => {
    const k = mkResult("native");
    expect(evidenceOf(k, "syscalls.byName.read").evidence).toBe("measured");
    expect(evidenceOf(k, "io.rchar").evidence).toBe("measured");
    expect(evidenceOf(k, "nothing.here")).toEqual({});
  });

  it("compares errors by call, step and errno", () => {
    const m = mkResult("sim", { errors: [{ step: 2, call: "splice", errno: "EINVAL" }] });
    const k = mkResult("native", { errors: [{ step: 2, call: "splice", errno: "ESPIPE" }] });
    const rows = compareResults("read-write", P, m, k);
    expect(row(rows, "errors")).toMatchObject({ model: "splice@2 EINVAL", kernel: "splice@2 ESPIPE", agree: false });
  });

  it("a counter only the kernel reports is shown, not scored", () => {
    const k = mkResult("native", { kernel: { blockRqIssue: 4 }, evidence: { "kernel.blockRqIssue": "measured" } });
    const rows = compareResults("read-write", P, mkResult("sim"), k);
    expect(row(rows, "kernel.blockRqIssue")).toMatchObject({ model: null, kernel: 4, agree: null });
    expect(row(rows, "kernel.blockRqIssue").why).toMatch(/not modelled/);
  });

  it("without a kernel, nothing is scored and every row says why once", () => {
    const rows = compareResults("read-write", P, mkResult("sim"), undefined, { kernelWhy: "not Linux" });
    expect(rows.every((r) => r.agree === null && r.kernel === null && r.why === "not Linux")).toBe(true);
  });

  it("explains a disagreement from the known list by counter and mechanism, or says unexplained", () => {
    const list: Known[] = [{ counter: "io.readBytes", calls: ["read"], params: { cache: "cold" }, why: "readahead" }];
    expect(explain("io.readBytes", { calls: ["open", "read"], params: { cache: "cold" } }, list)).toBe("readahead");
    expect(explain("io.readBytes", { calls: ["open", "read"], params: { cache: "warm" } }, list)).toBeUndefined();
    expect(explain("io.readBytes", { calls: ["sendfile"], params: { cache: "cold" } }, list)).toBeUndefined();
    expect(explain("io.rchar", { calls: ["read"], params: { cache: "cold" } }, list)).toBeUndefined();
  });
});

describe("the matrix", () => {
  it("expands the full grid of the axes a scenario declares", () => {
    const splice = expandMatrix(["splice"], "full");
    // 3 sizes x 3 chunks x 2 caches x 2 pipes, less the points that resolve to the same params
    // (64 KiB whole = 64 KiB chunk on a 64 KiB file): 36 - 4 = 32
    expect(splice.length).toBe(32);
    expect(new Set(splice.map((t) => JSON.stringify(t.params))).size).toBe(splice.length);
    const sendfile = expandMatrix(["sendfile"], "full");
    expect(sendfile.every((t) => !("pipeSize" in t.params))).toBe(true);
    expect(sendfile.length).toBe(16);
  });

  it("the default matrix varies one axis at a time around the scenario's defaults, and cold at every size", () => {
    const t = expandMatrix(["read-write"], "default");
    expect(t[0].params).toEqual({ fileSize: "1MiB", chunk: "64KiB", cache: "warm" });
    expect(t.map((x) => `${x.params.fileSize} ${x.params.chunk} ${x.params.cache}`)).toEqual([
      "1MiB 64KiB warm", "64KiB 64KiB warm", "16MiB 64KiB warm", "1MiB 4KiB warm", "1MiB whole warm", "1MiB 64KiB cold",
      "64KiB 64KiB cold", "16MiB 64KiB cold",
    ]);
    expect(expandMatrix(["sendfile"], "default")[0].params.chunk).toBe("whole");
    expect(expandMatrix(["splice"], "default").some((x) => x.params.pipeSize === "1MiB")).toBe(true);
  });

  it("a --set fixes an axis everywhere", () => {
    const t = expandMatrix(["read-write"], "full", { cache: "cold" });
    expect(t.every((x) => x.params.cache === "cold")).toBe(true);
    expect(t.length).toBe(8); // 9 size x chunk points, 64KiB whole = 64KiB chunk
  });

  it("covers the whole catalogue by default and refuses an unknown name", () => {
    const names = new Set(expandMatrix([], "default").map((t) => t.scenario));
    expect([...names]).toEqual(expect.arrayContaining(["read-write", "mmap-write", "sendfile", "splice", "tee"]));
    expect(() => expandMatrix(["nope"])).toThrow(/unknown scenario/);
    expect(() => expandMatrix(["sendfile"], "default", { chunk: "xx" })).toThrow(/params\.chunk/);
    expect(() => expandMatrix(["sendfile"], "default", { nope: "1" })).toThrow(/--set nope/);
  });
});

describe("runs, summary, exit status and the baseline", () => {
  const task = (id: number, scenario = "read-write"): Task => ({ id, scenario, params: P, overrides: P });
  const outs: Outcome[] = [
    { task: task(0), model: mkResult("sim"), kernel: mkResult("native"), ms: 1 },
    { task: task(1), model: mkResult("sim"), kernel: mkResult("native", { io: { syscr: 18 } }), ms: 1 },
  ];

  it("a failed run is a row that never agrees", () => {
    const rows = rowsOf([{ task: task(0), modelError: "trap", ms: 0 }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ counter: "run", agree: false });
    expect(rows[0].why).toMatch(/model failed: trap/);
  });

  it("exits 1 on a disagreement, 0 when all agree, 0 with an empty kernel column", () => {
    const bad = buildReport("default", outs, { kernel: { run: async () => mkResult("native") } }, 5);
    expect(bad.summary.disagree).toBe(1);
    expect(exitStatus(bad)).toBe(1);
    const good = buildReport("default", [outs[0]], { kernel: { run: async () => mkResult("native") } }, 5);
    expect(exitStatus(good)).toBe(0);
    const none = buildReport("default", [{ task: task(0), model: mkResult("sim"), ms: 1 }], { kernel: null, kernelWhy: "no cc" }, 5);
    expect(none.summary.kernel).toBe("no cc");
    expect(exitStatus(none)).toBe(0);
    const text = formatTable(none);
    expect(text.match(/no cc/g)).toHaveLength(1); // said once
  });

  it("--explained-ok: exit 0 only when every disagreement has a known explanation", () => {
    const engines = { kernel: { run: async () => mkResult("native") } };
    const explained = buildReport("default", [{ task: task(0), model: mkResult("sim"), kernel: mkResult("native", { copies: { cpu: { ops: 2 } } }), ms: 1 }], engines, 5);
    expect(explained.rows.find((r) => r.counter === "copies.cpu.ops")!.why).toMatch(/defined differently/);
    expect(exitStatus(explained)).toBe(1);
    expect(exitStatus(explained, undefined, { explainedOk: true })).toBe(0);
    const unexplained = buildReport("default", outs, engines, 5);
    expect(exitStatus(unexplained, undefined, { explainedOk: true })).toBe(1);
  });

  it("a fall in agreement below the baseline fails; equal or better passes", () => {
    const rep = buildReport("default", outs, { kernel: { run: async () => mkResult("native") } }, 5);
    const base = baselineOf(rep.summary, "default");
    expect(checkBaseline(rep.summary, base, "default")).toEqual([]);
    expect(exitStatus(rep, base)).toBe(0);
    const better = { matrices: { default: { "read-write": { exact: base.matrices.default!["read-write"].exact, agree: base.matrices.default!["read-write"].agree + 1 } } } };
    expect(checkBaseline(rep.summary, better, "default")).toHaveLength(1);
    expect(exitStatus(rep, better)).toBe(1);
    expect(checkBaseline(rep.summary, base, "full")).toHaveLength(1);
    expect(checkBaseline(rep.summary, { ...better, slack: 0.05 }, "default")).toEqual([]);
  });

  it("the table shows every counter with model, kernel and agreement, and the summary", () => {
    const rep = buildReport("default", outs, { kernel: { run: async () => mkResult("native") } }, 5);
    const text = formatTable(rep);
    expect(text).toMatch(/read-write {2}fileSize=1MiB chunk=64KiB cache=warm/);
    expect(text).toMatch(/io\.syscr\s+exact\s+17\s+18\s+NO\s+unexplained/);
    expect(text).toMatch(/exact counters\s+\d+ of \d+ agree/);
    expect(formatTable(rep, { onlyDisagreements: true }).split("\n").filter((l) => /^\s+\S+\s+(exact|tolerance)/.test(l))).toHaveLength(1);
  });
});
