/**
 * The calibration's validation (issue 7), not a test: a profile's predicted times against the native medians at
 * 16 MiB and 1 GiB, warm, every calibration scenario with its default chunk, and chunks the fit never saw. It needs
 * the native host, a few GiB of free disk in $TMPDIR, and minutes (a 1 GiB file is written for every run).
 *
 *   npx tsx scripts/calibration-check.ts [--profile profiles/linux-6.18-this-machine.json] [--reps 5]
 *        [--sizes 16MiB,1GiB] [--scenarios a,b] [--save FILE] [--from FILE]
 *
 * Prints a Markdown table (scenario, measured median, predicted, error, within ±25%), the form docs/timing.md
 * records. `--save` keeps the measured cells (native samples and model features) to report again later with
 * `--from`, without running the kernel again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { loadSimulator } from "../src/model/index.js";
import { nativeAvailable } from "../src/node/native.js";
import {
  formatReport, readProfile, refeature, report, runMatrix, validationCells, type MeasuredCell,
} from "../src/node/calibrate.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const profilePath = opt("profile", "profiles/linux-6.18-this-machine.json")!;
const reps = Number(opt("reps", "5"));
const sizes = opt("sizes", "16MiB,1GiB")!.split(",");
const only = opt("scenarios")?.split(",");
const profile = readProfile(profilePath);
const sim = await loadSimulator();

let cells: MeasuredCell[];
const from = opt("from");
if (from) cells = refeature(sim, JSON.parse(readFileSync(from, "utf8")) as MeasuredCell[]);
else {
  const ok = nativeAvailable();
  if (!ok.ok) {
    process.stderr.write(`calibration-check: the native host cannot run here: ${ok.why}\n`);
    process.exit(2);
  }
  const todo = validationCells(sizes).filter((c) => !only || only.includes(c.scenario));
  // the model with the kernel's knobs the profile was fitted with
  if (profile.machineParams) for (const c of todo) c.machine = profile.machineParams;
  cells = await runMatrix(sim, todo, { reps, log: (l) => process.stderr.write(l + "\n") });
}
cells = refeature(sim, cells, profile.costs); // read at the profile's costs: predicted = the model's time there
const save = opt("save");
if (save) writeFileSync(save, JSON.stringify(cells) + "\n");

const rows = report(cells, profile.costs);
const before = cells.map((c) => ({ relError: c.defaultNs / c.medianNs - 1 })); // the model's own time at its defaults
const miss = rows.filter((r) => Math.abs(r.relError) > 0.25);
process.stdout.write(`profile ${profilePath} (made ${profile.date}, kernel ${profile.kernel}); measured on ${release()}, ${new Date().toISOString()}, ${reps} runs per cell, medians\n\n`);
for (const size of sizes) {
  process.stdout.write(formatReport(rows.filter((r) => r.params.fileSize === size), `### ${size}, warm`) + "\n");
}
const rms = (rs: { relError: number }[]) => Math.sqrt(rs.reduce((a, r) => a + r.relError ** 2, 0) / Math.max(1, rs.length));
process.stdout.write(`RMS relative error: model defaults ${(rms(before) * 100).toFixed(1)}%, profile ${(rms(rows) * 100).toFixed(1)}%. ` +
  `Outside ±25%: ${miss.length} of ${rows.length}${miss.length ? ` (${miss.map((r) => `${r.scenario} ${r.params.fileSize}${r.params.chunk ? ` chunk ${r.params.chunk}` : ""}`).join(", ")})` : ""}.\n`);
