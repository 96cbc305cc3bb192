/**
 * Sweeps (src/node/sweep.ts, `zcsim sweep`): the grid's points in grid order, each the same result as a
 * sequential run of the same point, refused values named before anything runs, refused combinations kept as
 * failed points, and the CLI's CSV and JSON.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadSimulator } from "../../src/model/index.js";
import { compileByName, ScenarioError } from "../../src/scenario/index.js";
import { Pool } from "../../src/node/pool.js";
import { gridPoints, parseGrid, runSweep, sweepOk, sweepRows, toCsv } from "../../src/node/sweep.js";
import { runCli } from "../cli-harness.js";

const sim = await loadSimulator();
const pool = new Pool({ size: 2 });
afterAll(() => pool.close());


describe("grids", () => {
  it("parses axes and expands them row-major, first axis slowest", () => {
    const axes = parseGrid(["fileSize=1MiB,16MiB", "chunk=4KiB,64KiB,whole"]);
    expect(axes).toEqual([{ key: "fileSize", values: ["1MiB", "16MiB"] }, { key: "chunk", values: ["4KiB", "64KiB", "whole"] }]);
    expect(gridPoints(axes)).toEqual([
      { fileSize: "1MiB", chunk: "4KiB" }, { fileSize: "1MiB", chunk: "64KiB" }, { fileSize: "1MiB", chunk: "whole" },
      { fileSize: "16MiB", chunk: "4KiB" }, { fileSize: "16MiB", chunk: "64KiB" }, { fileSize: "16MiB", chunk: "whole" },
    ]);
    expect(gridPoints([])).toEqual([{}]);
  });

  it("refuses malformed axes", () => {
    expect(() => parseGrid(["chunk"])).toThrow(ScenarioError);
    expect(() => parseGrid(["chunk=4KiB,"])).toThrow(/empty/);
    expect(() => parseGrid(["chunk=4KiB", "chunk=8KiB"])).toThrow(/already/);
  });
});

describe("runSweep", () => {
  it("every point is the sequential run of that point, in grid order", async () => {
    const axes = parseGrid(["fileSize=4MiB,64KiB,1MiB", "chunk=4KiB,whole"]);
    const done: number[] = [];
    const pts = await runSweep("sendfile", axes, { pool, onDone: (p) => done.push(p.index) });
    expect(pts.map((p) => p.params)).toEqual(gridPoints(axes));
    expect([...done].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const p of pts) expect(p.model).toEqual(sim.run(compileByName("sendfile", p.params)).result);
    expect(sweepOk(pts)).toBe(true);
  });

  it("fixed --set params apply at every point", async () => {
    const pts = await runSweep("read-write", parseGrid(["chunk=4KiB,64KiB"]), { pool, sets: { fileSize: "256KiB", sink: "null" } });
    for (const p of pts) {
      expect(p.params.fileSize).toBe("256KiB");
      expect(p.model).toEqual(sim.run(compileByName("read-write", p.params)).result);
    }
  });

  it("a value the compiler refuses alone is a ScenarioError naming the axis, before anything runs", async () => {
    await expect(runSweep("sendfile", parseGrid(["chunk=4KiB,banana"]), { pool })).rejects.toThrow(/--grid chunk=banana/);
    await expect(runSweep("sendfile", parseGrid(["nosuch=1,2"]), { pool })).rejects.toBeInstanceOf(ScenarioError);
    await expect(runSweep("no-such", [], { pool })).rejects.toThrow(/unknown scenario/);
  });

  it("rows and CSV: one row per point and engine, the keys first", async () => {
    const axes = parseGrid(["chunk=4KiB,64KiB"]);
    const pts = await runSweep("splice", axes, { pool, sets: { fileSize: "128KiB" } });
    const rows = sweepRows(pts, "model");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ chunk: "4KiB", engine: "model", status: "ok", syscalls: pts[0].model!.syscalls.total });
    const csv = toCsv(rows, ["fileSize", "chunk"]).trim().split("\n");
    expect(csv[0].startsWith("fileSize,chunk,engine,status,syscalls")).toBe(true);
    expect(csv[1].startsWith(`128KiB,4KiB,model,ok,${pts[0].model!.syscalls.total},`)).toBe(true);
  });
});

describe("zcsim sweep", () => {
  it("--csv prints the grid's rows and exits 0", async () => {
    const r = await runCli(["sweep", "sendfile", "--grid", "fileSize=64KiB,1MiB", "--grid", "chunk=64KiB,whole", "--csv", "--jobs", "2"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0].split(",").slice(0, 3)).toEqual(["fileSize", "chunk", "engine"]);
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["64KiB,64KiB", "64KiB,whole", "1MiB,64KiB", "1MiB,whole"]);
  });

  it("--json carries the results", async () => {
    const r = await runCli(["sweep", "splice", "--grid", "pipeSize=4KiB,64KiB", "--set", "fileSize=256KiB", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { points: { params: Record<string, string>; model: { syscalls: { total: number } } }[] };
    expect(j.points.map((p) => p.params.pipeSize)).toEqual(["4KiB", "64KiB"]);
    expect(j.points[0].model.syscalls.total).toBe(sim.run(compileByName("splice", { fileSize: "256KiB", pipeSize: "4KiB" })).result.syscalls.total);
  });

  it("the table names the axes", async () => {
    const r = await runCli(["sweep", "tee", "--grid", "chunk=4KiB,64KiB", "--set", "fileSize=128KiB"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^fileSize\s+chunk\s+engine\s+syscalls/);
  });

  it("bad usage exits 2 with one line", async () => {
    for (const argv of [
      ["sweep", "sendfile", "--grid", "chunk=banana"],
      ["sweep", "sendfile", "--engine", "gpu"],
      ["sweep", "sendfile", "--grid", "chunk=4KiB", "--set", "chunk=8KiB"],
      ["sweep", "sendfile", "--jobs", "0"],
      ["sweep", "sendfile", "--json", "--csv"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });
});
