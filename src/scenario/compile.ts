/**
 * The compiler: a scenario file (already JSON-parsed) plus parameter overrides -> the program words both engines
 * run (docs/program-format.md). Every refusal is a ScenarioError naming the field and the reason.
 */
import { Cache, Fill, Knob, SinkKind } from "./abi.js";
import { check, has } from "./check.js";
import { Emitter } from "./emit.js";
import { encodeProgram } from "./layout.js";
import { Scenario, type ScenarioFile } from "./schema.js";
import {
  ScenarioError, type Compiled, type CompiledBuf, type CompiledFile, type CompiledSink, type ParamValue,
} from "./types.js";
import {
  MAX_BUF_SIZE, MAX_BUFFERS, MAX_BUFS_TOTAL, MAX_FILE_SIZE, MAX_FILES_TOTAL, MAX_NAMES, MAX_SETUP_FILES, MAX_SINKS,
  parseSize,
} from "./units.js";
import { MACHINE_PARAMS, type MachineParam } from "./machine-params.js";

export { MAX_CALLS, MAX_REPEAT_DEPTH } from "./emit.js";

/** Keys that name JavaScript's object machinery: refused wherever they appear, never dropped or looked up. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Refuses a forbidden key anywhere in the file (iteratively: a file may nest deeper than the stack). Deeper than
 * the format goes (64 levels), nothing is looked at: the schema refuses such a file anyway. */
function refuseForbiddenKeys(input: unknown): void {
  const todo: [unknown, string, number][] = [[input, "", 0]];
  while (todo.length) {
    const [v, path, depth] = todo.pop()!;
    if (typeof v !== "object" || v === null || depth > 64) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === "object" && v[i] !== null) todo.push([v[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEYS.has(k)) throw new ScenarioError(p, `"${k}" is not allowed as a name (it names JavaScript's object machinery)`);
      todo.push([(v as Record<string, unknown>)[k], p, depth + 1]);
    }
  }
}

/** Reads a parameter override written as text ("4KiB", "cold", "on") against its default's type. */
function parseParamValue(key: string, text: string | number | boolean, def: ParamValue | undefined, machine?: MachineParam, field = `params.${key}`): ParamValue {
  // a default that reads as a size, even a bad one ("0.1B", "1EiB"), makes a size: its fault is then named below
  const sizeLike = (d: string) => { try { return parseSize(d) !== undefined; } catch { return true; } };
  const type = machine?.type ?? (typeof def === "boolean" ? "bool" : typeof def === "number" ? "size" : typeof def === "string" && (def === "whole" || sizeLike(def)) ? "size" : "string");
  if (type === "bool") {
    if (typeof text === "boolean") return text;
    const t = String(text).toLowerCase();
    if (["on", "true", "1", "yes"].includes(t)) return true;
    if (["off", "false", "0", "no"].includes(t)) return false;
    throw new ScenarioError(field, `"${text}" is not on/off`);
  }
  if (type === "size") {
    if (text === "whole") return "whole";
    let n: number | undefined;
    try {
      n = parseSize(text as string | number);
    } catch (e) {
      throw new ScenarioError(field, (e as Error).message);
    }
    if (n === undefined) throw new ScenarioError(field, `"${text}" is not a size (write e.g. 4096, 64KiB, 1MiB)`);
    if (n < 0) throw new ScenarioError(field, `must not be negative`);
    if (machine?.max !== undefined && n > machine.max) throw new ScenarioError(field, `${n} exceeds the limit ${machine.max}`);
    if (machine?.min !== undefined && n < machine.min) throw new ScenarioError(field, `${n} is below the minimum ${machine.min}`);
    return n;
  }
  const s = String(text);
  if (machine?.values && !machine.values.includes(s)) throw new ScenarioError(field, `"${s}" is not one of ${machine.values.join(", ")}`);
  return s;
}

