/**
 * Hostile input to the compiler: random scenario files built from the format's own pieces, and mutations of the
 * catalogue. Every one must end in a compiled program or a ScenarioError naming a field; nothing else (no
 * TypeError, no hang).
 */
import { describe, expect, it } from "vitest";
import { compile, ScenarioError } from "../../src/scenario/index.js";
import { forEachFuzzFile } from "./fuzz-arb.js";

const outcome = (input: unknown) => {
  try {
    const c = compile(input);
    expect(c.program).toBeInstanceOf(BigInt64Array);
    return "ok";
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
    return "refused";
  }
};

describe("compiler fuzz", () => {
  it("10,000 generated scenario files: each compiles or is refused with a ScenarioError", () => {
    const seen = { ok: 0, refused: 0 };
    forEachFuzzFile((s) => { seen[outcome(s)]++; });
    expect(seen.ok + seen.refused).toBe(10000);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  });
});
