/**
 * The CLI's `<name|file>` argument and its `--set k=v` options: the scenario they name, the values checked against
 * the range each parameter accepts (one line naming the parameter and the range, before anything runs), the
 * compiled scenario, and the header a command prints above its result (only what differs from the defaults).
 */
import { readFileSync } from "node:fs";
import {
  catalogue, compile, formatSize, MACHINE_PARAMS, MAX_FILE_SIZE, parseSets, parseSize, ScenarioError, scenarioNames, type Compiled,
  type ParamValue,
} from "../scenario/index.js";


/** A catalogue name, or a path to a scenario file (anything with a "/" or ending in .json), read and parsed. */
export function scenarioSource(arg: string): { name: string; source: unknown; file?: string } {
  if (!arg.includes("/") && !arg.endsWith(".json")) {
    if (!Object.prototype.hasOwnProperty.call(catalogue, arg)) {
      throw new ScenarioError("scenario", `unknown scenario "${arg}" (the catalogue has: ${scenarioNames().join(", ")}; or give a path to a .json file)`);
    }
    return { name: arg, source: catalogue[arg] };
  }
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
  const name = json && typeof json === "object" && typeof (json as { name?: unknown }).name === "string" ? (json as { name: string }).name : arg;
  return { name, source: json, file: arg };
}

/** The parameters a scenario declares, as written in it ({ fileSize: "1MiB", chunk: "whole" }). */
export function declaredParams(source: unknown): Record<string, ParamValue> {
  const p = source && typeof source === "object" ? (source as { params?: unknown }).params : undefined;
  return p && typeof p === "object" ? (p as Record<string, ParamValue>) : {};
}

/**
 * The scenario parameters that are lengths of a transfer: a 0 there moves nothing (the programs loop until a call
 * returns 0, so the run ends at once, delivering nothing). Offsets and truncation points (`at`, `touchAt`,
 * `truncateTo`) take 0.
 */
const LENGTHS = new Set(["fileSize", "chunk", "bufSize", "pipeSize", "len"]);
/** Machine parameters of type "size" that count something other than bytes. */
const NOT_BYTES = new Set(["nicTxRing", "traceCap", "stepBudget"]);

const num = (x: number) => x.toLocaleString("en-US");

/** The range a parameter accepts, in words ("a size from 1B to 16GiB, or whole"), or undefined for free text. */
export function acceptedRange(key: string, declared: ParamValue | undefined): string | undefined {
  const m = MACHINE_PARAMS[key];
  if (m?.type === "bool" || typeof declared === "boolean") return "on or off";
  if (m?.values) return `one of ${m.values.join(", ")}`;
  if (m?.type === "size") {
    const f = NOT_BYTES.has(key) ? num : formatSize;
    return `${NOT_BYTES.has(key) ? "a whole number" : "a size"} from ${f(m.min ?? 0)} to ${f(m.max ?? MAX_FILE_SIZE)}`;
  }
  if (m) return undefined;
  const sizeLike = typeof declared === "number" || declared === "whole" || (typeof declared === "string" && (() => {
    try { return parseSize(declared) !== undefined; } catch { return false; }
  })());
  if (!sizeLike) return undefined;
  return `a size from ${LENGTHS.has(key) ? "1B" : "0B"} to ${formatSize(MAX_FILE_SIZE)}${key === "chunk" || declared === "whole" ? ", or whole" : ""}`;
}

/** What the compiler says of `k=v` alone ("\"1EiB\" is too large"), or that it is outside the range. */
function refusal(source: unknown, k: string, v: string | number | boolean): string {
  try {
    compile(source, { [k]: v });
  } catch (e) {
    if (e instanceof ScenarioError) return e.path === `params.${k}` ? e.reason : `${JSON.stringify(String(v))}: ${e.message}`;
  }
  return `${JSON.stringify(String(v))} is outside the range`;
}

