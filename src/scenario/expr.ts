/**
 * Operand expressions: `"$chunk"`, `"min($chunk, $fileSize - $off)"`, `"$p + $i * 4096"`, `"$off < $fileSize"`.
 *
 *   expr    := cmp
 *   cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/" | "%") unary)*
 *   unary   := "-" unary | atom
 *   atom    := number | size ("64KiB") | 'text' | "$"name | name | ("min" | "max") "(" expr "," expr ")" | "(" expr ")"
 *
 * Text ('sendfile') compares with a word parameter (`$via == 'sendfile'`) and is folded away at compile time.
 *
 * Names resolve to parameters (constants, folded away) or to bindings (registers). Arithmetic is int64 in the
 * engines; here it is folded with BigInt so that the compiler agrees with them bit for bit.
 */
import { Rpn } from "./abi.js";
import { parseSize } from "./units.js";

export type Expr =
  | { k: "num"; v: bigint }
  | { k: "str"; s: string }
  | { k: "name"; name: string }
  | { k: "bin"; op: string; a: Expr; b: Expr };

/** How deep parentheses, min/max and unary minus may nest in one expression. */
export const MAX_EXPR_DEPTH = 64;
/** Tokens one expression may have: refused before it is parsed, so that no tree is deeper than this. */
export const MAX_EXPR_TOKENS = 1024;
/** What the engines evaluate: at most this many RPN items (the host's check_expr, the model's stack) ... */
export const MAX_RPN_ITEMS = 256;
/** ... and at most this many values on the stack at once (the host's RPN_STACK). */
export const MAX_RPN_DEPTH = 64;

const TOKEN = /\s*(?:(\d+(?:\.\d+)?\s*(?:B|KiB|MiB|GiB|TiB|PiB|EiB)\b|0x[0-9a-fA-F]+|\d+)|(\$?[A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/%<>(),])|('[^']*'))/y;

/** Parses `text`; throws an Error with the reason. */
export function parseExpr(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot read "${text.slice(pos).trim()}" in expression "${text}"`);
    tokens.push(m[4] ?? (m[1] ?? m[2] ?? m[3]).replace(/\s+/g, ""));
    pos = TOKEN.lastIndex;
    if (tokens.length > MAX_EXPR_TOKENS) throw new Error(`expression of more than ${MAX_EXPR_TOKENS} tokens (the engines evaluate at most ${MAX_RPN_ITEMS} terms)`);
  }
  if (tokens.length === 0) throw new Error("empty expression");
  let i = 0;
  let depth = 0; // parentheses and min/max nest at most MAX_EXPR_DEPTH deep: a clear refusal, not a stack overflow
  const deeper = () => {
    if (++depth > MAX_EXPR_DEPTH) throw new Error(`expression nests deeper than ${MAX_EXPR_DEPTH}`);
  };
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new Error(`expected "${t}" in expression "${text}"`);
    i++;
  };
  const atom = (): Expr => {
    const t = next();
    if (t === undefined) throw new Error(`expression "${text}" ends too soon`);
    if (t === "(") {
      deeper();
      const e = cmp();
      expect(")");
      depth--;
      return e;
    }
    if ((t === "min" || t === "max") && peek() === "(") {
      next();
      deeper();
      const a = cmp();
      expect(",");
      const b = cmp();
      expect(")");
      depth--;
      return { k: "bin", op: t, a, b };
    }
    if (t.startsWith("'")) return { k: "str", s: t.slice(1, -1) };
    if (/^0x/i.test(t)) {
      if (t.length > 18) throw new Error(`"${t}" has more than 64 bits`);
      return { k: "num", v: i64(BigInt(t)) }; // 0x8000000000000000 and above are negative, as in the engines' words
    }
    if (/^\d/.test(t)) {
      const n = parseSize(t);
      if (n === undefined) throw new Error(`"${t}" is not a number`);
      return { k: "num", v: BigInt(n) };
    }
    if (/^\$?[A-Za-z_]/.test(t)) return { k: "name", name: t.replace(/^\$/, "") };
    throw new Error(`unexpected "${t}" in expression "${text}"`);
  };
  const unary = (): Expr => {
    if (peek() === "-") {
      next();
      deeper();
      const b = unary();
      depth--;
      return { k: "bin", op: "-", a: { k: "num", v: 0n }, b };
    }
    return atom();
  };
  const product = (): Expr => {
    let e = unary();
    while (peek() === "*" || peek() === "/" || peek() === "%") e = { k: "bin", op: next(), a: e, b: unary() };
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    while (peek() === "+" || peek() === "-") e = { k: "bin", op: next(), a: e, b: product() };
    return e;
  };
  const cmp = (): Expr => {
    const e = sum();
    if (["<", "<=", ">", ">=", "==", "!="].includes(peek())) return { k: "bin", op: next(), a: e, b: sum() };
    return e;
  };
  const e = cmp();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]}" in expression "${text}"`);
  return e;
}

