/**
 * Reads in flight (dev/disk.ts) and the faults that meet them (mm/fault.ts): a block request ends on the model's
 * clock, its folios stay !uptodate until then, fault-around leaves them alone, and a fault or a read that needs
 * one sleeps until the request ends. Which faults count major follows filemap_fault's lock drops (VM_FAULT_RETRY)
 * and the lock the fault started under, never the scenario.
 *
 * The expectations below are counted from the readahead windows by hand: 16 MiB = 4096 pages, a fault-around
 * window of 16 pages, read_ahead_kb 8 MiB = 2048 pages: the read-around of the first fault covers pages
 * [0, 2048) with its PG_readahead mark at 2048 - 2048/4 = 1536; the async window it starts covers [2048, 4096)
 * with its mark on its first folio, 2048; max_sectors_kb 4 MiB cuts each window into requests of 1024 pages.
 */
import { describe, it, expect } from "vitest";
import { runByName, runProgram, evs, MiB } from "./helpers.js";
import { Knob } from "../../src/scenario/abi.js";

const PAGES = 4096;              // 16 MiB
const WINDOW = 16;               // fault_around_bytes 64 KiB
const MARKS = [1536, 2048];      // the PG_readahead folios the fault path meets
const REQUEST_STARTS = [0, 1024, 2048, 3072];

/** a disk whose requests end the moment they are issued */
const INSTANT_DISK = { [Knob.COST_DISK_REQUEST_NS]: 0, [Knob.COST_DMA_PS_PER_BYTE]: 0 };
/** a disk far slower than any copy: every request is still in flight when the reader first needs it */
const SLOW_DISK = { [Knob.COST_DISK_REQUEST_NS]: 50_000_000 };

const cold16 = { fileSize: "16MiB", cache: "cold", readahead: "8MiB", blockMaxRequest: "4MiB" };

/** the program reads the mapping itself: every fault is a user-mode fault */
function userRead(knobs: Record<number, number>, blockMaxRequest = 4 * MiB, readahead = 8 * MiB) {
  return runProgram([
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
    { call: "mmap", addr: null, length: 16 * MiB, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "p" },
    { call: "mem_read", addr: "$p", len: 16 * MiB },
    { call: "munmap", addr: "p", length: 16 * MiB },
  ], { files: { src: { size: "16MiB", cache: "cold" } } },
  { trace: true, knobs: { [Knob.READAHEAD_BYTES]: readahead, [Knob.BLOCK_MAX_REQUEST_BYTES]: blockMaxRequest, [Knob.MMAP_PLACEMENT_0]: 0, ...knobs } });
}

const diskWaits = (out: Awaited<ReturnType<typeof userRead>>) => evs(out, "WAIT").filter((e) => e.whatName === "disk").length;

describe("faults the kernel takes for write() from a cold mapping (kernel mode: mmap_lock, every retry TRIED)", () => {
  it("an instant disk: the first fault and each PG_readahead fault are major (the lock dropped to submit readahead)", async () => {
    const out = await runByName("mmap-write", cold16, true, INSTANT_DISK);
    expect(out.result.faults.minor + out.result.faults.major).toBe(PAGES / WINDOW);
    expect(out.result.faults.major).toBe(1 + MARKS.length);
    expect(out.result.kernel!.blockRqIssue).toBe(REQUEST_STARTS.length);
    expect(diskWaits(out)).toBe(0);
    expect(out.result.delivered.intact).toBe(true);
  });
  it("a slow disk: besides those, each fault that reaches a request still in flight waits and is major", async () => {
    const out = await runByName("mmap-write", cold16, true, SLOW_DISK);
    const majorAt = new Set([0, ...MARKS, ...REQUEST_STARTS]);
    expect(out.result.faults.major).toBe(majorAt.size);
    expect(out.result.faults.minor + out.result.faults.major).toBe(PAGES / WINDOW);
    expect(diskWaits(out)).toBe(REQUEST_STARTS.length);   // one sleep per request: the copy reaches each in flight
    expect(out.result.kernel!.blockRqIssue).toBe(REQUEST_STARTS.length);
    expect(out.result.delivered.intact).toBe(true);
  });
  it("the waits are on the clock: a slow disk's run takes at least its requests' time", async () => {
    const out = await runByName("mmap-write", cold16, false, SLOW_DISK);
    expect(out.result.timeNs).toBeGreaterThanOrEqual(REQUEST_STARTS.length * 50_000_000);
    const fast = await runByName("mmap-write", cold16, false, INSTANT_DISK);
    expect(fast.result.timeNs).toBeLessThan(50_000_000);
  });
});

