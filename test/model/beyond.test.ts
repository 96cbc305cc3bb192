/**
 * Beyond the classic four: vmsplice, copy_file_range, MSG_ZEROCOPY with its completions, truncation under a
 * mapping, and the page-sharing hazard (zero-copy paths deliver the page as it is when the receiver reads it).
 */
import { describe, it, expect } from "vitest";
import { runProgram, evs, retOf, KiB, MiB, GSO_NIC, splits } from "./helpers.js";

const SRC = (size: number) => ({ src: { size, cache: "warm" } });

describe("copy_file_range", () => {
  it("file to file through the page cache: one CPU copy, counted as a read and a write", async () => {
    const size = MiB;
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { repeat: { until: "zero" }, do: [
        { call: "copy_file_range", fd_in: "in", off_in: null, fd_out: "dst", off_out: null, len: 256 * KiB, flags: 0, ret: "n" },
      ] },
    ], { files: SRC(size), sinks: { dst: { kind: "file", expect: "src" } } });
    const r = out.result;
    expect(r.syscalls.byName.copy_file_range).toBe(size / (256 * KiB) + 1);
    expect(r.copies.cpu.bytes).toBe(size);
    // the call at EOF returns 0 before it is accounted
    expect(r.io).toMatchObject({ rchar: size, wchar: size, syscr: 4, syscw: 4 });
    // the sink file's page cache gets a folio per 64 KiB write through the internal pipe
    expect(r.kernel!.filemapAdd).toBe(size / (64 * KiB));
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
  });
  it("errno: flags, O_APPEND output, overlap within one file", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDWR"], ret: "a" },
      { call: "open", path: "src", flags: ["O_WRONLY", "O_APPEND"], ret: "ap" },
      { call: "copy_file_range", fd_in: "a", off_in: null, fd_out: "a", off_out: null, len: 100, flags: 1 },
      { call: "copy_file_range", fd_in: "a", off_in: null, fd_out: "ap", off_out: null, len: 100, flags: 0 },
      { call: "copy_file_range", fd_in: "a", off_in: null, fd_out: "a", off_out: null, len: 100, flags: 0 },
    ], { files: SRC(64 * KiB) });
    expect(out.result.errors.map((e) => e.errno)).toEqual(["EINVAL", "EBADF", "EINVAL"]);
  });
});

describe("vmsplice", () => {
  it("user pages go into the pipe by reference, then to the socket: no copy by the process", async () => {
    const size = 64 * KiB;
    const out = await runProgram([
      { call: "pipe", ret: ["pr", "pw"] },
      { call: "vmsplice", fd: "pw", iov: [{ iov_base: "b", iov_len: size }], flags: ["SPLICE_F_GIFT"], ret: "n" },
      { call: "splice", fd_in: "pr", off_in: null, fd_out: "out", off_out: null, len: "$n", flags: [] },
    ], { buffers: { b: { size } }, sinks: { out: { kind: "tcp", expect: null } } });
    expect(retOf(out, "vmsplice")).toBe(size);
    expect(out.result.copies.cpu.bytes).toBe(0);
    expect(out.result.delivered.bytes).toBe(size);
    expect(out.result.io).toMatchObject({ rchar: 0, wchar: 0, syscr: 0, syscw: 0 });
  });
  it("from a pipe's read end it copies out", async () => {
    const out = await runProgram([
      { call: "pipe", ret: ["pr", "pw"] },
      { call: "write", fd: "pw", buf: "a", count: 8192 },
      { call: "vmsplice", fd: "pr", iov: [{ iov_base: "b", iov_len: 4096 }, { iov_base: "$b + 4096", iov_len: 4096 }], flags: [] },
    ], { buffers: { a: { size: 8192 }, b: { size: 8192 } } });
    expect(retOf(out, "vmsplice")).toBe(8192);
    expect(out.result.copies.cpu.bytes).toBe(2 * 8192);   // write() in, vmsplice() out
  });
  it("on a descriptor that is not a pipe: EBADF", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { call: "vmsplice", fd: "in", iov: [{ iov_base: "b", iov_len: 4096 }], flags: [] },
    ], { files: SRC(4096), buffers: { b: { size: 4096 } } });
    expect(out.result.errors).toEqual([expect.objectContaining({ errno: "EBADF" })]);
  });
});

