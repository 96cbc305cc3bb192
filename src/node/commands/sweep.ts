/**
 * `zcsim sweep <name|file> --grid k=v1,v2,... [--grid ...] [--set k=v]... [--engine model|native|both]
 *  [--json|--csv] [--jobs N] [--native-parallel]`: the scenario at every point of the cartesian grid of the
 * values, each point an independent run on a worker pool using every core (src/node/sweep.ts).
 *
 * Exit status: 0 when every point ran and delivered intact; 1 when a combination was refused, a run failed or a
 * delivery was not intact (the point says which); 2 on bad usage (an unknown parameter, a malformed value).
 */
import type { Command } from "commander";
import { formatSize, parseSets } from "../../scenario/index.js";
import { checkSets, scenarioSource } from "../scenario-arg.js";
import { collect, progressBar, UsageError } from "./common.js";
import { parseGrid, runSweep, sweepOk, sweepRows, toCsv, type Engine, type SweepRow } from "../sweep.js";
import type { NativeMode } from "../pool.js";

interface Opts {
  grid: string[];
  set: string[];
  engine: string;
  json?: boolean;
  csv?: boolean;
  jobs?: string;
  nativeParallel?: boolean;
  progress: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run a scenario over a grid of parameter values, every point on its own core")
    .argument("<scenario>", "a catalogue name (zcsim list) or a scenario file")
    .option("-g, --grid <k=v1,v2>", "an axis of the grid (repeatable): the sweep runs the cartesian product", collect, [])
    .option("-s, --set <k=v>", "fix a parameter at every point (repeatable)", collect, [])
    .option("--engine <which>", "model, native (the real kernel) or both", "model")
    .option("--json", "print the points as JSON")
    .option("--csv", "print one CSV row per point and engine")
    .option("-j, --jobs <n>", "runs at once (default: every core)")
    .option("--native-parallel", "let native runs overlap each other (by default they run one at a time, so that their times mean something)")
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText("after", `
Example: zcsim sweep sendfile --grid fileSize=1MiB,16MiB,256MiB --grid chunk=64KiB,whole --csv

Points are printed in grid order (the first --grid varies slowest). Exit status: 0 when every point ran and
delivered intact; 1 when a combination was refused or a run failed; 2 on bad usage.`)
    .action(async (arg: string, opts: Opts) => {
      process.exitCode = await sweepCommand(arg, opts);
    });
}

export async function sweepCommand(arg: string, opts: Opts): Promise<number> {
  if (!["model", "native", "both"].includes(opts.engine)) throw new UsageError(`--engine: "${opts.engine}" is not model, native or both`);
  if (opts.json && opts.csv) throw new UsageError("--json and --csv: choose one");
  let jobs: number | undefined;
  if (opts.jobs !== undefined) {
    jobs = Number(opts.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) throw new UsageError(`--jobs: "${opts.jobs}" is not a whole number from 1 to 1024`);
  }
  const engine = opts.engine as Engine;
  const axes = parseGrid(opts.grid ?? []);
  const sets = parseSets(opts.set ?? []);
  for (const a of axes) if (a.key in sets) throw new UsageError(`--grid ${a.key} and --set ${a.key}: choose one`);
  // every value against its parameter's range, before anything runs (a grid value as a --set would be)
  const { source } = scenarioSource(arg);
  checkSets(source, sets);
  for (const a of axes) for (const v of a.values) checkSets(source, { [a.key]: String(v) });
  if (engine !== "model") {
    const { nativeAvailable } = await import("../native.js");
    const ok = nativeAvailable();
    if (!ok.ok) {
      process.stderr.write(`zcsim sweep: the native engine cannot run here: ${ok.why}\n`);
      return 2;
    }
  }
  const native: NativeMode = opts.nativeParallel ? "parallel" : "serial";
  const n = axes.reduce((k, a) => k * a.values.length, 1);
  const bar = await progressBar(opts.progress && n > 1, "sweep |{bar}| {value}/{total} points");
  bar?.start(n, 0);
  const t0 = performance.now();
  let points;
  try {
    points = await runSweep(arg, axes, { engine, sets, poolOptions: { size: jobs, native }, onDone: (_p, done) => bar?.update(done) });
  } finally {
    bar?.stop();
  }
  const ms = performance.now() - t0;
  const rows = sweepRows(points, engine);
  const keys = [...Object.keys(sets), ...axes.map((a) => a.key)];
  if (opts.json) {
    process.stdout.write(JSON.stringify({ scenario: arg, engine, axes, sets, ms: Math.round(ms), points }, null, 2) + "\n");
  } else if (opts.csv) {
    process.stdout.write(toCsv(rows, keys));
  } else {
    process.stdout.write(formatSweep(rows, keys));
    process.stdout.write(`${points.length} points, ${engine}, ${(ms / 1000).toFixed(2)} s\n`);
  }
  return sweepOk(points) ? 0 : 1;
}

const SHOWN = ["engine", "syscalls", "modeSwitches", "faultsMinor", "cpuCopyBytes", "dmaBytes", "deliveredBytes", "intact", "timeNs"];

/** The rows as an aligned table (times in ms, sizes as written); a point that did not run says why. */
export function formatSweep(rows: SweepRow[], keys: string[]): string {
  const cols = [...keys, ...SHOWN];
  const head = cols.map((c) => (c === "timeNs" ? "time ms" : c));
  const cell = (r: SweepRow, c: string): string => {
    const v = r[c];
    if (v === null || v === undefined) return "";
    if (c === "timeNs") return (Number(v) / 1e6).toFixed(3);
    if (typeof v === "number" && c.endsWith("Bytes") && v >= 1024 && v % 1024 === 0) return formatSize(v);
    return String(v);
  };
  const body = rows.map((r) => cols.map((c) => cell(r, c)));
  const ok = rows.map((r) => r.status === "ok");
  const w = head.map((h, i) => Math.max(h.length, ...body.filter((_, j) => ok[j] || i <= keys.length).map((b) => b[i].length)));
  const fixed = keys.length + 1;
  const line = (cells: string[]) => cells.map((c, i) => (i < fixed ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ").trimEnd();
  return [line(head), ...body.map((b, j) => (ok[j] ? line(b) : `${line(b.slice(0, fixed))}  not run: ${rows[j].status}`))].join("\n") + "\n";
}
