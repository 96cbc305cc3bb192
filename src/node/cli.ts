/**
 * zcsim: the command line. Each command lives in src/node/commands/ and registers itself on the program.
 * Bad input ends in one line naming the field and the reason, and exit status 2; never a stack trace.
 */
import { pathToFileURL } from "node:url";
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
import { OutputError, packageVersion, UsageError } from "./commands/common.js";

export type { Bar } from "./commands/common.js";
export { collect, colorOn, numberArg, OutputError, packageVersion, progressBar, UsageError, writeOutput } from "./commands/common.js";

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
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  guardStdout();
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