describe("MSG_ZEROCOPY", () => {
  const prog = (flags: string[], zc: boolean) => [
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
    { call: "read", fd: "in", buf: "b", count: 64 * KiB },
    ...(zc ? [{ call: "setsockopt", sockfd: "out", level: "SOL_SOCKET", optname: "SO_ZEROCOPY", optval: 1 }] : []),
    { call: "send", sockfd: "out", buf: "b", len: 32 * KiB, flags },
    { call: "send", sockfd: "out", buf: "$b + 32768", len: 32 * KiB, flags },
    { call: "recv_errqueue", sockfd: "out", ret: ["lo", "hi", "code"] },
    { call: "recv_errqueue", sockfd: "out" },
  ];
  it("to a loopback peer: copied at delivery, one merged completion [0, 1] saying COPIED", async () => {
    const out = await runProgram(prog(["MSG_ZEROCOPY"], true), { files: SRC(64 * KiB), buffers: { b: { size: 64 * KiB } }, sinks: { out: { kind: "tcp", expect: "src" } } });
    const zc = evs(out, "ZC_COMPLETE");
    expect(zc.map((e) => [e.lo, e.hi, e.copied])).toEqual([[0, 1, 1]]);
    // counted as the sends the completions cover
    expect(out.result.kernel!.zcCompletions).toBe(2);
    expect(out.result.kernel!.zcCopied).toBe(2);
    expect(out.result.errors).toEqual([expect.objectContaining({ call: "recv_errqueue", errno: "EAGAIN" })]);
    // read() copies 64 KiB; the loopback copies the 64 KiB of user pages at delivery
    expect(out.result.copies.cpu.bytes).toBe(2 * 64 * KiB);
    expect(out.result.delivered).toMatchObject({ bytes: 64 * KiB, intact: true });
  });
  it("to the NIC with gather: the device takes the user pages by reference; its peer is on this machine (the veth), which copies them at receive: COPIED", async () => {
    const out = await runProgram(prog(["MSG_ZEROCOPY"], true), { files: SRC(64 * KiB), buffers: { b: { size: 64 * KiB } }, sinks: { out: { kind: "nic", expect: "src" } } });
    expect(evs(out, "ZC_COMPLETE").map((e) => [e.lo, e.hi, e.copied])).toEqual([[0, 1, 1]]);
    // read(), then skb_orphan_frags_rx at the peer's end: the 64 KiB of user pages once more
    expect(out.result.copies.cpu.bytes).toBe(2 * 64 * KiB);
    // each 32 KiB send is pushed as its own skb (below the size goal): 8 page fragments each, one descriptor each
    expect(out.result.kernel!.skbs).toBe(2);
    expect(out.result.kernel!.nicDescriptors).toBe(16);
    expect(out.result.delivered).toMatchObject({ bytes: 64 * KiB, intact: true });
  });
  it("to the NIC without gather: segments are copies that hold no user page, the completion is not COPIED", async () => {
    const out = await runProgram(prog(["MSG_ZEROCOPY"], true), { files: SRC(64 * KiB), buffers: { b: { size: 64 * KiB } }, sinks: { out: { kind: "nic", expect: "src" } } }, {}, { nicSg: false });
    expect(evs(out, "ZC_COMPLETE").map((e) => [e.lo, e.hi, e.copied])).toEqual([[0, 1, 0]]);
    expect(out.result.kernel!.skbLinearBytes).toBe(64 * KiB);
    expect(out.result.kernel!.skbFragBytes).toBe(0);
    expect(out.result.copies.cpu.bytes).toBe(2 * 64 * KiB);   // read(), then skb_segment's copy
  });
  it("without SO_ZEROCOPY the flag is ignored: a copy, and no completion", async () => {
    const out = await runProgram(prog(["MSG_ZEROCOPY"], false), { files: SRC(64 * KiB), buffers: { b: { size: 64 * KiB } }, sinks: { out: { kind: "nic", expect: "src" } } });
    expect(out.result.copies.cpu.bytes).toBe(2 * 64 * KiB);
    expect(out.result.kernel!.zcCompletions).toBe(0);
    expect(out.result.io).toMatchObject({ wchar: 0, syscw: 0 });   // send() does not account
  });
});

