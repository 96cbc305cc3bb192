// Copies to and from user memory through the page tables (copy_to_user / copy_from_user,
// arch/x86/lib/usercopy_64.c): page by page, each user page found (or faulted in) by translate, each piece copied by
// the CPU (copy.ts). The process's copies count one op per call (a read()'s copy-out, a write()'s copy-in: what the
// native host derives, one per call that copies).
import { pageOff, pageStep } from "../machine";
import { cpuCopyPiece } from "./copy";
import { translate, FM_KERNEL, lastFault } from "./fault";

export { cpuCopyCallStart, cpuCopyBegin, cpuCopyPiece } from "./copy";

/** EFAULT-style outcome of the last user copy: the signal the fault raised (0: none). */
export let uaccessFault: i32 = 0;

/**
 * copy_to_user: bytes [soff, soff+len) of kernel frame `src` (len <= PAGE_SIZE - soff) to user address `uaddr`.
 * Returns the bytes copied (short on a fault it could not fix: EFAULT).
 */
export function copyToUser(uaddr: i64, src: u32, soff: i32, len: i32, what: i32): i32 {
  let done = 0;
  uaccessFault = 0;
  while (done < len) {
    const va = uaddr + done;
    const n = pageStep(va, len - done);
    const dst = translate(va, true, FM_KERNEL);
    if (dst == 0) { uaccessFault = lastFault; break; }
    cpuCopyPiece(src, soff + done, dst, pageOff(va), n, what);
    done += n;
  }
  return done;
}

/** copy_from_user: `len` bytes at `uaddr` to [doff, doff+len) of kernel frame `dst`. Returns bytes copied. */
export function copyFromUser(uaddr: i64, dst: u32, doff: i32, len: i32, what: i32): i32 {
  let done = 0;
  uaccessFault = 0;
  while (done < len) {
    const va = uaddr + done;
    const n = pageStep(va, len - done);
    const src = translate(va, false, FM_KERNEL);
    if (src == 0) { uaccessFault = lastFault; break; }
    cpuCopyPiece(src, pageOff(va), dst, doff + done, n, what);
    done += n;
  }
  return done;
}

/** Whether [uaddr, uaddr+len) can be read (faulting it in): the frame of each page, for zero-copy users. */
export function userPageFor(va: i64, write: bool): u32 {
  const p = translate(va, write, FM_KERNEL);
  uaccessFault = p == 0 ? lastFault : 0;
  return p;
}
