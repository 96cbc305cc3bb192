/** The compiler fuzz's files (test/scenario/fuzz-arb.ts) that compile: the wasm fuzz runs them. */
import { compile, ScenarioError } from "../../src/scenario/index.js";
import { forEachFuzzFile } from "../scenario/fuzz-arb.js";

/** The 10,000 files of the compiler fuzz, and those that compiled. */
export function acceptedFuzzScenarios(): unknown[] {
  const out: unknown[] = [];
  forEachFuzzFile((s) => {
    try {
      compile(s);
      out.push(s);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
    }
  });
  return out;
}
