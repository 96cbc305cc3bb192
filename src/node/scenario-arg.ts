/** Resolves a CLI's `<name|file>` argument and its `--set k=v` options to a compiled scenario. */
import { readFileSync } from "node:fs";
import { compile, compileByName, parseSets, ScenarioError, type Compiled } from "../scenario/index.js";

/** A name from the catalogue, or a path to a scenario file (anything with a "/" or ending in .json). `defaults`:
 *  parameter values that apply unless a --set gives another (a profile's machine params). */
export function loadScenarioArg(arg: string, sets: string[] = [], defaults: Record<string, string | number> = {}): Compiled {
  const overrides = { ...defaults, ...parseSets(sets) };
  if (!arg.includes("/") && !arg.endsWith(".json")) return compileByName(arg, overrides);
  let text: string;
  try {
    text = readFileSync(arg, "utf8");
  } catch (e) {
    throw new ScenarioError(arg, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(arg, `not valid JSON: ${(e as Error).message}`);
  }
  return compile(json, overrides);
}
