/**
 * Error semantics: each case below was measured on Linux 6.18 (a C probe run as root in a container without
 * CAP_SYS_RESOURCE) and is expected of the model as the errno the kernel returned.
 */
import { describe, it, expect } from "vitest";
import { runProgram } from "./helpers.js";

const FILES = { files: { src: { size: 65536, cache: "warm" } }, buffers: { b: { size: 65536 } } };
const OPEN = [
  { call: "open", path: "src", flags: ["O_RDONLY"], ret: "ro" },
  { call: "open", path: "src", flags: ["O_WRONLY"], ret: "wo" },
  { call: "open", path: "src", flags: ["O_WRONLY", "O_APPEND"], ret: "ap" },
  { call: "pipe", ret: ["pr", "pw"] },
  { call: "pipe2", flags: ["O_NONBLOCK"], ret: ["qr", "qw"] },
];

const CASES: [string, unknown, string][] = [
  ["read on an O_WRONLY descriptor", { call: "read", fd: "wo", buf: "b", count: 10 }, "EBADF"],
  ["write on an O_RDONLY descriptor", { call: "write", fd: "ro", buf: "b", count: 10 }, "EBADF"],
  ["lseek on a pipe", { call: "lseek", fd: "pr", offset: 0, whence: "SEEK_SET" }, "ESPIPE"],
  ["lseek to a negative offset", { call: "lseek", fd: "ro", offset: -1, whence: "SEEK_SET" }, "EINVAL"],
  ["splice file to file (neither is a pipe)", { call: "splice", fd_in: "ro", off_in: null, fd_out: "wo", off_out: null, len: 100, flags: [] }, "EINVAL"],
  ["splice pipe to the same pipe", { call: "splice", fd_in: "pr", off_in: null, fd_out: "pw", off_out: null, len: 100, flags: [] }, "EINVAL"],
  ["tee from a file", { call: "tee", fd_in: "ro", fd_out: "pw", len: 100, flags: [] }, "EINVAL"],
  ["tee pipe to the same pipe", { call: "tee", fd_in: "pr", fd_out: "pw", len: 100, flags: [] }, "EINVAL"],
  ["mmap of a pipe", { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "pr", offset: 0 }, "ENODEV"],
  ["mmap shared writable of an O_RDONLY file", { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "ro", offset: 0 }, "EACCES"],
  ["mmap of an O_WRONLY file", { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "wo", offset: 0 }, "EACCES"],
  ["mmap of length 0", { call: "mmap", addr: null, length: 0, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "ro", offset: 0 }, "EINVAL"],
  ["mmap at an unaligned offset", { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "ro", offset: 100 }, "EINVAL"],
  ["F_SETPIPE_SZ on a file", { call: "fcntl", fd: "ro", cmd: "F_SETPIPE_SZ", arg: 65536 }, "EBADF"],
  ["F_SETPIPE_SZ above 2 GiB", { call: "fcntl", fd: "pw", cmd: "F_SETPIPE_SZ", arg: 3 * 1024 ** 3 }, "EINVAL"],
  ["F_SETPIPE_SZ above pipe-max-size", { call: "fcntl", fd: "pw", cmd: "F_SETPIPE_SZ", arg: 2 * 1024 ** 2 }, "EPERM"],
  ["read of an empty O_NONBLOCK pipe", { call: "read", fd: "qr", buf: "b", count: 10 }, "EAGAIN"],
  ["splice from an empty O_NONBLOCK pipe", { call: "splice", fd_in: "qr", off_in: null, fd_out: "wo", off_out: null, len: 100, flags: [] }, "EAGAIN"],
  ["close of a descriptor that is not open", { call: "close", fd: 999 }, "EBADF"],
  ["ftruncate of an O_RDONLY file", { call: "ftruncate", fd: "ro", length: 0 }, "EINVAL"],
  ["ftruncate of a pipe", { call: "ftruncate", fd: "pr", length: 0 }, "EINVAL"],
  ["sendfile to an O_RDONLY file", { call: "sendfile", out_fd: "ro", in_fd: "ro", offset: null, count: 100 }, "EBADF"],
  ["sendfile from a pipe", { call: "sendfile", out_fd: "wo", in_fd: "pr", offset: null, count: 100 }, "EINVAL"],
  ["sendfile to an O_APPEND file", { call: "sendfile", out_fd: "ap", in_fd: "ro", offset: null, count: 100 }, "EINVAL"],
  ["sendfile from an O_WRONLY file", { call: "sendfile", out_fd: "wo", in_fd: "wo", offset: null, count: 100 }, "EBADF"],
  ["pread64 on a pipe", { call: "pread64", fd: "pr", buf: "b", count: 1, offset: 0 }, "ESPIPE"],
  ["pread64 at a negative offset", { call: "pread64", fd: "ro", buf: "b", count: 1, offset: -1 }, "EINVAL"],
  ["fsync of a pipe", { call: "fsync", fd: "pr" }, "EINVAL"],
  ["munmap of an unaligned address", { call: "munmap", addr: 4097, length: 4096 }, "EINVAL"],
  ["munmap of length 0", { call: "munmap", addr: 4096, length: 0 }, "EINVAL"],
  ["munmap past the top of user space", { call: "munmap", addr: 4096, length: "0x4000000000000000" }, "EINVAL"],
  ["mmap of a length that wraps", { call: "mmap", addr: null, length: -1, prot: ["PROT_READ"], flags: ["MAP_PRIVATE", "MAP_ANONYMOUS"], fd: -1, offset: 0 }, "ENOMEM"],
  ["ftruncate past s_maxbytes", { call: "ftruncate", fd: "wo", length: "0x7fffffffffffffff" }, "EFBIG"],
  ["splice with an unknown flag", { call: "splice", fd_in: "ro", off_in: null, fd_out: "pw", off_out: null, len: 10, flags: 16 }, "EINVAL"],
  ["sendfile whose offset would pass LLONG_MAX", { call: "sendfile", out_fd: "wo", in_fd: "ro", offset: "0x7ffffffffffffffe", count: 10 }, "EINVAL"],
];

