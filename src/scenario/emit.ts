/**
 * The compiler's emit phase: the program's statements -> instructions in the code section and expressions in the
 * pool (docs/program-format.md). How each argument is written and encoded comes from the call table (calls.ts):
 * its kind picks the operand encoder below, its family the macros it takes, its default the value when left out.
 */
import { CallInsn, CALLS, Flags, Op, Rpn, Tag, type CallName } from "./abi.js";
import type { ArgSpec, CallSpec } from "./calls.js";
import { parseExpr, resolve, toRpn, type Expr } from "./expr.js";
import { CallSchemas, IfSpec, RepeatSpec, SetSpec } from "./schema.js";
import { ScenarioError, type CompiledStep, type ParamValue } from "./types.js";
import { MAX_REGISTERS } from "./units.js";
import { check, has } from "./check.js";

/** Deepest nesting of `repeat` blocks. */
export const MAX_REPEAT_DEPTH = 8;
/** Most calls a program may contain (after nothing is unrolled: loops are not expanded). */
export const MAX_CALLS = 100000;

/** What a bound name holds: a descriptor, an address, or a number. */
export type Kind = "fd" | "ptr" | "num";
type Binding = { reg: number; kind: Kind };
type Operand = [number, bigint];
type Loop = { breaks: number[] };

const callSpec = (name: CallName): CallSpec => CALLS[name];
/** An argument's value when it is left out: its default, 0 for one named `flags`; undefined: it is required. */
function argDefault(arg: string, spec: ArgSpec): unknown {
  return spec.default !== undefined ? spec.default : arg === "flags" ? 0 : undefined;
}

/** The code and pool under construction, the registers and the names bound to them. */
export class Emitter {
  code: bigint[] = [];
  pool: bigint[] = [];
  strings: string[] = [];
  regs: string[] = [];
  /** code offset -> the statement it belongs to (Compiled.sites) */
  sites: { pc: number; at: string }[] = [];
  /** one record per CALL, by step */
  steps: CompiledStep[] = [];
  private bindings = new Map<string, Binding>();
  private budgetCalls = 0;
  /** SETs of the loff_t temporaries of the call being compiled, emitted before its CALL */
  private pendingSets: [number, number, bigint][] = [];
  private loffTemps: number[] = [];

  constructor(private readonly params: Record<string, ParamValue>) {}

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
  isBound(name: string) { return this.bindings.has(name); }

  /** Binds `name` to a register (a setup sink or buffer, a call's ret, a set). */
  bind(name: string, kind: Kind, path: string): number {
    if (has(this.params, name)) throw new ScenarioError(path, `"${name}" is already a parameter name`);
    const old = this.bindings.get(name);
    if (old) { old.kind = kind; return old.reg; } // rebinding in a loop reuses the register
    const reg = this.reg(name);
    this.bindings.set(name, { reg, kind });
    return reg;
  }

  private lookupParam(name: string, path: string): ParamValue {
    if (!(has(this.params, name))) throw new ScenarioError(path, `unknown parameter "$${name}"`);
    return this.params[name];
  }
  /** "$x" -> the param's value; anything else as written. */
  private deref(v: unknown, path: string): unknown {
    return typeof v === "string" && /^\$[A-Za-z][A-Za-z0-9]*$/.test(v) && has(this.params, v.slice(1)) ? this.lookupParam(v.slice(1), path) : v;
  }

  // ---- operands -----------------------------------------------------------------------------------------
  private lookupName(name: string, path: string): { value: bigint } | { reg: number } {
    const params = this.params;
    if (has(params, name)) {
      const v = params[name];
      if (typeof v === "number") return { value: BigInt(v) };
      if (typeof v === "boolean") return { value: v ? 1n : 0n };
      throw new ScenarioError(path, `parameter "$${name}" is "${v}", not a number`);
    }
    const b = this.bindings.get(name);
    if (b) return { reg: b.reg };
    throw new ScenarioError(path, `unknown name "${name}" (not a parameter, and not bound by a sink, a buffer or an earlier ret)`);
  }

