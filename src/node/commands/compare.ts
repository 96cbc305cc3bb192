/**
 * `zcsim compare [names...] [--set k=v]... [--matrix default|full] [--json] [--html FILE]`: every scenario of the
 * matrix in the model and on the real kernel, counter by counter (src/node/compare.ts).
 *
 * Exit status:
 *   0  every exact counter that was scored agrees (with --baseline: no scenario fell below the baseline; with
 *      --explained-ok: every exact disagreement has a known explanation, src/report/known.ts); or the
 *      kernel side cannot run here (not Linux, no C compiler, host not built) and the model side ran cleanly: the
 *      kernel column is then empty and one line says why (--require-kernel makes that status 2)
 *   1  an exact counter disagrees, a run failed, or (with --baseline) agreement fell
 *   2  bad usage or a scenario the compiler refuses; --require-kernel when the kernel cannot run
 */
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseSets, scenarioNames } from "../../scenario/index.js";
import { checkSets, scenarioSource } from "../scenario-arg.js";
import {
  baselineOf, buildReport, chartJsSource, exitStatus, expandMatrix, openEngines, runTasks,
  type Baseline, type CompareReport, type MatrixName,
} from "../compare.js";
import { formatTable } from "../../report/compare-table.js";
import { renderCompareHtml } from "../../report/compare-html.js";
import { collect, colorOn, numberArg, progressBar, UsageError, writeOutput } from "./common.js";
import { Pool } from "../pool.js";
import { applyProfile, readProfile } from "../calibrate.js";

export const DEFAULT_HTML = "zcsim-report.html";

interface Opts {
  set: string[];
  profile?: string;
  matrix: string;
  json?: boolean;
  html?: string | false;
  kernel: boolean;
  calibrate: boolean;
  requireKernel?: boolean;
  baseline?: string;
  writeBaseline?: string;
  baselineRuns?: string;
  disagreements?: boolean;
  explainedOk?: boolean;
  all?: boolean;
  runs: string;
  progress: boolean;
  seed?: string;
  points?: string;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("run scenarios in the model and on the real kernel over a matrix, and compare every counter")
    .argument("[names...]", "catalogue names or scenario files (default: the whole catalogue)")
    .option("-s, --set <k=v>", "fix a parameter everywhere (repeatable); a matrix axis it names is not varied", collect, [])
    .option("--matrix <which>", "default (one axis at a time around each scenario's defaults, under a minute), full (the whole grid) or random (--points points drawn from the catalogue's parameter space with --seed)", "default")
    .option("--seed <n>", "with --matrix random: the generator's seed (the same seed draws the same points)", "1")
    .option("--points <k>", "with --matrix random: how many points to draw", "50")
    .option("--json", "print { rows, summary } as JSON on stdout")
    .option("--html <file>", `write the self-contained HTML report there (default without --json: ${DEFAULT_HTML})`)
    .option("--no-html", "write no HTML report")
    .option("--no-kernel", "run the model side only")
    .option("--no-calibrate", "run the model with its Linux defaults, not with this kernel's knobs (read_ahead_kb, pipe-max-size, fault_around_bytes)")
    .option("--require-kernel", "exit 2 when the kernel side cannot run here (for CI)")
    .option("--baseline <file>", "fail (exit 1) only when a scenario's agreeing exact rows fall below this baseline's")
    .option("--write-baseline <file>", "write this run's agreement per scenario into a baseline file (its other matrices and its slack are kept)")
    .option("--baseline-runs <n>", "with --write-baseline: run the matrix n times and keep each scenario's lowest agreement", "1")
    .option("--explained-ok", "exit 0 when every exact disagreement has a known explanation (none \"unexplained\")")
    .option("--runs <n>", "native runs of each point: a range counter is scored against the kernel's min..max over them, and an exact counter that varies across them is reported", "5")
    .option("--disagreements", "the table shows only the rows that disagree")
    .option("--all", "the table also shows the counters only one engine reports")
    .option("--no-progress", "no progress bar on stderr")
    .option("--profile <file>", "run the model with the cost knobs of a calibration profile (zcsim calibrate)")
    .addHelpText("after", `
Counter classes: exact (syscalls by name, mode switches, /proc/self/io, errors, signals, delivered bytes
and integrity, page faults, copies, kernel tracepoints the model also produces), tolerance (times, context
switches, the loopback's skbs, the peer's reads: the tolerance is shown), unobservable (NIC DMA over loopback:
shown, never scored). A kernel figure the host could not measure is shown empty with the reason, never as 0.
The model runs with this kernel's own knobs (read_ahead_kb...) unless --no-calibrate.

Exit status: 0 when every scored exact counter agrees (with --baseline: when no scenario fell below it;
with --explained-ok: when every disagreement has a known explanation), or when the kernel side cannot run
here (one line says why; --require-kernel makes that 2); 1 on a disagreement or a failed run; 2 on bad usage.`)
    .action(async (names: string[], opts: Opts) => {
      process.exitCode = await compareCommand(names, opts);
    });
}

