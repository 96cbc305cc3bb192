/**
 * The CLI's own hostile input (issue 23, item 5): numeric options that are not numbers or are out of range end in
 * one line naming the option (exit 2), and a stdout that fails (a full disk, a reader gone) ends the process quietly
 * with the right status: ENOSPC one line and 1, EPIPE nothing and 141 (as a process killed by SIGPIPE). The stdout
 * cases run `src/node/cli.ts` in a child (tsx), as bin/zcsim.js does; they need /dev/full (Linux) and skip without.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/node/cli.js";
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
function child(argv: string[], stdout: "pipe-closed" | number): Promise<{ code: number | null; err: string }> {
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
