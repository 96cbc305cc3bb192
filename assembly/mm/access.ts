// The process's own loads and stores (the pseudo-calls mem_read and mem_write): each page is reached through the
// page tables, faulting as the CPU would (arch/x86/mm/fault.c: do_user_addr_fault -> handle_mm_fault); an access
// the fault handler cannot satisfy raises SIGSEGV or SIGBUS (force_sig_fault), which program.ts records.
import { Errno, Knob, Sig } from "../abi";
import { spendQuiet } from "../trace";
import { knob, psCost, MAX_RW_COUNT, pageOff, pageStep } from "../machine";
import { storeBegin, frBumpVersion } from "./frames";
import { translate, FM_USER, lastFault } from "./fault";
import { cacheTouch, CPU_PROCESS } from "./cache";

/** The signal the last access raised (0 none), its si_code and address. */
export let sigNo: i32 = 0;
export let sigCode: i32 = 0;
export let sigAddr: i64 = 0;
/** the version the store being made writes (its sequence number: the delivery proof's clock, sink.ts) */
let storeVer: i32 = 0;

export function resetSignal(): void { sigNo = 0; sigCode = 0; sigAddr = 0; }

function userAccess(addr: i64, len: i64, write: bool): i64 {
  let done: i64 = 0;
  while (done < len) {
    const va = addr + done;
    const off = pageOff(va);
    const m = pageStep(va, len - done);
    // a store of the next version reads the bytes first: the page is faulted in for reading, then for writing
    let pfn = translate(va, false, FM_USER);
    if (pfn != 0 && write) pfn = translate(va, true, FM_USER);
    if (pfn == 0) {
      sigNo = lastFault;
      sigCode = lastFault == Sig.SIGBUS ? Sig.BUS_ADRERR : Sig.SEGV_MAPERR;
      sigAddr = va;
      spendQuiet(psCost(done, knob(Knob.COST_USER_ACCESS_PS_PER_BYTE)));
      return -1;
    }
    if (write) frBumpVersion(pfn, off, m, storeVer);
    cacheTouch(pfn, off, m, CPU_PROCESS, write);   // what the program loads or stores is in its CPU's cache afterwards
    done += m;
  }
  spendQuiet(psCost(done, knob(Knob.COST_USER_ACCESS_PS_PER_BYTE)));
  return len;
}

/** Loads and stores of more than MAX_RW_COUNT bytes in one pseudo-call are refused (EINVAL): the model's bound. */
export function mem_read(addr: i64, len: i64): i64 {
  return len < 0 || len > MAX_RW_COUNT ? -Errno.EINVAL : userAccess(addr, len, false);
}
export function mem_write(addr: i64, len: i64): i64 {
  if (len < 0 || len > MAX_RW_COUNT) return -Errno.EINVAL;
  storeVer = storeBegin();
  return userAccess(addr, len, true);
}
