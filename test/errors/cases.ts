/**
 * The error suite's cases: test/errors/cases/*.json, each a few cases of one syscall written from the Linux Test
 * Project's tests and the man pages' ERRORS sections. A case is a scenario (setup + program) plus what the call
 * under test must fail with:
 *
 *   { "id", "source" (LTP test or man page), "man" (the man page's words), "at" + "errno" (or "errors": [...]),
 *     "manErrno" + "kernel" (only where the man page and the kernel disagree: the kernel wins),
 *     "requires" (a condition of the host, e.g. "noCapSysResource"), "setup" (else the file's), "program" }
 *
 * "program": null marks a case the format cannot express; skip.json says why.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HEADER_WORDS, Knob } from "../../src/scenario/abi.js";
import { compile, type Compiled } from "../../src/scenario/index.js";

export interface ErrorCase {
  id: string;
  file: string;
  source: string;
  man: string;
  /** the errno of the call under test (absent when `errors` lists them all, e.g. [] for a call Linux lets pass) */
  errno?: string;
  at?: string;
  errors?: { at: string; errno: string }[];
  manErrno?: string;
  kernel?: string;
  requires?: "noCapSysResource" | "root";
  /** the call (its place) that never returns: Linux sleeps for ever (nothing else can wake it); the model stops the
   *  run with status TIMEOUT there, the native host's phase bound ends it */
  blocks?: string;
  /** setup files made on a second filesystem (Knob.OTHER_FS_FILES), for EXDEV */
  otherFs?: string[];
  setup?: unknown;
  program: unknown[] | null;
}

export interface Skip {
  case: string;
  engine: "model" | "native" | "both";
  reason: string;
}

export const casesDir = fileURLToPath(new URL("./cases/", import.meta.url));

export function loadCases(): ErrorCase[] {
  const out: ErrorCase[] = [];
  for (const file of readdirSync(casesDir).filter((f) => f.endsWith(".json")).sort()) {
    const doc = JSON.parse(readFileSync(casesDir + file, "utf8")) as { setup?: unknown; cases: ErrorCase[] };
    for (const c of doc.cases) out.push({ ...c, file, setup: c.setup ?? doc.setup });
  }
  return out;
}

export function loadSkips(): Skip[] {
  return (JSON.parse(readFileSync(fileURLToPath(new URL("./skip.json", import.meta.url)), "utf8")) as { skips: Skip[] }).skips;
}

/** The scenario name a case compiles under: its id, as the format's names are written. */
export const scenarioName = (id: string) => id.toLowerCase().replace(/[^a-z0-9-]+/g, "-").slice(0, 64);

export function compileCase(c: ErrorCase): Compiled {
  const compiled = compile({ name: scenarioName(c.id), title: c.source.slice(0, 200), setup: c.setup ?? {}, program: c.program ?? [] });
  if (!c.otherFs?.length) return compiled;
  let mask = 0;
  for (const name of c.otherFs) {
    const f = compiled.files.find((x) => x.name === name);
    if (!f) throw new Error(`${c.id}: otherFs names no setup file "${name}"`);
    mask |= 1 << f.id;
  }
  return withKnob(compiled, Knob.OTHER_FS_FILES, mask);
}

/** The compiled program with one more knob pair (docs/program-format.md: header word 3 counts the pairs that
 *  follow the header). The scenario format has no parameter for this knob yet. */
export function withKnob(c: Compiled, id: number, value: number): Compiled {
  const w = Array.from(c.program);
  const n = Number(w[3]);
  w.splice(HEADER_WORDS + 2 * n, 0, BigInt(id), BigInt(value));
  w[3] = BigInt(n + 1);
  return { ...c, program: BigInt64Array.from(w), knobs: { ...c.knobs, [id]: value } };
}

/** What the case expects, as "<at> <errno>" strings, sorted. */
export const expectedKeys = (c: ErrorCase): string[] =>
  (c.errors ?? (c.at && c.errno ? [{ at: c.at, errno: c.errno }] : [])).map((e) => `${e.at} ${e.errno}`).sort();
