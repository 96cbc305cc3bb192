/** `zcsim native <name> [--set k=v] [--json|--calls]` end to end, through the CLI's own entry. */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Result } from "../../src/result.js";
import { nativeReady } from "./helpers.js";
import { runCli } from "../cli-harness.js";

const ready = nativeReady();

const run = (argv: string[]) => runCli(argv);
afterEach(() => vi.restoreAllMocks());

describe.skipIf(!ready.ok)(`zcsim native${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it("--json prints the Result, engine native, with its evidence", async () => {
    const r = await run(["native", "sendfile", "--set", "fileSize=256KiB", "--json"]);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as Result;
    expect(res.engine).toBe("native");
    expect(res.scenario).toBe("sendfile");
    expect(res.payloadBytes).toBe(262144);
    expect(res.syscalls.byName.sendfile).toBeGreaterThan(0);
    expect(res.delivered).toMatchObject({ bytes: 262144, intact: true });
    expect(res.evidence?.["syscalls"]).toBe("measured");
    expect(res.evidence?.["copies.cpu.bytes"]).toBe("derived");
    expect(res.evidence?.["kernel.nicDma"]).toBe("unobservable");
  });

  it("prints a table by default, every figure with how it was obtained; --calls the call log", async () => {
    const t = await run(["native", "read-write", "--set", "fileSize=64KiB"]);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/syscalls\s+5 .*measured/);
    expect(t.out).toMatch(/CPU copies .* derived/);
    const c = await run(["native", "read-write", "--set", "fileSize=64KiB", "--calls"]);
    expect(c.out.split("\n").filter((l) => / read\(fd=\d+, buf=0x[0-9a-f]+, count=65536\) = /.test(l)).length).toBe(2);
  });

  it("a run the host refuses is one line and exit status 2", async () => {
    // the host has one veth pair: a second nic sink is refused before anything runs
    const r = await run(["native", "tee", "--set", "sink=nic", "--set", "copySink=nic"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^zcsim: native: .*UNSUPPORTED: .*one nic sink per program.*\n$/);
  });
});