describe("truncation under a mapping", () => {
  it("a page wholly past the new EOF raises SIGBUS at the exact address; the partial page stays mapped", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { call: "open", path: "src", flags: ["O_RDWR"], ret: "rw" },
      { call: "mmap", addr: null, length: 16384, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "p" },
      { call: "mem_read", addr: "$p", len: 16384 },
      { call: "ftruncate", fd: "rw", length: 5000 },
      { call: "mem_read", addr: "$p + 4096", len: 1 },
      { call: "mem_read", addr: "$p + 8192 + 17", len: 1 },
    ], { files: SRC(16384) });
    expect(out.result.signals).toEqual([expect.objectContaining({ signal: "SIGBUS", code: "BUS_ADRERR", mapOffset: 8192 + 17, step: 6 })]);
    expect(out.result.kernel!.signals).toBe(1);
    expect(out.result.errors).toEqual([]);
  });
});

describe("the page-sharing hazard", () => {
  // the source is changed after the call returned and before the (lazy) peer read: zero-copy paths deliver
  // the new bytes, copying paths the old
  const hazard = (transfer: unknown[]) => runProgram([
    { call: "open", path: "src", flags: ["O_RDWR"], ret: "in" },
    { call: "mmap", addr: null, length: 65536, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "p" },
    ...transfer,
    { call: "mem_write", addr: "$p", len: 4096 },
    { call: "peer_read", sink: "out" },
  ], { files: SRC(65536), buffers: { b: { size: 65536 } }, sinks: { out: { kind: "tcp", expect: "src", peer: "lazy" } } });

  it("sendfile delivers the modified page", async () => {
    const out = await hazard([{ call: "sendfile", out_fd: "out", in_fd: "in", offset: null, count: 65536 }]);
    expect(out.result.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 4096 });
  });
  it("splice delivers the modified page", async () => {
    const out = await hazard([
      { call: "pipe", ret: ["pr", "pw"] },
      { call: "splice", fd_in: "in", off_in: null, fd_out: "pw", off_out: null, len: 65536, flags: [], ret: "n" },
      { call: "splice", fd_in: "pr", off_in: null, fd_out: "out", off_out: null, len: "$n", flags: [] },
    ]);
    expect(out.result.delivered).toMatchObject({ bytes: 65536, modifiedBytes: 4096 });
  });
  it("read + write delivers what was copied", async () => {
    const out = await hazard([
      { call: "read", fd: "in", buf: "b", count: 65536, ret: "n" },
      { call: "write", fd: "out", buf: "b", count: "$n" },
    ]);
    expect(out.result.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 0 });
  });
  it("mmap + write delivers what was copied", async () => {
    const out = await hazard([{ call: "write", fd: "out", buf: "p", count: 65536 }]);
    expect(out.result.delivered).toMatchObject({ bytes: 65536, modifiedBytes: 0 });
  });
});

