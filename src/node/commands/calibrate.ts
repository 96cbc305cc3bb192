/**
 * `zcsim calibrate [-o profile.json] [--reps N] [--fit-sizes 8MiB,64MiB,256MiB] [--validate 16MiB,1GiB]`:
 * runs the native matrix (catalogue scenarios x sizes x chunks, warm, repeated round the cells; medians), fits the
 * model's cost knobs to it (robust non-negative least squares, in passes: the features read again at each pass's costs), writes the
 * profile and prints predicted vs measured per cell, the fit's cells and the validation's apart.
 * `--check FILE` fits nothing: it reports an existing profile. `--save-matrix`/`--from-matrix` keep the measured
 * cells and fit them again later without the kernel. docs/timing.md explains it all.
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { numberArg, UsageError, writeOutput } from "./common.js";
import {
  fitCells, validationCells, runMatrix, fitProfile, report, formatReport, readProfile, refeature, mergeMatrices, DEFAULT_COSTS,
  type MeasuredCell, type Profile,
} from "../calibrate.js";

interface CalOpts {
  output: string; reps: string; fitSizes: string; validate?: string; check?: string; scenarios?: string; saveMatrix?: string; fromMatrix?: string;
  wakeCost: "fitted" | "measured";
  latencyBy: "time" | "wakes";
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("fit the model's cost knobs to this machine's kernel (native runs) and write a profile")
    .option("-o, --output <file>", "write the profile here", "profile.json")
    .option("--reps <n>", "native repetitions per cell (the median is used)", "5")
    .option("--fit-sizes <list>", "file sizes the fit runs (comma-separated)", "8MiB,64MiB,256MiB")
    .option("--validate <list>", "also measure and report sizes the fit does not use (comma-separated), e.g. 16MiB,1GiB")
    .option("--scenarios <list>", "only these scenarios (comma-separated)")
    .option("--check <profile>", "fit nothing: report an existing profile on the validation cells")
    .option("--save-matrix <file>", "also write every measured cell (native samples, model features) to FILE")
    .option("--from-matrix <files>", "fit cells saved by --save-matrix instead of running the native host; several files (comma-separated) pool their runs, cell by cell")
    .addOption(new Option("--wake-cost <how>", "the remote wake-up's cost: fitted with the others, or held at what the polling-peer cells measure").choices(["fitted", "measured"]).default("fitted"))
    .addOption(new Option("--latency-by <what>", "choose the peer's wake-up latency by the fit's time error, or by how closely the model's wake-ups match the kernel's").choices(["time", "wakes"]).default("time"))
    .action(async (opts: CalOpts) => {
      const reps = numberArg("--reps", 1, 1000, "a whole number of repetitions")(String(opts.reps));
      const only = opts.scenarios?.split(",").map((x) => x.trim());
      const pick = <T extends { scenario: string }>(cells: T[]) => (only ? cells.filter((c) => only.includes(c.scenario)) : cells);
      const log = (l: string) => process.stderr.write(l + "\n");
      const { loadSimulator } = await import("../../model/index.js");
      const sim = await loadSimulator();
      let cells: MeasuredCell[];
      if (opts.fromMatrix) {
        const lists = opts.fromMatrix.split(",").map((f) => {
          try {
            return JSON.parse(readFileSync(f, "utf8")) as MeasuredCell[];
          } catch (e) {
            throw new UsageError(`--from-matrix ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          }
        });
        cells = refeature(sim, pick(mergeMatrices(lists)));
      } else {
        const { nativeAvailable } = await import("../native.js");
        const ok = nativeAvailable();
        if (!ok.ok) throw new UsageError(`calibrate needs the native host: ${ok.why}`);
        const todo = [
          ...(opts.check ? [] : pick(fitCells(opts.fitSizes.split(",")))),
          ...(opts.validate || opts.check ? pick(validationCells((opts.validate ?? "16MiB,1GiB").split(","))) : []),
        ];
        // the model runs with this kernel's own knobs, as zcsim compare runs it
        const { probeKnobs } = await import("../compare.js");
        const machine = await probeKnobs().then((p) => { for (const n of p.notes) log(`machine: ${n}`); return p.calibration; },
          (e: unknown) => { log(`machine: this kernel's knobs could not be read (${(e as Error).message}): the model runs with its defaults`); return {}; });
        for (const c of todo) if (Object.keys(machine).length) c.machine = machine;
        log(`${todo.length} cells, ${reps} native runs each, round the cells`);
        cells = await runMatrix(sim, todo, { reps, log });
        if (opts.saveMatrix) writeOutput("--save-matrix", opts.saveMatrix, JSON.stringify(cells) + "\n");
      }
      let profile: Profile;
      if (opts.check) {
        profile = readProfile(opts.check);
        cells = refeature(sim, cells, profile.costs); // read at the profile's costs: predicted = the model's time
      } else {
        const fitted = fitProfile(sim, cells, { wakeCost: opts.wakeCost, latencyBy: opts.latencyBy });
        profile = fitted.profile;
        cells = fitted.cells;
        profile.made = `zcsim calibrate --reps ${reps} --fit-sizes ${opts.fitSizes}${opts.validate ? ` --validate ${opts.validate}` : ""}${opts.scenarios ? ` --scenarios ${opts.scenarios}` : ""}${opts.fromMatrix ? ` --from-matrix ${opts.fromMatrix}` : ""}${opts.wakeCost !== "fitted" ? ` --wake-cost ${opts.wakeCost}` : ""}${opts.latencyBy !== "time" ? ` --latency-by ${opts.latencyBy}` : ""}`;
        writeOutput("-o", opts.output, JSON.stringify(profile, null, 2) + "\n");
        log(`profile written to ${opts.output}`);
      }
      process.stdout.write(formatCalibration(cells, profile, opts.check ?? "fitted"));
    });
}

/** The costs, then predicted vs measured for the fit's cells and the validation's, and the errors in short. */
export function formatCalibration(cells: MeasuredCell[], profile: Profile, what: string): string {
  let out = `costs (${what}):\n`;
  for (const [k, v] of Object.entries(profile.costs)) out += `  ${k.padEnd(30)} ${String(v).padStart(9)}   (model default ${DEFAULT_COSTS[k]})\n`;
  for (const [k, v] of Object.entries(profile.knobs ?? {})) out += `  ${k.padEnd(30)} ${String(v).padStart(9)}\n`;
  const rows = report(cells, profile.costs);
  const inFit = rows.filter((r) => r.inFit), val = rows.filter((r) => !r.inFit);
  if (inFit.length) out += "\n" + formatReport(inFit, "fit cells");
  if (val.length) out += "\n" + formatReport(val, "validation cells (sizes and chunks the fit did not use)");
  const before = cells.map((c) => ({ relError: c.defaultNs / c.medianNs - 1 })); // the model's own time at its defaults
  const rms = (rs: { relError: number }[]) => Math.sqrt(rs.reduce((a, r) => a + r.relError ** 2, 0) / Math.max(1, rs.length));
  out += `\nRMS relative error: model defaults ${(rms(before) * 100).toFixed(1)}%, profile ${(rms(rows) * 100).toFixed(1)}%; ` +
    `cells outside ±25%: ${rows.filter((r) => Math.abs(r.relError) > 0.25).length} of ${rows.length}` +
    (val.length ? ` (validation: ${val.filter((r) => Math.abs(r.relError) > 0.25).length} of ${val.length})` : "") + "\n";
  return out;
}
