/**
 * The machine's parts on their own, driven by small programs: page-table walks and the levels they allocate,
 * fault-around windows, the pipe ring, tee's references, the NIC ring, F_SETPIPE_SZ.
 */
import { describe, it, expect } from "vitest";
import { Knob } from "../../src/scenario/abi.js";
import { runProgram, runByName, evs, retOf, KiB, MiB, PAGE, GSO_NIC, splits } from "./helpers.js";

const GiB = 1024 * MiB;
// a fixed place far from the model's mmap area, 1 GiB aligned, so every table level below the PGD is new
const BASE = 0x100000000000;

describe("page tables", () => {
  it("the first touch allocates PUD, PMD and PTE tables; a new 2 MiB region a PTE table; a new 1 GiB region a PMD and a PTE table", async () => {
    const out = await runProgram([
      { call: "mmap", addr: BASE, length: 2 * GiB, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_FIXED"], fd: -1, offset: 0, ret: "p" },
      { call: "mem_write", addr: "$p", len: 1 },                 // PUD + PMD + PTE table
      { call: "mem_write", addr: "$p + 4096", len: 1 },          // same PTE table
      { call: "mem_write", addr: `$p + ${2 * MiB}`, len: 1 },    // next PMD entry: a PTE table
      { call: "mem_write", addr: `$p + ${GiB}`, len: 1 },        // next PUD entry: a PMD and a PTE table
    ]);
    const alloc = evs(out, "PT_ALLOC");
    expect(alloc.map((e) => e.level)).toEqual([3, 2, 1, 1, 2, 1]);
    expect(out.result.kernel!.ptPages).toBe(6);
    // a store reads first: a read fault maps the zero page, then the write fault gives the page its own frame
    expect(out.result.faults.minor).toBe(8);
    expect(out.result.kernel!.pageFaultUser).toBe(8);
    expect(out.result.kernel!.ptesSet).toBe(8);
  });
  it("an anonymous read maps the zero page; the write after it copies nothing and maps a new page", async () => {
    const out = await runProgram([
      { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_PRIVATE", "MAP_ANONYMOUS"], fd: -1, offset: 0, ret: "p" },
      { call: "mem_read", addr: "$p", len: 8 },
      { call: "mem_write", addr: "$p", len: 8 },
    ]);
    expect(out.result.faults.minor).toBe(2);
    expect(out.result.copies.cpu.bytes).toBe(0);
  });
});

/** A warm file made of 4 KiB folios, mapped at `addr`, every page read once in order. */
async function touchMapped(addr: number, size: number, length = size, fa?: number) {
  return runProgram([
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
    { call: "mmap", addr, length, prot: ["PROT_READ"], flags: ["MAP_SHARED", "MAP_FIXED"], fd: "fd", offset: 0, ret: "p" },
    { set: "o", to: 0 },
    { repeat: { while: `$o < ${size}` }, do: [
      { call: "mem_read", addr: "$p + $o", len: 1 },
      { set: "o", to: "$o + 4096" },
    ] },
  ], { files: { src: { size, cache: "warm", fill: "write", fillChunk: 4096 } } }, { knobs: fa ? { [Knob.FAULT_AROUND_BYTES]: fa } : {} });
}

/** A warm file written in `fillChunk` write()s (its folios that size), mapped 2 MiB-aligned, its first `touched`
 *  bytes read a page at a time, then `more` statements. */
async function touchFolios(size: number, fillChunk: number, touched = size, more: unknown[] = []) {
  return runProgram([
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
    { call: "mmap", addr: BASE, length: size, prot: ["PROT_READ"], flags: ["MAP_SHARED", "MAP_FIXED"], fd: "fd", offset: 0, ret: "p" },
    { set: "o", to: 0 },
    { repeat: { while: `$o < ${touched}` }, do: [{ call: "mem_read", addr: "$p + $o", len: 1 }, { set: "o", to: "$o + 4096" }] },
    ...more,
  ], { files: { src: { size, cache: "warm", fill: "write", fillChunk } } });
}

describe("fault-around", () => {
  it("aligned mapping: one fault per aligned 64 KiB window", async () => {
    const out = await touchMapped(BASE, MiB);
    expect(out.result.faults.minor).toBe(MiB / (64 * KiB));
    expect(evs(out, "FAULT").every((e) => e.pages === 16)).toBe(true);
    expect(out.result.kernel!.pageFaultUser).toBe(16);
  });
  it("unaligned mapping: the first window starts at the VMA and spans 16 pages, the rest are aligned", async () => {
    // mapped 10 pages past a 64 KiB boundary: window [0,16) pages of the VMA, then [16,22) up to the aligned
    // boundary, then aligned windows of 16 over the remaining 234 pages (the last 10 in a short window)
    const out = await touchMapped(BASE + 10 * PAGE, MiB);
    const pages = evs(out, "FAULT").map((e) => Number(e.pages));
    expect(pages[0]).toBe(16);
    expect(pages[1]).toBe(6);
    expect(pages.slice(2, -1).every((p) => p === 16)).toBe(true);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(256);
    expect(out.result.faults.minor).toBe(2 + Math.ceil((256 - 22) / 16));
  });
  it("clipped at the end of the VMA", async () => {
    // a 40 KiB mapping of a larger file: one fault maps the 10 pages the VMA has
    const out = await touchMapped(BASE, 40 * KiB, 40 * KiB);
    expect(evs(out, "FAULT").map((e) => e.pages)).toEqual([10]);
  });
  it("clipped at the page table (PMD) boundary", async () => {
    // the mapping starts 8 pages before a 2 MiB boundary: the first window cannot cross into the next PTE table
    const out = await touchMapped(BASE + 2 * MiB - 8 * PAGE, 64 * KiB);
    expect(evs(out, "FAULT").map((e) => e.pages)).toEqual([8, 8]);
    expect(evs(out, "PT_ALLOC").filter((e) => e.level === 1).length).toBe(2);
  });
  it("fault_around_bytes of one page: one fault per page", async () => {
    const out = await touchMapped(BASE, 64 * KiB, 64 * KiB, 4096);
    expect(out.result.faults.minor).toBe(16);
  });
  it("large folios are mapped whole, except the folio holding EOF (measured on Linux 6.18: 17, 19, 23 faults)", async () => {
    // files written in 1 MiB write()s hold order-8 folios; touching every page of a 2 MiB-aligned mapping
    for (const [size, faults] of [[2 * MiB, 17], [4 * MiB, 19], [8 * MiB, 23]]) {
      const out = await touchFolios(size, MiB);
      // (folios - 1) whole folios, one fault each, then the EOF folio in 16-page windows
      expect(out.result.faults.minor).toBe(size / MiB - 1 + MiB / (64 * KiB));
      expect(out.result.faults.minor).toBe(faults);
    }
  });
  it("a fault takes its references per folio in one atomic add (folio_ref_add), one per page mapped", async () => {
    // 4 KiB folios: a 16-page window is 16 folios, 16 adds; 1 MiB folios mapped whole: one add per fault
    for (const chunk of [4096, MiB]) {
      const size = 4 * MiB;
      const out = await touchFolios(size, chunk, MiB, [
        { call: "mem_read", addr: `$p + ${MiB}`, len: 1 },
        { call: "mem_read", addr: `$p + ${3 * MiB}`, len: 1 },
      ]);
      const refs = evs(out, "PAGE_REF");
      expect(refs.reduce((a, e) => a + Number(e.count), 0)).toBe(out.result.kernel!.pageRefs);
      expect(out.result.kernel!.pageRefs).toBe(evs(out, "FAULT").reduce((a, e) => a + Number(e.pages), 0));
      if (chunk === MiB) expect(refs.length).toBe(out.result.faults.minor);
      else expect(refs.length).toBe(out.result.kernel!.pageRefs);
    }
  });
  it("an empty PMD whose first window starts in the folio holding EOF: fault-around maps nothing, the fault one page", async () => {
    // 1 MiB in one write(): one order-8 folio, which holds EOF; at BASE its PMD has no PTE table yet. Linux 6.18
    // skips filemap_map_pmd for that folio, so no table is installed and pte_offset_map_lock finds none: the first
    // fault maps its own page (finish_fault), the second the rest of the first window (traced on this kernel:
    // faults at pages 0 and 1, map_pages only from the second)
    const one = await touchFolios(MiB, MiB);
    expect(evs(one, "FAULT").slice(0, 3).map((e) => Number(e.pages))).toEqual([1, 15, 16]);
    expect(one.result.faults.minor).toBe(1 + MiB / (64 * KiB));
    expect(evs(one, "PT_ALLOC").filter((e) => e.level === 1).length).toBe(1);
    // the same file in 4 KiB folios: the window's first folio is below EOF, filemap_map_pmd installs the table
    const small = await touchFolios(MiB, 4096);
    expect(evs(small, "FAULT")[0].pages).toBe(16);
    expect(small.result.faults.minor).toBe(MiB / (64 * KiB));
  });
  it("a PMD-sized folio at a 2 MiB-aligned address is mapped by one PMD entry (an 8 MiB write(): 4 faults, measured)", async () => {
    // the last folio ends at EOF: fault-around skips it (see above) and finish_fault maps it by do_set_pmd
    const size = 8 * MiB;
    const out = await touchFolios(size, size);
    expect(out.result.faults.minor).toBe(size / (2 * MiB));
    expect(evs(out, "PT_ALLOC").filter((e) => e.level === 1)).toEqual([]);   // no PTE table at all
    expect(out.result.kernel!.ptesSet).toBe(4);
  });
  it("a cold file: one major fault, whose retry maps the whole window (measured: 64 KiB, 1 major, 0 minor)", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "mmap", addr: BASE, length: 65536, prot: ["PROT_READ"], flags: ["MAP_SHARED", "MAP_FIXED"], fd: "fd", offset: 0, ret: "p" },
      { set: "o", to: 0 },
      { repeat: { while: "$o < 65536" }, do: [{ call: "mem_read", addr: "$p + $o", len: 1 }, { set: "o", to: "$o + 4096" }] },
    ], { files: { src: { size: 65536, cache: "cold" } } });
    expect(out.result.faults).toEqual({ minor: 0, major: 1 });
    expect(out.result.io.readBytes).toBe(65536);
  });
  it("a page wholly past EOF raises SIGBUS at the exact address", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "mmap", addr: null, length: 3 * PAGE, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "fd", offset: 0, ret: "p" },
      { call: "mem_read", addr: "$p + 8192 + 100", len: 1 },
    ], { files: { src: { size: 5000, cache: "warm" } } });
    expect(out.result.signals?.[0]).toMatchObject({ signal: "SIGBUS", code: "BUS_ADRERR", mapOffset: 8292 });
  });
});