describe("errno", () => {
  for (const [what, call, errno] of CASES) {
    it(`${what}: ${errno}`, async () => {
      const out = await runProgram([...OPEN, call], FILES);
      expect(out.result.errors).toEqual([expect.objectContaining({ errno, step: OPEN.length })]);
      // a failed call still enters and leaves the kernel
      expect(out.result.modeSwitches).toBe(2 * out.result.syscalls.total);
    });
  }
  it("writes to a pipe whose reader is gone: EPIPE (SIGPIPE ignored), also for splice and sendfile", async () => {
    const out = await runProgram([
      ...OPEN,
      { call: "close", fd: "pr" },
      { call: "write", fd: "pw", buf: "b", count: 10 },
      { call: "splice", fd_in: "ro", off_in: null, fd_out: "pw", off_out: null, len: 100, flags: [] },
      { call: "sendfile", out_fd: "pw", in_fd: "ro", offset: null, count: 100 },
    ], FILES);
    expect(out.result.errors.map((e) => [e.call, e.errno])).toEqual([["write", "EPIPE"], ["splice", "EPIPE"], ["sendfile", "EPIPE"]]);
    expect(out.result.kernel!.signals).toBe(0);
  });
  it("zero-length calls return 0 without error", async () => {
    const out = await runProgram([
      ...OPEN,
      { call: "sendfile", out_fd: "wo", in_fd: "ro", offset: null, count: 0, ret: "a" },
      { call: "read", fd: "ro", buf: "b", count: 0, ret: "c" },
    ], FILES);
    expect(out.result.errors).toEqual([]);
  });
  it("a failing call inside a loop is recorded once with its count, and ends the loop", async () => {
    const out = await runProgram([
      ...OPEN,
      { repeat: { until: "zero" }, do: [{ call: "read", fd: "wo", buf: "b", count: 10, ret: "n" }] },
    ], FILES);
    expect(out.result.errors).toEqual([expect.objectContaining({ call: "read", errno: "EBADF", count: 1 })]);
  });
});
