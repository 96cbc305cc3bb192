// The machine: owns the knobs every part reads (page size, pipe slots, fault-around, NIC features, costs) and
// resets every part before a program runs. Knobs set mechanisms (a ring's size, a device feature, a cost per
// action), never a count.
import { KNOB_DEFAULTS, KNOB_MAX } from "./abi";

export const PAGE_SHIFT: i32 = 12;
export const PAGE_SIZE: i64 = 4096;
export const PAGE_MASK: i64 = 4095;
/**
 * One step of a walk over memory page by page: the bytes from `pos` to the end of its page, at most `left`.
 *
 *   page n             page n+1
 *   |.....[pos------>|.......
 *         `- step -´
 */
@inline export function pageStep(pos: i64, left: i64): i32 {
  const m = PAGE_SIZE - (pos & PAGE_MASK);
  return <i32>(m < left ? m : left);
}
/** The byte offset of `pos` in its page. */
@inline export function pageOff(pos: i64): i32 { return <i32>(pos & PAGE_MASK); }
/** The index of the page holding byte `pos`. */
@inline export function pageIndex(pos: i64): i64 { return pos >> PAGE_SHIFT; }
/** `bytes` rounded up to whole pages (PAGE_ALIGN). */
@inline export function pageAlign(bytes: i64): i64 { return (bytes + PAGE_MASK) & ~PAGE_MASK; }
/** MAX_RW_COUNT: the most one read/write/sendfile/splice call moves (INT_MAX rounded down to a page) */
export const MAX_RW_COUNT: i64 = 0x7ffff000;

const KNOB_SLOTS: i32 = 64;
/** knob values by Knob id (the program's knob section overrides the defaults below) */
const knobs = new StaticArray<i64>(KNOB_SLOTS);

/** Linux's defaults (and the cost model's starting point before calibration). */
export function knobDefaults(): void {
  // each knob's default and why it is that value: KNOBS in src/scenario/abi.ts (generated into abi.ts here)
  for (let i = 0; i < KNOB_SLOTS; i++) unchecked(knobs[i] = i <= KNOB_MAX ? unchecked(KNOB_DEFAULTS[i]) : 0);
}

export function setKnob(id: i64, v: i64): void {
  if (id >= 0 && id < KNOB_SLOTS) unchecked(knobs[<i32>id] = v);
}

@inline export function knob(id: i32): i64 {
  return unchecked(knobs[id]);
}

/** Cost of `bytes` at `psPerByte` picoseconds per byte, in ns. */
@inline export function psCost(bytes: i64, psPerByte: i64): i64 {
  return (bytes * psPerByte) / 1000;
}

/** Whether the program's code section is running (counting) or setup is (not counted). */
export let counting: bool = false;
export function setCounting(on: bool): void { counting = on; }

/** True while the CPU runs kernel code on behalf of the process (a syscall, a fault handler). */
export let inKernel: bool = false;
export function setInKernel(on: bool): void { inKernel = on; }
