// Sockets as files (net/socket.c: socket_file_ops and the socket system calls), over the TCP socket of socket.ts
// (net/ipv4/tcp.c). A read waits for data the peer never sends; a write is tcp_sendmsg; splice_write is
// splice_to_socket (fs/splice.c): the pipe's pages go to tcp_sendmsg as MSG_SPLICE_PAGES fragments.
import { Counter, Errno, Flags, SO_EE_CODE_ZEROCOPY_COPIED } from "../abi";
import { counter } from "../counters";
import { MAX_RW_COUNT } from "../machine";
import { FileOperations, Kiocb, registerFops, FT_SOCK, fileType, fileObj } from "./file";
import { fdGet } from "./fdtable";
import { pipeFull, pipeEmpty, pipeReaders, pipeConsume, bufPage, bufOff, bufLen } from "./pipe";
import {
  sockClose, sockClosed, sockZc, sockSetZc, sockHasRoom, errqueueLen, tcpSendUser, tcpSendUserZc, tcpSendPage,
  tcpPushEnd, recvErrqueue, eqOutLo, eqOutHi, eqOutCopied, peerDrain,
} from "./socket";
import { wouldBlock, blockForever, nbOf, setNonblock } from "./wait";

/** recvmsg(MSG_ERRQUEUE)'s last completion: [zcLo, zcHi] and its ee_code (program.ts reads them). */
export let zcLo: i64 = -1;
export let zcHi: i64 = -1;
export let zcCode: i64 = -1;

/** splice_to_socket: the buffers one tcp_sendmsg takes (its bio_vec array) */
const SPLICE_SENDMSG_BUFS = 16;

/** sock_from_file: the socket behind an open file, or -1 (ENOTSOCK). */
function sockOf(f: i32): i32 { return fileType(f) == FT_SOCK ? fileObj(f) : -1; }

// ---- socket_file_ops --------------------------------------------------------------------------------------
/** sock_read_iter: the peer never sends */
function sock_read(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 { return wouldBlock(); }

/** sock_write_iter: tcp_sendmsg from user memory */
function sock_write(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 {
  const k = fileObj(f);
  return sockClosed(k) ? -Errno.EPIPE : tcpSendUser(k, buf, cnt);
}

/**
 * tcp_splice_read. The peer never sends, so nothing is ever queued to read. Whether the call waits for data is the
 * socket's own O_NONBLOCK (sock_rcvtimeo): SPLICE_F_NONBLOCK only spares the wait for pipe room.
 */
function sock_splice_read(f: i32, pos: Kiocb, p: i32, len: i64): i64 {
  if (pipeReaders(p) == 0) return -Errno.EPIPE;
  if (pipeFull(p)) return wouldBlock();
  if (nbOf(f)) return -Errno.EAGAIN;
  blockForever();
  return -Errno.EAGAIN;
}

/**
 * splice_to_socket: up to 16 buffers (its bio_vec array) per tcp_sendmsg, each ending in tcp_push and
 * release_sock, where the ACKs that came meanwhile may send the sub-MSS tail (Nagle's algorithm).
 */
function sock_splice_write(p: i32, out: i32, pos: Kiocb, len: i64, more: bool): i64 {
  const k = fileObj(out);
  if (sockClosed(k)) return -Errno.EPIPE;
  let done: i64 = 0;
  let bufs = 0;
  while (done < len && !pipeEmpty(p)) {
    const pfn = bufPage(p, 0);
    const off = bufOff(p, 0);
    let m = bufLen(p, 0);
    if (<i64>m > len - done) m = <i32>(len - done);
    const took = tcpSendPage(k, pfn, off, m);
    if (took == 0) { if (done == 0) return wouldBlock(); break; }
    pipeConsume(p, took);
    done += took;
    if (++bufs == SPLICE_SENDMSG_BUFS) { tcpPushEnd(k, more || (done < len && !pipeEmpty(p))); bufs = 0; }
  }
  if (bufs > 0) tcpPushEnd(k, more);
  return done;
}

/** sock_splice_eof -> tcp_splice_eof: the corked tail goes (through a NIC the ACKs that come later push it; the
 *  model pushes it now) */
function sock_splice_eof(f: i32): void { tcpPushEnd(fileObj(f)); }

const POLLOUT: i64 = 0x4, POLLERR: i64 = 0x8;
/** tcp_poll: POLLOUT with room, POLLERR with completions on the error queue */
function sock_poll(f: i32): i64 {
  const k = fileObj(f);
  let mask: i64 = 0;
  if (sockHasRoom(k)) mask |= POLLOUT;
  if (errqueueLen(k) > 0) mask |= POLLERR;
  return mask;
}

function sock_release(f: i32): void { sockClose(fileObj(f)); }

export const sockFops: FileOperations = {
  stream: true,
  read: sock_read,
  write: sock_write,
  llseek: null,
  poll: sock_poll,
  splice_read: sock_splice_read,
  splice_write: sock_splice_write,
  splice_eof: sock_splice_eof,
  mmap: null,
  fsync: null,
  release: sock_release,
};
registerFops(FT_SOCK, sockFops);

// ---- the socket calls -------------------------------------------------------------------------------------
export function sys_setsockopt(fd: i64, level: i64, optname: i64, optval: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const k = sockOf(f);
  if (k < 0) return -Errno.ENOTSOCK;
  if (level != Flags.SOL_SOCKET) return -Errno.EINVAL;
  if (optname == Flags.SO_ZEROCOPY) { sockSetZc(k, optval != 0); return 0; }
  if (optname == Flags.SO_SNDBUF || optname == Flags.SO_RCVBUF) return 0;
  return -Errno.EINVAL;
}

export function sys_send(fd: i64, buf: i64, len: i64, flags: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const k = sockOf(f);
  if (k < 0) return -Errno.ENOTSOCK;
  setNonblock((flags & Flags.MSG_DONTWAIT) != 0 || nbOf(f));
  if (sockClosed(k)) return -Errno.EPIPE;
  if (len < 0) return -Errno.EFAULT;
  if (len > MAX_RW_COUNT) len = MAX_RW_COUNT;
  // MSG_ZEROCOPY without SO_ZEROCOPY is ignored: the data is copied and no completion comes
  if ((flags & Flags.MSG_ZEROCOPY) && sockZc(k)) return tcpSendUserZc(k, buf, len);
  return tcpSendUser(k, buf, len);
}

/** recvmsg(sockfd, MSG_ERRQUEUE): one MSG_ZEROCOPY completion into zcLo, zcHi, zcCode; EAGAIN if none. */
export function sys_recv_errqueue(fd: i64): i64 {
  const f = fdGet(fd);
  if (f < 0) return -Errno.EBADF;
  const k = sockOf(f);
  if (k < 0) return -Errno.ENOTSOCK;
  if (!recvErrqueue(k)) return -Errno.EAGAIN;
  zcLo = eqOutLo; zcHi = eqOutHi; zcCode = eqOutCopied ? SO_EE_CODE_ZEROCOPY_COPIED : 0;
  return 0;
}

/** peer_read: the sink's peer reads what is queued for it now. Returns bytes it read. */
export function peer_read(sinkFd: i64): i64 {
  const f = fdGet(sinkFd);
  if (f < 0) return -Errno.EBADF;
  const k = sockOf(f);
  if (k < 0) return -Errno.EBADF;
  const before = counter(Counter.DELIVERED_BYTES);
  peerDrain(k);
  return counter(Counter.DELIVERED_BYTES) - before;
}