describe("write_bytes", () => {
  it("a file sink's pages are accounted once as they turn dirty", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { repeat: { until: "zero" }, do: [
        { call: "read", fd: "in", buf: "b", count: 5000, ret: "n" },
        { call: "write", fd: "dst", buf: "b", count: "$n" },
      ] },
    ], { files: SRC(MiB), buffers: { b: { size: 5000 } }, sinks: { dst: { kind: "file", expect: "src" } } });
    expect(out.result.io.writeBytes).toBe(MiB);
    expect(out.result.delivered).toMatchObject({ bytes: MiB, intact: true });
  });
  it("a store to a clean page-cache folio dirties the whole folio (measured: one store, 1 MiB)", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDWR"], ret: "in" },
      { call: "mmap", addr: null, length: 2 * MiB, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "p" },
      { call: "mem_write", addr: "$p + 8192", len: 1 },
      { call: "mem_write", addr: "$p + 12288", len: 1 },
    ], { files: { src: { size: 2 * MiB, cache: "warm", fill: "write", fillChunk: MiB } } });
    expect(out.result.io.writeBytes).toBe(MiB);
    // each store reads first: the read fault maps the whole (non-EOF) folio read-only, then each page's first
    // store takes a write-protect fault (page_mkwrite)
    expect(out.result.faults.minor).toBe(3);
  });
});

describe("poll", () => {
  it("a pipe: readable when it holds data; not ready: 0 after the timeout; never ready with no timeout: the run stops", async () => {
    const out = await runProgram([
      { call: "pipe", ret: ["pr", "pw"] },
      { call: "poll", fd: "pr", events: ["POLLIN"], timeout: 0, ret: "a" },
      { call: "poll", fd: "pw", events: ["POLLOUT"], timeout: 0, ret: "w" },
      { call: "write", fd: "pw", buf: "b", count: 10 },
      { call: "poll", fd: "pr", events: ["POLLIN"], timeout: 5, ret: "c" },
      { call: "read", fd: "pr", buf: "b", count: 10 },
      { call: "poll", fd: "pr", events: ["POLLIN"], timeout: 5, ret: "d" },
      { call: "poll", fd: "pr", events: ["POLLIN"], timeout: -1 },
    ], { buffers: { b: { size: 4096 } } });
    const rets = evs(out, "SYS_EXIT").filter((e) => e.name === "poll").map((e) => Number(e.ret));
    expect(rets).toEqual([0, 1, 1, 0]);
    expect(out.status).toBe("TIMEOUT");
  });
  it("MSG_ZEROCOPY completions make the socket report POLLERR", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { call: "read", fd: "in", buf: "b", count: 65536 },
      { call: "poll", fd: "out", events: ["POLLIN"], timeout: 0, ret: "a" },
      { call: "setsockopt", sockfd: "out", level: "SOL_SOCKET", optname: "SO_ZEROCOPY", optval: 1 },
      { call: "send", sockfd: "out", buf: "b", len: 65536, flags: ["MSG_ZEROCOPY"] },
      { call: "poll", fd: "out", events: ["POLLIN"], timeout: 0, ret: "c" },
    ], { files: SRC(65536), buffers: { b: { size: 65536 } }, sinks: { out: { kind: "nic", expect: "src" } } });
    const rets = evs(out, "SYS_EXIT").filter((e) => e.name === "poll").map((e) => Number(e.ret));
    expect(rets).toEqual([0, 1]);
  });
});

describe("fsync", () => {
  it("writes the dirty folios back: one block request per run, the disk's DMA, the caller waits", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDWR"], ret: "fd" },
      { call: "pwrite64", fd: "fd", buf: "b", count: 8192, offset: 0 },
      { call: "pwrite64", fd: "fd", buf: "b", count: 4096, offset: 65536 },
      { call: "fsync", fd: "fd" },
      { call: "fsync", fd: "fd" },
    ], { files: { src: { size: 4 * 65536, cache: "warm", fill: "write", fillChunk: 4096 } }, buffers: { b: { size: 8192 } } });
    // two runs of dirty pages (0-1 and 16): two write requests; the second fsync finds nothing dirty
    expect(out.result.kernel!.blockRqIssue).toBe(2);
    expect(out.result.copies.dma).toEqual({ ops: 2, bytes: 3 * 4096 });
    expect(out.result.io.writeBytes).toBe(3 * 4096);
    expect(out.result.io.readBytes).toBe(0);
    expect(out.result.kernel!.nvcsw).toBe(1);
  });
});
