/** Scenarios: the catalogue, the compiler, and the types both engines and the reports share. */
import { catalogue } from "./catalogue.js";
import { compile } from "./compile.js";
import { ScenarioError, type Compiled } from "./types.js";

export { catalogue } from "./catalogue.js";
export { compile, MAX_CALLS, MAX_REPEAT_DEPTH } from "./compile.js";
export { scenarioJsonSchema } from "./schema.js";
export { MACHINE_PARAMS } from "./machine-params.js";
export { parseSize, formatSize, MAX_FILE_SIZE, MAX_BUF_SIZE } from "./units.js";
export * from "./limits.js";
export * from "./types.js";

/** The catalogue's scenario names. */
export function scenarioNames(): string[] {
  return Object.keys(catalogue);
}

/** A catalogue scenario by name, compiled with `overrides` ({ chunk: "4KiB" }). */
export function compileByName(name: string, overrides: Record<string, string | number | boolean> = {}): Compiled {
  const sc = Object.prototype.hasOwnProperty.call(catalogue, name) ? catalogue[name] : undefined;
  if (!sc) throw new ScenarioError("scenario", `unknown scenario "${name}" (the catalogue has: ${scenarioNames().join(", ")})`);
  return compile(sc, overrides);
}

/** Parses `--set k=v` strings into an overrides object; a malformed one is refused naming it. */
export function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(s);
    if (!m) throw new ScenarioError(`--set ${s}`, "expected key=value, e.g. --set chunk=4KiB");
    out[m[1]] = m[2];
  }
  return out;
}
