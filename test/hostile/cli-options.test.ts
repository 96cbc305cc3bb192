/**
 * The CLI's own hostile input (issue 23, item 5): numeric options that are not numbers or are out of range end in
 * one line naming the option (exit 2), and a stdout that fails (a full disk, a reader gone) ends the process quietly
 * with the right status: ENOSPC one line and 1, EPIPE nothing and 141 (as a process killed by SIGPIPE). The stdout
 * cases run `src/node/cli.ts` in a child (tsx), as bin/zcsim.js does; they need /dev/full (Linux) and skip without.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { colorOn, main, progressBar } from "../../src/node/cli.js";
import { expandMatrix } from "../../src/node/compare.js";
import { namedKnobNote } from "../../src/node/native.js";
import { paramsHeader } from "../../src/node/scenario-arg.js";
import { MACHINE_PARAMS } from "../../src/scenario/index.js";
import { runCli } from "../cli-harness.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const STACK = /^\s+at .+[:(]\d+/m;

describe("numeric options", () => {
  const bad: [string[], RegExp][] = [
    [["run", "sendfile", "--timeout", "abc"], /^zcsim: --timeout: "abc" is not a number of seconds from 1 to 3,600$/],
    [["run", "sendfile", "--timeout", "1e9"], /^zcsim: --timeout: "1e9" is not/],
    [["run", "sendfile", "--timeout", "NaN"], /^zcsim: --timeout: "NaN" is not/],
    [["run", "sendfile", "--timeout", ""], /^zcsim: --timeout: "" is not/],
    [["run", "sendfile", "--max-steps", "0"], /^zcsim: --max-steps: "0" is not a whole number of instructions from 1 to 10,000,000,000$/],
    [["run", "sendfile", "--max-steps", "1.5"], /^zcsim: --max-steps: "1.5" is not/],
    [["run", "sendfile", "--max-steps", "1e11"], /^zcsim: --max-steps: "1e11" is not/],
    [["native", "sendfile", "--timeout", "abc"], /^zcsim: --timeout: "abc" is not a number of seconds/],
    [["native", "sendfile", "--timeout", "1e9"], /^zcsim: --timeout: "1e9" is not/],
    [["native", "sendfile", "--max-steps", "-5"], /^zcsim: --max-steps: "-5" is not/],
    [["trace", "sendfile", "--format", "csv", "--trace-cap", "x"], /^zcsim: --trace-cap: "x" is not a whole number of events/],
    [["calibrate", "--reps", "0"], /^zcsim: --reps: "0" is not/],
    [["sweep", "sendfile", "--jobs", "abc"], /^zcsim: --jobs: /],
  ];
  for (const [argv, says] of bad) {
    it(argv.join(" "), async () => {
      const r = await runCli(argv, main);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split("\n"), r.err).toHaveLength(1);
      expect(r.err.trimEnd()).toMatch(says);
      expect(r.err).not.toMatch(STACK);
      expect(r.out).toBe("");
    });
  }

  it("good values pass: --max-steps stops a run at its cap with TIMEOUT, saying it was looping", async () => {
    const r = await runCli(["run", "sendfile", "--set", "chunk=4KiB", "--max-steps", "20", "--timeout", "2.5"], main);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^zcsim: the run stopped before the program's end: TIMEOUT: looping: .* the run's cap of 20 instructions/);
  });
});

const haveFull = existsSync("/dev/full");
if (!haveFull) console.log("cli-options: the stdout cases skipped: no /dev/full here");

/** Runs the CLI in a child with `stdout` as given; resolves with its status and stderr. */
function child(argv: string[], stdout: "pipe-closed" | "ignore" | number): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ["--import", "tsx", root + "src/node/cli.ts", ...argv], {
      cwd: root, stdio: ["ignore", stdout === "pipe-closed" ? "pipe" : stdout, "pipe"],
    });
    if (stdout === "pipe-closed") c.stdout!.destroy(); // the reader is gone before the first write: EPIPE
    let err = "";
    c.stderr!.on("data", (b: Buffer) => (err += b));
    c.on("close", (code) => resolve({ code, err }));
  });
}

