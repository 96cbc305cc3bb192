/**
 * The readahead windows and the folio orders of cold sequential reads (assembly/mm/pagecache.ts), pinned to the
 * sequence Linux 6.18 produces. Expected values come from mm/readahead.c (page_cache_sync_ra,
 * page_cache_async_ra, page_cache_ra_order, get_init_ra_size, get_next_ra_size, ractl_max_pages) worked by hand,
 * and were checked against traces taken on this machine (ext4 on virtio, read_ahead_kb 8192, max_sectors_kb
 * 4096) with
 *   perf record -e readahead:page_cache_sync_ra -e readahead:page_cache_async_ra -e readahead:page_cache_ra_order
 *     -e filemap:mm_filemap_add_to_page_cache -e block:block_rq_issue -- zcsim native <scenario> --set ...
 * cut to the phase by the host's --mark lseeks. The traces' lines are quoted where they pin a value.
 */
import { describe, it, expect } from "vitest";
import { Knob } from "../../src/scenario/abi.js";
import { runProgram, evs, KiB, MiB, PAGE } from "./helpers.js";

// this machine's device: read_ahead_kb 8192 (ra_pages 2048), max_sectors_kb 4096 (io_pages 1024)
const THIS_DISK = { [Knob.READAHEAD_BYTES]: 8 * MiB, [Knob.BLOCK_MAX_REQUEST_BYTES]: 4 * MiB };

/** A cold file read from the start in `chunk`-byte read() calls; the folios added and the block requests. */
async function coldRead(size: number, chunk: number, knobs: Record<number, number> = THIS_DISK, hint: unknown[] = []) {
  const out = await runProgram([
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
    ...hint,
    { repeat: { until: "zero" }, do: [{ call: "read", fd: "fd", buf: "b", count: chunk, ret: "n" }] },
  ], { files: { src: { size, cache: "cold" } }, buffers: { b: { size: chunk } } }, { knobs });
  const folios = evs(out, "CACHE_ADD").map((e) => [Number(e.index), Number(e.order)]);
  const requests = evs(out, "BLOCK_RQ").filter((e) => Number(e.write) === 0).map((e) => [Number(e.index), Number(e.pages)]);
  return { out, folios, requests };
}

/** Folio orders, counted. */
const histogram = (folios: number[][]) => {
  const h: Record<number, number> = {};
  for (const [, o] of folios) h[o] = (h[o] ?? 0) + 1;
  return h;
};

