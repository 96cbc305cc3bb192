// The counters: COUNTER_COUNT int64s indexed by Counter (abi.ts). Every increment happens where the model acts
// (a copy, a fault, a descriptor); nothing computes a count from a scenario. The host reads them through
// zc_counters_ptr(). Setup runs before counting starts: machine.ts zeroes them at the first instruction.
import { COUNTER_COUNT, Counter } from "./abi";
import { ralloc } from "./mem";

/** base of the int64[COUNTER_COUNT] array */
export const countersPtr: usize = ralloc(<usize>COUNTER_COUNT << 3);

@inline export function count(id: i32, n: i64): void {
  const p = countersPtr + (<usize>id << 3);
  store<i64>(p, load<i64>(p) + n);
}

@inline export function counter(id: i32): i64 {
  return load<i64>(countersPtr + (<usize>id << 3));
}

@inline export function setCounter(id: i32, v: i64): void {
  store<i64>(countersPtr + (<usize>id << 3), v);
}

export function resetCounters(): void {
  memory.fill(countersPtr, 0, <usize>COUNTER_COUNT << 3);
}

/** Adds `ns` to the cost model's clock (Counter.TIME_NS). */
@inline export function spend(ns: i64): void {
  count(Counter.TIME_NS, ns);
}
