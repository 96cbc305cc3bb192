/**
 * zcsim: the command line. Each command lives in src/node/commands/ and registers itself on the program.
 * Bad input ends in one line naming the field and the reason, and exit status 2; never a stack trace.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ScenarioError } from "../scenario/index.js";
import { registerList, registerRun } from "./commands/run.js";
import { registerCompare } from "./commands/compare.js";
import { registerClaims } from "./commands/claims.js";
import { registerNative } from "./commands/native.js";
import { registerTrace } from "./commands/trace.js";
import { registerCalibrate } from "./commands/calibrate.js";
import { registerSweep } from "./commands/sweep.js";
import { registerDoctor } from "./commands/doctor.js";

export class UsageError extends Error {}
/** An output file that cannot be written (-o, --html...): one line, exit 1. */
export class OutputError extends Error {}

/**
 * Writes a command's output file. A reader that went away (a FIFO, -o /dev/stdout in a pipe) ends the process
 * quietly as EPIPE on stdout does (main: 141); any other failure is one line naming the option and the file.
 */
export function writeOutput(option: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") throw e;
    throw new OutputError(`${option} ${file}: cannot write: ${code ?? (e as Error).message}`);
  }
}

/** Collects repeated `--set k=v` options. */
export const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * A numeric option's parser: a whole (or, with `fractional`, any) decimal number in [min, max], else one line
 * naming the option ("--timeout: "abc" is not a number of seconds from 1 to 3600"). NaN, 1e9 past the maximum,
 * "12abc" and "" are refused, never passed on.
 */
export function numberArg(option: string, min: number, max: number, what: string, fractional = false): (v: string) => number {
  return (v: string) => {
    const n = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max || (!fractional && !Number.isInteger(n))) {
      throw new UsageError(`${option}: "${v}" is not ${what} from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`);
    }
    return n;
  };
}

/** The package's version, from its package.json (two levels up from src/node, three from dist/src/node). */
export function packageVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const p = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (p.name === "zerocopy-sim" && p.version) return p.version;
    } catch { /* not there: the other level */ }
  }
  return "unknown";
}

/**
 * Colour on `stream`: only a terminal, and neither NO_COLOR (https://no-color.org: set and not empty) nor TERM=dumb.
 * A pipe, a file or a CI log gets plain text.
 */
export function colorOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** What the commands need of a progress bar (cli-progress's SingleBar). */
export interface Bar { start(total: number, value: number, payload?: object): void; update(value: number, payload?: object): void; stop(): void }

/**
 * A progress bar on stderr, or undefined: only when stderr is a terminal (never in a pipe, a file or a CI log), not
 * with NO_COLOR or TERM=dumb, and only where cli-progress is installed (an optional peer dependency: the package
 * runs without it, without a bar).
 */
export async function progressBar(enabled: boolean, format: string): Promise<Bar | undefined> {
  if (!enabled || !colorOn(process.stderr)) return undefined;
  let cliProgress: typeof import("cli-progress");
  try {
    cliProgress = (await import("cli-progress")).default;
  } catch {
    return undefined;
  }
  return new cliProgress.SingleBar({ stream: process.stderr, format, barsize: 30, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
}

/** A write that failed because the reader went away (`| head`): the process ends as one killed by SIGPIPE would. */
const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === "EPIPE";

/**
 * Makes a failed write to stdout end the process quietly (bin/zcsim.js): a reader that went away (EPIPE: `| head`,
 * `| true`) exits 141 as a process killed by SIGPIPE would, without a word; a full disk, a closed descriptor or
 * another error (ENOSPC: `>/dev/full`, EBADF: `>&-`) says so in one line on stderr and exits 1. Never a stack trace.
 */
export function guardStdout(): void {
  const failed = (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(141);
    try {
      process.stderr.write(`zcsim: cannot write the output: ${e.code ?? e.message}${e.code === "ENOSPC" ? " (no space left on the device)" : e.code === "EBADF" ? " (stdout is closed)" : ""}\n`);
    } catch { /* stderr is gone too */ }
    process.exit(1);
  };
  process.stdout.on("error", failed);
  process.stderr.on("error", () => { /* nowhere left to say it */ });
}

export function buildProgram(): Command {
  const program = new Command("zcsim")
    .description("Shows, counts and verifies how Linux moves file data without copying it.")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError()
    .exitOverride();
  registerList(program);
  registerRun(program);
  registerNative(program);
  registerCompare(program);
  registerClaims(program);
  registerTrace(program);
  registerCalibrate(program);
  registerSweep(program);
  registerDoctor(program);
  return program;
}

/** Runs the CLI with `argv` (without node and the script); returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isEpipe(e)) return 141; // a synchronous write (-o /dev/stdout, a FIFO) whose reader went away: quietly
    if (e instanceof ScenarioError || e instanceof UsageError) {
      process.stderr.write(`zcsim: ${e.message}\n`);
      return 2;
    }
    if (e instanceof OutputError) {
      process.stderr.write(`zcsim: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`zcsim: internal error: ${(e as Error).message}\n`);
    if (process.env.ZCSIM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

// Run directly (`npx tsx src/node/cli.ts ...`, used in development and by tests): behave as bin/zcsim.js.
import { pathToFileURL } from "node:url";
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  guardStdout();
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