describe("readahead windows, Linux 6.18", () => {
  it("16 MiB read 4 KiB at a time: windows 4, 16, 60, 240, 448, 256, 512, 512, 1024, 1024 pages; 10 requests, 28 folios", async () => {
    const { out, folios, requests } = await coldRead(16 * MiB, 4 * KiB);
    // sync at 0, req 1: get_init_ra_size(1, 2048) = 4, async_size 3, order 0
    //   page_cache_ra_order: index=0 order=0 size=4 async_size=3
    // then each mark reached (the expected index) moves the window on, get_next_ra_size() larger, order + 2,
    // the end cut down to a multiple of 1 << min(order, 11):
    //   page_cache_async_ra: index=1  ... -> page_cache_ra_order: index=4 order=2 size=16
    //   page_cache_async_ra: index=4  ... -> page_cache_ra_order: index=20 order=4 size=60     (84 cut to 80)
    //   page_cache_async_ra: index=20 ... -> page_cache_ra_order: index=80 order=6 size=240
    //   page_cache_async_ra: index=80 ... -> page_cache_ra_order: index=320 order=8 size=448   (800 cut to 768)
    //   page_cache_async_ra: index=320 .. -> page_cache_ra_order: index=768 order=10 size=256  (1664 cut to 1024)
    //   ... index=1024 size=512, index=1536 size=512, index=2048 size=1024, index=3072 size=1024, index=4096 (EOF)
    // one request per window (block:block_rq_issue ... + 32, + 128, + 480, + 1920, + 3584, + 2048, + 4096,
    // + 4096, + 8192, + 8192 sectors)
    expect(requests).toEqual([[0, 4], [4, 16], [20, 60], [80, 240], [320, 448], [768, 256], [1024, 512], [1536, 512], [2048, 1024], [3072, 1024]]);
    // mm_filemap_add_to_page_cache, ofs/4096 and order, in the trace's order
    expect(folios).toEqual([
      [0, 0], [1, 0], [2, 0], [3, 0],
      [4, 2], [8, 2], [12, 2], [16, 2],
      [20, 2], [24, 3], [32, 4], [48, 4], [64, 4],
      [80, 4], [96, 5], [128, 6], [192, 6], [256, 6],
      [320, 6], [384, 7], [512, 8],
      [768, 8],
      [1024, 9],
      [1536, 9],
      [2048, 9], [2560, 9],
      [3072, 9], [3584, 9],
    ]);
    expect(out.result.kernel!.filemapAdd).toBe(28);
    expect(out.result.kernel!.blockRqIssue).toBe(10);
    expect(out.result.io.readBytes).toBe(16 * MiB);
  });

  it("16 MiB read whole: a 2048-page window of order 0 (async_size half of it), then 2048 pages of order 2; 2560 folios", async () => {
    const { out, folios, requests } = await coldRead(16 * MiB, 16 * MiB);
    // sync at 0, req 4096 > ra_pages: get_init_ra_size(4096, 2048) = 2048; the read covers the window, so
    // async_size = 2048 >> 1 (page_cache_ra_order: index=0 order=0 size=2048 async_size=1024); the read's batch
    // ends at the mark: page_cache_async_ra: index=1024 req_count=3072 -> page_cache_ra_order: index=2048
    // order=2 size=2048; the mark at 2048 then asks for [4096, ...): past EOF, nothing
    expect(histogram(folios)).toEqual({ 0: 2048, 2: 512 });
    expect(folios[2048]).toEqual([2048, 2]);
    // each window split at max_sectors_kb (block_rq_issue ... + 8192 sectors, four times)
    expect(requests).toEqual([[0, 1024], [1024, 1024], [2048, 1024], [3072, 1024]]);
    expect(out.result.kernel!.filemapAdd).toBe(2560);
  });

  it("16 MiB read 1 MiB at a time (vmsplice's reads, pipeSize=1MiB): windows 512, 1024, 2048, 512 pages of orders 0, 2, 4, 6", async () => {
    const { folios, requests } = await coldRead(16 * MiB, MiB);
    // page_cache_sync_ra: index=0 req_count=256 -> page_cache_ra_order: index=0 order=0 size=512 async_size=256
    // page_cache_async_ra: index=256 -> index=512 order=2 size=1024; index=512 -> index=1536 order=4 size=2048;
    // index=1536 -> index=3584 order=6 size=2048 (clipped at EOF: 8 folios of order 6)
    expect(histogram(folios)).toEqual({ 0: 512, 2: 256, 4: 128, 6: 8 });
    // the windows; the kernel issued the first one's 512 pages of order 0 as 254 + 2 pages (max_segments 254:
    // those pages were not physically contiguous) and re-issued part of them from kblockd, which the model's
    // block layer (split at max_sectors_kb only) does not follow
    expect(requests).toEqual([[0, 512], [512, 1024], [1536, 1024], [2560, 1024], [3584, 512]]);
  });

  it("a file in two pieces on the disk: a window's request ends where the blocks jump (5255025 B, 16 KiB reads)", async () => {
    // Traced on this machine: the file's first 4 MiB at sector 47915008, the rest at 47947776 (FIEMAP: two extents,
    // where ext4 found room). The windows are the ramp's (page_cache_ra_order: index=0 size=16, 16 size=64, 80
    // size=256, 336 size=496, 832 size=960 -> EOF at page 1282: folios 832:6 896:7 1024:8 1280:1 1282:0), and the
    // last window is two requests
    // (block_rq_issue ... 47921664 + 1536, 47947776 + 2072): 192 pages up to the jump, 259 after it
    const breakAt = { ...THIS_DISK, [Knob.DISK_BREAK_0]: 4 * MiB };
    const split = await coldRead(5255025, 16 * KiB, breakAt);
    expect(split.requests).toEqual([[0, 16], [16, 64], [80, 256], [336, 496], [832, 192], [1024, 259]]);
    // the same file in one piece: the last window is one request (5 requests, as the kernel issued when its file
    // was one extent)
    const whole = await coldRead(5255025, 16 * KiB);
    expect(whole.requests).toEqual([[0, 16], [16, 64], [80, 256], [336, 496], [832, 451]]);
    // the folios do not change: the layout is the disk's, not the page cache's
    expect(split.folios).toEqual(whole.folios);
  });

  it("a read larger than ra_pages may use the device's largest request (ractl_max_pages: min(req, io_pages))", async () => {
    // read_ahead_kb 128 (32 pages), max_sectors_kb 1280 (320 pages): a 1 MiB read asks 256 pages > 32, and the
    // device takes 320 > 32: the window is get_init_ra_size(256, 256) = 256 pages, not 32
    const { folios, requests } = await coldRead(MiB, MiB, { [Knob.READAHEAD_BYTES]: 128 * KiB, [Knob.BLOCK_MAX_REQUEST_BYTES]: 1280 * KiB });
    expect(requests).toEqual([[0, 256]]);
    expect(histogram(folios)).toEqual({ 0: 256 });
  });

  it("POSIX_FADV_RANDOM: force_page_cache_ra reads the request itself, in 2 MiB chunks, up to max(io_pages, ra_pages)", async () => {
    const { folios, requests } = await coldRead(16 * MiB, 16 * MiB, THIS_DISK,
      [{ call: "posix_fadvise", fd: "fd", offset: 0, len: 0, advice: ["POSIX_FADV_RANDOM"] }]);
    // page_cache_sync_ra: index=0 req_count=4096 -> page_cache_ra_unbounded: index=0 nr_to_read=512
    // lookahead_size=0, then index=512, 1024, 1536 (min(4096, max(1024, 2048)) pages); the read's next miss:
    // page_cache_sync_ra: index=2048 req_count=2048 -> index=2048, 2560, 3072, 3584; 4096 folios of order 0
    expect(histogram(folios)).toEqual({ 0: 4096 });
    // each chunk is read under its own plug: no request crosses a chunk's end (the kernel splits these further:
    // its order-0 pages were not physically contiguous, max_segments 254)
    expect(requests.every(([i, n]) => Math.floor(i / 512) === Math.floor((i + n - 1) / 512))).toBe(true);
    expect(requests.reduce((a, [, n]) => a + n, 0)).toBe(16 * MiB / PAGE);
  });

  it("a miss after a seek with nothing cached before it is a standalone read of the request (no window)", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "pread64", fd: "fd", buf: "b", count: 16 * KiB, offset: 8 * MiB },
    ], { files: { src: { size: 16 * MiB, cache: "cold" } }, buffers: { b: { size: 16 * KiB } } }, { knobs: THIS_DISK });
    // index 2048, prev_pos -1: not sequential; page_cache_prev_miss finds page 2047 missing, contig_count 0 <=
    // req_count 4: do_page_cache_ra(4 pages), order 0 (page_cache_sync_ra: index=2048 req_count=4 ->
    // page_cache_ra_unbounded: index=2048 nr_to_read=4 lookahead_size=0; 4 folios of order 0, one request)
    const folios = evs(out, "CACHE_ADD").map((e) => [Number(e.index), Number(e.order)]);
    expect(folios).toEqual([[2048, 0], [2049, 0], [2050, 0], [2051, 0]]);
    expect(out.result.io.readBytes).toBe(16 * KiB);
  });
  it("POSIX_FADV_WILLNEED of a whole 16 MiB file reads max(io_pages, ra_pages) = 2048 pages, in 2 MiB chunks of order 0", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "fd" },
      { call: "posix_fadvise", fd: "fd", offset: 0, len: 0, advice: ["POSIX_FADV_WILLNEED"] },
    ], { files: { src: { size: 16 * MiB, cache: "cold" } } }, { knobs: THIS_DISK });
    // force_page_cache_readahead: page_cache_ra_unbounded: index=0 nr_to_read=512 lookahead_size=0, then
    // index=512, 1024, 1536; 2048 folios of order 0 (mm_filemap_add_to_page_cache ... order=0, 2048 times)
    const folios = evs(out, "CACHE_ADD").map((e) => [Number(e.index), Number(e.order)]);
    expect(histogram(folios)).toEqual({ 0: 2048 });
    expect(folios[folios.length - 1]).toEqual([2047, 0]);
    expect(out.result.io.readBytes).toBe(8 * MiB);
  });
});
