/**
 * Reading a compiled program back (docs/program-format.md): the operands of each CALL instruction by step, the
 * strings, and an RPN evaluator over the registers a trace lets us know. The model's SYS_ENTER carries only the
 * first four argument values, and a REF operand passes its register index, not the offset: the strace and
 * Perfetto exports complete a call's arguments from its operands here.
 */
import { CallInsn, Op, Rpn, Tag } from "../../scenario/abi.js";
import { mapProgram } from "../../scenario/layout.js";

export interface Operand { tag: number; val: number }

export interface CallInsnRecord {
  call: number;
  step: number;
  /** registers bound by `ret` (-1: unbound) */
  r: [number, number, number];
  args: Operand[];
}

export interface DecodedProgram {
  strings: string[];
  /** CALL instruction by step */
  calls: Map<number, CallInsnRecord>;
  /** the expression pool (words as numbers) */
  pool: number[];
}

/** Decodes the sections of a program the trace exports need. */
export function decodeProgram(words: BigInt64Array): DecodedProgram {
  const w = (i: number) => Number(words[i]);
  const m = mapProgram(words);
  const code = m.code, ncode = m.ncode;
  const calls = new Map<number, CallInsnRecord>();
  let pc = 0;
  while (pc < ncode) {
    const at = code + pc;
    const op = w(at);
    if (op === Op.CALL) {
      const nargs = w(at + CallInsn.NARGS);
      const args: Operand[] = [];
      for (let i = 0; i < nargs; i++) args.push({ tag: w(at + CallInsn.ARGS + 2 * i), val: w(at + CallInsn.ARGS + 1 + 2 * i) });
      const step = w(at + CallInsn.STEP);
      calls.set(step, { call: w(at + CallInsn.CALL), step, r: [w(at + CallInsn.RET0), w(at + CallInsn.RET1), w(at + CallInsn.RET2)], args });
      pc += CallInsn.ARGS + 2 * nargs;
    } else if (op === Op.SET || op === Op.JZ) pc += 4;
    else if (op === Op.JUMP) pc += 2;
    else pc += 1; // HALT (or anything unknown: stop cleanly)
    if (op === Op.HALT) break;
  }
  const pool: number[] = [];
  for (let i = 0; i < m.npool; i++) pool.push(w(m.pool + i));
  return { strings: m.strings, calls, pool };
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
