/**
 * The delivery proof (issue 23 item 1, issue 15 items 4 and 5; docs/program-format.md "The byte pattern" and "The
 * delivery proof", docs/result.md "delivered"):
 * - one keyed pattern per engine (native-host/pattern.c, assembly/mm/frames.ts), equal to each other and to the
 *   document's definition, computed here a third time from the document;
 * - damage injected into what a sink receives (one byte zeroed, flipped, duplicated, dropped, or swapped with the
 *   next) at 1,000 random positions and at page and chunk edges is caught every time, in both engines: the model
 *   through RunOptions.testCorrupt in its sinks, the native host's checker (pattern.c) through its test harness
 *   (1,000 positions) and through ZCSIM_TEST_CORRUPT in real runs (the edges);
 * - the versions legal for a byte: a store before the call is not "modified after the call", one after it is,
 *   one after the read cannot have been read;
 * - one delivered-bytes semantics for every sink kind, a sink without expectation "unverified".
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileModel, instantiateModel, loadSimulator, type ModelExports, type Simulator } from "../../src/model/index.js";
import { nativeAvailable, runNative } from "../../src/node/native.js";
import { compile, compileByName } from "../../src/scenario/index.js";
import { deliveryVerdict } from "../../src/result.js";

// ---- the pattern as docs/program-format.md defines it (BigInt), the third definition -------------------------
const M64 = (1n << 64n) - 1n;
const mix = (z: bigint): bigint => {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
};
const KEY = BigInt("0x" + Buffer.from("zcsim-pa").toString("hex"));
const DKEY = BigInt("0x" + Buffer.from("zcsim-dg").toString("hex"));
const word = (f: number, o: number, v: number): bigint => mix(KEY ^ (BigInt(Math.floor(o / 8)) | (BigInt(f) << 37n) | (BigInt(v) << 44n)));
const byteAt = (f: number, o: number, v = 0): number => Number((word(f, o, v) >> BigInt(8 * (o % 8))) & 0xffn);
/** the stream digest of version 0 of file f's first n bytes, as the document says: sum of w_i * (mix(DKEY ^ i) | 1) */
const digestV0 = (f: number, n: number): string => {
  let d = 0n;
  for (let i = 0; i * 8 < n; i++) {
    let w = word(f, i * 8, 0);
    if (i * 8 + 8 > n) w &= (1n << BigInt(8 * (n - i * 8))) - 1n;
    d = (d + w * (mix(DKEY ^ BigInt(i)) | 1n)) & M64;
  }
  return d.toString(16).padStart(16, "0");
};

const KINDS = ["zero", "flip", "dup", "drop", "swap"] as const;
type Kind = (typeof KINDS)[number];
/** the damage changes the stream (zeroing a zero byte, swapping two equal bytes would not) */
const changes = (f: number, size: number, kind: Kind, pos: number): boolean =>
  kind === "zero" ? byteAt(f, pos) !== 0 : kind === "swap" ? pos + 1 < size && byteAt(f, pos) !== byteAt(f, pos + 1) : true;

// ---- the native checker's harness --------------------------------------------------------------------------
const root = join(import.meta.dirname, "../..");
let harness = "";
let harnessWhy = "";
const work = mkdtempSync(join(tmpdir(), "zcsim-proof-"));
function buildHarness(): void {
  if (process.platform !== "linux") { harnessWhy = "not Linux"; return; }
  const out = join(work, "pattern-harness");
  const r = spawnSync(process.env.CC || "cc", ["-std=gnu11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror", `-I${root}/native-host`, "-o", out,
    join(root, "test/native/pattern-harness.c"), join(root, "native-host/pattern.c")], { encoding: "utf8" });
  if (r.status !== 0) { harnessWhy = `no C compiler or the harness does not build: ${r.error?.message ?? r.stderr}`; return; }
  harness = out;
}
const runHarness = (args: string[], input: string): string[] => execFileSync(harness, args, { input, encoding: "utf8", maxBuffer: 1 << 26 }).trim().split("\n");

