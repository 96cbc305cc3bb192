/** toResult: the host's JSON -> the Result, on crafted host output (no kernel needed). */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { nativeBinary, toResult, type NativeRaw } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { nativeReady } from "./helpers.js";

const ready = nativeReady();

/** A real host answer to start from (a refused program needs no kernel work: BAD_PROGRAM, every field present). */
function base(): NativeRaw {
  const raw = JSON.parse(spawnSync(nativeBinary(), ["-"], { input: Buffer.alloc(8) }).stdout.toString()) as NativeRaw;
  return { ...raw, status: "OK", detail: "" };
}

describe.skipIf(!ready.ok)("toResult", () => {
  const compiled = compileByName("sendfile", { fileSize: "64KiB" });

  it("a counter the host could not open is null with its reason, never 0", () => {
    const raw = base();
    expect(raw.counters.TP_PAGE_FAULT_USER).toBeNull();
    expect(raw.evidence.TP_PAGE_FAULT_USER).toBe("unavailable");
    const r = toResult(compiled, raw);
    expect(r.kernel?.pageFaultUser).toBeNull();
    expect(r.evidence?.["kernel.pageFaultUser"]).toBe("unavailable");
    expect(r.unavailable?.["kernel.pageFaultUser"]).toMatch(/not opened/);
    expect(r.copies.dma.ops).toBeNull();
    expect(r.evidence?.["copies.dma.ops"]).toBe("unavailable");
    // a program that never ran read no /proc/self/io: unavailable, with the reason, not 0
    expect(r.io.rchar).toBeNull();
    expect(r.evidence?.["io.rchar"]).toBe("unavailable");
    expect(r.unavailable?.["io.rchar"]).toMatch(/proc\/self\/io/);
  });

  it("delivered: a verified sink's bytes are measured; a null sink's are derived and cannot make the run intact by content", () => {
    const raw = base();
    raw.sinks = [
      { name: "out", kind: "tcp", expect: 0, lazy: false, verified: "peer", reported: true, bytes: 65536, bad: 0, modified: 10, firstBad: -1,
        peer: { reads: 2, recvs: 0, polls: 0, copyOps: 1, copyBytes: 65536, eof: true, errno: null, tp: { skb_copy_datagram_iovec: 3, net_dev_start_xmit: 2, net_dev_start_xmit_data: 1 }, exit: 0 } },
    ];
    let r = toResult(compiled, raw);
    expect(r.delivered).toEqual({ bytes: 65536, intact: true, modifiedBytes: 10, digest: "-" }); // a report without a digest
    expect(r.evidence?.["delivered.bytes"]).toBe("measured");
    expect(r.peer).toMatchObject({ copies: { ops: 1, bytes: 65536 } });
    raw.sinks = [{ name: "out", kind: "null", expect: 0, lazy: false, verified: "none", bytes: 65536 }];
    r = toResult(compiled, raw);
    expect(r.delivered.intact).toBe(null); // unverified (docs/result.md): nothing reads /dev/null back
    expect(r.evidence?.["delivered.bytes"]).toBe("derived");
    expect(r.evidence?.["delivered.intact"]).toBe("unobservable");
    raw.sinks[0].bytes = 100; // its length is checked all the same
    expect(toResult(compiled, raw).delivered.intact).toBe(false);
    expect(toResult(compiled, raw).evidence?.["delivered.intact"]).toBe("derived");
  });

  it("a step the host did not run is in notRun with its place and reason, and in the notes; never an errno", () => {
    const raw = base();
    expect(raw.notRun).toEqual([]);
    expect(toResult(compiled, raw).notRun).toBeUndefined();
    raw.notRun = [{ step: 1, call: "sendfile", count: 3, why: "a descriptor of the host's own (100 and up)" }];
    const r = toResult(compiled, raw);
    expect(r.notRun).toEqual([{ step: 1, at: compiled.steps.find((s) => s.step === 1)?.at, call: "sendfile", count: 3, why: "a descriptor of the host's own (100 and up)" }]);
    expect(r.errors).toEqual([]);
    expect(r.notes?.some((n) => /step 1 \(sendfile.*not run: a descriptor of the host's own/.test(n))).toBe(true);
  });

  it("the network namespace the host ran in: its own is said in kernel.netns; the machine's with the reason", () => {
    const raw = base();
    raw.machine = { primeBytes: 0, primeNs: 0, cpuProgram: 0, cpuPeer: 1, netns: "own (user+net)", netnsWhy: null };
    expect(toResult(compiled, raw).kernel?.netns).toBe("own (user+net)");
    raw.machine = { ...raw.machine, netns: "machine", netnsWhy: "unshare(CLONE_NEWUSER|CLONE_NEWNET): Operation not permitted" };
    const r = toResult(compiled, raw);
    expect(r.kernel?.netns).toBe("machine");
    expect(r.notes?.some((n) => /machine's network namespace: unshare/.test(n))).toBe(true);
  });

  it("a run the host stopped is not intact, and says why", () => {
    const raw = { ...base(), status: "TIMEOUT", detail: "the phase ran past 1 s: a call blocked" };
    raw.sinks = [{ name: "out", kind: "tcp", expect: 0, lazy: true, verified: "peer", reported: true, bytes: 65536, bad: 0, modified: 0, firstBad: -1 }];
    const r = toResult(compiled, raw);
    expect(r.delivered.intact).toBe(false);
    expect(r.notes?.some((n) => /TIMEOUT: the phase ran past/.test(n))).toBe(true);
  });

  it("errors carry the step's place in the scenario file", () => {
    const raw = base();
    raw.errors = [{ step: 1, call: "sendfile", errno: "EPIPE", errnoValue: 32, count: 2 }];
    expect(toResult(compiled, raw).errors).toEqual([{ step: 1, at: compiled.steps[1].at, call: "sendfile", errno: "EPIPE", count: 2 }]);
  });
});
