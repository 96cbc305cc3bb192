/**
 * Reading a compiled program back (docs/program-format.md): the operands of each CALL instruction by step, the
 * strings, and an RPN evaluator over the registers a trace lets us know. The model's SYS_ENTER carries only the
 * first four argument values, and a REF operand passes its register index, not the offset: the strace and
 * Perfetto exports complete a call's arguments from its operands here.
 */
import { HEADER_WORDS, Op, Rpn, Tag } from "../../scenario/abi.js";

export interface Operand { tag: number; val: number }

export interface CallInsn {
  call: number;
  step: number;
  /** registers bound by `ret` (-1: unbound) */
  r: [number, number, number];
  args: Operand[];
}

export interface DecodedProgram {
  strings: string[];
  /** CALL instruction by step */
  calls: Map<number, CallInsn>;
  /** the expression pool (words as numbers) */
  pool: number[];
}

/** Decodes the sections of a program the trace exports need. */
export function decodeProgram(words: BigInt64Array): DecodedProgram {
  const w = (i: number) => Number(words[i]);
  const nknobs = w(3), nstrings = w(4), nfiles = w(5), nsinks = w(6), nbufs = w(7), ncode = w(8), npool = w(9);
  let p = HEADER_WORDS + 2 * nknobs;
  const strings: string[] = [];
  for (let i = 0; i < nstrings; i++) {
    const nb = w(p);
    const bytes: number[] = [];
    for (let j = 0; j < nb; j++) {
      const word = words[p + 1 + (j >> 3)];
      bytes.push(Number((BigInt.asUintN(64, word) >> BigInt((j & 7) * 8)) & 0xffn));
    }
    strings.push(String.fromCharCode(...bytes));
    p += 1 + Math.ceil(nb / 8);
  }
  p += 5 * nfiles + 5 * nsinks + 3 * nbufs;
  const code = p;
  const calls = new Map<number, CallInsn>();
  let pc = 0;
  while (pc < ncode) {
    const op = w(code + pc);
    if (op === Op.CALL) {
      const nargs = w(code + pc + 3);
      const args: Operand[] = [];
      for (let i = 0; i < nargs; i++) args.push({ tag: w(code + pc + 8 + 2 * i), val: w(code + pc + 9 + 2 * i) });
      calls.set(w(code + pc + 2), { call: w(code + pc + 1), step: w(code + pc + 2), r: [w(code + pc + 4), w(code + pc + 5), w(code + pc + 6)], args });
      pc += 8 + 2 * nargs;
    } else if (op === Op.SET || op === Op.JZ) pc += 4;
    else if (op === Op.JUMP) pc += 2;
    else pc += 1; // HALT (or anything unknown: stop cleanly)
    if (op === Op.HALT) break;
  }
  const pool: number[] = [];
  for (let i = 0; i < npool; i++) pool.push(w(code + ncode + i));
  return { strings, calls, pool };
}

/** Evaluates the RPN expression at `off` in the pool with the registers known so far; undefined if one is not. */
export function evalExpr(pool: number[], off: number, regs: Map<number, number>): number | undefined {
  const n = pool[off];
  const st: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = pool[off + 1 + 2 * i], v = pool[off + 2 + 2 * i];
    if (op === Rpn.IMM) { st.push(v); continue; }
    if (op === Rpn.REG) { const r = regs.get(v); if (r === undefined) return undefined; st.push(r); continue; }
    const b = st.pop() ?? 0, a = st.pop() ?? 0;
    switch (op) {
      case Rpn.ADD: st.push(a + b); break;
      case Rpn.SUB: st.push(a - b); break;
      case Rpn.MUL: st.push(a * b); break;
      case Rpn.DIV: st.push(b === 0 ? 0 : Math.trunc(a / b)); break;
      case Rpn.MOD: st.push(b === 0 ? 0 : a % b); break;
      case Rpn.MIN: st.push(Math.min(a, b)); break;
      case Rpn.MAX: st.push(Math.max(a, b)); break;
      case Rpn.LT: st.push(a < b ? 1 : 0); break;
      case Rpn.LE: st.push(a <= b ? 1 : 0); break;
      case Rpn.GT: st.push(a > b ? 1 : 0); break;
      case Rpn.GE: st.push(a >= b ? 1 : 0); break;
      case Rpn.EQ: st.push(a === b ? 1 : 0); break;
      case Rpn.NE: st.push(a !== b ? 1 : 0); break;
      default: return undefined;
    }
  }
  return st.pop();
}

/** The value of an operand with the registers known so far (REF: the offset the register holds). */
export function operandValue(prog: DecodedProgram, o: Operand, regs: Map<number, number>): number | undefined {
  switch (o.tag) {
    case Tag.IMM: return o.val;
    case Tag.NULL: return 0;
    case Tag.REG: case Tag.REF: return regs.get(o.val);
    case Tag.EXPR: return evalExpr(prog.pool, o.val, regs);
    default: return undefined;
  }
}
