// Blocking (kernel/sched/wait.c, as far as one process needs it). The model runs one process (and a peer that only
// reads): a blocking call that must wait for another party (a pipe nobody reads or fills, a socket buffer a lazy
// peer never drains) would sleep forever. It then does not return: blockedForever is set and the interpreter stops
// the program with Status.TIMEOUT, as the native host does when its bound on the phase runs out. A non-blocking
// call (O_NONBLOCK, SPLICE_F_NONBLOCK, MSG_DONTWAIT) answers EAGAIN instead.
import { Errno, Flags } from "../abi";
import { fileFlags } from "./file";

/** The call being made may not sleep (O_NONBLOCK, SPLICE_F_NONBLOCK, MSG_DONTWAIT). */
export let callNonblock: bool = false;
/** The call being made would sleep forever: it does not return. */
export let blockedForever: bool = false;

export function waitReset(): void { callNonblock = false; blockedForever = false; }
export function setNonblock(nb: bool): void { callNonblock = nb; }
/** The call sleeps with nobody to wake it (whatever its flags say). */
export function blockForever(): void { blockedForever = true; }
/** The open file's O_NONBLOCK (f < 0: none). */
export function nbOf(f: i32): bool { return f >= 0 && (fileFlags(f) & Flags.O_NONBLOCK) != 0; }
/** A call that must wait for another party: EAGAIN if non-blocking, else it never returns. */
export function wouldBlock(): i64 {
  if (!callNonblock) blockedForever = true;
  return -Errno.EAGAIN;
}