describe.skipIf(!haveFull)("a stdout that fails", () => {
  it("zcsim list --json >/dev/full: one line naming ENOSPC, exit 1, no stack trace", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = await child(["list", "--json"], fd);
      expect(r.code).toBe(1);
      expect(r.err).toBe("zcsim: cannot write the output: ENOSPC (no space left on the device)\n");
    } finally {
      closeSync(fd);
    }
  }, 60_000);

  it("zcsim list --json | (a reader that is gone): quiet, exit 141", async () => {
    const r = await child(["list", "--json"], "pipe-closed");
    expect(r.err).toBe("");
    expect(r.code).toBe(141);
  }, 60_000);

  it("zcsim run to /dev/full: the same, and no stack trace", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = await child(["run", "sendfile"], fd);
      expect(r.code).toBe(1);
      expect(r.err).not.toMatch(STACK);
      expect(r.err).toMatch(/^zcsim: cannot write the output: ENOSPC/);
    } finally {
      closeSync(fd);
    }
  }, 60_000);
});

// ---- issue 19: the conventions a Unix user expects ----------------------------------------------------------------

describe("--version", () => {
  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(root + "package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await runCli([flag], main);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${version}\n`);
    }
  });
});

describe("a bad --set value: one line naming the parameter and the reason and the range it accepts, before anything runs", () => {
  const bad: [string[], string][] = [
    [["run", "splice", "--set", "chunk=0"], 'zcsim: params.chunk: "0" is outside the range; chunk takes a size from 1B to 16GiB, or whole'],
    [["run", "splice", "--set", "chunk=-1"], 'zcsim: params.chunk: "-1" is not a size (write e.g. 4096, 64KiB, 1MiB); chunk takes a size from 1B to 16GiB, or whole'],
    [["run", "splice", "--set", "chunk=abc"], 'zcsim: params.chunk: "abc" is not a size (write e.g. 4096, 64KiB, 1MiB); chunk takes a size from 1B to 16GiB, or whole'],
    [["run", "read-write", "--set", "bufSize=0"], 'zcsim: params.bufSize: "0": setup.buffers.buf.size: must be at least 1 byte; bufSize takes a size from 1B to 16GiB'],
    [["run", "sendfile", "--set", "fileSize=-5"], 'zcsim: params.fileSize: "-5" is not a size (write e.g. 4096, 64KiB, 1MiB); fileSize takes a size from 1B to 16GiB'],
    [["run", "sendfile", "--set", "fileSize=17GiB"], 'zcsim: params.fileSize: "17GiB": setup.files.src.size: a file of 18253611008 bytes exceeds the limit of 17179869184 bytes; fileSize takes a size from 1B to 16GiB'],
    [["run", "sendfile", "--set", "nicTxRing=0"], "zcsim: params.nicTxRing: 0 is below the minimum 8; nicTxRing takes a whole number from 8 to 4,096"],
    [["run", "sendfile", "--set", "faultAround=1KiB"], "zcsim: params.faultAround: 1024 is below the minimum 4096; faultAround takes a size from 4KiB to 2MiB"],
    [["run", "sendfile", "--set", "nicSg=maybe"], 'zcsim: params.nicSg: "maybe" is not on/off'],
    [["run", "sendfile", "--set", "tcpCongestion=vegas"], 'zcsim: params.tcpCongestion: "vegas" is not one of system, reno, cubic, bbr'],
    [["trace", "splice", "--format", "csv", "--set", "chunk=0"], 'zcsim: params.chunk: "0" is outside the range; chunk takes a size from 1B to 16GiB, or whole'],
    [["native", "splice", "--set", "chunk=0"], 'zcsim: params.chunk: "0" is outside the range; chunk takes a size from 1B to 16GiB, or whole'],
    [["compare", "splice", "--no-kernel", "--no-html", "--set", "pipeSize=0"], 'zcsim: params.pipeSize: "0" is outside the range; pipeSize takes a size from 1B to 16GiB'],
    [["sweep", "splice", "--grid", "chunk=4KiB,0"], 'zcsim: params.chunk: "0" is outside the range; chunk takes a size from 1B to 16GiB, or whole'],
  ];
  for (const [argv, says] of bad) {
    it(argv.join(" "), async () => {
      const r = await runCli(argv, main);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`${says}\n`);
      expect(r.out).toBe("");
    });
  }

  it("an offset may be 0 (mmap-truncate truncateTo=0 runs)", async () => {
    const r = await runCli(["run", "mmap-truncate", "--set", "truncateTo=0"], main);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^mmap-truncate \(model\) {2}truncateTo=0B\n/);
  });
});

