/**
 * `zcsim calibrate [-o profile.json] [--reps N] [--fit-sizes 1MiB,4MiB,64MiB] [--validate 16MiB,1GiB]`:
 * runs the native matrix (catalogue scenarios x sizes x chunks, warm, repeated; medians), fits the model's cost
 * knobs to it (robust non-negative least squares), writes the profile and prints predicted vs measured per cell.
 * `--check FILE` only validates an existing profile on the validation cells. docs/timing.md explains it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../cli.js";
import {
  fitCells, validationCells, runMatrix, profileFrom, report, formatReport, readProfile, refeature, DEFAULT_COSTS, type MeasuredCell, type Profile,
} from "../calibrate.js";

interface CalOpts { output?: string; reps: string; fitSizes: string; validate?: string; check?: string; scenarios?: string; saveMatrix?: string; fromMatrix?: string }

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("fit the model's cost knobs to this machine's kernel (native runs) and write a profile")
    .option("-o, --output <file>", "write the profile here", "profile.json")
    .option("--reps <n>", "native repetitions per cell (the median is used)", "5")
    .option("--fit-sizes <list>", "file sizes the fit runs (comma-separated)", "8MiB,64MiB,256MiB")
    .option("--validate <list>", "also report sizes the fit did not see (comma-separated), e.g. 16MiB,1GiB")
    .option("--scenarios <list>", "only these scenarios (comma-separated)")
    .option("--check <profile>", "do not fit: report an existing profile against the validation sizes")
    .option("--save-matrix <file>", "also write every measured cell (native samples, model features) to FILE")
    .option("--from-matrix <file>", "fit cells saved by --save-matrix instead of running the native host")
    .action(async (opts: CalOpts) => {
      if (opts.fromMatrix) {
        const { loadSimulator } = await import("../../model/index.js");
        const only = opts.scenarios?.split(",").map((x) => x.trim());
        const saved = (JSON.parse(readFileSync(opts.fromMatrix, "utf8")) as MeasuredCell[]).filter((c) => !only || only.includes(c.scenario));
        const cells = refeature(await loadSimulator(), saved);
        const profile = opts.check ? readProfile(opts.check) : { ...profileFrom(cells), made: `zcsim calibrate --from-matrix ${opts.fromMatrix}` };
        if (!opts.check) writeFileSync(opts.output!, JSON.stringify(profile, null, 2) + "\n");
        printReport(cells.filter((c) => c.fit), cells.filter((c) => !c.fit), profile.costs, opts.check ?? "fitted");
        return;
      }
      const { nativeAvailable } = await import("../native.js");
      const ok = nativeAvailable();
      if (!ok.ok) throw new UsageError(`calibrate needs the native host: ${ok.why}`);
      const reps = Number(opts.reps);
      if (!Number.isInteger(reps) || reps < 1) throw new UsageError("--reps: a whole number >= 1");
      const only = opts.scenarios?.split(",").map((s) => s.trim());
      const pick = <T extends { scenario: string }>(cells: T[]) => (only ? cells.filter((c) => only.includes(c.scenario)) : cells);
      const { loadSimulator } = await import("../../model/index.js");
      const sim = await loadSimulator();
      const log = (l: string) => process.stderr.write(l + "\n");
      let profile: Profile | undefined;
      let measured: MeasuredCell[] = [];
      if (opts.check) profile = readProfile(opts.check);
      else {
        log(`fit matrix: ${reps} native runs per cell`);
        measured = await runMatrix(sim, pick(fitCells(opts.fitSizes.split(","))), { reps, log });
        profile = profileFrom(measured);
      }
      let validation: MeasuredCell[] = [];
      if (opts.validate || opts.check) {
        log("validation cells (not in the fit)");
        validation = await runMatrix(sim, pick(validationCells((opts.validate ?? "16MiB,1GiB").split(","))), { reps, log });
      }
      if (!opts.check) {
        const all = [...measured, ...validation];
        const p = profileFrom(all); // same fit (validation cells are not fitted), report over every cell
        profile = { ...p, costs: profile.costs };
        profile.made = `zcsim calibrate --reps ${reps} --fit-sizes ${opts.fitSizes}${opts.validate ? ` --validate ${opts.validate}` : ""}${opts.scenarios ? ` --scenarios ${opts.scenarios}` : ""}`;
        writeFileSync(opts.output!, JSON.stringify(profile, null, 2) + "\n");
        log(`profile written to ${opts.output}`);
      }
      if (opts.saveMatrix) writeFileSync(opts.saveMatrix, JSON.stringify([...measured, ...validation]) + "\n");
      printReport(measured, validation, profile.costs, opts.check ?? "fitted");
    });
}

function printReport(measured: MeasuredCell[], validation: MeasuredCell[], costs: Record<string, number>, what: string): void {
  process.stdout.write(`costs (${what}):\n`);
  for (const [k, v] of Object.entries(costs)) process.stdout.write(`  ${k.padEnd(28)} ${String(v).padStart(8)}   (default ${DEFAULT_COSTS[k]})\n`);
  const rows = report([...measured, ...validation], costs);
  const inFit = rows.filter((r) => r.inFit), val = rows.filter((r) => !r.inFit);
  if (inFit.length) process.stdout.write("\n" + formatReport(inFit, "fit cells"));
  if (val.length) process.stdout.write("\n" + formatReport(val, "validation cells (sizes and chunks the fit did not use)"));
  const before = report([...measured, ...validation], DEFAULT_COSTS);
  const rms = (rs: { relError: number }[]) => Math.sqrt(rs.reduce((a, r) => a + r.relError ** 2, 0) / Math.max(1, rs.length));
  process.stdout.write(`\nRMS relative error: default costs ${(rms(before) * 100).toFixed(1)}%, profile ${(rms(rows) * 100).toFixed(1)}%; cells outside ±25%: ${rows.filter((r) => Math.abs(r.relError) > 0.25).length} of ${rows.length}\n`);
}
