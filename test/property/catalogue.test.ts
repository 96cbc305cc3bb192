/**
 * The catalogue's transfer scenarios under random parameters (params.ts): the wasm never traps, every run ends,
 * makes no failing call, and delivers the file to every sink that verifies it, exactly and in order; the same
 * parameters give the same result.
 */
import fc from "fast-check";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileByName } from "../../src/scenario/index.js";
import { catalogueRunArb } from "./params.js";

const haveModel = existsSync(fileURLToPath(new URL("../../src/model/index.ts", import.meta.url)));
if (!haveModel) console.log("property (catalogue): skipped: the model is not there yet");

describe.skipIf(!haveModel)("the catalogue under random parameters, in the model", () => {
  it("ends, fails no call, delivers every verifying sink its file exactly; the same parameters, the same result", async () => {
    const { loadSimulator } = await import("../../src/model/index.js");
    const sim = await loadSimulator();
    fc.assert(fc.property(catalogueRunArb(), ([name, params]) => {
      const c = compileByName(name, params as Record<string, string | number | boolean>);
      const a = sim.run(c);
      const what = `${name} ${JSON.stringify(params)}`;
      expect(a.status, what).toBe("DONE");
      expect(a.result.errors, what).toEqual([]);
      expect(a.result.delivered.intact, what).toBe(true);
      expect(a.result.delivered.bytes % c.files[0].size, what).toBe(0);
      expect(a.result.delivered.bytes, what).toBeGreaterThanOrEqual(c.files[0].size);
      expect(sim.run(c).result, `${what}: twice`).toEqual(a.result);
    }), { numRuns: 150, seed: 31 });
  });
});
