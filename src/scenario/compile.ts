/**
 * The compiler: a scenario file (already JSON-parsed) plus parameter overrides -> the program words both engines
 * run (docs/program-format.md). Every refusal is a ScenarioError naming the field and the reason.
 */
import { z } from "zod";
import {
  Cache, Call, Fill, Flags, HEADER_WORDS, Knob, Op, PROGRAM_MAGIC, PROGRAM_VERSION, Rpn, SinkKind, Tag,
  type CallName,
} from "./abi.js";
import { parseExpr, resolve, toRpn, type Expr } from "./expr.js";
import { CallSchemas, IfSpec, RepeatSpec, Scenario, SetSpec, type ScenarioFile } from "./schema.js";
import {
  ScenarioError, type Compiled, type CompiledBuf, type CompiledFile, type CompiledSink, type CompiledStep,
  type ParamValue,
} from "./types.js";
import {
  MAX_BUF_SIZE, MAX_BUFFERS, MAX_BUFS_TOTAL, MAX_FILE_SIZE, MAX_FILES_TOTAL, MAX_NAMES, MAX_REGISTERS, MAX_SETUP_FILES,
  MAX_SINKS, parseSize,
} from "./units.js";
import { MACHINE_PARAMS, type MachineParam } from "./machine-params.js";

/** Own-property membership: "valueOf" or "constructor" must never pass for a call, a flag or a parameter. */
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Deepest nesting of `repeat` blocks. */
export const MAX_REPEAT_DEPTH = 8;
/** Most calls a program may contain (after nothing is unrolled: loops are not expanded). */
export const MAX_CALLS = 100000;

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

type Kind = "fd" | "ptr" | "num";
type Binding = { reg: number; kind: Kind };

/** How each argument name is written and encoded. */
const ARG_KIND: Record<string, "fd" | "expr" | "path" | "flags" | "loff" | "iov"> = {
  events: "flags", timeout: "expr",
  fd: "fd", fd_in: "fd", fd_out: "fd", out_fd: "fd", in_fd: "fd", sockfd: "fd", sink: "fd",
  buf: "expr", addr: "expr", count: "expr", len: "expr", length: "expr", optval: "expr", arg: "expr",
  offset: "expr", path: "path", flags: "flags", prot: "flags", mode: "flags", advice: "flags", cmd: "flags",
  whence: "flags", level: "flags", optname: "flags", off_in: "loff", off_out: "loff", iov: "iov",
};
/** `offset` is a loff_t pointer for sendfile(2) only. */
const LOFF_OFFSET: ReadonlySet<CallName> = new Set(["sendfile"]);

/** Which macro family each flag argument takes, so that O_RDONLY in splice's flags is refused. */
const FLAG_FAMILY: Record<string, string[]> = {
  "open.flags": ["O_"], "open.mode": [], "pipe2.flags": ["O_"], "mmap.prot": ["PROT_"], "mmap.flags": ["MAP_"],
  "splice.flags": ["SPLICE_F_"], "tee.flags": ["SPLICE_F_"], "vmsplice.flags": ["SPLICE_F_"],
  "fcntl.cmd": ["F_"], "send.flags": ["MSG_"], "setsockopt.level": ["SOL_"], "setsockopt.optname": ["SO_"],
  "lseek.whence": ["SEEK_"], "madvise.advice": ["MADV_"], "posix_fadvise.advice": ["POSIX_FADV_"],
  "copy_file_range.flags": [], "poll.events": ["POLL"],
};

/** Arguments that may be left out, and their value. */
const OPTIONAL: Record<string, unknown> = {
  "open.mode": 0o644, "mmap.addr": null, "mmap.offset": 0, "fcntl.arg": 0, "pipe2.flags": 0, "splice.flags": 0,
  "tee.flags": 0, "vmsplice.flags": 0, "copy_file_range.flags": 0, "send.flags": 0, "madvise.advice": 0,
  "copy_file_range.off_in": null, "copy_file_range.off_out": null, "splice.off_in": null, "splice.off_out": null,
  "sendfile.offset": null, "posix_fadvise.offset": 0, "posix_fadvise.len": 0,
};

