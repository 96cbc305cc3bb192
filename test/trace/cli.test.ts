/**
 * `zcsim trace`, `zcsim calibrate --from-matrix` and `--profile`, in-process through the CLI's main(): the formats
 * come out, bad options end in one line and exit 2, a profile written by calibrate is read back by run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseStraceLine, checkTrace, parseCsv, type ChromeTrace } from "../../src/report/trace/index.js";
import { compileByName } from "../../src/scenario/index.js";
import { loadSimulator } from "../../src/model/index.js";
import { COST_KNOBS, DEFAULT_COSTS, features, predict, type MeasuredCell } from "../../src/node/calibrate.js";
import { runCli } from "../cli-harness.js";

const dir = mkdtempSync(join(tmpdir(), "zcsim-trace-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[]) => runCli(argv);

describe("zcsim trace", () => {
  it("strace, perfetto, jsonl and csv from the model", async () => {
    const s = await cli(["trace", "splice", "--set", "fileSize=256KiB", "--format", "strace", "--tt", "--T"]);
    expect(s.code).toBe(0);
    const lines = s.out.trim().split("\n");
    expect(lines.every((l) => parseStraceLine(l) !== null)).toBe(true);
    expect(lines.some((l) => /splice\(4, NULL, 6, NULL, 65536, 0\) = 65536 <\d+\.\d{6}>$/.test(l))).toBe(true);
    const file = join(dir, "t.json");
    expect((await cli(["trace", "sendfile", "--set", "fileSize=256KiB", "--format", "perfetto", "-o", file])).code).toBe(0);
    expect(checkTrace(JSON.parse(readFileSync(file, "utf8")) as ChromeTrace)).toEqual([]);
    const j = await cli(["trace", "sendfile", "--set", "fileSize=64KiB", "--format", "jsonl"]);
    expect(j.out.trim().split("\n").every((l) => typeof JSON.parse(l).kind === "string")).toBe(true);
    const c = await cli(["trace", "sendfile", "--format", "csv"]);
    expect(parseCsv(c.out)[0]).toEqual(["counter", "value"]);
  });

  it("a bad format or engine: one line, exit 2", async () => {
    for (const argv of [["trace", "sendfile", "--format", "xml"], ["trace", "sendfile", "--format", "strace", "--engine", "gpu"], ["trace", "nope", "--format", "csv"]]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.err.trim().split("\n").length).toBe(1);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });
});

describe("zcsim calibrate --from-matrix, and --profile", () => {
  it("fits saved cells, writes a profile, and run --profile predicts with it", async () => {
    const sim = await loadSimulator();
    // cells "measured" on a machine whose costs are twice the defaults
    const truth = Object.fromEntries(COST_KNOBS.map((k) => [k.name, 2 * DEFAULT_COSTS[k.name]]));
    const cells: MeasuredCell[] = [];
    for (const scenario of ["read-write", "sendfile", "splice", "copy-file-range", "mmap-write", "tee"]) {
      for (const fileSize of ["1MiB", "2MiB"]) {
        const f = features(sim, compileByName(scenario, { fileSize }));
        const t = predict(f, truth);
        cells.push({ scenario, params: { fileSize, cache: "warm" }, fit: true, features: f, samplesNs: [t], medianNs: t, defaultNs: 0 });
      }
    }
    const matrix = join(dir, "m.json"), prof = join(dir, "p.json");
    writeFileSync(matrix, JSON.stringify(cells));
    const r = await cli(["calibrate", "--from-matrix", matrix, "-o", prof]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/RMS relative error/);
    const p = JSON.parse(readFileSync(prof, "utf8"));
    expect(p.format).toBe("zcsim-profile/1");
    expect(p.fit.cells.length).toBe(cells.length);
    expect(p.fit.maxAbsRelError).toBeLessThan(0.02);
    const run = await cli(["run", "sendfile", "--set", "fileSize=2MiB", "--json", "--profile", prof]);
    expect(run.code).toBe(0);
    expect(Math.abs(JSON.parse(run.out).timeNs / cells[3].medianNs - 1)).toBeLessThan(0.02);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ costs: { COST_FAULT_NS: -1 } }));
    const b = await cli(["run", "sendfile", "--profile", bad]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/costs\.COST_FAULT_NS/);
  });

  it("a profile's machine params (the kernel's knobs the fit ran with) are the model's defaults; a --set wins", async () => {
    const prof = join(dir, "mp.json");
    writeFileSync(prof, JSON.stringify({ costs: {}, machineParams: { cpuCacheBytes: 0 } }));
    const cold = JSON.parse((await cli(["run", "read-write", "--set", "fileSize=1MiB", "--json", "--profile", prof])).out);
    expect(cold.kernel.copyColdSrcBytes).toBe(cold.copies.cpu.bytes);   // no cache: every byte cold
    const set = JSON.parse((await cli(["run", "read-write", "--set", "fileSize=1MiB", "--set", "cpuCacheBytes=2MiB", "--json", "--profile", prof])).out);
    expect(set.kernel.copyColdSrcBytes).toBeLessThan(set.copies.cpu.bytes);
    writeFileSync(prof, JSON.stringify({ costs: {}, machineParams: { l3: 1 } }));
    const b = await cli(["run", "sendfile", "--profile", prof]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/machineParams\.l3: not a machine parameter/);
  });
});
