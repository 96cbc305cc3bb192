/**
 * Mechanisms the model learned from the comparison with the kernel (issue 4): where ASLR puts a mapping, the
 * socket buffers a lazy peer gets, a NIC sink per socket, the folio split at a truncate, one set of evidence names.
 */
import { describe, it, expect } from "vitest";
import { runByName, MiB } from "./helpers.js";
import { withCurrentKernelNames } from "../../src/model/index.js";

describe("mmap placement (an input: the kernel's ASLR choice)", () => {
  it("a 1 MiB mapping's faults follow its offset within 2 MiB: 64 KiB-aligned 16, off 64 KiB 17", async () => {
    const at = async (off: number) => (await runByName("mmap-write", { fileSize: "1MiB", mmapPlacement0: off })).result.faults.minor;
    expect(await at(0)).toBe(16);
    expect(await at(0xdd000)).toBe(17);
  });
  it("a 1 MiB mapping below a PMD of its own takes one fault more (its one folio holds EOF: no fault-around into an empty PMD)", async () => {
    const at = async (off: number) => (await runByName("mmap-write", { fileSize: "1MiB", chunk: "64KiB", mmapPlacement0: off })).result.faults.minor;
    // the host's memory begins right above the mapping: at 0x100000 the mapping ends on a 2 MiB boundary and its PMD
    // is empty; at 0x152000 (the native host's placement) it crosses one: the lower PMD is empty, the upper one is
    // the host's. Measured at 0x152000: 18 in every run
    expect(await at(0x100000)).toBe(17);
    expect(await at(0x152000)).toBe(18);
  });
  it("a file mapping of 2 MiB or more stays 2 MiB-aligned whatever the placement (thp_get_unmapped_area)", async () => {
    const a = await runByName("mmap-write", { fileSize: "16MiB", mmapPlacement0: 0xdd000 });
    const b = await runByName("mmap-write", { fileSize: "16MiB" });
    expect(a.result.faults.minor).toBe(b.result.faults.minor);
  });
});

describe("socket buffers", () => {
  it("a lazy peer's receive buffer holds twice its file, as the native host sizes it: 16 MiB all buffered", async () => {
    const out = await runByName("sharing-hazard", { fileSize: "16MiB" });
    expect(out.status).toBe("DONE");
    expect(out.result.delivered.bytes).toBe(16 * MiB);
  });
});

describe("NIC sinks", () => {
  it("two sockets routed to the NIC each deliver to their own sink", async () => {
    const out = await runByName("tee", { sink: "nic", copySink: "nic", cache: "cold", chunk: "whole" });
    expect(out.result.delivered.intact).toBe(true);
    expect(out.result.kernel!["sink.out.bytes"]).toBe(MiB);
    expect(out.result.kernel!["sink.copy.bytes"]).toBe(MiB);
  });
});

describe("truncate splits the large folio EOF cuts", () => {
  it("the split unmaps the folio whole: the page before EOF faults again (64 KiB write-filled: 2 faults)", async () => {
    const out = await runByName("mmap-truncate", { fileSize: "64KiB" });
    expect(out.result.faults.minor).toBe(2);
    expect(out.result.signals?.[0]?.signal).toBe("SIGBUS");
  });
});

describe("kernel evidence names", () => {
  it("the model emits the native host's names; old ones are read under the new", async () => {
    const out = await runByName("sendfile", { fileSize: "64KiB", cache: "cold" });
    expect(out.result.kernel!.filemapAdd).toBeGreaterThan(0);
    expect(out.result.kernel).not.toHaveProperty("filemapAddToPageCache");
    expect(out.result.kernel).toHaveProperty("netDevXmit");
    expect(out.result.kernel).toHaveProperty("peerSkbCopyDatagram");
    expect(withCurrentKernelNames({ filemapAddToPageCache: 3, netDevStartXmit: 2 })).toEqual({ filemapAdd: 3, netDevXmit: 2 });
  });
});

describe("knob numbers", () => {
  it("every knob has its own number (a program's knob section is keyed by it; never renumber, append)", async () => {
    const { Knob } = await import("../../src/scenario/abi.js");
    const ids = Object.values(Knob) as number[];
    const dup = Object.entries(Knob).filter(([, v]) => ids.indexOf(v as number) !== ids.lastIndexOf(v as number)).map(([k, v]) => `${k}=${v}`);
    expect(dup).toEqual([]);
  });
});
