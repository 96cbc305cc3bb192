/**
 * Every catalogue scenario at 64 KiB, 1 MiB and 16 MiB with 4 KiB and 64 KiB chunks, against counts derived here
 * by hand from the mechanism (an EOF read, a pipe's capacity, an skb's size goal, a fault-around window).
 */
import { describe, it, expect } from "vitest";
import { runByName, KiB, MiB, PAGE, GSO, GSO_NIC, MSS_NIC, splits, ceil, INSTANT_PEER } from "./helpers.js";
import { Knob } from "../../src/scenario/abi.js";

const SIZES = [64 * KiB, MiB, 16 * MiB];
const CHUNKS = [4 * KiB, 64 * KiB];

// These count one push per send call: with INSTANT_PEER every skb is acknowledged at once, so Nagle's algorithm
// never holds one (its own tests are at the end).
describe("read-write: read into a buffer, write to the socket", () => {
  for (const size of SIZES) for (const chunk of CHUNKS) {
    it(`${size / KiB} KiB in ${chunk / KiB} KiB chunks`, async () => {
      const { result: r, status } = await runByName("read-write", { fileSize: size, chunk }, false, INSTANT_PEER);
      expect(status).toBe("DONE");
      const n = ceil(size, chunk);              // reads that return data
      const reads = n + 1;                      // + the read that returns 0 at EOF
      const writes = n;
      expect(r.syscalls.byName).toEqual({ open: 1, read: reads, write: writes, close: 1 });
      expect(r.syscalls.total).toBe(reads + writes + 2);
      expect(r.modeSwitches).toBe(2 * r.syscalls.total);
      // page cache -> buffer, buffer -> skb: each byte twice; one op per call that copies
      expect(r.copies.cpu.bytes).toBe(2 * size);
      expect(r.copies.cpu.ops).toBe(n + writes);
      expect(r.copies.dma).toEqual({ ops: 0, bytes: 0 });   // warm cache, loopback: no device moves data
      expect(r.faults).toEqual({ minor: 0, major: 0 });      // the buffer was pre-faulted in setup
      expect(r.io).toMatchObject({ rchar: size, wchar: size, syscr: reads, syscw: writes, readBytes: 0 });
      expect(r.delivered).toMatchObject({ bytes: size, intact: true, modifiedBytes: 0 });
      expect(r.peer!.copies.bytes).toBe(size);               // the peer copies what it receives
      expect(r.kernel!.skbs).toBe(writes * ceil(chunk, GSO));
      // tcp_sendmsg copies into the task's page fragment, never the skb's head (6.18 loopback: all bytes in frags)
      expect(r.kernel!.skbLinearBytes).toBe(0);
      expect(r.kernel!.skbFragBytes).toBe(size);
    });
  }
});

describe("mmap-write: map the file, write the mapping", () => {
  for (const size of SIZES) for (const chunk of CHUNKS) {
    it(`${size / KiB} KiB in ${chunk / KiB} KiB writes`, async () => {
      const { result: r, status } = await runByName("mmap-write", { fileSize: size, chunk }, false, INSTANT_PEER);
      expect(status).toBe("DONE");
      const writes = ceil(size, chunk);
      expect(r.syscalls.byName).toEqual({ open: 1, mmap: 1, write: writes, munmap: 1, close: 1 });
      expect(r.modeSwitches).toBe(2 * (writes + 4));
      // one copy: the mapped page-cache pages to the skbs
      expect(r.copies.cpu.bytes).toBe(size);
      // The setup wrote the file in 1 MiB write()s: folios of min(size, 1 MiB). The write()'s copy faults the
      // mapping in from the kernel (not a user-mode fault). A fault maps a whole large folio unless it holds EOF;
      // the EOF folio is mapped by aligned 16-page fault-around windows (the mapping is 64 KiB aligned here).
      const folio = Math.min(size, MiB);
      const folios = size / folio;
      const expected = folio > 64 * KiB ? (folios - 1) + folio / (64 * KiB) : size / (64 * KiB);
      expect(r.faults).toEqual({ minor: expected, major: 0 });
      expect(r.kernel!.pageFaultUser).toBe(0);
      expect(r.kernel!.ptesSet).toBe(size / PAGE);
      expect(r.io).toMatchObject({ rchar: 0, wchar: size, syscr: 0, syscw: writes });
      expect(r.delivered).toMatchObject({ bytes: size, intact: true });
    });
  }
});