describe("pipes", () => {
  it("the ring wraps around: slots cycle through 16, buffers are released as read", async () => {
    const out = await runProgram([
      { call: "pipe", ret: ["r", "w"] },
      { repeat: { count: 40 }, do: [
        { call: "write", fd: "w", buf: "b", count: 4096 },
        { call: "read", fd: "r", buf: "b", count: 4096 },
      ] },
    ], { buffers: { b: { size: 4096 } } });
    const slots = evs(out, "PIPE_PUSH").map((e) => Number(e.slot));
    expect(slots.length).toBe(40);
    expect(slots).toEqual(Array.from({ length: 40 }, (_, i) => i % 16));
    expect(evs(out, "PIPE_POP").length).toBe(40);
    expect(out.result.copies.cpu.bytes).toBe(2 * 40 * 4096);
  });
  it("a full pipe takes no more: write returns what fitted, splice moves at most the free capacity", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "pipe2", flags: ["O_NONBLOCK"], ret: ["r", "w"] },
      { call: "splice", fd_in: "fd", off_in: null, fd_out: "w", off_out: null, len: 40960, flags: [], ret: "a" },
      { call: "splice", fd_in: "fd", off_in: null, fd_out: "w", off_out: null, len: MiB, flags: [], ret: "b" },
      { call: "splice", fd_in: "fd", off_in: null, fd_out: "w", off_out: null, len: MiB, flags: [], ret: "c" },
    ], { files: { src: { size: MiB, cache: "warm" } } });
    expect(retOf(out, "splice", 0)).toBe(40960);
    expect(retOf(out, "splice", 1)).toBe(65536 - 40960);
    expect(retOf(out, "splice", 2)).toBe(-1);
    expect(out.result.errors).toEqual([expect.objectContaining({ call: "splice", errno: "EAGAIN" })]);
  });
  it("tee duplicates references: each page is held by the cache and both pipes", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "pipe", ret: ["r1", "w1"] },
      { call: "pipe", ret: ["r2", "w2"] },
      { call: "splice", fd_in: "fd", off_in: null, fd_out: "w1", off_out: null, len: 16384, flags: [] },
      { call: "tee", fd_in: "r1", fd_out: "w2", len: 16384, flags: [], ret: "t" },
    ], { files: { src: { size: 16384, cache: "warm", fillChunk: 4096 } } });
    const refs = evs(out, "PAGE_REF");
    expect(refs.length).toBe(8);                                       // 4 pages x (splice + tee)
    expect(refs.slice(4).map((e) => e.refcount)).toEqual([3, 3, 3, 3]);  // cache + pipe 1 + pipe 2
    expect(retOf(out, "tee")).toBe(16384);
    expect(out.result.copies.cpu.bytes).toBe(0);
  });
  it("F_SETPIPE_SZ rounds up to a power of two pages and enforces pipe-max-size", async () => {
    const sizes = [1, 4096, 65537, 1048576, 1048577];
    const out = await runProgram([
      { call: "pipe", ret: ["r", "w"] },
      ...sizes.map((s) => ({ call: "fcntl", fd: "w", cmd: "F_SETPIPE_SZ", arg: s })),
      { call: "fcntl", fd: "w", cmd: "F_GETPIPE_SZ", arg: 0, ret: "g" },
    ]);
    const rets = evs(out, "SYS_EXIT").filter((e) => e.name === "fcntl").map((e) => Number(e.ret));
    expect(rets).toEqual([4096, 4096, 131072, 1048576, -1, 1048576]);
    expect(out.result.errors).toEqual([expect.objectContaining({ call: "fcntl", errno: "EPERM" })]);
  });
  it("F_SETPIPE_SZ below the pipe's occupancy is EBUSY", async () => {
    const out = await runProgram([
      { call: "pipe", ret: ["r", "w"] },
      { call: "write", fd: "w", buf: "b", count: 16384 },
      { call: "fcntl", fd: "w", cmd: "F_SETPIPE_SZ", arg: 4096 },
    ], { buffers: { b: { size: 16384 } } });
    expect(out.result.errors).toEqual([expect.objectContaining({ errno: "EBUSY" })]);
  });
});