/**
 * Checks each `--set k=v` against the range its parameter accepts: chunk=0, a negative or a non-numeric size, a
 * machine knob past its bounds end here in one line, naming the parameter, the reason (the compiler's own when it
 * has one) and the range: 'params.chunk: "0" is outside the range; chunk takes a size from 1B to 16GiB, or whole'.
 * Unknown parameters and free-text values are left to the compiler, which names them.
 */
export function checkSets(source: unknown, sets: Record<string, string | number | boolean>): void {
  const declared = declaredParams(source);
  for (const [k, v] of Object.entries(sets)) {
    if (!(k in declared) && !(k in MACHINE_PARAMS)) continue;
    const ref = typeof declared[k] === "string" && /^\$[A-Za-z]/.test(declared[k] as string) ? (declared[k] as string).slice(1) : undefined;
    const def = ref ? declared[ref] : declared[k] ?? MACHINE_PARAMS[k]?.default;
    const range = acceptedRange(k, def);
    if (!range) continue;
    const fail = () => {
      const why = refusal(source, k, v);
      // the compiler's words already list the choices ("is not on/off", "is not one of ..."): once is enough
      throw new ScenarioError(`params.${k}`, /^"[^"]*" is not (on\/off|one of )/.test(why) ? why : `${why}; ${k} takes ${range}`);
    };
    const text = String(v).trim();
    if (range === "on or off") {
      if (!["on", "off", "true", "false", "1", "0", "yes", "no"].includes(text.toLowerCase())) fail();
      continue;
    }
    if (range.startsWith("one of ")) {
      if (!MACHINE_PARAMS[k].values!.includes(text)) fail();
      continue;
    }
    if (text === "whole" && range.endsWith(", or whole")) continue;
    let n: number | undefined;
    try { n = parseSize(text); } catch { n = undefined; }
    const m = MACHINE_PARAMS[k];
    const min = m ? m.min ?? 0 : LENGTHS.has(k) ? 1 : 0;
    const max = m ? m.max ?? MAX_FILE_SIZE : MAX_FILE_SIZE;
    if (n === undefined || n < min || n > max) fail();
  }
}

/**
 * Resolves a CLI's `<name|file>` argument and its `--set k=v` options to a compiled scenario. `defaults`:
 * parameter values that apply unless a --set gives another (a profile's machine params).
 */
export function loadScenarioArg(arg: string, sets: string[] = [], defaults: Record<string, string | number> = {}): Compiled {
  const { source } = scenarioSource(arg);
  const given = parseSets(sets);
  checkSets(source, given);
  return compile(source, { ...defaults, ...given });
}

/** The parameters of a scenario run with no --set: what a header leaves out. */
export function defaultParams(arg: string): Record<string, ParamValue> {
  return compile(scenarioSource(arg).source, {}).params;
}

/** One parameter's value as the header writes it: sizes one way ("64KiB", "6000B"), counts and names as they are. */
export function paramText(key: string, v: ParamValue): string {
  if (typeof v === "boolean") return v ? "on" : "off";
  if (typeof v === "number" && !NOT_BYTES.has(key) && v >= 0) return formatSize(v);
  return typeof v === "number" ? num(v) : v;
}

/**
 * The parameters of a run that differ from its scenario's defaults, "chunk=4KiB nicSg=off", or "defaults". The
 * defaults are the scenario's own when the caller has them, else the catalogue's for that name, else the machine's.
 */
export function paramsHeader(params: Record<string, ParamValue>, defaults?: Record<string, ParamValue>, scenario?: string): string {
  let base = defaults;
  if (!base && scenario && Object.prototype.hasOwnProperty.call(catalogue, scenario)) base = compile(catalogue[scenario], {}).params;
  if (!base) base = Object.fromEntries(Object.entries(MACHINE_PARAMS).map(([k, m]) => [k, m.default]));
  const diff = Object.entries(params).filter(([k, v]) => !(k in base) || base[k] !== v);
  return diff.length ? diff.map(([k, v]) => `${k}=${paramText(k, v)}`).join(" ") : "defaults";
}