describe("sendfile: file to socket in the kernel", () => {
  for (const size of SIZES) for (const chunk of CHUNKS) {
    it(`${size / KiB} KiB, ${chunk / KiB} KiB per call`, async () => {
      const { result: r, status } = await runByName("sendfile", { fileSize: size, chunk }, false, INSTANT_PEER);
      expect(status).toBe("DONE");
      const calls = ceil(size, chunk) + 1;     // the last returns 0 at EOF
      expect(r.syscalls.byName).toEqual({ open: 1, sendfile: calls, close: 1 });
      expect(r.copies.cpu).toEqual({ ops: 0, bytes: 0 });
      expect(r.io).toMatchObject({ rchar: size, wchar: size, syscr: calls, syscw: calls });
      // each call pushes its skbs; an skb carries at most GSO bytes, one fragment per page
      expect(r.kernel!.skbs).toBe(ceil(size, chunk) * ceil(chunk, GSO));
      expect(r.kernel!.skbFragBytes).toBe(size);
      // a reference for the internal pipe's buffer and one for the skb's fragment, per page; a page cut by an
      // skb boundary is referenced by both skbs
      expect(r.kernel!.pageRefs).toBe(2 * (size / PAGE) + ceil(size, chunk) * splits(chunk, GSO));
      expect(r.delivered).toMatchObject({ bytes: size, intact: true });
      expect(r.peer!.copies.bytes).toBe(size);
    });
  }
  it("whole file in one call, NIC with gather: no CPU copy, one descriptor per fragment", async () => {
    const size = MiB;
    const { result: r } = await runByName("sendfile", { fileSize: size, sink: "nic" });
    expect(r.syscalls.byName.sendfile).toBe(2);
    expect(r.copies.cpu.bytes).toBe(0);
    // one fragment per page, two for a page an skb boundary cuts
    const frags = size / PAGE + splits(size, GSO_NIC);
    expect(r.kernel!.skbs).toBe(ceil(size, GSO_NIC));
    expect(r.kernel!.nicDescriptors).toBe(frags);
    expect(r.copies.dma).toEqual({ ops: frags, bytes: size });
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
  });
  it("NIC without gather: software GSO cuts each skb into MSS linear segments, copying; one descriptor each", async () => {
    const size = MiB;
    const { result: r } = await runByName("sendfile", { fileSize: size, sink: "nic", nicSg: false });
    expect(r.copies.cpu.bytes).toBe(size);
    expect(r.copies.cpu.ops).toBe(1);                      // one per call that copies
    expect(r.kernel!.skbLinearBytes).toBe(size);
    expect(r.kernel!.skbFragBytes).toBe(0);
    // each socket skb (GSO_NIC bytes) is cut at MSS boundaries of its own
    const segs = Math.floor(size / GSO_NIC) * ceil(GSO_NIC, MSS_NIC) + ceil(size % GSO_NIC, MSS_NIC);
    expect(r.kernel!.skbs).toBe(segs);
    expect(r.kernel!.nicDescriptors).toBe(segs);
    expect(r.kernel!.csumBytes).toBe(0);
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
  });
  it("NIC without checksum offload: page-cache frags are shared, so each segment is linearized before the CPU sums it", async () => {
    const size = MiB;
    const { result: r } = await runByName("sendfile", { fileSize: size, sink: "nic", nicCsum: false });
    expect(r.copies.cpu.bytes).toBe(size);
    expect(r.kernel!.skbLinearBytes).toBe(size);
    expect(r.kernel!.skbFragBytes).toBe(0);
    expect(r.kernel!.csumBytes).toBe(size);
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
  });
  it("NIC without checksum offload, write(): the page-fragment frags are not shared: segments keep them, the CPU only sums", async () => {
    const size = MiB;
    const { result: r } = await runByName("read-write", { fileSize: size, chunk: "64KiB", sink: "nic", nicCsum: false });
    expect(r.copies.cpu.bytes).toBe(2 * size);             // read() and write(): no third copy at the device
    expect(r.kernel!.skbLinearBytes).toBe(0);
    expect(r.kernel!.skbFragBytes).toBe(size);
    expect(r.kernel!.csumBytes).toBe(size);
    expect(r.kernel!.skbs).toBeGreaterThanOrEqual(Math.ceil(size / MSS_NIC));
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
  });
  it("cold cache: the disk DMAs the file into the page cache, read_bytes shows it", async () => {
    const size = MiB;
    const { result: r } = await runByName("sendfile", { fileSize: size, sink: "nic", cache: "cold" });
    expect(r.io.readBytes).toBe(size);
    expect(r.copies.dma.bytes).toBe(2 * size);     // disk -> memory, memory -> NIC
    expect(r.kernel!.diskPages).toBe(size / PAGE);
    expect(r.kernel!.blockRqIssue).toBeGreaterThan(1);   // window after window
  });
});