describe("NIC", () => {
  it("the TX ring wraps around and every descriptor comes back with DD", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "sendfile", out_fd: "out", in_fd: "fd", offset: null, count: 256 * KiB },
    ], { files: { src: { size: 256 * KiB, cache: "warm" } }, sinks: { out: { kind: "nic", expect: "src" } } }, { knobs: { [Knob.NIC_TX_RING]: 24 } });
    // 5 skbs of at most 45 x 1448 bytes; the 4 boundaries cut pages, so 64 + 4 fragments, one descriptor each
    const n = 64 + splits(256 * KiB, GSO_NIC);
    const posts = evs(out, "DESC_POST");
    expect(posts.length).toBe(n);
    expect(posts.map((e) => e.index)).toEqual(Array.from({ length: n }, (_, i) => i % 24));
    const done = evs(out, "DESC_DONE");
    expect(done.length).toBe(n);
    expect(done.every((e) => e.status === 1)).toBe(true);
    // EOP on the last fragment of each skb
    expect(posts.filter((e) => e.flags === 1).length).toBe(Math.ceil(256 * KiB / GSO_NIC));
    expect(out.result.delivered).toMatchObject({ bytes: 256 * KiB, intact: true });
  });
});

describe("readahead", () => {
  // measured on Linux 6.18, ext4 on a virtio disk with read_ahead_kb = 8192: the folio orders a cold sequential
  // read() loop adds to the page cache (tracepoint filemap:mm_filemap_add_to_page_cache)
  const orders = async (chunk: number) => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { repeat: { until: "zero" }, do: [{ call: "read", fd: "fd", buf: "b", count: chunk, ret: "n" }] },
    ], { files: { src: { size: MiB, cache: "cold" } }, buffers: { b: { size: chunk } } }, { knobs: { [Knob.READAHEAD_BYTES]: 8 * MiB } });
    const h: Record<number, number> = {};
    for (const e of evs(out, "CACHE_ADD")) h[Number(e.order)] = (h[Number(e.order)] ?? 0) + 1;
    return { h, r: out.result };
  };
  it("64 KiB reads: a 64-page window of order 0, then a 256-page window of order 2 (clipped at EOF)", async () => {
    const { h, r } = await orders(64 * KiB);
    expect(h).toEqual({ 0: 64, 2: 48 });
    expect(r.io.readBytes).toBe(MiB);
    expect(r.kernel!.blockRqIssue).toBe(2);   // one block request per window
  });
  it("4 KiB reads: windows of 4, 16, 64 and 256 pages, orders 0, 2, 4, 6, split at unaligned starts", async () => {
    const { h, r } = await orders(4 * KiB);
    expect(h).toEqual({ 0: 4, 2: 5, 3: 1, 4: 4, 5: 1, 6: 2 });
    expect(r.io.readBytes).toBe(MiB);
  });
  it("the block layer splits a window at max_sectors_kb (16 MiB cold sendfile: 7 requests, as measured)", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { repeat: { until: "zero" }, do: [{ call: "sendfile", out_fd: "out", in_fd: "fd", offset: null, count: 16 * MiB, ret: "n" }] },
    ], { files: { src: { size: 16 * MiB, cache: "cold" } }, sinks: { out: { kind: "null" } } },
    { knobs: { [Knob.READAHEAD_BYTES]: 8 * MiB, [Knob.BLOCK_MAX_REQUEST_BYTES]: 4 * MiB } });
    // windows of 64, 256, 512, 1024 pages, then one of 2048 pages whose end is cut down to its order-8 folios
    // (3904 -> 3840: 1984 pages), then the last 256 up to EOF: 1 + 1 + 1 + 1 + 2 + 1 requests of at most 1024
    // pages (page_cache_async_ra, Linux 6.18; docs/readahead.md)
    expect(out.result.kernel!.blockRqIssue).toBe(7);
    expect(out.result.io.readBytes).toBe(16 * MiB);
  });
  it("readahead fetches more than a short read consumes: read_bytes shows it", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "read", fd: "fd", buf: "b", count: 4096 },
    ], { files: { src: { size: MiB, cache: "cold" } }, buffers: { b: { size: 4096 } } });
    // the default window (read_ahead_kb = 128): 4096 bytes asked, 4 pages read (get_init_ra_size)
    expect(out.result.io.rchar).toBe(4096);
    expect(out.result.io.readBytes).toBe(4 * 4096);
    expect(out.result.faults.major).toBe(0);
    expect(out.result.kernel!.nvcsw).toBe(1);   // the read sleeps on the disk once
  });
});