  /** An expression operand -> (tag, val). */
  exprOperand(v: unknown, path: string): Operand {
    const params = this.params;
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
      r = resolve(e, (n) => this.lookupName(n, path), (n) => (has(params, n) && typeof params[n] === "string" ? (params[n] as string) : undefined));
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
    const off = this.pool.length;
    this.pool.push(BigInt(items.length / 2));
    this.poolPush(items);
    return [Tag.EXPR, BigInt(off)];
  }

  private fdOperand(v: unknown, path: string): Operand {
    if (typeof v === "number") return this.exprOperand(v, path);
    if (typeof v !== "string") throw new ScenarioError(path, `expected a descriptor name, got ${JSON.stringify(v)}`);
    const bare = v.replace(/^\$/, "");
    if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(bare) && !(has(this.params, bare))) {
      const b = this.bindings.get(bare);
      if (!b) throw new ScenarioError(path, `unknown descriptor "${bare}"`);
      if (b.kind !== "fd") throw new ScenarioError(path, `"${bare}" is not a descriptor (it holds ${b.kind === "ptr" ? "an address" : "a number"})`);
      return [Tag.REG, BigInt(b.reg)];
    }
    return this.exprOperand(v, path);
  }

  private flagsOperand(v: unknown, path: string, family: readonly string[] | undefined): Operand {
    const names = typeof v === "string" && /^[A-Z][A-Z0-9_]*$/.test(v) ? [v] : Array.isArray(v) ? v : null;
    if (!names) return this.exprOperand(v, path);
    let value = 0n;
    for (let [i, n] of names.entries()) {
      const p = Array.isArray(v) ? `${path}[${i}]` : path;
      // "MAP_POPULATE if $populate": the flag is set when the parameter is on (or a non-zero number)
      const cond = typeof n === "string" ? /^([A-Z][A-Z0-9_]*)\s+if\s+\$([A-Za-z][A-Za-z0-9]*)$/.exec(n) : null;
      if (cond) {
        const pv = this.lookupParam(cond[2], p);
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
  }

  private loffOperand(v: unknown, path: string): Operand {
    if (v === null) return [Tag.NULL, 0n];
    if (typeof v === "string" && v.startsWith("&")) {
      const name = v.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ScenarioError(path, `"${v}": & must be followed by a variable name`);
      if (has(this.params, name)) throw new ScenarioError(path, `"${name}" is a parameter; & takes a variable (bind one with set)`);
      const b = this.bindings.get(name);
      if (!b) throw new ScenarioError(path, `unknown variable "${name}" (bind it first: { "set": "${name}", "to": 0 })`);
      return [Tag.REF, BigInt(b.reg)];
    }
    // a value: the engine passes a pointer to a temporary loff_t that holds it; the temporaries live for one call,
    // so every call shares the same few
    const [tag, val] = this.exprOperand(v, path);
    const n = this.pendingSets.length;
    const reg = this.loffTemps[n] ?? (this.loffTemps[n] = this.reg(""));
    this.pendingSets.push([reg, tag, val]);
    return [Tag.REF, BigInt(reg)];
  }

  private iovOperand(v: unknown, path: string): Operand {
    if (!Array.isArray(v)) throw new ScenarioError(path, "expected an array of { iov_base, iov_len }");
    const words: bigint[] = [BigInt(v.length)];
    v.forEach((e: { iov_base: unknown; iov_len: unknown }, i) => {
      const [t1, v1] = this.exprOperand(e.iov_base, `${path}[${i}].iov_base`);
      const [t2, v2] = this.exprOperand(e.iov_len, `${path}[${i}].iov_len`);
      words.push(BigInt(t1), v1, BigInt(t2), v2);
    });
    const off = this.pool.length;
    this.poolPush(words);
    return [Tag.IOV, BigInt(off)];
  }

  private pathOperand(v: unknown, path: string): Operand {
    const d = this.deref(v, path);
    if (typeof d !== "string") throw new ScenarioError(path, "expected a file name");
    if (d === "." || d === ".." || !/^[A-Za-z0-9._-]{1,64}$/.test(d)) {
      throw new ScenarioError(path, `"${d}" is not a name in the sandbox (letters, digits, . _ -, no "/", not "." or "..")`);
    }
    return [Tag.STR, BigInt(this.str(d))];
  }

  /** One argument, encoded as its kind says. */
  private argOperand(arg: string, spec: ArgSpec, v: unknown, path: string): Operand {
    switch (spec.kind) {
      case "fd": case "sink": return this.fdOperand(v, path);
      case "path": return this.pathOperand(v, path);
      case "flags": case "const": return this.flagsOperand(v, path, spec.family);
      case "loff": return this.loffOperand(v, path);
      case "iov": return this.iovOperand(v, path);
      default: // buf, addr, len, num: an expression; an address may be NULL
        if (v === null) {
          if (spec.kind !== "addr" && spec.kind !== "buf") throw new ScenarioError(path, "must not be null");
          return [Tag.NULL, 0n];
        }
        return this.exprOperand(v, path);
    }
  }

  // ---- statements ---------------------------------------------------------------------------------------
  private compileCall(st: Record<string, unknown>, path: string, loop: Loop | null, watched: boolean) {
    const call = st.call as string;
    if (typeof call !== "string" || !(has(CALLS, call))) {
      const known = Object.keys(CALLS).join(", ");
      throw new ScenarioError(`${path}.call`, `unknown call ${JSON.stringify(call)} (known: ${known})`);
    }
    const name = call as CallName;
    check(CallSchemas[name], st, path);
    if (++this.budgetCalls > MAX_CALLS) throw new ScenarioError(path, `more than ${MAX_CALLS} calls`);
    const spec = callSpec(name);
    const args = Object.entries(spec.args);
    const operands: Operand[] = [];
    this.pendingSets = [];
    for (const [a, arg] of args) {
      let v = st[a];
      const ap = `${path}.${a}`;
      if (v === undefined) {
        v = argDefault(a, arg);
        if (v === undefined) throw new ScenarioError(ap, "is required");
      }
      operands.push(this.argOperand(a, arg, v, ap));
    }
    for (const [reg, tag, val] of this.pendingSets) this.emit(Op.SET, reg, tag, val);
    // what `ret` binds: the return value, or the names the call lists (pipe's two ends, a completion's three words)
    const rets = st.ret === undefined ? [] : Array.isArray(st.ret) ? (st.ret as string[]) : [st.ret as string];
    const maxRets = spec.rets?.length ?? 1;
    if (spec.retAll && rets.length !== maxRets) throw new ScenarioError(`${path}.ret`, `${name} binds ${maxRets === 2 ? "two" : maxRets} names: [${spec.rets!.join(", ")}]`);
    if (rets.length > maxRets) throw new ScenarioError(`${path}.ret`, `${name} binds at most ${maxRets} name${maxRets > 1 ? "s" : ""}`);
    const regs = rets.map((r, i) => this.bind(r, spec.ret ?? "num", `${path}.ret${rets.length > 1 ? `[${i}]` : ""}`));
    while (regs.length < 3) regs.push(-1);
    const step = this.steps.length;
    this.steps.push({ step, at: path, call: name, args: Object.fromEntries(args.map(([a, arg]) => [a, st[a] ?? arg.default ?? null])) });
    const at = this.pc;
    this.emit(Op.CALL, spec.id, step, args.length, regs[0], regs[1], regs[2], 0); // CallInsn: brk_pc patched later
    const brkAt = at + CallInsn.BRK;
    if (watched && loop) loop.breaks.push(brkAt);
    for (const [t, v] of operands) this.emit(t, v);
  }

  /** A block of statements; `loop` collects the break targets of an `until: "zero"` loop's watched calls. */
  compileBlock(stmts: unknown[], base: string, depth: number, loop: Loop | null, watch: string | null | undefined): void {
    stmts.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ScenarioError(path, "expected a statement object ({ call }, { repeat, do }, { if, do } or { set, to })");
      const st = raw as Record<string, unknown>;
      this.site(path);
      if ("call" in st) {
        const rets = st.ret === undefined ? [] : Array.isArray(st.ret) ? st.ret : [st.ret];
        // the watched call of an `until: "zero"` loop: named by `watch`, else the loop's first call
        const watched = watch === null ? false : watch === undefined ? i === 0 : rets.includes(watch);
        this.compileCall(st, path, loop, watched && loop !== null);
      } else if ("repeat" in st) {
        this.compileRepeat(st, path, depth);
      } else if ("if" in st) {
        if (depth >= MAX_REPEAT_DEPTH) throw new ScenarioError(`${path}.if`, `blocks nest deeper than ${MAX_REPEAT_DEPTH}`);
        const s = check(IfSpec, st, path);
        const [tag, val] = this.exprOperand(s.if, `${path}.if`);
        if (tag === Tag.IMM) {
          // decided now: only the chosen block is compiled (its calls keep their steps and places)
          if (val !== 0n) this.compileBlock(s.do, `${path}.do`, depth + 1, loop, null);
        } else {
          this.emit(Op.JZ, tag, val, 0);
          const jzTarget = this.pc - 1;
          this.compileBlock(s.do, `${path}.do`, depth + 1, loop, null);
          this.code[jzTarget] = BigInt(this.pc);
        }
      } else if ("set" in st) {
        const s = check(SetSpec, st, path);
        const [tag, val] = this.exprOperand(s.to, `${path}.to`);
        const reg = this.bind(s.set, this.bindings.get(s.set)?.kind ?? "num", `${path}.set`);
        this.emit(Op.SET, reg, tag, val);
      } else {
        throw new ScenarioError(path, `expected a statement: { "call": ... }, { "repeat": ..., "do": [...] }, { "if": ..., "do": [...] } or { "set": ..., "to": ... }`);
      }
    });
  }

  private compileRepeat(st: Record<string, unknown>, path: string, depth: number): void {
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
      const top = this.pc;
      this.compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch);
      if (inner.breaks.length === 0) throw new ScenarioError(`${path}.repeat.watch`, `no call in the block binds "${rep.watch}"`);
      this.site(`${path}.repeat`);
      this.emit(Op.JUMP, top);
      for (const b of inner.breaks) this.code[b] = BigInt(this.pc);
    } else if (rep.count !== undefined) {
      const [tag, val] = this.exprOperand(rep.count, `${path}.repeat.count`);
      if (tag === Tag.IMM && val < 0n) throw new ScenarioError(`${path}.repeat.count`, "must not be negative");
      const ctr = this.reg("");
      this.emit(Op.SET, ctr, tag, val);
      const top = this.pc;
      // while ctr > 0: a count that is negative at run time runs the block no times (== 0 would loop to the cap)
      const test = this.pool.length;
      this.pool.push(3n, BigInt(Rpn.REG), BigInt(ctr), BigInt(Rpn.IMM), 0n, BigInt(Rpn.GT), 0n);
      this.emit(Op.JZ, Tag.EXPR, test, 0);
      const jzTarget = this.pc - 1;
      this.compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch ?? null);
      watchCheck();
      this.site(`${path}.repeat.count`);
      const off = this.pool.length;
      this.pool.push(3n, BigInt(Rpn.REG), BigInt(ctr), BigInt(Rpn.IMM), 1n, BigInt(Rpn.SUB), 0n); // ctr - 1
      this.emit(Op.SET, ctr, Tag.EXPR, off, Op.JUMP, top);
      this.code[jzTarget] = BigInt(this.pc);
      for (const b of inner.breaks) this.code[b] = BigInt(this.pc);
    } else {
      const [tag, val] = this.exprOperand(rep.while, `${path}.repeat.while`);
      const top = this.pc;
      this.emit(Op.JZ, tag, val, 0);
      const jzTarget = this.pc - 1;
      this.compileBlock(r.do, `${path}.do`, depth + 1, inner, rep.watch ?? null);
      watchCheck();
      this.site(`${path}.repeat.while`);
      this.emit(Op.JUMP, top);
      this.code[jzTarget] = BigInt(this.pc);
      for (const b of inner.breaks) this.code[b] = BigInt(this.pc);
    }
  }

  /** The whole program: its statements, then HALT. */
  compileProgram(program: unknown[]): void {
    this.compileBlock(program, "program", 0, null, null);
    this.site("program");
    this.emit(Op.HALT);
    if (this.regs.length > MAX_REGISTERS) throw new ScenarioError("program", `needs ${this.regs.length} registers (names bound, loop counters, temporaries): the engines hold at most ${MAX_REGISTERS}`);
  }
}