const MASK = (1n << 64n) - 1n;
/** Wraps to a signed 64-bit value, as the engines' int64 arithmetic does. */
export const i64 = (v: bigint): bigint => BigInt.asIntN(64, v & MASK);

const RPN_OP: Record<string, number> = {
  "+": Rpn.ADD, "-": Rpn.SUB, "*": Rpn.MUL, "/": Rpn.DIV, "%": Rpn.MOD, min: Rpn.MIN, max: Rpn.MAX,
  "<": Rpn.LT, "<=": Rpn.LE, ">": Rpn.GT, ">=": Rpn.GE, "==": Rpn.EQ, "!=": Rpn.NE,
};

/**
 * Evaluates a binary operator the way the engines do: int64 that wraps (two's complement), division truncating
 * toward zero; x / 0 = x % 0 = 0; INT64_MIN / -1 wraps to INT64_MIN and INT64_MIN % -1 is 0. The model
 * (assembly/program.ts evalExpr) and the host (native-host/program.c eval_expr) compute exactly this.
 */
export function applyOp(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case "+": return i64(a + b);
    case "-": return i64(a - b);
    case "*": return i64(a * b);
    case "/": return b === 0n ? 0n : i64(a / b);
    case "%": return b === 0n ? 0n : i64(a % b);
    case "min": return a < b ? a : b;
    case "max": return a > b ? a : b;
    case "<": return a < b ? 1n : 0n;
    case "<=": return a <= b ? 1n : 0n;
    case ">": return a > b ? 1n : 0n;
    case ">=": return a >= b ? 1n : 0n;
    case "==": return a === b ? 1n : 0n;
    case "!=": return a !== b ? 1n : 0n;
  }
  throw new Error(`unknown operator ${op}`);
}

/**
 * Resolves names and folds constants. `lookup(name)` returns a constant (a parameter), a register (a binding), or
 * throws the reason.
 */
export function resolve(
  e: Expr,
  lookup: (name: string) => { value: bigint } | { reg: number },
  text: (name: string) => string | undefined = () => undefined,
): Expr | { k: "reg"; reg: number } {
  type R = Expr | { k: "reg"; reg: number };
  const walk = (e: Expr): R => {
    if (e.k === "num") return e;
    if (e.k === "str") throw new Error(`'${e.s}' can only be compared (== or !=) with a word parameter`);
    if (e.k === "name") {
      const r = lookup(e.name);
      return "value" in r ? { k: "num", v: r.value } : { k: "reg", reg: r.reg };
    }
    // text comparisons: $via == 'sendfile', folded now
    const textOf = (x: Expr) => (x.k === "str" ? x.s : x.k === "name" ? text(x.name) : undefined);
    if (e.a.k === "str" || e.b.k === "str") {
      const ta = textOf(e.a), tb = textOf(e.b);
      if ((e.op !== "==" && e.op !== "!=") || ta === undefined || tb === undefined) {
        throw new Error(`text can only be compared (== or !=) with a word parameter`);
      }
      return { k: "num", v: (ta === tb) === (e.op === "==") ? 1n : 0n };
    }
    const a = walk(e.a), b = walk(e.b);
    if (a.k === "num" && b.k === "num") {
      if ((e.op === "/" || e.op === "%") && b.v === 0n) throw new Error("division by zero");
      return { k: "num", v: applyOp(e.op, a.v, b.v) };
    }
    return { k: "bin", op: e.op, a: a as Expr, b: b as Expr };
  };
  return walk(e);
}

/** Emits a resolved, non-constant expression as RPN items [op, value]... */
export function toRpn(e: Expr | { k: "reg"; reg: number }): bigint[] {
  const items: bigint[] = [];
  const emit = (e: Expr | { k: "reg"; reg: number }) => {
    if (e.k === "num") items.push(BigInt(Rpn.IMM), e.v);
    else if (e.k === "reg") items.push(BigInt(Rpn.REG), BigInt(e.reg));
    else if (e.k === "bin") {
      emit(e.a);
      emit(e.b);
      items.push(BigInt(RPN_OP[e.op]), 0n);
    } else throw new Error("unresolved name in expression");
  };
  emit(e);
  const n = items.length / 2;
  if (n > MAX_RPN_ITEMS) throw new Error(`expression of ${n} terms and operators: the engines evaluate at most ${MAX_RPN_ITEMS}`);
  let depth = 0, most = 0;
  for (let i = 0; i < items.length; i += 2) {
    depth += items[i] === BigInt(Rpn.IMM) || items[i] === BigInt(Rpn.REG) ? 1 : -1;
    most = Math.max(most, depth);
  }
  if (most > MAX_RPN_DEPTH) throw new Error(`expression needs ${most} values at once (nests too deep on the right): the engines hold at most ${MAX_RPN_DEPTH}`);
  return items;
}
