// /dev/null (drivers/char/mem.c: null_fops): reads find nothing, writes and spliced pages are dropped.
import { FileOperations, Kiocb, registerFops, FT_NULL, fileSetPos } from "./file";
import { pipeEmpty, pipeConsume, bufLen } from "./pipe";

/** read_null */
function null_read(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 { return 0; }
/** write_null: the bytes are never read */
function null_write(f: i32, buf: i64, cnt: i64, pos: Kiocb): i64 { return cnt; }
/** null_lseek */
function null_llseek(f: i32, off: i64, whence: i64): i64 { fileSetPos(f, 0); return 0; }
/** splice_read: nothing to read */
function null_splice_read(f: i32, pos: Kiocb, p: i32, len: i64): i64 { return 0; }
/** splice_write_null: the buffers are consumed and dropped */
function null_splice_write(p: i32, out: i32, pos: Kiocb, len: i64, more: bool): i64 {
  let done: i64 = 0;
  while (done < len && !pipeEmpty(p)) {
    let m = bufLen(p, 0);
    if (<i64>m > len - done) m = <i32>(len - done);
    pipeConsume(p, m);
    done += m;
  }
  return done;
}
/** nothing to write back */
function null_fsync(f: i32): void {}

export const nullFops: FileOperations = {
  stream: false,
  read: null_read,
  write: null_write,
  llseek: null_llseek,
  poll: null,                   // DEFAULT_POLLMASK
  splice_read: null_splice_read,
  splice_write: null_splice_write,
  splice_eof: null,
  mmap: null,                   // ENODEV
  fsync: null_fsync,
  release: null,
};
registerFops(FT_NULL, nullFops);