/** Resolves the scenario's params with the overrides, and the machine's own params. */
function resolveParams(sc: ScenarioFile, overrides: Record<string, string | number | boolean>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const declared = sc.params ?? {};
  const REF = /^\$([A-Za-z][A-Za-z0-9]*)$/;
  // a default may name another parameter ("bufSize": "$chunk"): it takes that one's type and, unless set, value
  const refOf = (k: string): string | undefined => {
    const m = typeof declared[k] === "string" ? REF.exec(declared[k] as string) : null;
    if (!m) return undefined;
    if (!(has(declared, m[1])) || REF.test(String(declared[m[1]]))) throw new ScenarioError(`params.${k}`, `"${declared[k]}" must name another parameter that has a value of its own`);
    return m[1];
  };
  for (const [k, v] of Object.entries(declared)) if (!refOf(k)) out[k] = parseParamValue(k, v, v, MACHINE_PARAMS[k]);
  for (const [k, m] of Object.entries(MACHINE_PARAMS)) if (!(has(out, k))) out[k] = m.default;
  for (const [k, v] of Object.entries(overrides)) {
    if (!has(out, k) && !has(declared, k)) { // a default naming another parameter is not in `out` yet
      const known = [...Object.keys(declared), ...Object.keys(MACHINE_PARAMS)].join(", ");
      throw new ScenarioError(`--set ${k}`, `unknown parameter (this scenario knows: ${known})`);
    }
    const ref = has(declared, k) ? refOf(k) : undefined;
    out[k] = parseParamValue(k, v, ref ? declared[ref] : declared[k] ?? MACHINE_PARAMS[k]?.default, MACHINE_PARAMS[k]);
  }
  for (const k of Object.keys(declared)) {
    const ref = refOf(k);
    if (ref && !(has(overrides, k))) out[k] = out[ref];
  }
  for (const k of Object.keys(out)) {
    if (out[k] !== "whole") continue;
    if (typeof out.fileSize !== "number") throw new ScenarioError(`params.${k}`, `"whole" needs a fileSize parameter`);
    out[k] = out.fileSize;
  }
  return out;
}

/** The phase that resolves setup: files, sinks and buffers, their sizes checked and their registers bound. */
function compileSetup(sc: ScenarioFile, params: Record<string, ParamValue>, em: Emitter): { files: CompiledFile[]; sinks: CompiledSink[]; bufs: CompiledBuf[] } {
  /** "$x" -> the param's value; anything else as written. */
  const deref = (v: unknown, path: string): unknown => {
    if (typeof v !== "string" || !/^\$[A-Za-z][A-Za-z0-9]*$/.test(v) || !has(params, v.slice(1))) return v;
    return params[v.slice(1)];
  };
  const sizeOf = (v: unknown, path: string, max: number, what: string): number => {
    const d = deref(v, path);
    let n: number | undefined;
    try {
      n = typeof d === "number" || typeof d === "string" ? parseSize(d) : undefined;
    } catch (e) {
      throw new ScenarioError(path, (e as Error).message);
    }
    if (n === undefined) throw new ScenarioError(path, `${JSON.stringify(v)} is not a size`);
    if (n < 0) throw new ScenarioError(path, "must not be negative");
    if (n > max) throw new ScenarioError(path, `${what} of ${n} bytes exceeds the limit of ${max} bytes`);
    return n;
  };
  const enumOf = <T extends string>(v: unknown, path: string, values: readonly T[], def: T): T => {
    const d = v === undefined ? def : deref(v, path);
    if (typeof d !== "string" || !values.includes(d as T)) throw new ScenarioError(path, `${JSON.stringify(d)} is not one of ${values.join(", ")}`);
    return d as T;
  };

  const files: CompiledFile[] = [];
  for (const [name, f] of Object.entries(sc.setup.files ?? {})) {
    const p = `setup.files.${name}`;
    const cache = enumOf(f.cache, `${p}.cache`, ["warm", "cold"] as const, "warm");
    const fill = enumOf(f.fill, `${p}.fill`, ["write", "read", "none"] as const, cache === "warm" ? "write" : "none");
    files.push({ id: files.length, name, size: sizeOf(f.size, `${p}.size`, MAX_FILE_SIZE, "a file"), cache, fill,
      fillChunk: f.fillChunk === undefined ? 1024 * 1024 : sizeOf(f.fillChunk, `${p}.fillChunk`, MAX_BUF_SIZE, "a fill chunk") });
    if (files[files.length - 1].fillChunk === 0) throw new ScenarioError(`${p}.fillChunk`, "must be at least 1 byte");
  }
  const fileId = (name: string) => files.findIndex((f) => f.name === name);

  const sinks: CompiledSink[] = [];
  for (const [name, s] of Object.entries(sc.setup.sinks ?? {})) {
    const p = `setup.sinks.${name}`;
    if (fileId(name) >= 0) throw new ScenarioError(p, `"${name}" is already a file name`);
    const kind = enumOf(s.kind, `${p}.kind`, Object.keys(SinkKind) as (keyof typeof SinkKind)[], "tcp");
    let expect = -1;
    if (s.expect === undefined) expect = files.length === 1 ? 0 : -1;
    else if (s.expect !== null) {
      expect = fileId(s.expect);
      if (expect < 0) throw new ScenarioError(`${p}.expect`, `unknown file "${s.expect}"`);
    }
    const lazy = enumOf(s.peer, `${p}.peer`, ["eager", "lazy"] as const, "eager") === "lazy";
    sinks.push({ name, kind, reg: em.bind(name, "fd", p), expect, lazy });
  }
  const bufs: CompiledBuf[] = [];
  for (const [name, b] of Object.entries(sc.setup.buffers ?? {})) {
    const p = `setup.buffers.${name}`;
    if (fileId(name) >= 0 || em.isBound(name)) throw new ScenarioError(p, `"${name}" is already used`);
    const size = sizeOf(b.size, `${p}.size`, MAX_BUF_SIZE, "a buffer");
    if (size === 0) throw new ScenarioError(`${p}.size`, "must be at least 1 byte");
    bufs.push({ name, size, reg: em.bind(name, "ptr", p) });
  }

  // the totals, checked before either engine allocates anything (the native host's RLIMIT_AS, the model's wasm32)
  const total = (xs: { size: number }[]) => xs.reduce((a, x) => a + x.size, 0);
  if (files.length > MAX_SETUP_FILES) throw new ScenarioError("setup.files", `${files.length} files: at most ${MAX_SETUP_FILES}`);
  if (sinks.length > MAX_SINKS) throw new ScenarioError("setup.sinks", `${sinks.length} sinks: at most ${MAX_SINKS}`);
  if (bufs.length > MAX_BUFFERS) throw new ScenarioError("setup.buffers", `${bufs.length} buffers: at most ${MAX_BUFFERS}`);
  if (total(files) > MAX_FILES_TOTAL) throw new ScenarioError("setup.files", `the files add up to ${total(files)} bytes, more than the limit of ${MAX_FILES_TOTAL} bytes (32 GiB)`);
  if (total(bufs) > MAX_BUFS_TOTAL) throw new ScenarioError("setup.buffers", `the buffers add up to ${total(bufs)} bytes, more than the limit of ${MAX_BUFS_TOTAL} bytes (4 GiB)`);
  return { files, sinks, bufs };
}

