// The operands of the call being made: the program's registers, its strings and its expression pool, and the
// evaluated arguments (value and tag) of the current CALL. program.ts fills them; syscalls.ts reads them.
import { Tag } from "./abi";

export const MAX_ARGS: i32 = 8;
export const argVal = new StaticArray<i64>(MAX_ARGS);  // evaluated argument values (REF: the register index)
export const argTag = new StaticArray<i32>(MAX_ARGS);  // Tag of each argument as written (IMM/REG/EXPR -> IMM)

export let regs: usize = 0;        // int64[nregs]
export let nregs: i32 = 0;
export let progBase: usize = 0;    // the program's words
export let poolBase: usize = 0;    // word 0 of the expression pool
export let strOffs: usize = 0;     // i32[nstrings]: word offset of each string's [nbytes, bytes...]
export let nstrings: i32 = 0;

export function argsSetProgram(base: usize, pool: usize, so: usize, ns: i32, r: usize, nr: i32): void {
  progBase = base; poolBase = pool; strOffs = so; nstrings = ns; regs = r; nregs = nr;
}

@inline export function reg(i: i64): i64 {
  if (i < 0 || i >= nregs) return 0;
  return load<i64>(regs + (<usize>i << 3));
}
@inline export function setReg(i: i64, v: i64): void {
  if (i < 0 || i >= nregs) return;
  store<i64>(regs + (<usize>i << 3), v);
}

/** Whether argument `i` is a NULL pointer. */
@inline export function isNull(i: i32): bool { return unchecked(argTag[i]) == Tag.NULL; }
/** Whether argument `i` is a REF (a pointer to a loff_t in a register). */
@inline export function isRef(i: i32): bool { return unchecked(argTag[i]) == Tag.REF; }

/** Two strings are the same name. */
export function strEq(a: i32, b: i32): bool {
  if (a == b) return true;
  if (a < 0 || b < 0 || a >= nstrings || b >= nstrings) return false;
  const pa = progBase + (<usize>load<i32>(strOffs + (<usize>a << 2)) << 3);
  const pb = progBase + (<usize>load<i32>(strOffs + (<usize>b << 2)) << 3);
  const na = load<i64>(pa);
  if (na != load<i64>(pb)) return false;
  return memory.compare(pa + 8, pb + 8, <usize>na) == 0;
}

/** The iovec of the current call (Tag.IOV), evaluated: iovN entries of [base, len]. */
export const IOV_MAX: i32 = 1024;
export const iovBase = new StaticArray<i64>(IOV_MAX);
export const iovLen = new StaticArray<i64>(IOV_MAX);
export let iovN: i32 = 0;
export function setIovN(n: i32): void { iovN = n; }