describe("faults of a program that reads its cold mapping (user mode: the per-VMA lock first)", () => {
  it("only the fault that missed the page cache is major, however slow the disk (a retry after the VMA lock is a first try)", async () => {
    for (const knobs of [INSTANT_DISK, SLOW_DISK]) {
      const out = await userRead(knobs);
      expect(out.result.faults.major).toBe(1);
      expect(out.result.faults.minor + out.result.faults.major).toBe(PAGES / WINDOW);
    }
  });
  it("a slow disk makes the reader sleep once per request, an instant one never", async () => {
    expect(diskWaits(await userRead(SLOW_DISK))).toBe(REQUEST_STARTS.length);
    expect(diskWaits(await userRead(INSTANT_DISK))).toBe(0);
  });
  it("fault-around maps only the folios whose read has ended: requests of 40 KiB split windows, and a slow disk shows it", async () => {
    // requests of 10 pages: the window [0, 16) holds pages of two requests; with the second in flight, the
    // fault maps 10 pages and the next fault, at page 10, waits for the rest (readahead 256 KiB: a window's
    // requests stay within the device's queue, whose tags would otherwise make the submitter wait)
    const slow = await userRead(SLOW_DISK, 40 * 1024, 256 * 1024);
    const fast = await userRead(INSTANT_DISK, 40 * 1024, 256 * 1024);
    const faults = (o: typeof slow) => o.result.faults.minor + o.result.faults.major;
    expect(faults(slow)).toBeGreaterThan(faults(fast));
    expect(slow.result.kernel!.blockRqIssue).toBe(fast.result.kernel!.blockRqIssue);
    expect(evs(slow, "FAULT")[0].pages).toBe(10);
    expect(evs(fast, "FAULT")[0].pages).toBe(WINDOW);
  });
});

describe("read() waits for the folios it copies, with no fault to count", () => {
  const cold1 = { fileSize: "1MiB", cache: "cold", chunk: "64KiB" };
  it("a slow disk: the reader sleeps once for each request it reaches in flight; the requests are the same", async () => {
    const slow = await runByName("read-write", cold1, true, SLOW_DISK);
    const fast = await runByName("read-write", cold1, true, INSTANT_DISK);
    const rq = evs(slow, "BLOCK_RQ").length;
    expect(rq).toBeGreaterThan(1);
    expect(evs(fast, "BLOCK_RQ").length).toBe(rq);
    expect(diskWaits(slow)).toBe(rq);
    expect(diskWaits(fast)).toBe(0);
    expect(slow.result.faults.major + fast.result.faults.major).toBe(0);
    expect(slow.result.delivered.intact && fast.result.delivered.intact).toBe(true);
  });
  it("POSIX_FADV_WILLNEED submits the reads and returns: the read() after it waits for them", async () => {
    const out = await runProgram([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { call: "posix_fadvise", fd: "in", offset: 0, len: 0, advice: "POSIX_FADV_WILLNEED" },
      { call: "read", fd: "in", buf: "buf", count: 4096 },
    ], { files: { src: { size: "64KiB", cache: "cold" } }, buffers: { buf: { size: 4096 } } }, { trace: true, knobs: SLOW_DISK });
    const ev = out.events!;
    const wait = ev.findIndex((e) => e.kind === "WAIT" && e.whatName === "disk");
    const readEnter = ev.findIndex((e) => e.kind === "SYS_ENTER" && e.name === "read");
    expect(evs(out, "BLOCK_RQ").length).toBe(1);
    expect(wait).toBeGreaterThan(readEnter);
  });
});