describe("access hints change readahead", () => {
  const coldRead = (hint: unknown[]) => runProgram([
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
    ...hint,
    { repeat: { until: "zero" }, do: [{ call: "read", fd: "fd", buf: "b", count: 4096, ret: "n" }] },
  ], { files: { src: { size: MiB, cache: "cold" } }, buffers: { b: { size: 4096 } } });
  it("POSIX_FADV_RANDOM: no readahead, one block request per read", async () => {
    const out = await coldRead([{ call: "posix_fadvise", fd: "fd", offset: 0, len: 0, advice: ["POSIX_FADV_RANDOM"] }]);
    expect(out.result.kernel!.blockRqIssue).toBe(MiB / PAGE);
    expect(out.result.io.readBytes).toBe(MiB);
  });
  it("POSIX_FADV_SEQUENTIAL: windows twice as large, fewer requests than the default", async () => {
    const normal = await coldRead([]);
    const seq = await coldRead([{ call: "posix_fadvise", fd: "fd", offset: 0, len: 0, advice: ["POSIX_FADV_SEQUENTIAL"] }]);
    expect(seq.result.kernel!.blockRqIssue as number).toBeLessThan(normal.result.kernel!.blockRqIssue as number);
  });
  it("MADV_RANDOM: a cold mapping faults page by page, each a major fault", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "mmap", addr: BASE, length: 65536, prot: ["PROT_READ"], flags: ["MAP_SHARED", "MAP_FIXED"], fd: "fd", offset: 0, ret: "p" },
      { call: "madvise", addr: "p", length: 65536, advice: ["MADV_RANDOM"] },
      { set: "o", to: 0 },
      { repeat: { while: "$o < 65536" }, do: [{ call: "mem_read", addr: "$p + $o", len: 1 }, { set: "o", to: "$o + 4096" }] },
    ], { files: { src: { size: 65536, cache: "cold" } } });
    // each fault reads its one page; fault-around then finds nothing else cached
    expect(out.result.faults).toEqual({ minor: 0, major: 16 });
    expect(out.result.kernel!.blockRqIssue).toBe(16);
  });
});