let sim: Simulator;
let x: ModelExports;
const native = nativeAvailable();
beforeAll(async () => {
  buildHarness();
  sim = await loadSimulator();
  x = await instantiateModel(await compileModel());
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the keyed pattern: one definition per engine, equal", () => {
  const points = fc.sample(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 2 ** 40 - 1 }), fc.integer({ min: 0, max: 4095 })), { numRuns: 1000, seed: 2323 });
  points.push([0, 0, 0], [63, 2 ** 40 - 8, 4095], [5, 4096, 1]);

  it("the model's words are the document's", () => {
    for (const [f, o, v] of points) expect(BigInt.asUintN(64, x.zc_pattern_word(f, BigInt(o), v)), `${f} ${o} ${v}`).toBe(word(f, o, v));
  });
  it("the native host's words are the document's", () => {
    if (!harness) return console.log(`skipped: ${harnessWhy}`);
    const got = runHarness(["words"], points.map((p) => p.join(" ")).join("\n") + "\n");
    points.forEach(([f, o, v], i) => expect(BigInt("0x" + got[i]), `${f} ${o} ${v}`).toBe(word(f, o, v)));
  });
  it("no byte of another position, file or version stands in for one: neighbours differ as often as chance says", () => {
    // over 20,000 bytes, how often byte o equals the same byte of another version, the next file, the next word:
    // about 1 in 256 each (an affine pattern made some of these always or never equal)
    let sameV = 0, sameF = 0, sameW = 0;
    const n = 20_000;
    for (let o = 0; o < n; o++) {
      const b = byteAt(2, o, 0);
      if (b === byteAt(2, o, 1)) sameV++;
      if (b === byteAt(3, o, 0)) sameF++;
      if (b === byteAt(2, o + 8, 0)) sameW++;
    }
    for (const k of [sameV, sameF, sameW]) { expect(k).toBeGreaterThan(n / 256 / 2); expect(k).toBeLessThan((n / 256) * 2); }
  });
  it("a word is told back (mem_write in a buffer needs it), and only a pattern word is", () => {
    if (!harness) return console.log(`skipped: ${harnessWhy}`);
    expect(runHarness(["identify", "3", "4096", "7"], "")).toEqual(["3 4096 7"]);
    expect(runHarness(["identify", "4", "0", "0"], "")).toEqual(["none"]); // a fifth file of four
    expect(runHarness(["identify", "1", String(1 << 20), "0"], "")).toEqual(["none"]); // past the file's end
  });
});

describe("the stream digest", () => {
  it("both engines' digest of a clean delivery is the document's", () => {
    const size = 256 * 1024;
    const r = sim.run(compileByName("sendfile", { fileSize: String(size) })).result;
    expect(r.delivered.digest).toBe(digestV0(0, size));
    if (harness) expect(runHarness(["stream", "0", String(size)], "none 0 1\n")[0].split(" ")[3]).toBe(digestV0(0, size));
    // an odd length: the last word is partial
    const odd = sim.run(compileByName("read-write", { fileSize: "100003", chunk: "4097" })).result;
    expect(odd.delivered.digest).toBe(digestV0(0, 100003));
  });
});

// ---- corruption injection ----------------------------------------------------------------------------------
const SIZE = 256 * 1024;
const CHUNK = 64 * 1024;
/** random positions and kinds (seeded), keeping only damage that changes the stream */
const randomDamage = (seed: number): Array<[Kind, number]> =>
  fc.sample(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: SIZE - 1 })).filter(([k, p]) => changes(0, SIZE, k, p)), { numRuns: 1000, seed });
/** page and chunk edges, the first and the last bytes */
const EDGES = [0, 1, 4095, 4096, 4097, 8191, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, SIZE - 2, SIZE - 1];
const edgeDamage = (): Array<[Kind, number]> => KINDS.flatMap((k) => EDGES.filter((p) => changes(0, SIZE, k, p)).map((p) => [k, p] as [Kind, number]));

