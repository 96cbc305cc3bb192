/** The comparison logic on crafted results: no engine runs here. */
import { describe, expect, it } from "vitest";
import {
  baselineOf, buildReport, checkBaseline, compareResults, evidenceOf, exitStatus, expandMatrix, rowsOf, summarize,
  type Outcome, type Row, type Task,
} from "../../src/node/compare.js";

import { explain, explainOf, KNOWN, type Known } from "../../src/report/known.js";
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
    // syscalls.total and modeSwitches are ranges (the MSG_ZEROCOPY poll races): one native run cannot score them
    expect(row(rows, "syscalls.total")).toMatchObject({ class: "range", agree: null });
    expect(row(rows, "syscalls.total").why).toMatch(/race.*--runs/);
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(1);
    expect(s.unexplained).toBe(1);
  });

  it("a range counter is scored against the kernel's min..max over the runs", () => {
    const runs = [33, 37, 35].map((total) => mkResult("native", { syscalls: { total } }));
    const inside = compareResults("read-write", P, mkResult("sim"), runs[0], { kernelRuns: runs });
    expect(row(inside, "syscalls.total")).toMatchObject({ class: "range", model: 35, range: [33, 37], agree: true, kernelRuns: 3 });
    const outside = compareResults("read-write", P, mkResult("sim", { syscalls: { total: 38 } }), runs[0], { kernelRuns: runs });
    expect(row(outside, "syscalls.total")).toMatchObject({ agree: false, why: "unexplained" });
    const s = summarize(outside, 1, "ran", 3);
    expect(s.ranges).toBeGreaterThanOrEqual(1);
    expect(s.ranges - s.rangesHeld).toBe(1);
  });

  it("an exact counter the kernel varied across runs is a disagreement that says so", () => {
    const runs = [17, 17, 18].map((read) => mkResult("native", { syscalls: { byName: { read } } }));
    const rows = compareResults("read-write", P, mkResult("sim"), runs[0], { kernelRuns: runs });
    const r = row(rows, "syscalls.byName.read");
    expect(r).toMatchObject({ class: "exact", agree: false, range: [17, 18] });
    expect(r.why).toMatch(/varied over 3 runs.*17, 18/);
    expect(summarize(rows, 1, "ran", 3).unexplained).toBe(1);
  });

  it("a derived kernel figure is consistent or not, never agreement", () => {
    const k = mkResult("native", { copies: { cpu: { ops: 31 } } });
    const rows = compareResults("read-write", P, mkResult("sim"), k);
    expect(row(rows, "copies.cpu.ops")).toMatchObject({ basis: "derived", agree: false, evidence: "derived" });
    expect(row(rows, "copies.cpu.bytes")).toMatchObject({ basis: "derived", agree: true });
    expect(row(rows, "io.rchar")).toMatchObject({ basis: "measured", agree: true });
    const s = summarize(rows, 1, "ran");
    expect(s.disagree).toBe(0); // the derived row is not in the verdict
    expect(s.derived).toBe(2);
    expect(s.consistent).toBe(1);
    expect(rows.filter((r) => r.basis === "measured" && r.class !== "tolerance").length).toBe(s.exact);
  });

  it("a point where the native host did not make every call is not scored, and says which step", () => {
    const k = { ...mkResult("native", { syscalls: { total: 99 } }), notRun: [{ step: 3, call: "munmap", why: "the range holds the host's own memory" }] };
    const rows = compareResults("read-write", P, mkResult("sim"), k);
    expect(rows.filter((r) => r.agree !== null)).toEqual([]);
    expect(row(rows, "syscalls.total").why).toMatch(/not run: .*step 3 \(munmap\): the range holds the host's own memory/);
    const s = summarize(rows, 1, "ran");
    expect(s.notRun).toBe(1);
    expect(s.exact).toBe(0);
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

  it("explains a disagreement only inside the entry's region: scenarios, calls and params", () => {
    const list: Known[] = [{
      id: "t", counter: "io.readBytes", region: { scenarios: ["read-write"], calls: ["read"], params: { cache: "cold" } },
      witness: { scenario: "read-write", params: { cache: "cold" } }, why: "readahead",
    }];
    const m = (scenario: string, calls: string[], cache: string) => ({ scenario, calls, params: { cache } });
    expect(explain("io.readBytes", m("read-write", ["open", "read"], "cold"), list)).toBe("readahead");
    expect(explainOf("io.readBytes", m("read-write", ["open", "read"], "cold"), list)?.id).toBe("t");
    expect(explain("io.readBytes", m("read-write", ["open", "read"], "warm"), list)).toBeUndefined();
    expect(explain("io.readBytes", m("sendfile", ["open", "read"], "cold"), list)).toBeUndefined();
    expect(explain("io.readBytes", m("read-write", ["sendfile"], "cold"), list)).toBeUndefined();
    expect(explain("io.rchar", m("read-write", ["read"], "cold"), list)).toBeUndefined();
  });

  it("every known entry is bound to a region and carries a witness inside it", () => {
    for (const k of KNOWN) {
      expect(k.region.scenarios.length, k.id).toBeGreaterThan(0);
      expect(k.region.scenarios, k.id).toContain(k.witness.scenario);
      expect(new Set(KNOWN.map((x) => x.id)).size).toBe(KNOWN.length);
    }
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
    expect(t.map((x) => `${x.params.fileSize} ${x.params.chunk} ${x.params.cache}${x.params.sink ? ` ${x.params.sink} sg=${x.params.nicSg ?? "-"} csum=${x.params.nicCsum ?? "-"}` : ""}`)).toEqual([
      "1MiB 64KiB warm", "64KiB 64KiB warm", "16MiB 64KiB warm", "1MiB 4KiB warm", "1MiB whole warm", "1MiB 64KiB cold",
      "64KiB 64KiB cold", "16MiB 64KiB cold",
      "1MiB 64KiB warm nic sg=on csum=-", "1MiB 64KiB warm nic sg=off csum=-", "1MiB 64KiB warm nic sg=- csum=off",
    ]);
    // the NIC's settings through the native host's veth, at the base point
    expect(expandMatrix(["sendfile"], "default").filter((x) => x.params.sink === "nic").map((x) => `sg=${x.params.nicSg ?? "-"} csum=${x.params.nicCsum ?? "-"}`))
      .toEqual(["sg=on csum=-", "sg=off csum=-", "sg=- csum=off"]);
    for (const name of ["mmap-write", "splice", "tee", "vmsplice"])
      expect(expandMatrix([name], "default").filter((x) => x.params.sink === "nic").length, name).toBe(3);
    // MSG_ZEROCOPY without gather is not matched (its COPIED completions vary on the kernel)
    expect(expandMatrix(["msg-zerocopy"], "default").filter((x) => x.params.sink === "nic").map((x) => `sg=${x.params.nicSg ?? "-"} csum=${x.params.nicCsum ?? "-"}`))
      .toEqual(["sg=on csum=-", "sg=- csum=off"]);
    expect(expandMatrix(["copy-file-range"], "default").some((x) => x.params.sink === "nic")).toBe(false);
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

  it("--explained-ok: exit 0 only when every disagreement has a live known explanation", () => {
    const engines = { kernel: { run: async () => mkResult("native") } };
    // a point inside a real entry's region (src/report/known.ts): its counters disagree there today
    const k = KNOWN.find((x) => x.id === "cold-mmap-fault-waits")!;
    const where: Task = { id: 0, scenario: k.witness.scenario, params: k.witness.params, overrides: k.witness.params };
    const sim = mkResult("sim", { scenario: "mmap-write", params: { fileSize: 16777216, cache: "cold" }, faults: { minor: 256, major: 1 } });
    const runs = [0, 1].map(() => mkResult("native", { scenario: "mmap-write", faults: { minor: 253, major: 3 } }));
    const explained = buildReport("default", [{ task: where, model: sim, kernel: runs[0], kernelRuns: runs, ms: 1 }], engines, 5);
    expect(explained.rows.find((r) => r.counter === "faults.major")).toMatchObject({ agree: false, known: "cold-mmap-fault-waits" });
    expect(explained.summary).toMatchObject({ explained: 2, unexplained: 0 });
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
    // fewer rows scored here than in the baseline (tracepoints unavailable to this user): only more disagreements fall
    const rw = rep.summary.perScenario["read-write"];
    const wider = { matrices: { default: { "read-write": { exact: rw.exact + 40, agree: rw.agree + 40 } } } };
    expect(checkBaseline(rep.summary, wider, "default")).toEqual([]);
    const cleaner = { matrices: { default: { "read-write": { exact: rw.exact + 40, agree: rw.exact + 40 } } } };
    expect(checkBaseline(rep.summary, cleaner, "default")[0]).toMatch(/1 of \d+ scored rows disagree, the baseline has 0/);
  });

  it("the table shows every counter with model, kernel and agreement, and the summary", () => {
    const rep = buildReport("default", outs, { kernel: { run: async () => mkResult("native") } }, 5);
    const text = formatTable(rep);
    expect(text).toMatch(/read-write {2}fileSize=1MiB chunk=64KiB cache=warm/);
    expect(text).toMatch(/io\.syscr\s+exact\s+17\s+18\s+NO\s+unexplained/);
    // the summary comes first, the measured verdict leading it; only the disagreeing row is listed
    expect(text.split("\n")[0]).toMatch(/^summary/);
    expect(text.split("\n")[1]).toMatch(/measured\s+\d+ of \d+ agree/);
    expect(text.split("\n").filter((l) => /^\s+\S+\s+(exact|range|tolerance)\s/.test(l))).toHaveLength(1);
    expect(formatTable(rep, { all: true }).split("\n").filter((l) => /^\s+io\.syscr\s+exact/.test(l)).length).toBe(3);
  });
});