describe("CPU caches", () => {
  const k = (r: { result: { kernel?: Record<string, unknown> } }) => r.result.kernel as Record<string, number>;
  it("read-write: every page-cache byte the read copies is cold; the buffer it fills and the write reads stays cached", async () => {
    const size = 4 * MiB;
    const r = await runByName("read-write", { fileSize: size, chunk: "64KiB" });
    expect(k(r).copyColdSrcBytes).toBe(size);   // the reads' sources: page-cache pages nobody touched in the phase
    // the writes' sources (the buffer) are cached; cold destinations: the buffer's first fill and skb pages the
    // allocator gives back only after the peer has read them
    expect(k(r).copyColdDstBytes).toBeLessThan(size / 4);
    expect(k(r).copyColdDstBytes).toBeGreaterThanOrEqual(64 * KiB);
  });
  it("a buffer larger than the cache falls out of it between the read and the write; no cache: every byte cold", async () => {
    const size = 16 * MiB;
    const big = await runByName("read-write", { fileSize: size, chunk: "4MiB", cpuCacheBytes: "2MiB" });
    expect(k(big).copyColdSrcBytes).toBeGreaterThan(size * 1.5);   // the buffer was evicted by the next 4 MiB read
    const none = await runByName("read-write", { fileSize: size, chunk: "64KiB", cpuCacheBytes: 0 });
    expect(k(none).copyColdSrcBytes).toBe(none.result.copies.cpu.bytes);
    expect(k(none).copyColdDstBytes).toBe(none.result.copies.cpu.bytes);
  });
  it("mmap-write of the whole file: its one copy reads cold pages into fresh page-fragment pages", async () => {
    const size = 8 * MiB;
    const r = await runByName("mmap-write", { fileSize: size, chunk: "whole" });
    expect(k(r).copyColdSrcBytes).toBeGreaterThan(size * 0.95);
    // mostly fresh: the page fragment starts over in a page of its own only once the peer freed every skb on it
    // (skb_page_frag_refill), which a whole-file write outruns
    expect(k(r).copyColdDstBytes).toBeGreaterThan(size * 0.75);
  });
  it("a miss costs what its knob says, where it happens: the time moves by cold bytes times the cost", async () => {
    // a polling peer: nobody is woken, so a slower sender changes no race, only its own time
    const run = (ps: number) => runByName("mmap-write", { fileSize: 4 * MiB, chunk: "whole", peerPoll: true }, false,
      { [Knob.COST_COPY_COLD_SRC_PS_PER_BYTE]: ps, [Knob.COST_COPY_COLD_DST_PS_PER_BYTE]: 0 });
    const base = await run(0), dear = await run(1000);
    const cold = k(dear).copyColdSrcBytes;
    expect(cold).toBe(k(base).copyColdSrcBytes);
    // each cold source byte adds 1 ns to the sender's time
    expect(dear.result.timeNs - base.result.timeNs).toBeGreaterThan(cold * 0.99);
    expect(dear.result.timeNs - base.result.timeNs).toBeLessThan(cold * 1.01 + 1000);
  });
  it("pages the disk wrote by DMA are cold even if the CPU had them cached before they were freed", async () => {
    const r = await runByName("read-write", { fileSize: 2 * MiB, chunk: "64KiB", cache: "cold" });
    expect(k(r).copyColdSrcBytes).toBe(2 * MiB);
  });
  it("the trace's CACHE_MISS events add up to the counters", async () => {
    const r = await runByName("read-write", { fileSize: 1 * MiB, chunk: "16KiB" }, true);
    const miss = evs(r, "CACHE_MISS");
    expect(miss.filter((e) => !e.dst).reduce((a, e) => a + Number(e.bytes), 0)).toBe(k(r).copyColdSrcBytes);
    expect(miss.filter((e) => e.dst).reduce((a, e) => a + Number(e.bytes), 0)).toBe(k(r).copyColdDstBytes);
  });
});