describe("damage to what a sink receives is caught, every time", () => {
  const clean = digestV0(0, SIZE);
  const scenarios = [["read-write", { fileSize: String(SIZE), chunk: "64KiB" }], ["sendfile", { fileSize: String(SIZE) }], ["read-write", { fileSize: String(SIZE), sink: "file", chunk: "64KiB" }]] as const;

  it("model: 1,000 random positions, over copying, zero-copy and file sinks", () => {
    const damage = randomDamage(23);
    expect(damage.length).toBe(1000);
    const compiled = scenarios.map(([n, p]) => compileByName(n, p));
    const missed: string[] = [];
    damage.forEach(([kind, pos], i) => {
      const r = sim.run(compiled[i % compiled.length], { testCorrupt: { kind, pos } }).result;
      if (r.delivered.intact !== false || r.delivered.digest === clean) missed.push(`${scenarios[i % 3][0]} ${kind}@${pos}: ${JSON.stringify(r.delivered)}`);
    });
    expect(missed).toEqual([]);
  });

  it("model: at page and chunk edges; and without damage the same runs are intact", () => {
    const compiled = scenarios.map(([n, p]) => compileByName(n, p));
    for (const c of compiled) expect(sim.run(c).result.delivered).toMatchObject({ bytes: SIZE, intact: true, digest: clean });
    const missed: string[] = [];
    for (const c of compiled)
      for (const [kind, pos] of edgeDamage()) {
        const r = sim.run(c, { testCorrupt: { kind, pos } }).result;
        if (r.delivered.intact !== false || r.delivered.digest === clean) missed.push(`${c.name} ${kind}@${pos}`);
      }
    expect(missed).toEqual([]);
  });

  it("native checker: 1,000 random positions and the edges, fed in pieces as reads return them", () => {
    if (!harness) return console.log(`skipped: ${harnessWhy}`);
    const damage = [...randomDamage(15), ...edgeDamage()];
    const lines = runHarness(["stream", "0", String(SIZE)], ["none 0 1", ...damage.map(([k, p], i) => `${k} ${p} ${i + 2}`)].join("\n") + "\n");
    const verdict = (l: string) => {
      const [bytes, bad] = l.split(" ").map(Number);
      return deliveryVerdict([{ kind: "tcp", expect: 0, bytes, bad }], () => SIZE);
    };
    expect(verdict(lines[0])).toBe(true);
    expect(lines[0].split(" ")[3]).toBe(clean);
    const missed = damage.filter((_, i) => verdict(lines[i + 1]) !== false || lines[i + 1].split(" ")[3] === clean);
    expect(missed).toEqual([]);
  });

  it.skipIf(!native.ok)("native host: ZCSIM_TEST_CORRUPT at page and chunk edges, a TCP peer and a file sink", async () => {
    const prev = process.env.ZCSIM_TEST_CORRUPT;
    const missed: string[] = [];
    try {
      for (const [n, p] of [scenarios[0], scenarios[2]]) {
        const c = compileByName(n, p);
        for (const [kind, pos] of [["zero", 4096], ["flip", CHUNK - 1], ["dup", CHUNK], ["drop", SIZE - 1], ["swap", 4095]] as Array<[Kind, number]>) {
          process.env.ZCSIM_TEST_CORRUPT = `${kind}:${pos}`;
          const r = await runNative(c);
          if (r.delivered.intact !== false || r.delivered.digest === clean) missed.push(`${n} ${kind}@${pos}: ${JSON.stringify(r.delivered)}`);
          expect(r.notes?.some((t) => t.includes("ZCSIM_TEST_CORRUPT"))).toBe(true);
        }
      }
    } finally {
      if (prev === undefined) delete process.env.ZCSIM_TEST_CORRUPT; else process.env.ZCSIM_TEST_CORRUPT = prev;
    }
    expect(missed).toEqual([]);
  });
  if (!native.ok) it("native host", () => { console.log(`native host unavailable: ${native.why}`); });
});

// ---- the versions legal for a byte -------------------------------------------------------------------------
/** 64 KiB file shared-mapped; 1000 bytes at 4096 stored before or after sendfile sends the file to a lazy peer */
const storeScenario = (when: "before" | "after") => compile({
  name: `store-${when}-the-call`, title: "a store before or after the call", description: "test",
  params: {},
  setup: { files: { src: { size: "64KiB" } }, sinks: { out: { kind: "tcp", peer: "lazy" } } },
  program: [
    { call: "open", path: "src", flags: ["O_RDWR"], ret: "in" },
    { call: "mmap", addr: null, length: 65536, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "p" },
    ...(when === "before" ? [{ call: "mem_write", addr: "$p + 4096", len: 1000 }] : []),
    { call: "sendfile", out_fd: "out", in_fd: "in", offset: null, count: 65536 },
    ...(when === "after" ? [{ call: "mem_write", addr: "$p + 4096", len: 1000 }] : []),
    { call: "peer_read", sink: "out" },
    { call: "munmap", addr: "p", length: 65536 },
    { call: "close", fd: "in" },
  ],
}, {});
/** the digest of version 0 with bytes [4096, 5096) at version 1 */
const digestStored = (): string => {
  let d = 0n;
  for (let i = 0; i < 8192; i++) {
    let w = 0n;
    for (let j = 0; j < 8; j++) { const o = i * 8 + j; w |= BigInt(byteAt(0, o, o >= 4096 && o < 5096 ? 1 : 0)) << BigInt(8 * j); }
    d = (d + w * (mix(DKEY ^ BigInt(i)) | 1n)) & M64;
  }
  return d.toString(16).padStart(16, "0");
};

describe("the versions legal for a byte", () => {
  it("model: a byte changed before the call is intact, not modified; after it, modified", () => {
    const before = sim.run(storeScenario("before")).result;
    expect(before.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 0, digest: digestStored() });
    const after = sim.run(storeScenario("after")).result;
    expect(after.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 1000, digest: digestStored() });
  });
  it.skipIf(!native.ok)("native host: the same", async () => {
    const before = await runNative(storeScenario("before"));
    expect(before.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 0, digest: digestStored() });
    const after = await runNative(storeScenario("after"));
    expect(after.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: 1000, digest: digestStored() });
  });
  it("native checker: before the call, after it, after the read, damaged besides, two stores", () => {
    if (!harness) return console.log(`skipped: ${harnessWhy}`);
    // bytes of version 1 that happen to equal version 0's cannot be told from it: they count as version 0
    let v1IsV0 = 0;
    for (let o = 100; o < 200; o++) if (byteAt(0, o, 1) === byteAt(0, o, 0)) v1IsV0++;
    const rows = Object.fromEntries(runHarness(["versions"], "").map((l) => { const [n, ...v] = l.split(" "); return [n, v.map(Number)]; }));
    expect(rows["before-call"]).toEqual([65536, 0, 0]);
    expect(rows["after-call"]).toEqual([65536, 0, 100]);      // the whole words are version 1: all 100 bytes
    expect(rows["after-read"]).toEqual([65536, 100 - v1IsV0, 0]);
    expect(rows["after-call-bad"]).toEqual([65536, 1, 99]);
    expect(rows["two-stores"]).toEqual([65536, 0, 100]);
  });
});