/** Calls whose result is a descriptor, or a pointer. */
const RET_KIND: Partial<Record<CallName, Kind>> = { open: "fd", pipe: "fd", pipe2: "fd", mmap: "ptr" };

const zodPath = (base: string, issue: z.core.$ZodIssue) =>
  (base + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")).replace(/^\./, "");

function zodReason(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_type") return `expected ${issue.expected}`;
  return issue.message;
}

function check<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ScenarioError(zodPath(path, issue), zodReason(issue));
  }
  return r.data;
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

class Emitter {
  code: bigint[] = [];
  pool: bigint[] = [];
  strings: string[] = [];
  regs: string[] = [];
  /** code offset -> the statement it belongs to (Compiled.sites) */
  sites: { pc: number; at: string }[] = [];
  get pc() { return this.code.length; }
  emit(...w: (number | bigint)[]) { for (const x of w) this.code.push(BigInt(x)); }
  /** the instructions emitted from here on belong to statement `at` */
  site(at: string) {
    const last = this.sites[this.sites.length - 1];
    if (last && last.pc === this.pc) last.at = at;
    else this.sites.push({ pc: this.pc, at });
  }
  /** appends to the pool without a spread (a spread of 100,000 words overflows the stack) */
  poolPush(words: readonly bigint[]) { for (const x of words) this.pool.push(x); }
  str(s: string) {
    let i = this.strings.indexOf(s);
    if (i < 0) { i = this.strings.length; this.strings.push(s); }
    return i;
  }
  reg(name: string) { this.regs.push(name); return this.regs.length - 1; }
}