export async function compareCommand(names: string[], opts: Opts): Promise<number> {
  if (opts.matrix !== "default" && opts.matrix !== "full" && opts.matrix !== "random") throw new UsageError(`--matrix: "${opts.matrix}" is not default, full or random`);
  const matrix = opts.matrix as MatrixName;
  const seed = numberArg("--seed", 0, 2 ** 31 - 1, "a whole number")(String(opts.seed ?? 1));
  const points = numberArg("--points", 1, 10_000, "a whole number of points")(String(opts.points ?? 50));
  const sets = parseSets(opts.set ?? []);
  const kernelRuns = numberArg("--runs", 1, 100, "a whole number of native runs")(String(opts.runs ?? 5));
  const baselineRuns = numberArg("--baseline-runs", 1, 20, "a whole number of matrix runs")(String(opts.baselineRuns ?? 1));
  // each --set against its parameter's range in every scenario named (a bad value: one line, before anything runs)
  for (const name of names.length ? names : scenarioNames()) checkSets(scenarioSource(name).source, sets);
  const tasks = expandMatrix(names, matrix, sets, { seed, points });
  let baseline: Baseline | undefined;
  if (opts.baseline) {
    try {
      baseline = JSON.parse(readFileSync(opts.baseline, "utf8")) as Baseline;
    } catch (e) {
      throw new UsageError(`--baseline ${opts.baseline}: ${(e as Error).message}`);
    }
  }
  // every run on the worker pool (every core); native runs one at a time, so that their times mean something
  const engines = await openEngines({ kernel: opts.kernel, calibrate: opts.calibrate, pool: new Pool({ native: "serial" }) });
  engines.kernelRuns = kernelRuns;
  if (opts.profile) { // the model with this machine's fitted costs (src/node/calibrate.ts)
    const p = readProfile(opts.profile), m = engines.model;
    engines.model = { run: (c) => m.run(applyProfile(c, p)), runAsync: m.runAsync && ((c) => m.runAsync!(applyProfile(c, p))) };
  }
  if (!engines.kernel && opts.requireKernel) {
    process.stderr.write(`zcsim compare: the kernel side cannot run: ${engines.kernelWhy}\n`);
    return 2;
  }

  const bar = await progressBar(opts.progress, "compare |{bar}| {value}/{total} runs | {what}");
  const what = (i: number) => (tasks[i] ? `${tasks[i].scenario} ${Object.entries(tasks[i].params).map(([k, v]) => `${k}=${v}`).join(" ")}` : "");
  bar?.start(tasks.length, 0, { what: what(0) });
  const t0 = performance.now();
  let outs;
  try {
    outs = await runTasks(tasks, engines, (_o, i) => bar?.update(i + 1, { what: what(i + 1) }));
  } finally {
    bar?.stop();
  }
  const report = buildReport(matrix, outs, engines, performance.now() - t0);

  if (opts.json) {
    const { rows, summary, notes } = report;
    process.stdout.write(JSON.stringify({ matrix, rows, summary, notes }, null, 2) + "\n");
  } else {
    process.stdout.write(formatTable(report, { color: colorOn(process.stdout), onlyDisagreements: opts.disagreements, all: opts.all }));
  }

  const htmlFile = opts.html === false ? undefined : opts.html ?? (opts.json ? undefined : DEFAULT_HTML);
  if (htmlFile) {
    writeOutput("--html", htmlFile, htmlOf(report));
    process.stderr.write(`zcsim compare: the HTML report is in ${resolve(htmlFile)}\n`);
  }
  if (opts.writeBaseline) {
    let old: Baseline | undefined;
    try {
      old = JSON.parse(readFileSync(opts.writeBaseline, "utf8")) as Baseline;
    } catch {
      old = undefined;
    }
    const summary = { ...report.summary, perScenario: { ...report.summary.perScenario } };
    const runs = baselineRuns;
    for (let i = 1; i < runs; i++) {
      const again = buildReport(matrix, await runTasks(tasks, engines), engines, 0).summary.perScenario;
      for (const [n, p] of Object.entries(again)) if (!summary.perScenario[n] || p.agree < summary.perScenario[n].agree) summary.perScenario[n] = p;
    }
    writeOutput("--write-baseline", opts.writeBaseline, JSON.stringify(baselineOf(summary, matrix, old, `Linux ${release()}`), null, 2) + "\n");
    process.stderr.write(`zcsim compare: wrote the baseline ${resolve(opts.writeBaseline)}\n`);
  }
  await engines.pool?.close();
  return exitStatus(report, baseline, { explainedOk: opts.explainedOk }, (f) => process.stderr.write(`zcsim compare: agreement fell: ${f}\n`));
}

/**
 * In place of chart.js when it is not installed (an optional peer dependency): each chart's canvas says how to get
 * the charts; the tables of the report are all there.
 */
export const NO_CHARTS = `window.Chart = function (canvas) {
  if (canvas) { var p = document.createElement("p"); p.className = "no-charts";
    p.textContent = "No chart: chart.js is not installed beside zerocopy-sim (npm install chart.js, then run zcsim compare again)."; canvas.replaceWith(p); }
  this.destroy = function () {};
};`;

/** chart.js's source to inline, or NO_CHARTS (and a line on stderr) without it. */
function chartJsOrNote(): string {
  try {
    return chartJsSource();
  } catch {
    process.stderr.write("zcsim compare: the HTML report has no charts: chart.js is not installed (npm install chart.js)\n");
    return NO_CHARTS;
  }
}

export function htmlOf(report: CompareReport): string {
  return renderCompareHtml(report, { chartJs: chartJsOrNote(), date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC", host: `${process.platform} ${release()}` });
}