describe("headers", () => {
  it("name only the parameters that differ from the scenario's defaults, sizes one way", async () => {
    const plain = await runCli(["run", "splice"], main);
    expect(plain.out.split("\n")[0]).toBe("splice (model)  defaults");
    const set = await runCli(["run", "splice", "--set", "chunk=4KiB", "--set", "nicSg=off", "--set", "fileSize=1048576"], main);
    expect(set.out.split("\n")[0]).toBe("splice (model)  chunk=4KiB nicSg=off"); // 1048576 is the default 1MiB
    expect(set.out).toMatch(/^payload 1MiB$/m);
    // one way: never "1,048,576 B (1MiB)"
    expect(set.out).not.toMatch(/\d B \(\d+[KMG]iB\)/);
    expect(set.out).not.toMatch(/\d,\d{3},\d{3} B\b/);
  });

  it("paramsHeader against a scenario file's own defaults", () => {
    const defaults = { fileSize: 262144, chunk: 16384, nicSg: true };
    expect(paramsHeader({ fileSize: 262144, chunk: 4096, nicSg: true }, defaults)).toBe("chunk=4KiB");
    expect(paramsHeader({ fileSize: 262144, chunk: 16384, nicSg: false }, defaults)).toBe("nicSg=off");
    expect(paramsHeader(defaults, defaults)).toBe("defaults");
  });
});

describe("notes name the knob and its values, never the host's numbers", () => {
  const knobs = [
    { knob: "TCP_CONGESTION", id: MACHINE_PARAMS.tcpCongestion.knob!, program: 0, kernel: 3, applied: false, how: "" },
    { knob: "READAHEAD_BYTES", id: MACHINE_PARAMS.readahead.knob!, program: 131072, kernel: 8388608, applied: false, how: "" },
  ];
  it("tcpCongestion: system and bbr, not 0 and 3", () => {
    expect(namedKnobNote("knob TCP_CONGESTION: the program asks 0, this kernel has 3 (0: the system's default (/proc/sys/net/ipv4/tcp_congestion_control)); not applied, measured as it is", knobs))
      .toBe("tcpCongestion: the program asks system, this kernel has bbr (the system's default (/proc/sys/net/ipv4/tcp_congestion_control)); not applied, measured as it is");
  });
  it("sizes in the header's spelling", () => {
    expect(namedKnobNote("knob READAHEAD_BYTES: the program asks 131072, this kernel has 8388608 (read_ahead_kb); not applied", knobs))
      .toBe("readahead: the program asks 128KiB, this kernel has 8MiB (read_ahead_kb); not applied");
  });
  it("another note is left as it is", () => {
    expect(namedKnobNote("waited 447 ms for another native run to end", knobs)).toBe("waited 447 ms for another native run to end");
  });
});