export function compile(input: unknown, overrides: Record<string, string | number | boolean> = {}): Compiled {
  refuseForbiddenKeys(input);
  for (const k of Object.keys(overrides)) if (FORBIDDEN_KEYS.has(k)) throw new ScenarioError(`--set ${k}`, `"${k}" is not allowed as a name`);
  const sc = check(Scenario, input, "");
  const params = resolveParams(sc, overrides);
  const em = new Emitter();
  const bindings = new Map<string, Binding>();

  const lookupParam = (name: string, path: string): ParamValue => {
    if (!(has(params, name))) throw new ScenarioError(path, `unknown parameter "$${name}"`);
    return params[name];
  };
  /** "$x" -> the param's value; anything else as written. */
  const deref = (v: unknown, path: string): unknown =>
    typeof v === "string" && /^\$[A-Za-z][A-Za-z0-9]*$/.test(v) && has(params, v.slice(1)) ? lookupParam(v.slice(1), path) : v;

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

  // ---- setup --------------------------------------------------------------------------------------------
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

  const bind = (name: string, kind: Kind, path: string): number => {
    if (has(params, name)) throw new ScenarioError(path, `"${name}" is already a parameter name`);
    const old = bindings.get(name);
    if (old) { old.kind = kind; return old.reg; } // rebinding in a loop reuses the register
    const reg = em.reg(name);
    bindings.set(name, { reg, kind });
    return reg;
  };

  const sinks: CompiledSink[] = [];
  for (const [name, s] of Object.entries(sc.setup.sinks ?? {})) {
    const p = `setup.sinks.${name}`;
    if (fileId(name) >= 0) throw new ScenarioError(p, `"${name}" is already a file name`);
    const kind = enumOf(s.kind, `${p}.kind`, ["tcp", "file", "null", "nic"] as const, "tcp");
    let expect = -1;
    if (s.expect === undefined) expect = files.length === 1 ? 0 : -1;
    else if (s.expect !== null) {
      expect = fileId(s.expect);
      if (expect < 0) throw new ScenarioError(`${p}.expect`, `unknown file "${s.expect}"`);
    }
    const lazy = enumOf(s.peer, `${p}.peer`, ["eager", "lazy"] as const, "eager") === "lazy";
    sinks.push({ name, kind, reg: bind(name, "fd", p), expect, lazy });
  }
  const bufs: CompiledBuf[] = [];
  for (const [name, b] of Object.entries(sc.setup.buffers ?? {})) {
    const p = `setup.buffers.${name}`;
    if (fileId(name) >= 0 || bindings.has(name)) throw new ScenarioError(p, `"${name}" is already used`);
    const size = sizeOf(b.size, `${p}.size`, MAX_BUF_SIZE, "a buffer");
    if (size === 0) throw new ScenarioError(`${p}.size`, "must be at least 1 byte");
    bufs.push({ name, size, reg: bind(name, "ptr", p) });
  }

  // the totals, checked before either engine allocates anything (the native host's RLIMIT_AS, the model's wasm32)
  const total = (xs: { size: number }[]) => xs.reduce((a, x) => a + x.size, 0);
  if (files.length > MAX_SETUP_FILES) throw new ScenarioError("setup.files", `${files.length} files: at most ${MAX_SETUP_FILES}`);
  if (sinks.length > MAX_SINKS) throw new ScenarioError("setup.sinks", `${sinks.length} sinks: at most ${MAX_SINKS}`);
  if (bufs.length > MAX_BUFFERS) throw new ScenarioError("setup.buffers", `${bufs.length} buffers: at most ${MAX_BUFFERS}`);
  if (total(files) > MAX_FILES_TOTAL) throw new ScenarioError("setup.files", `the files add up to ${total(files)} bytes, more than the limit of ${MAX_FILES_TOTAL} bytes (32 GiB)`);
  if (total(bufs) > MAX_BUFS_TOTAL) throw new ScenarioError("setup.buffers", `the buffers add up to ${total(bufs)} bytes, more than the limit of ${MAX_BUFS_TOTAL} bytes (4 GiB)`);

  // ---- operands -----------------------------------------------------------------------------------------
  const lookupName = (name: string, path: string): { value: bigint } | { reg: number } => {
    if (has(params, name)) {
      const v = params[name];
      if (typeof v === "number") return { value: BigInt(v) };
      if (typeof v === "boolean") return { value: v ? 1n : 0n };
      throw new ScenarioError(path, `parameter "$${name}" is "${v}", not a number`);
    }
    const b = bindings.get(name);
    if (b) return { reg: b.reg };
    throw new ScenarioError(path, `unknown name "${name}" (not a parameter, and not bound by a sink, a buffer or an earlier ret)`);
  };

  /** An expression operand -> (tag, val). */
  const exprOperand = (v: unknown, path: string): [number, bigint] => {
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new ScenarioError(path, `${v} is not a whole number`);
      return [Tag.IMM, BigInt(v)];
    }
    if (typeof v !== "string") throw new ScenarioError(path, `expected a number or an expression, got ${JSON.stringify(v)}`);
    let e: Expr;
    try {
      e = parseExpr(v);
    } catch (err) {
      throw new ScenarioError(path, (err as Error).message);
    }
    let r;
    try {
      r = resolve(e, (n) => lookupName(n, path), (n) => (has(params, n) && typeof params[n] === "string" ? (params[n] as string) : undefined));
    } catch (err) {
      if (err instanceof ScenarioError) throw err;
      throw new ScenarioError(path, (err as Error).message);
    }
    if (r.k === "num") return [Tag.IMM, r.v];
    if (r.k === "reg") return [Tag.REG, BigInt(r.reg)];
    let items: bigint[];
    try {
      items = toRpn(r);
    } catch (err) {
      throw new ScenarioError(path, (err as Error).message);
    }
    const off = em.pool.length;
    em.pool.push(BigInt(items.length / 2));
    em.poolPush(items);
    return [Tag.EXPR, BigInt(off)];
  };

  const fdOperand = (v: unknown, path: string): [number, bigint] => {
    if (typeof v === "number") return exprOperand(v, path);
    if (typeof v !== "string") throw new ScenarioError(path, `expected a descriptor name, got ${JSON.stringify(v)}`);
    const bare = v.replace(/^\$/, "");
    if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(bare) && !(has(params, bare))) {
      const b = bindings.get(bare);
      if (!b) throw new ScenarioError(path, `unknown descriptor "${bare}"`);
      if (b.kind !== "fd") throw new ScenarioError(path, `"${bare}" is not a descriptor (it holds ${b.kind === "ptr" ? "an address" : "a number"})`);
      return [Tag.REG, BigInt(b.reg)];
    }
    return exprOperand(v, path);
  };

  const flagsOperand = (v: unknown, path: string, family: string[] | undefined): [number, bigint] => {
    const names = typeof v === "string" && /^[A-Z][A-Z0-9_]*$/.test(v) ? [v] : Array.isArray(v) ? v : null;
    if (!names) return exprOperand(v, path);
    let value = 0n;
    for (let [i, n] of names.entries()) {
      const p = Array.isArray(v) ? `${path}[${i}]` : path;
      // "MAP_POPULATE if $populate": the flag is set when the parameter is on (or a non-zero number)
      const cond = typeof n === "string" ? /^([A-Z][A-Z0-9_]*)\s+if\s+\$([A-Za-z][A-Za-z0-9]*)$/.exec(n) : null;
      if (cond) {
        const pv = lookupParam(cond[2], p);
        if (!pv || pv === "off") continue;
        n = cond[1];
      }
      if (typeof n !== "string" || !(has(Flags, n))) throw new ScenarioError(p, `unknown flag ${JSON.stringify(n)}`);
      if (family && !family.some((f) => n.startsWith(f))) {
        throw new ScenarioError(p, family.length ? `${n} is not one of the ${family.join(" ")}* flags this argument takes` : `this argument takes a number, not ${n}`);
      }
      value |= BigInt(Flags[n as keyof typeof Flags]);
    }
    return [Tag.IMM, value];
  };

  const loffOperand = (v: unknown, path: string): [number, bigint] => {
    if (v === null) return [Tag.NULL, 0n];
    if (typeof v === "string" && v.startsWith("&")) {
      const name = v.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ScenarioError(path, `"${v}": & must be followed by a variable name`);
      if (has(params, name)) throw new ScenarioError(path, `"${name}" is a parameter; & takes a variable (bind one with set)`);
      const b = bindings.get(name);
      if (!b) throw new ScenarioError(path, `unknown variable "${name}" (bind it first: { "set": "${name}", "to": 0 })`);
      return [Tag.REF, BigInt(b.reg)];
    }
    // a value: the engine passes a pointer to a temporary loff_t that holds it; the temporaries live for one call,
    // so every call shares the same few
    const [tag, val] = exprOperand(v, path);
    const reg = loffTemps[pendingSets.length] ?? (loffTemps[pendingSets.length] = em.reg(""));
    pendingSets.push([reg, tag, val]);
    return [Tag.REF, BigInt(reg)];
  };
  let pendingSets: [number, number, bigint][] = [];
  const loffTemps: number[] = [];

  const iovOperand = (v: unknown, path: string): [number, bigint] => {
    if (!Array.isArray(v)) throw new ScenarioError(path, "expected an array of { iov_base, iov_len }");
    const words: bigint[] = [BigInt(v.length)];
    v.forEach((e: { iov_base: unknown; iov_len: unknown }, i) => {
      const [t1, v1] = exprOperand(e.iov_base, `${path}[${i}].iov_base`);
      const [t2, v2] = exprOperand(e.iov_len, `${path}[${i}].iov_len`);
      words.push(BigInt(t1), v1, BigInt(t2), v2);
    });
    const off = em.pool.length;
    em.poolPush(words);
    return [Tag.IOV, BigInt(off)];
  };

  const pathOperand = (v: unknown, path: string): [number, bigint] => {
    const d = deref(v, path);
    if (typeof d !== "string") throw new ScenarioError(path, "expected a file name");
    if (d === "." || d === ".." || !/^[A-Za-z0-9._-]{1,64}$/.test(d)) {
      throw new ScenarioError(path, `"${d}" is not a name in the sandbox (letters, digits, . _ -, no "/", not "." or "..")`);
    }
    return [Tag.STR, BigInt(em.str(d))];
  };

  // ---- statements ---------------------------------------------------------------------------------------
  const steps: CompiledStep[] = [];
  let budgetCalls = 0;

  type Loop = { breaks: number[] };
  const compileCall = (st: Record<string, unknown>, path: string, loop: Loop | null, watched: boolean) => {
    const call = st.call as string;
    if (typeof call !== "string" || !(has(Call, call))) {
      const known = Object.keys(Call).join(", ");
      throw new ScenarioError(`${path}.call`, `unknown call ${JSON.stringify(call)} (known: ${known})`);
    }
    const name = call as CallName;
    check(CallSchemas[name], st, path);
    if (++budgetCalls > MAX_CALLS) throw new ScenarioError(path, `more than ${MAX_CALLS} calls`);
    const spec = Call[name];
    const operands: [number, bigint][] = [];
    pendingSets = [];
    for (const a of spec.args) {
      const key = `${name}.${a}`;
      let v = st[a];
      const ap = `${path}.${a}`;
      if (v === undefined) {
        if (has(OPTIONAL, key)) v = OPTIONAL[key];
        else if (a === "flags") v = 0;
        else throw new ScenarioError(ap, "is required");
      }
      let kind = ARG_KIND[a];
      if (a === "offset" && LOFF_OFFSET.has(name)) kind = "loff";
      switch (kind) {
        case "fd": operands.push(fdOperand(v, ap)); break;
        case "path": operands.push(pathOperand(v, ap)); break;
        case "flags": operands.push(flagsOperand(v, ap, FLAG_FAMILY[key])); break;
        case "loff": operands.push(loffOperand(v, ap)); break;
        case "iov": operands.push(iovOperand(v, ap)); break;
        default:
          if (v === null) {
            if (a !== "addr" && a !== "buf") throw new ScenarioError(ap, "must not be null");
            operands.push([Tag.NULL, 0n]);
          } else operands.push(exprOperand(v, ap));
      }
    }
    for (const [reg, tag, val] of pendingSets) em.emit(Op.SET, reg, tag, val);
    const rets = st.ret === undefined ? [] : Array.isArray(st.ret) ? (st.ret as string[]) : [st.ret as string];
    const maxRets = name === "pipe" || name === "pipe2" ? 2 : name === "recv_errqueue" ? 3 : 1;
    if ((name === "pipe" || name === "pipe2") && rets.length !== 2) throw new ScenarioError(`${path}.ret`, `${name} binds two names: [read end, write end]`);
    if (rets.length > maxRets) throw new ScenarioError(`${path}.ret`, `${name} binds at most ${maxRets} name${maxRets > 1 ? "s" : ""}`);
    const regs = rets.map((r, i) => bind(r, RET_KIND[name] ?? "num", `${path}.ret${rets.length > 1 ? `[${i}]` : ""}`));
    while (regs.length < 3) regs.push(-1);
    const step = steps.length;
    steps.push({ step, at: path, call: name, args: Object.fromEntries(spec.args.map((a) => [a, st[a] ?? OPTIONAL[`${name}.${a}`] ?? null])) });
    em.emit(Op.CALL, spec.id, step, spec.args.length, regs[0], regs[1], regs[2]);
    const brkAt = em.pc;
    em.emit(0);
    if (watched && loop) loop.breaks.push(brkAt);
    for (const [t, v] of operands) em.emit(t, v);
  };

  const compileBlock = (stmts: unknown[], base: string, depth: number, loop: Loop | null, watch: string | null | undefined) => {
    stmts.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ScenarioError(path, "expected a statement object ({ call }, { repeat, do }, { if, do } or { set, to })");
      const st = raw as Record<string, unknown>;
      em.site(path);
      if ("call" in st) {
        const rets = st.ret === undefined ? [] : Array.isArray(st.ret) ? st.ret : [st.ret];
        // the watched call of an `until: "zero"` loop: named by `watch`, else the loop's first call
        const watched = watch === null ? false : watch === undefined ? i === 0 : rets.includes(watch);
        compileCall(st, path, loop, watched && loop !== null);
      } else if ("repeat" in st) {
        if (depth >= MAX_REPEAT_DEPTH) throw new ScenarioError(`${path}.repeat`, `repeat blocks nest deeper than ${MAX_REPEAT_DEPTH}`);
        const r = check(RepeatSpec, st, path);
        const inner: Loop = { breaks: [] };
        const rep = r.repeat as { until?: "zero"; watch?: string; count?: number | string; while?: string };
        const watchCheck = () => {
          if (rep.watch !== undefined && inner.breaks.length === 0) throw new ScenarioError(`${path}.repeat.watch`, `no call in the block binds "${rep.watch}"`);
        };
        if (rep.until === "zero") {
          if (!(r.do[0] && typeof r.do[0] === "object" && "call" in (r.do[0] as object)) && rep.watch === undefined) {
            throw new ScenarioError(`${path}.do[0]`, `until "zero" watches the first call of the block: put a call first or name one with watch`);
          }
          const top = em.pc;
          compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch);
          if (inner.breaks.length === 0) throw new ScenarioError(`${path}.repeat.watch`, `no call in the block binds "${rep.watch}"`);
          em.site(`${path}.repeat`);
          em.emit(Op.JUMP, top);
          for (const b of inner.breaks) em.code[b] = BigInt(em.pc);
        } else if (rep.count !== undefined) {
          const [tag, val] = exprOperand(rep.count, `${path}.repeat.count`);
          if (tag === Tag.IMM && val < 0n) throw new ScenarioError(`${path}.repeat.count`, "must not be negative");
          const ctr = em.reg("");
          em.emit(Op.SET, ctr, tag, val);
          const top = em.pc;
          // while ctr > 0: a count that is negative at run time runs the block no times (== 0 would loop to the cap)
          const test = em.pool.length;
          em.pool.push(3n, BigInt(Rpn.REG), BigInt(ctr), BigInt(Rpn.IMM), 0n, BigInt(Rpn.GT), 0n);
          em.emit(Op.JZ, Tag.EXPR, test, 0);
          const jzTarget = em.pc - 1;
          compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch ?? null);
          watchCheck();
          em.site(`${path}.repeat.count`);
          const off = em.pool.length;
          em.pool.push(3n, BigInt(Rpn.REG), BigInt(ctr), BigInt(Rpn.IMM), 1n, BigInt(Rpn.SUB), 0n); // ctr - 1
          em.emit(Op.SET, ctr, Tag.EXPR, off, Op.JUMP, top);
          em.code[jzTarget] = BigInt(em.pc);
          for (const b of inner.breaks) em.code[b] = BigInt(em.pc);
        } else {
          const [tag, val] = exprOperand(rep.while, `${path}.repeat.while`);
          const top = em.pc;
          em.emit(Op.JZ, tag, val, 0);
          const jzTarget = em.pc - 1;
          compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch ?? null);
          watchCheck();
          em.site(`${path}.repeat.while`);
          em.emit(Op.JUMP, top);
          em.code[jzTarget] = BigInt(em.pc);
          for (const b of inner.breaks) em.code[b] = BigInt(em.pc);
        }
      } else if ("if" in st) {
        if (depth >= MAX_REPEAT_DEPTH) throw new ScenarioError(`${path}.if`, `blocks nest deeper than ${MAX_REPEAT_DEPTH}`);
        const s = check(IfSpec, st, path);
        const [tag, val] = exprOperand(s.if, `${path}.if`);
        if (tag === Tag.IMM) {
          // decided now: only the chosen block is compiled (its calls keep their steps and places)
          if (val !== 0n) compileBlock(s.do, `${path}.do`, depth + 1, loop, null);
        } else {
          em.emit(Op.JZ, tag, val, 0);
          const jzTarget = em.pc - 1;
          compileBlock(s.do, `${path}.do`, depth + 1, loop, null);
          em.code[jzTarget] = BigInt(em.pc);
        }
      } else if ("set" in st) {
        const s = check(SetSpec, st, path);
        const [tag, val] = exprOperand(s.to, `${path}.to`);
        const reg = bind(s.set, bindings.get(s.set)?.kind ?? "num", `${path}.set`);
        em.emit(Op.SET, reg, tag, val);
      } else {
        throw new ScenarioError(path, `expected a statement: { "call": ... }, { "repeat": ..., "do": [...] }, { "if": ..., "do": [...] } or { "set": ..., "to": ... }`);
      }
    });
  };
  compileBlock(sc.program, "program", 0, null, null);
  em.site("program");
  em.emit(Op.HALT);
  if (em.regs.length > MAX_REGISTERS) throw new ScenarioError("program", `needs ${em.regs.length} registers (names bound, loop counters, temporaries): the engines hold at most ${MAX_REGISTERS}`);

  // ---- knobs --------------------------------------------------------------------------------------------
  const knobs: Record<number, number> = {};
  for (const [k, m] of Object.entries(MACHINE_PARAMS)) {
    if (m.knob === undefined) continue;
    const v = params[k];
    knobs[m.knob] = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : m.values ? m.values.indexOf(String(v)) : 0;
  }
  knobs[Knob.PEER_LAZY] = sinks.some((s) => s.lazy) ? 1 : 0;

  // ---- layout -------------------------------------------------------------------------------------------
  const w: bigint[] = [];
  const strWords = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    const out = [BigInt(bytes.length)];
    for (let i = 0; i < bytes.length; i += 8) {
      let word = 0n;
      for (let j = 0; j < 8 && i + j < bytes.length; j++) word |= BigInt(bytes[i + j]) << BigInt(8 * j);
      out.push(word);
    }
    return out;
  };
  const fileNameIds = files.map((f) => em.str(f.name));
  const sinkNameIds = sinks.map((s) => em.str(s.name));
  const bufNameIds = bufs.map((b) => em.str(b.name));
  if (em.strings.length > MAX_NAMES) throw new ScenarioError("program", `uses ${em.strings.length} distinct names (files, sinks, buffers, paths): the engines hold at most ${MAX_NAMES}`);
  const knobEntries = Object.entries(knobs);
  w.push(BigInt(PROGRAM_MAGIC), BigInt(PROGRAM_VERSION), BigInt(em.regs.length), BigInt(knobEntries.length),
    BigInt(em.strings.length), BigInt(files.length), BigInt(sinks.length), BigInt(bufs.length),
    BigInt(em.code.length), BigInt(em.pool.length));
  if (w.length !== HEADER_WORDS) throw new Error("header layout");
  for (const [k, v] of knobEntries) w.push(BigInt(k), BigInt(v));
  for (const s of em.strings) for (const x of strWords(s)) w.push(x);
  files.forEach((f, i) => w.push(BigInt(fileNameIds[i]), BigInt(f.size), BigInt(Cache[f.cache]), BigInt(Fill[f.fill]), BigInt(f.fillChunk)));
  sinks.forEach((s, i) => w.push(BigInt(sinkNameIds[i]), BigInt(SinkKind[s.kind]), BigInt(s.reg), BigInt(s.expect), s.lazy ? 1n : 0n));
  bufs.forEach((b, i) => w.push(BigInt(bufNameIds[i]), BigInt(b.size), BigInt(b.reg)));
  for (const x of em.code) w.push(x);
  for (const x of em.pool) w.push(x);

  const payloadBytes = sinks.reduce((a, s) => (s.expect >= 0 ? Math.max(a, files[s.expect].size) : a), 0);
  return {
    name: sc.name, title: sc.title, params, payloadBytes, program: BigInt64Array.from(w), registers: em.regs,
    steps, files, sinks, bufs, knobs, sites: em.sites,
  };
}
