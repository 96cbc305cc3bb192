/** `zcsim claims`: the article's column is the claim; the model's and kernel's come from runs. */
import { describe, expect, it } from "vitest";
import { ARTICLE, claimRows, formatClaims, MECHANISMS, settingOf } from "../../src/node/claims.js";
import type { Compiled } from "../../src/scenario/index.js";
import type { Result } from "../../src/result.js";
import { mkResult } from "./helpers.js";
import { loadModel } from "./engines.js";

/** A stand-in engine whose counts follow its params: proves the columns are read from runs, not from a table. */
function fakeModel(seen: Compiled[]) {
  return {
    run(c: Compiled): Result {
      seen.push(c);
      const size = c.payloadBytes;
      const cpu = (c.params.nicSg === false ? 1 : 0) + (c.name === "read-write" ? 2 : c.name === "mmap-write" ? 1 : 0);
      const byName: Record<string, number> = {};
      for (const s of c.steps) byName[s.call] = (byName[s.call] ?? 0) + 1;
      const r = mkResult("sim", {
        scenario: c.name, params: c.params, payloadBytes: size,
        modeSwitches: 2 * c.steps.length,
        copies: { cpu: { ops: cpu, bytes: cpu * size }, dma: { ops: 2, bytes: 2 * size } },
        io: { readBytes: size },
      });
      r.syscalls = { total: c.steps.length, byName };
      return r;
    },
  };
}

describe("claims", () => {
  it("has the article's six rows, in the article's setting", () => {
    expect(MECHANISMS).toEqual(["read-write", "mmap-write", "sendfile", "sendfile-gather", "splice", "tee"]);
    expect(ARTICLE["read-write"]).toMatchObject({ modeSwitches: 4, cpuCopies: 2, dmaCopies: 2 });
    expect(ARTICLE["mmap-write"]).toMatchObject({ modeSwitches: 4, cpuCopies: 1, dmaCopies: 2 });
    expect(ARTICLE.sendfile).toMatchObject({ modeSwitches: 2, cpuCopies: 1, dmaCopies: 2 });
    expect(ARTICLE["sendfile-gather"]).toMatchObject({ modeSwitches: 2, cpuCopies: 0, dmaCopies: 2 });
    expect(ARTICLE.splice).toMatchObject({ modeSwitches: 2, cpuCopies: 0, dmaCopies: 2 });
    expect(settingOf("sendfile").model).toMatchObject({ chunk: "whole", cache: "cold", sink: "nic", nicSg: "off" });
    expect(settingOf("sendfile-gather").model).toMatchObject({ nicSg: "on" });
    expect(settingOf("sendfile").kernel).toMatchObject({ sink: "nic", nicSg: "off" });
    expect(settingOf("sendfile-gather").kernel).toMatchObject({ sink: "nic", nicSg: "on" });
    // the calls matched through the veth run there; tee's two NIC sinks cannot (the host has one veth)
    for (const m of ["read-write", "mmap-write", "splice"] as const) expect(settingOf(m).kernel.sink).toBe("nic");
    expect(settingOf("tee").kernel).toMatchObject({ sink: "tcp", copySink: "tcp" });
  });

  it("takes the model's column from runs: gather off and on give different rows", async () => {
    const seen: Compiled[] = [];
    const rows = await claimRows({ model: fakeModel(seen) });
    expect(seen).toHaveLength(6);
    const sf = rows.find((r) => r.mechanism === "sendfile")!;
    const sg = rows.find((r) => r.mechanism === "sendfile-gather")!;
    expect(sf.model.cpuCopies).toBe(1);
    expect(sg.model.cpuCopies).toBe(0);
    // change the setting: the column follows the run, not a table
    const off = await claimRows({ model: fakeModel([]) }, { nicSg: "off" });
    expect(off.find((r) => r.mechanism === "sendfile-gather")!.model.cpuCopies).toBe(1);
    expect(off.find((r) => r.mechanism === "splice")!.model.cpuCopies).toBe(1);
    expect(off.find((r) => r.mechanism === "splice")!.note).toMatch(/scatter-gather/);
  });

  it("explains a difference in mode switches by the calls the run made", async () => {
    const rows = await claimRows({ model: fakeModel([]) });
    const rw = rows.find((r) => r.mechanism === "read-write")!;
    expect(rw.model.modeSwitches).not.toBe(4);
    expect(rw.note).toMatch(/open\(\)/);
    const sp = rows.find((r) => r.mechanism === "splice")!;
    expect(sp.note).toMatch(/two calls through a pipe/);
    const text = formatClaims(rows, "not Linux");
    expect(text).toMatch(/kernel column empty: not Linux/);
    expect(text.split("\n").filter((l) => /^(read-write|mmap-write|sendfile|sendfile-gather|splice|tee): /.test(l))).toHaveLength(6);
  });

  it("adds the kernel's column when the kernel runs, and never shows unobservable DMA as a number", async () => {
    const kernel = {
      run: async (c: Compiled) => mkResult("native", { scenario: c.name, params: c.params, payloadBytes: c.payloadBytes, copies: { cpu: { bytes: 0 } } }),
    };
    const rows = await claimRows({ model: fakeModel([]), kernel });
    for (const r of rows) {
      expect(r.kernel).toBeDefined();
      expect(r.kernel!.dmaCopies).toBeNull();
      expect(r.note).toMatch(r.mechanism !== "tee" ? /veth/ : /loopback/);
    }
  });

  it("with the real model: gather on removes the CPU copy that gather off makes", async (ctx) => {
    const model = await loadModel();
    if (!model.ok) {
      console.log(`skipped: ${model.why}`);
      ctx.skip();
      return;
    }
    const rows = await claimRows({ model: model.engine });
    const sf = rows.find((r) => r.mechanism === "sendfile")!;
    const sg = rows.find((r) => r.mechanism === "sendfile-gather")!;
    expect(sf.model.cpuCopies).toBeGreaterThan(sg.model.cpuCopies!);
    expect(sg.model.cpuCopies).toBe(0);
    for (const r of rows) expect(r.note.length).toBeGreaterThan(0);
  });
});
