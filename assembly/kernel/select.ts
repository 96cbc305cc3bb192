// poll (fs/select.c) on one descriptor: the mask its file reports through f_op->poll (a file without one is
// always readable and writable: DEFAULT_POLLMASK), kept to `events` plus POLLERR|POLLHUP.
import { Wait } from "../abi";
import { sleepFor } from "../mm/pagecache";
import { fileOps } from "./file";
import { fdGet } from "./fdtable";
import { wouldBlock, setNonblock } from "./wait";

const POLLIN: i64 = 0x1, POLLOUT: i64 = 0x4, POLLERR: i64 = 0x8, POLLHUP: i64 = 0x10;
const DEFAULT_POLLMASK: i64 = POLLIN | POLLOUT;
/** the wait's kind in the sleep accounting (pagecache.ts's sleepFor) */
const WAIT_POLL: i32 = Wait.POLL;

/**
 * Ready: 1. Not ready: 0 after `timeout` ms (the process sleeps), or never for a negative timeout. An fd that is
 * not open reports POLLNVAL (1); a negative fd is ignored.
 */
export function sys_poll(fd: i64, events: i64, timeout: i64): i64 {
  let mask: i64 = 0;
  if (fd >= 0) {
    const f = fdGet(fd);
    if (f < 0) return 1;   // POLLNVAL
    const poll = fileOps(f).poll;
    mask = poll != null ? poll(f) : DEFAULT_POLLMASK;
  }
  if (mask & (events | POLLERR | POLLHUP)) return 1;
  if (timeout == 0) return 0;
  if (timeout < 0) { setNonblock(false); return wouldBlock(); }
  sleepFor(WAIT_POLL, timeout * 1000000);
  return 0;
}
