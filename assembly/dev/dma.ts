// The DMA engine: devices move payload bytes to and from memory without the CPU. One call is one transfer (one
// block request's data, one NIC descriptor's buffer); the device that asks for it says what moves where.
import { Counter, Ev, Knob } from "../abi";
import { count, spend } from "../counters";
import { ev } from "../trace";
import { knob, psCost } from "../machine";

export let dmaTransfers: i64 = 0;   // transfers made since reset (all devices)

/**
 * Counts and traces one DMA transfer of `bytes` by device `dev` (Dev) from frame `src` to frame `dst` (-1: the
 * device). Returns its duration. `onDevice`: the device's own time (the disk's queue), not the process's: the
 * process clock does not move, a reader waits for the transfer's end if it needs the data (dev/disk.ts).
 */
export function dmaTransfer(dev: i32, src: i64, dst: i64, bytes: i64, onDevice: bool = false): i64 {
  const c = psCost(bytes, knob(Knob.COST_DMA_PS_PER_BYTE));
  count(Counter.DMA_OPS, 1);
  count(Counter.DMA_BYTES, bytes);
  if (!onDevice) spend(c);
  dmaTransfers++;
  ev(Ev.DMA, dev, src, dst, bytes, 0, onDevice ? 0 : c);
  return c;
}

export function dmaReset(): void { dmaTransfers = 0; }