describe("colour and progress", () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  it("only on a terminal, and never with NO_COLOR or TERM=dumb", () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM };
    try {
      delete process.env.NO_COLOR;
      process.env.TERM = "xterm";
      expect(colorOn(tty)).toBe(true);
      expect(colorOn(pipe)).toBe(false);
      process.env.NO_COLOR = "1";
      expect(colorOn(tty)).toBe(false);
      delete process.env.NO_COLOR;
      process.env.TERM = "dumb";
      expect(colorOn(tty)).toBe(false);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });
  it("no progress bar where stderr is not a terminal", async () => {
    expect(await progressBar(true, "x {bar}")).toBeUndefined(); // vitest's stderr is a pipe
  });
  it("compare's table in a pipe has no escape sequences", async () => {
    const r = await runCli(["compare", "splice", "--no-kernel", "--no-html", "--set", "fileSize=64KiB"], main);
    expect(r.out).toContain("summary");
    expect(r.out + r.err).not.toContain("\x1b[");
  });
});

describe("compare FILE centres its matrix on the file's own params", () => {
  it("the base point and every one-axis variation keep the file's other values", () => {
    const dir = mkdtempSync(join(tmpdir(), "zcsim-centre-"));
    try {
      const file = join(dir, "my-scenario.json");
      const sc = JSON.parse(readFileSync(root + "sim/splice.json", "utf8")) as { name: string; params: Record<string, string> };
      sc.name = "my-scenario";
      sc.params = { ...sc.params, fileSize: "256KiB", chunk: "16KiB", cache: "cold", pipeSize: "128KiB" };
      writeFileSync(file, JSON.stringify(sc));
      const tasks = expandMatrix([file], "default");
      expect(tasks[0].params).toEqual({ fileSize: "256KiB", chunk: "16KiB", cache: "cold", pipeSize: "128KiB" });
      for (const t of tasks) {
        const differ = Object.entries(t.params).filter(([k, v]) => sc.params[k] !== v).map(([k]) => k);
        expect(differ.length, JSON.stringify(t.params)).toBeLessThanOrEqual(1);
      }
      // the catalogue's own scenarios keep their base point (1MiB, warm, 64KiB pipe)
      expect(expandMatrix(["splice"], "default")[0].params).toEqual({ fileSize: "1MiB", chunk: "64KiB", cache: "warm", pipeSize: "64KiB" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a reader that goes away, on every output", () => {
  it("zcsim trace splice --format jsonl | (gone): quiet, exit 141", async () => {
    const r = await child(["trace", "splice", "--format", "jsonl"], "pipe-closed");
    expect(r.err).toBe("");
    expect(r.code).toBe(141);
  }, 60_000);
  it("zcsim trace splice --format jsonl -o FIFO, its reader gone after the first bytes: quiet, exit 141", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zcsim-fifo-"));
    const fifo = join(dir, "out");
    try {
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const r = child(["trace", "splice", "--format", "jsonl", "--set", "chunk=4KiB", "-o", fifo], "ignore");
      const reader = createReadStream(fifo);
      await new Promise<void>((ok) => reader.once("data", () => { reader.destroy(); ok(); }));
      const got = await r;
      expect(got.err).toBe("");
      expect(got.code).toBe(141);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("-o into a directory that is not there: one line naming -o and the file, exit 1", async () => {
    const r = await runCli(["trace", "splice", "--format", "csv", "-o", "/nonexistent-dir/x.csv"], main);
    expect(r.code).toBe(1);
    expect(r.err).toBe("zcsim: -o /nonexistent-dir/x.csv: cannot write: ENOENT\n");
  });
});

describe("zcsim doctor", () => {
  it("says, for each thing the native host needs, whether this machine has it and how to enable it", async () => {
    const r = await runCli(["doctor", "--json"], main);
    expect(r.code).toBe(0);
    const { checks } = JSON.parse(r.out) as { checks: { item: string; ok: boolean; found: string; enable?: string }[] };
    expect(checks.map((c) => c.item)).toEqual(["C compiler", "native host", "perf counters", "tracepoints", "namespaces", "congestion", "chromium"]);
    for (const c of checks) {
      expect(c.found.length, c.item).toBeGreaterThan(0);
      if (!c.ok) expect(c.enable, c.item).toBeTruthy();
    }
    const text = await runCli(["doctor"], main);
    expect(text.out.split("\n").filter((l) => /^ {2}(ok|no) {2}/.test(l))).toHaveLength(checks.length);
  });
});