// ---- one delivered-bytes semantics for every sink kind ------------------------------------------------------
describe("delivered bytes and the verdict, the same for every sink kind in both engines", () => {
  it("the verdict: a wrong length or a bad byte fails; a null sink's expectation or none at all is unverified", () => {
    const size = () => 100;
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 100, bad: 0 }], size)).toBe(true);
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 99, bad: 0 }], size)).toBe(false);
    expect(deliveryVerdict([{ kind: "nic", expect: 0, bytes: 100, bad: 1 }], size)).toBe(false);
    expect(deliveryVerdict([{ kind: "file", expect: -1, bytes: 7, bad: 0 }], size)).toBe(null);
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 100, bad: 0 }, { kind: "null", expect: -1, bytes: 100, bad: 0 }], size)).toBe(true);
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 100, bad: 0 }, { kind: "file", expect: -1, bytes: 5, bad: 3 }], size)).toBe(false);
    expect(deliveryVerdict([{ kind: "null", expect: 0, bytes: 100, bad: 0 }], size)).toBe(null);
    expect(deliveryVerdict([{ kind: "null", expect: 0, bytes: 50, bad: 0 }], size)).toBe(false);
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 100, bad: 0, reported: false }], size)).toBe(false);
    expect(deliveryVerdict([], size)).toBe(null);
    expect(deliveryVerdict([{ kind: "tcp", expect: 0, bytes: 100, bad: 0 }, { kind: "null", expect: 0, bytes: 100, bad: 0 }], size)).toBe(null);
  });
  const size = 256 * 1024;
  for (const [name, params] of [["read-write", { sink: "null" }], ["sendfile", { sink: "null" }], ["splice", { sink: "null" }], ["read-write", { sink: "null", chunk: "100000" }]] as const) {
    const c = () => compileByName(name, { fileSize: String(size), ...params });
    it(`model: ${name} ${JSON.stringify(params)}: a null sink receives what the calls returned; unverified`, () => {
      const r = sim.run(c()).result;
      expect(r.delivered).toMatchObject({ bytes: size, intact: null, digest: "-" });
    });
    it.skipIf(!native.ok)(`native host: the same`, async () => {
      const r = await runNative(c());
      expect(r.delivered).toMatchObject({ bytes: size, intact: null, digest: "-" });
      expect(r.evidence?.["delivered.intact"]).toBe("unobservable");
      expect(r.evidence?.["delivered.bytes"]).toBe("derived");
    });
  }
  const short = () => compile({
    name: "short-to-null", title: "short", description: "test", params: {},
    setup: { files: { src: { size: "64KiB" } }, sinks: { out: { kind: "null" } } },
    program: [{ call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" }, { call: "sendfile", out_fd: "out", in_fd: "in", offset: null, count: 1000 }],
  }, {});
  it("model: a null sink that receives less than its file is not intact", () => {
    expect(sim.run(short()).result.delivered).toMatchObject({ bytes: 1000, intact: false });
  });
  it.skipIf(!native.ok)("native host: the same", async () => {
    expect((await runNative(short())).delivered).toMatchObject({ bytes: 1000, intact: false });
  });
  const noExpectation = () => compile({
    name: "no-expectation", title: "no expectation", description: "test", params: {},
    setup: { files: { a: { size: "64KiB" }, b: { size: "64KiB" } }, sinks: { out: { kind: "tcp" } } },
    program: [{ call: "open", path: "a", flags: ["O_RDONLY"], ret: "in" }, { call: "sendfile", out_fd: "out", in_fd: "in", offset: null, count: 65536 }],
  }, {});
  it("model: a sink without expectation is unverified, never intact", () => {
    expect(sim.run(noExpectation()).result.delivered).toMatchObject({ bytes: 65536, intact: null });
  });
  it.skipIf(!native.ok)("native host: the same, and its evidence is not \"measured\"", async () => {
    const r = await runNative(noExpectation());
    expect(r.delivered).toMatchObject({ bytes: 65536, intact: null });
    expect(r.evidence?.["delivered.intact"]).not.toBe("measured");
  });
});
