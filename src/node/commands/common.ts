/**
 * What the commands share: the usage and output errors (one line, exit status 2 or 1: cli.ts), the option parsers,
 * the output file writer, colour and the progress bar. Apart from cli.ts so that the commands do not import the
 * program that registers them.
 */
import { readFileSync, writeFileSync } from "node:fs";

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

/** The package's version, from its package.json (three levels up from src/node/commands, four from dist/src/node/commands). */
export function packageVersion(): string {
  for (const up of ["../../../package.json", "../../../../package.json"]) {
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