/** The knob section: each machine parameter that sets a knob, and whether any sink's peer is lazy. */
function programKnobs(params: Record<string, ParamValue>, sinks: CompiledSink[]): Record<number, number> {
  const knobs: Record<number, number> = {};
  for (const [k, m] of Object.entries(MACHINE_PARAMS)) {
    if (m.knob === undefined) continue;
    const v = params[k];
    knobs[m.knob] = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : m.values ? m.values.indexOf(String(v)) : 0;
  }
  knobs[Knob.PEER_LAZY] = sinks.some((s) => s.lazy) ? 1 : 0;
  return knobs;
}

/**
 * The compiler, phase by phase: check the file's shape, resolve the parameters, resolve setup (files, sinks,
 * buffers), emit the program's code and pool, choose the knobs, lay the sections out in words (layout.ts).
 */
export function compile(input: unknown, overrides: Record<string, string | number | boolean> = {}): Compiled {
  refuseForbiddenKeys(input);
  for (const k of Object.keys(overrides)) if (FORBIDDEN_KEYS.has(k)) throw new ScenarioError(`--set ${k}`, `"${k}" is not allowed as a name`);
  const sc = check(Scenario, input, "");
  const params = resolveParams(sc, overrides);
  const em = new Emitter(params);
  const { files, sinks, bufs } = compileSetup(sc, params, em);
  em.compileProgram(sc.program);
  const knobs = programKnobs(params, sinks);

  // names after the program's own paths: the string section holds each distinct name once
  const fileNameIds = files.map((f) => em.str(f.name));
  const sinkNameIds = sinks.map((s) => em.str(s.name));
  const bufNameIds = bufs.map((b) => em.str(b.name));
  if (em.strings.length > MAX_NAMES) throw new ScenarioError("program", `uses ${em.strings.length} distinct names (files, sinks, buffers, paths): the engines hold at most ${MAX_NAMES}`);
  const program = encodeProgram({
    nregs: em.regs.length,
    knobs: Object.entries(knobs).map(([k, v]) => [Number(k), v]),
    strings: em.strings,
    // FileRec, SinkRec, BufRec field order
    files: files.map((f, i) => [fileNameIds[i], f.size, Cache[f.cache], Fill[f.fill], f.fillChunk]),
    sinks: sinks.map((s, i) => [sinkNameIds[i], SinkKind[s.kind], s.reg, s.expect, s.lazy ? 1 : 0]),
    bufs: bufs.map((b, i) => [bufNameIds[i], b.size, b.reg]),
    code: em.code,
    pool: em.pool,
  });

  const payloadBytes = sinks.reduce((a, s) => (s.expect >= 0 ? Math.max(a, files[s.expect].size) : a), 0);
  return {
    name: sc.name, title: sc.title, params, payloadBytes, program, registers: em.regs,
    steps: em.steps, files, sinks, bufs, knobs, sites: em.sites,
  };
}