describe("splice: file to pipe to socket", () => {
  for (const size of SIZES) for (const chunk of CHUNKS) {
    it(`${size / KiB} KiB, len ${chunk / KiB} KiB, 64 KiB pipe`, async () => {
      const { result: r, status } = await runByName("splice", { fileSize: size, chunk, pipeSize: "64KiB" }, false, INSTANT_PEER);
      expect(status).toBe("DONE");
      const per = Math.min(chunk, 64 * KiB);    // a splice into the pipe moves at most its capacity
      const rounds = ceil(size, per);
      expect(r.syscalls.byName.splice).toBe(2 * rounds + 1);   // in + out per round, + the 0 at EOF
      expect(r.copies.cpu).toEqual({ ops: 0, bytes: 0 });
      expect(r.io).toMatchObject({ rchar: 0, wchar: 0, syscr: 0, syscw: 0 });  // splice does not account
      expect(r.delivered).toMatchObject({ bytes: size, intact: true });
      expect(r.kernel!.skbFragBytes).toBe(size);
    });
  }
});

describe("tee: duplicate pipe data without copying", () => {
  for (const size of SIZES) for (const chunk of CHUNKS) {
    it(`${size / KiB} KiB, ${chunk / KiB} KiB per round`, async () => {
      const { result: r, status } = await runByName("tee", { fileSize: size, chunk }, false, INSTANT_PEER);
      expect(status).toBe("DONE");
      const rounds = ceil(size, chunk);
      expect(r.syscalls.byName.splice).toBe(3 * rounds + 1);
      expect(r.syscalls.byName.tee).toBe(rounds);
      // both sinks receive the whole file; only the file sink's write into its page cache copies
      expect(r.delivered).toMatchObject({ bytes: 2 * size, intact: true });
      expect(r.copies.cpu.bytes).toBe(size);
      expect(r.kernel!["sink.out.bytes"]).toBe(size);
      expect(r.kernel!["sink.copy.bytes"]).toBe(size);
      // each splice into the file sink is one write of a round's bytes: one folio of that size (fgf_set_order)
      expect(r.kernel!.filemapAdd).toBe(rounds);
    });
  }
});

describe("knobs change counts by changing the mechanism", () => {
  it("a 1 MiB pipe cuts splice calls sixteenfold for a large len", async () => {
    const small = (await runByName("splice", { fileSize: 16 * MiB, chunk: "whole", pipeSize: "64KiB" }, false, INSTANT_PEER)).result;
    const big = (await runByName("splice", { fileSize: 16 * MiB, chunk: "whole", pipeSize: "1MiB" }, false, INSTANT_PEER)).result;
    const rounds = (r: typeof small) => (r.syscalls.byName.splice - 1) / 2;
    expect(rounds(small)).toBe(16 * MiB / (64 * KiB));
    expect(rounds(big)).toBe(16 * MiB / MiB);
    expect(rounds(small) / rounds(big)).toBe(16);
  });
  it("gather off adds a CPU copy", async () => {
    const on = (await runByName("sendfile", { fileSize: MiB, sink: "nic", nicSg: true })).result;
    const off = (await runByName("sendfile", { fileSize: MiB, sink: "nic", nicSg: false })).result;
    expect(on.copies.cpu.bytes / on.payloadBytes).toBe(0);
    expect(off.copies.cpu.bytes / off.payloadBytes).toBe(1);
  });
  it("a smaller fault-around window means more faults", async () => {
    const a = (await runByName("mmap-write", { fileSize: MiB, faultAround: "64KiB" })).result;
    const b = (await runByName("mmap-write", { fileSize: MiB, faultAround: "16KiB" })).result;
    expect(a.faults.minor).toBe(16);
    expect(b.faults.minor).toBe(64);
  });
  it("MAP_POPULATE faults inside mmap: counted as faults, not as user page faults", async () => {
    const r = (await runByName("mmap-write", { fileSize: MiB, populate: true })).result;
    expect(r.faults.minor).toBe(16);
    expect(r.kernel!.pageFaultUser).toBe(0);
  });
});

