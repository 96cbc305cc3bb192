/**
 * The native host under hostile conditions (issue 8, part 4): program words that lie about sizes and structure, and
 * a disk that fills, in setup and in the transfer. After each: no sandbox directory and no file left behind (each
 * run gets a private TMPDIR, so that "nothing left" is checked exactly). SIGINT/SIGTERM mid-transfer, a peer that
 * dies and random mutated programs are test/native/safety.test.ts and test/native/fuzz.test.ts (the host's own).
 *
 * Needs Linux and the built host (native-host/build/zcsim-native); the disk-full cases need root (they mount a
 * small tmpfs). Each says so in one line and skips when missing.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { HEADER_WORDS } from "../../src/scenario/abi.js";
import { catalogue, compile, type Compiled } from "../../src/scenario/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const linux = process.platform === "linux";
const nativePath = join(root, "src/node/native.ts");
const native = linux && existsSync(nativePath) ? await import("../../src/node/native.js") : undefined;
const avail = native ? native.nativeAvailable() : { ok: false, why: linux ? "src/node/native.ts is missing" : `not Linux (${process.platform})` };
if (!avail.ok) console.log(`hostile native: skipped: ${avail.why}`);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

const base = mkdtempSync(join(tmpdir(), "zcsim-hostile-native-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let seq = 0;
const privateTmp = () => {
  const d = join(base, `tmp${seq++}`);
  mkdirSync(d);
  return d;
};

interface HostRun {
  pid: number;
  /** resolves when the host exits */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** resolves with the sandbox path once the host printed it */
  sandbox: Promise<string>;
}

