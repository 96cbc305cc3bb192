/**
 * The skbs as the kernel hands them to a driver (native-host/skbtrace.c) and the nic sink (native-host/nic.c): the
 * format-file parser against the real file and crafted ones; the loopback sink's shapes; a veth with each
 * scatter-gather / checksum-offload setting, its shapes as the kernel reports them and delivery intact; the same run
 * unprivileged (namespaces, no tracepoints); and the model against the kernel on the shape rows.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NativeRaw } from "../../src/node/native.js";
import { nativeBinary, runNativeDetailed, toResult } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { hasTool, isRoot, nativeReady, scratch } from "./helpers.js";
import { loadModel } from "../compare/engines.js";

const ready = nativeReady();
const MiB = 1 << 20;
const MSS = 1448; // a veth's MTU 1500 less IPv4 (20) and TCP with timestamps (32)
const FORMAT = "/sys/kernel/tracing/events/net/net_dev_start_xmit/format";

function tpFormat(path: string): { code: number | null; out: Record<string, unknown>; err: string } {
  const r = spawnSync(nativeBinary(), ["--tp-format", path], { timeout: 10_000 });
  return { code: r.status, out: r.status === 0 ? JSON.parse(r.stdout.toString()) : {}, err: r.stderr.toString() };
}

describe.skipIf(!ready.ok)(`the tracepoint format parser${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it.skipIf(!existsSync(FORMAT))(`reads this kernel's net_dev_start_xmit format${existsSync(FORMAT) ? "" : " (skipped: no tracefs here)"}`, () => {
    const text = readFileSync(FORMAT, "utf8");
    const want = (name: string) => {
      const m = new RegExp(`field:[^;]*\\b${name};\\s*offset:(\\d+);\\s*size:(\\d+);`).exec(text);
      return m ? { offset: Number(m[1]), size: Number(m[2]) } : null;
    };
    const r = tpFormat(FORMAT);
    expect(r.code).toBe(0);
    expect(r.out.id).toBe(Number(/^ID: (\d+)/m.exec(text)![1]));
    for (const f of ["len", "data_len", "ip_summed", "gso_size", "gso_segs", "transport_offset"]) expect(r.out[f], f).toEqual(want(f));
    expect(r.out.nr_frags).toBeNull(); // net_dev_start_xmit has none: netif_rx_entry does
  });
  it("takes the offsets a crafted file gives, in any order, and refuses one without data_len or with a bad size", () => {
    const s = scratch();
    try {
      const crafted = join(s.dir, "format");
      writeFileSync(crafted, [
        "name: net_dev_start_xmit", "ID: 77", "format:",
        "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
        "\tfield:unsigned int data_len;\toffset:100;\tsize:4;\tsigned:0;",
        "\tfield:u8 nr_frags;\toffset:9;\tsize:1;\tsigned:0;",
        "\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;",
        "\tfield:unsigned int len;\toffset:40;\tsize:4;\tsigned:0;",
        "\tfield:u16 gso_size;\toffset:16;\tsize:2;\tsigned:0;",
        "", "print fmt: \"len=%u\", REC->len",
      ].join("\n"));
      const r = tpFormat(crafted);
      expect(r.code).toBe(0);
      expect(r.out).toMatchObject({ id: 77, entrySize: 104, len: { offset: 40, size: 4 }, data_len: { offset: 100, size: 4 },
        nr_frags: { offset: 9, size: 1 }, name: { offset: 12, size: 4 }, gso_size: { offset: 16, size: 2 }, ip_summed: null });
      writeFileSync(crafted, "ID: 1\n\tfield:unsigned int len;\toffset:36;\tsize:4;\tsigned:0;\n");
      const missing = tpFormat(crafted);
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/no data_len field/);
      writeFileSync(crafted, "ID: 1\n\tfield:unsigned int len;\toffset:36;\tsize:3;\tsigned:0;\n");
      const bad = tpFormat(crafted);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/len.*size 3/);
    } finally {
      s.done();
    }
  });
});

const tracing = isRoot && existsSync(FORMAT);
const whyNot = !isRoot ? "tracepoints need root here (perf_event_paranoid)" : "no tracefs";
describe.skipIf(!ready.ok || !tracing)(`skb shapes measured${ready.ok && tracing ? "" : ` (skipped: ${ready.ok ? whyNot : ready.why})`}`, () => {
  it("loopback sendfile: every payload byte in page frags, none linear, all CHECKSUM_PARTIAL", { timeout: 60_000 }, async () => {
    // the loopback's skbs are sampled in the host's own network namespace (its loopback renamed, so that no other
    // namespace's skbs match), where the host runs by default (netns.c)
    const { raw, result } = await runNativeDetailed(compileByName("sendfile", { fileSize: "1MiB" }));
    expect(raw.skbShapes, raw.skbShapesWhy).toBeTruthy();
    const sh = raw.skbShapes!;
    expect(sh.fragBytes).toBe(MiB);
    expect(sh.linearBytes).toBe(0);
    expect(sh.csumSoftwareSkbs).toBe(0);
    expect(sh.nrFrags.reduce((a, b) => a + b, 0)).toBe(sh.rxSkbs);
    expect(result.kernel!.skbFragBytes).toBe(MiB);
    expect(result.evidence!["kernel.skbFragBytes"]).toBe("measured");
    expect(result.evidence!["kernel.skbLinearBytes"]).toBe("measured");
    expect(result.copies.cpu.bytes).toBe(0);
  });

  // sg, csum -> what the device reads back and what the driver gets; SLOP: the known unrecognised retransmissions
  const SLOP = MiB + MiB / 10;
  const cases: Array<{ nicSg: boolean; nicCsum: boolean }> = [
    { nicSg: true, nicCsum: true }, { nicSg: false, nicCsum: true }, { nicSg: true, nicCsum: false }, { nicSg: false, nicCsum: false },
  ];
  for (const c of cases) {
    it(`sendfile through a veth, sg ${c.nicSg ? "on" : "off"}, csum ${c.nicCsum ? "on" : "off"}`, { timeout: 60_000 }, async () => {
      const compiled = compileByName("sendfile", { fileSize: "1MiB", sink: "nic", ...c });
      const { raw, result } = await runNativeDetailed(compiled);
      expect(raw.status).toBe("OK");
      expect(result.delivered).toMatchObject({ bytes: MiB, intact: true });
      const m = raw.machine!;
      expect(m.nicDriver).toBe("veth");
      expect(m.netnsOwn).toBe(true);
      expect(m.nicCsum).toBe(c.nicCsum ? 1 : 0);
      if (c.nicCsum) expect(m.nicSg).toBe(c.nicSg ? 1 : 0);
      const gather = c.nicSg && c.nicCsum;
      expect(m.nicTso).toBe(gather ? 1 : 0);
      const sh = raw.skbShapes!;
      expect(sh, raw.skbShapesWhy).toBeTruthy();
      expect(sh.lost).toBe(0);
      // each byte once: a retransmission is sampled and taken back out (retransSkbs)
      if (gather) {
        // TSO: 64 KiB skbs with the pages as frags, the device sums
        expect(sh.fragBytes).toBe(MiB);
        expect(sh.linearBytes).toBe(0);
        expect(sh.gsoSkbs).toBeGreaterThan(0);
        expect(sh.gsoSizeMax).toBe(MSS);
        expect(sh.payloadMax).toBeGreaterThan(MSS);
        expect(sh.nrFrags.slice(1).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(result.copies.cpu.bytes).toBe(0);
      } else {
        // software GSO: MSS-sized linear skbs, no frags, the payload copied once. Known defect, left open: on a loaded
        // machine a retransmission the host does not recognise is counted again (about one run in five at 16 MiB, a
        // segment or two), so the linear bytes and the copy derived from them may exceed the payload by that much
        // (compare scores these counters as ranges for the same reason). The worst seen: 28 segments (1089120 bytes)
        // in a CI run with software GSO and no checksum offload; the bound below is 10 % of the payload.
        expect(sh.linearBytes).toBeGreaterThanOrEqual(MiB);
        expect(sh.linearBytes).toBeLessThanOrEqual(SLOP);
        expect(sh.fragBytes).toBe(0);
        expect(sh.gsoSkbs).toBe(0);
        expect(sh.payloadMax).toBe(MSS);
        expect(sh.skbs).toBeGreaterThanOrEqual(Math.ceil(MiB / MSS));
        expect(sh.nrFrags.length).toBe(1);
        expect(result.copies.cpu.bytes).toBeGreaterThanOrEqual(MiB);
        expect(result.copies.cpu.bytes).toBeLessThanOrEqual(SLOP);
        expect(result.evidence!["copies.cpu.bytes"]).toBe("derived");
      }
      if (c.nicCsum) expect(result.kernel!.csumBytes).toBe(0);
      else { expect(result.kernel!.csumBytes).toBeGreaterThanOrEqual(MiB); expect(result.kernel!.csumBytes).toBeLessThanOrEqual(SLOP); }
      expect(sh.csumSoftwareSkbs).toBe(c.nicCsum ? 0 : sh.skbs);
    });
  }
});

const DROP = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"];
const nobody = ready.ok && isRoot && hasTool("setpriv") &&
  spawnSync("setpriv", [...DROP, nativeBinary()], { stdio: "ignore", timeout: 10_000 }).status === 3;
describe.skipIf(!nobody)(`the nic sink unprivileged (as nobody)${nobody ? "" : " (skipped: needs root to drop to nobody, setpriv, and a binary nobody can run)"}`, () => {
  it("makes its namespaces and the veth, delivers intact; the shapes are unavailable with the reason", () => {
    const s = scratch();
    try {
      spawnSync("chmod", ["777", s.dir]);
      const compiled = compileByName("sendfile", { fileSize: "1MiB", sink: "nic", nicSg: false });
      const r = spawnSync("setpriv", [...DROP, nativeBinary(), "-"], {
        input: Buffer.from(compiled.program.buffer), env: { ...process.env, TMPDIR: s.dir }, timeout: 60_000, maxBuffer: 1 << 28,
      });
      const raw = JSON.parse(r.stdout.toString()) as NativeRaw;
      expect(raw.status, raw.detail).toBe("OK");
      expect(raw.machine!.nicSg).toBe(0);
      expect(raw.machine!.netns).toBe("own (user+net)");
      const result = toResult(compiled, raw);
      expect(result.delivered).toMatchObject({ bytes: MiB, intact: true });
      for (const k of ["kernel.skbFragBytes", "kernel.skbLinearBytes", "copies.cpu.bytes", "kernel.csumBytes"]) {
        expect(result.evidence![k], k).toBe("unavailable");
        expect(result.unavailable![k], k).toMatch(/tracefs|perf_event|root/);
      }
      expect(result.copies.cpu.bytes).toBeNull();
    } finally {
      s.done();
    }
  });
});

describe.skipIf(!ready.ok || !tracing)(`the model's NIC against the veth${ready.ok && tracing ? "" : " (skipped: needs the native host and tracepoints)"}`, () => {
  for (const nicSg of [true, false]) {
    it(`sendfile 1 MiB, sg ${nicSg ? "on" : "off"}: frag and linear bytes and the CPU's copy agree`, { timeout: 60_000 }, async () => {
      const model = await loadModel();
      if (!model.ok) return;
      const compiled = compileByName("sendfile", { fileSize: "1MiB", sink: "nic", nicSg });
      const k = (await runNativeDetailed(compiled)).result;
      const m = model.engine.run(compiled);
      expect(m.kernel!.skbFragBytes).toBe(k.kernel!.skbFragBytes);
      expect(m.kernel!.skbLinearBytes).toBe(k.kernel!.skbLinearBytes);
      expect(m.copies.cpu.bytes).toBe(k.copies.cpu.bytes);
      // how many skbs TSO makes is the pacing rate's (tcp_tso_autosize): a range on the kernel, not compared here;
      // without gather every skb is one MSS on both sides
      if (!nicSg) for (const r of [m, k]) expect(r.kernel!.skbs).toBeGreaterThanOrEqual(Math.ceil(MiB / MSS));
    });
  }
  // MSG_ZEROCOPY: the veth's peer is on this machine, so skb_orphan_frags_rx copies every skb that still holds the
  // user's pages at its receive (TSO skbs, and the segments skb_segment clones the send's pages into): every
  // completion says COPIED. Without checksum offload the user pages count as shared: the segments arrive linear.
  for (const c of [{ nicSg: true, nicCsum: true }, { nicSg: true, nicCsum: false }]) {
    it(`msg-zerocopy 1 MiB, sg on, csum ${c.nicCsum ? "on" : "off"}: every completion COPIED, frag and linear bytes agree`, { timeout: 60_000 }, async () => {
      const model = await loadModel();
      if (!model.ok) return;
      const compiled = compileByName("msg-zerocopy", { fileSize: "1MiB", chunk: "64KiB", sink: "nic", ...c });
      const k = (await runNativeDetailed(compiled)).result;
      const m = model.engine.run(compiled);
      expect(k.kernel!.zcCompletions).toBe(MiB / (64 * 1024));
      expect(k.kernel!.zcCopied).toBe(k.kernel!.zcCompletions);
      expect(m.kernel!.zcCopied).toBe(k.kernel!.zcCopied);
      expect(m.kernel!.skbFragBytes).toBe(c.nicCsum ? MiB : 0);
      expect(m.kernel!.skbLinearBytes).toBe(c.nicCsum ? 0 : MiB);
      for (const key of ["skbFragBytes", "skbLinearBytes"] as const) {
        expect(k.kernel![key]).toBeGreaterThanOrEqual(m.kernel![key] as number);
        expect(k.kernel![key]).toBeLessThanOrEqual((m.kernel![key] as number) * 1.1);
      }
    });
  }
  // write(): the payload sits in the task's page fragment (frags, not shared); without checksum offload the
  // segments keep those frags where the device gathers and the CPU only sums them (skb_segment, no linearizing)
  for (const nicSg of [true, false]) {
    it(`read-write 1 MiB, sg ${nicSg ? "on" : "off"}, csum off: frag and linear bytes, the checksum and the CPU's copy agree`, { timeout: 60_000 }, async () => {
      const model = await loadModel();
      if (!model.ok) return;
      const compiled = compileByName("read-write", { fileSize: "1MiB", chunk: "64KiB", sink: "nic", nicSg, nicCsum: false });
      const k = (await runNativeDetailed(compiled)).result;
      const m = model.engine.run(compiled);
      expect(m.kernel!.skbFragBytes).toBe(nicSg ? MiB : 0);
      expect(m.kernel!.skbLinearBytes).toBe(nicSg ? 0 : MiB);
      // a retransmission the host does not recognise counts its segment again (the known defect): at most 10 %
      for (const key of ["skbFragBytes", "skbLinearBytes", "csumBytes"] as const) {
        expect(k.kernel![key]).toBeGreaterThanOrEqual(m.kernel![key] as number);
        expect(k.kernel![key]).toBeLessThanOrEqual((m.kernel![key] as number) * 1.1);
      }
      expect(k.copies.cpu.bytes).toBeGreaterThanOrEqual(m.copies.cpu.bytes!);
      expect(k.copies.cpu.bytes).toBeLessThanOrEqual(m.copies.cpu.bytes! + MiB / 10);
    });
  }
});