describe("identities survive copies at any offset", () => {
  // odd chunk sizes put every copy at a different offset in its source and destination pages
  for (const chunk of [1000, 5000, 65537, 200000]) {
    for (const sink of ["tcp", "nic", "file"]) {
      it(`read-write in ${chunk}-byte chunks to ${sink}`, async () => {
        const size = MiB + 12345;
        const { result: r } = await runByName("read-write", { fileSize: size, chunk, sink }, false, INSTANT_PEER);
        expect(r.delivered).toMatchObject({ bytes: size, intact: true, modifiedBytes: 0 });
        expect(r.copies.cpu.bytes).toBe(2 * size);
      });
    }
    it(`sendfile in ${chunk}-byte calls to the NIC without gather`, async () => {
      const size = MiB + 12345;
      const { result: r } = await runByName("sendfile", { fileSize: size, chunk, sink: "nic", nicSg: false });
      expect(r.delivered).toMatchObject({ bytes: size, intact: true });
    });
  }
  it("a file that is not the expected one is not intact", async () => {
    const { result: r } = await runByName("read-write", { fileSize: MiB, chunk: 5000, sink: "nic" });
    expect(r.delivered.intact).toBe(true);
    expect(r.kernel!["sink.out.bad"]).toBe(0);
  });
});

describe("the sender sleeps when its socket buffer is full", () => {
  it("once per send buffer's worth through the NIC (tcp_wmem max 4 MiB), not once per page", async () => {
    const { result: r } = await runByName("sendfile", { fileSize: 64 * MiB, sink: "nic" });
    // 64 MiB through a 4 MiB send buffer: it fills 15 times after the first 4 MiB
    expect(r.kernel!.nvcsw).toBe(64 / 4 - 1);
    expect(r.delivered).toMatchObject({ bytes: 64 * MiB, intact: true });
  });
});

describe("Nagle's algorithm on loopback (tcp_nagle_check)", () => {
  it("a peer slower than the writer: 4 KiB writes coalesce into larger skbs, each at most one MSS, all delivered", async () => {
    const size = 4 * MiB, chunk = 4 * KiB;
    const slow = { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 2000 };
    const { result: r } = await runByName("read-write", { fileSize: size, chunk }, false, slow);
    const { result: one } = await runByName("read-write", { fileSize: size, chunk }, false, INSTANT_PEER);
    expect(one.kernel!.skbs).toBe(size / chunk);                 // one push per write when nothing is unacknowledged
    expect(r.kernel!.skbs).toBeLessThan(size / chunk / 4);        // held while data is in flight, appended to
    expect(r.kernel!.skbs).toBeGreaterThanOrEqual(ceil(size, GSO));
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
    expect(r.kernel!.skbFragBytes).toBe(size);
  });

  it("sendfile: each 64 KiB step's full segment is acknowledged on arrival, and its ACK covers the tail before it", async () => {
    // a peer so slow that it reads nothing while the sender runs: only the full segments' own ACKs can release
    // a held tail; they are cumulative, so every step's tail goes out (65483 bytes and a tail, per step)
    const size = 4 * MiB, slow = { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 100000 };
    const { result: r } = await runByName("sendfile", { fileSize: size }, false, slow);
    expect(r.kernel!.skbs).toBe(2 * (size / (64 * KiB)));
    expect(r.delivered).toMatchObject({ bytes: size, intact: true });
    // through a NIC, MSG_MORE corks the tail between the steps: full skbs only, and one tail at the call's end
    const { result: n } = await runByName("sendfile", { fileSize: size, sink: "nic" }, false, slow);
    expect(n.kernel!.skbs).toBe(ceil(size, GSO_NIC));
  });

  it("splice in 16 KiB calls: a sub-MSS skb unread holds the next call's, which appends to it", async () => {
    const size = 4 * MiB, slow = { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 100000 };
    const { result: held } = await runByName("splice", { fileSize: size, chunk: "16KiB" }, false, slow);
    const { result: one } = await runByName("splice", { fileSize: size, chunk: "16KiB" }, false, INSTANT_PEER);
    expect(one.kernel!.skbs).toBe(size / (16 * KiB));
    // 16 KiB alone, then three calls appended to one skb, a full segment and its tail: 3 skbs per 5 calls at most
    expect(held.kernel!.skbs).toBeLessThan(size / (16 * KiB) * 0.65);
    expect(held.delivered).toMatchObject({ bytes: size, intact: true });
  });

  it("the tail a held skb carries at the program's end is delivered (flushed as the host's close would)", async () => {
    const { result: r } = await runByName("read-write", { fileSize: 100 * KiB + 123, chunk: 4 * KiB }, false, { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 5000 });
    expect(r.delivered).toMatchObject({ bytes: 100 * KiB + 123, intact: true });
  });
});