/** Starts the host binary directly on `program` (stdin), in TMPDIR `tmp`. */
function startHost(program: BigInt64Array, tmp: string, timeoutS = 20): HostRun {
  const child = spawn(native!.nativeBinary(), ["--timeout", String(timeoutS), "-"], {
    env: { ...process.env, TMPDIR: tmp }, stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "", err = "";
  let gotSandbox: (p: string) => void;
  const sandbox = new Promise<string>((r) => (gotSandbox = r));
  child.stdout.on("data", (b: Buffer) => (out += b));
  child.stderr.on("data", (b: Buffer) => {
    err += b;
    const m = /zcsim-native: sandbox (\S+)/.exec(err);
    if (m) gotSandbox(m[1]);
  });
  child.stdin.on("error", () => {});
  child.stdin.end(Buffer.from(program.buffer, program.byteOffset, program.byteLength));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((r) =>
    child.on("close", (code, signal) => r({ code, signal, out, err })));
  return { pid: child.pid!, done, sandbox };
}

/** Word offsets of the sections (docs/program-format.md), read from the header. */
function sections(p: BigInt64Array) {
  const w = (i: number) => Number(p[i]);
  let i = HEADER_WORDS + 2 * w(3);
  for (let s = 0; s < w(4); s++) i += 1 + Math.ceil(w(i) / 8);
  const files = i; i += 5 * w(5);
  const sinks = i; i += 5 * w(6);
  const bufs = i; i += 3 * w(7);
  const code = i; i += w(8);
  return { files, sinks, bufs, code, pool: i, end: p.length };
}

describe.skipIf(!avail.ok)("the native host refuses program words that lie", () => {
  const good = compile({
    name: "good", title: "t",
    setup: { files: { src: { size: "64KiB" } }, buffers: { b: { size: "4KiB" } } },
    program: [{ call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" }, { call: "read", fd: "in", buf: "b", count: 4096 }],
  }).program;
  const patch = (f: (p: BigInt64Array, s: ReturnType<typeof sections>) => void) => {
    const p = good.slice();
    f(p, sections(p));
    return p;
  };
  const lies: [string, BigInt64Array, RegExp][] = [
    ["a file of 17 GiB", patch((p, s) => (p[s.files + 1] = 17n << 30n)), /BAD_PROGRAM/],
    ["a file of -1 bytes", patch((p, s) => (p[s.files + 1] = -1n)), /BAD_PROGRAM/],
    ["a buffer of 2 GiB", patch((p, s) => (p[s.bufs + 1] = 2n << 30n)), /BAD_PROGRAM/],
    ["buffers that add up to 64 GiB (64 of 1 GiB)", (() => {
      const c = compile({ name: "good", title: "t", setup: { buffers: { b: { size: "4KiB" } } }, program: [{ set: "x", to: 1 }] });
      // the compiler keeps the total to 4 GiB: these words say 64 buffers of 1 GiB each, as a hostile writer would
      const p = c.program, s = sections(p), out: bigint[] = [...p.slice(0, s.bufs)];
      out[7] = 64n;
      for (let i = 0; i < 64; i++) out.push(p[s.bufs], 1n << 30n, p[s.bufs + 2]);
      for (let i = s.bufs + 3; i < p.length; i++) out.push(p[i]);
      return BigInt64Array.from(out);
    })(), /BAD_PROGRAM/],
    ["a negative register count", patch((p) => (p[2] = -1n)), /BAD_PROGRAM/],
    ["a bad magic", patch((p) => (p[0] = 0x12345678n)), /BAD_MAGIC/],
    ["a later version", patch((p) => (p[1] = 99n)), /BAD_VERSION/],
    ["a code section longer than the program", patch((p) => (p[8] = 1n << 40n)), /BAD_PROGRAM/],
    ["a jump out of the code", patch((p, s) => (p[s.code + 7] = 1n << 20n)), /BAD_PROGRAM/],
    ["an unknown call", patch((p, s) => (p[s.code + 1] = 999n)), /BAD_PROGRAM/],
    ["a truncated program", good.slice(0, good.length - 1), /BAD_PROGRAM/],
    ["only the header", good.slice(0, HEADER_WORDS), /BAD_PROGRAM/],
  ];
  for (const [what, words, status] of lies) {
    it(what, async () => {
      const tmp = privateTmp();
      const r = await startHost(words, tmp).done;
      expect(r.signal, r.err).toBeNull();
      expect(r.code, r.err).toBe(2);
      expect(JSON.parse(r.out).status).toMatch(status);
      expect(readdirSync(tmp), "nothing left in TMPDIR").toEqual([]);
    });
  }
});

const canMount = avail.ok && isRoot;
if (avail.ok && !isRoot) console.log("hostile native: disk-full cases skipped: they mount a small tmpfs, which needs root");

describe.skipIf(!canMount)("a disk that fills (a 1 MiB tmpfs as TMPDIR)", () => {
  let mnt = "";
  const mount = () => {
    mnt = privateTmp();
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "zcsim-enospc", mnt]);
  };
  afterAll(() => {
    if (mnt) try { execFileSync("umount", [mnt]); } catch { /* not mounted */ }
  });

  it("setup cannot write the source file: refused, ENOSPC named, sandbox removed", async () => {
    mount();
    const c = compile({ name: "enospc-setup", title: "t", setup: { files: { src: { size: "4MiB" } } }, program: [{ call: "open", path: "src", flags: ["O_RDONLY"] }] });
    const r = await startHost(c.program, mnt).done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    const raw = JSON.parse(r.out) as { status: string; detail: string };
    expect(raw.status).toBe("SETUP_FAILED");
    expect(raw.detail).toMatch(/No space left|ENOSPC/);
    expect(readdirSync(mnt)).toEqual([]);
    execFileSync("umount", [mnt]);
    mnt = "";
  });

  it("the transfer fills the disk: sendfile records ENOSPC, the run ends, sandbox removed", async () => {
    mount();
    const c: Compiled = compile({
      name: "enospc-phase", title: "t", setup: { files: { src: { size: "384KiB" } } },
      program: [
        { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
        { call: "open", path: "dst", flags: ["O_WRONLY", "O_CREAT"], ret: "out" },
        { set: "n", to: 1 },
        { repeat: { count: 8, watch: "n" }, do: [
          { set: "pos", to: 0 },
          { call: "sendfile", out_fd: "out", in_fd: "in", offset: "&pos", count: "384KiB", ret: "n" },
        ] },
      ],
    });
    const r = await startHost(c.program, mnt).done;
    expect(r.signal, r.err).toBeNull();
    const raw = JSON.parse(r.out) as { status: string; errors: { call: string; errno: string }[] };
    expect(raw.status).toBe("OK");
    expect(raw.errors.map((e) => `${e.call} ${e.errno}`)).toEqual(["sendfile ENOSPC"]);
    expect(readdirSync(mnt)).toEqual([]);
    execFileSync("umount", [mnt]);
    mnt = "";
  });
});
