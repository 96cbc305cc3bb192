/** `zcsim claims [--json] [--set k=v]... [--no-kernel]`: the classic article's table, the model's, the kernel's. */
import type { Command } from "commander";
import { parseSets } from "../../scenario/index.js";
import { claimRows, formatClaims } from "../claims.js";
import { openEngines } from "../compare.js";
import { collect } from "./common.js";

export function registerClaims(program: Command): void {
  program
    .command("claims")
    .description("the classic article's copies and context switches beside the model's and the kernel's, each difference explained")
    .option("-s, --set <k=v>", "change the setting (repeatable), e.g. --set fileSize=16MiB or --set nicCsum=off", collect, [])
    .option("--json", "print the rows as JSON: [{ mechanism, article, model, kernel?, note }]")
    .option("--no-kernel", "leave the kernel's column out")
    .action(async (opts: { set: string[]; json?: boolean; kernel: boolean }) => {
      const sets = parseSets(opts.set);
      const engines = await openEngines({ kernel: opts.kernel });
      const rows = await claimRows(engines, sets);
      if (opts.json) {
        const out = rows.map(({ mechanism, article, model, kernel, note }) => ({ mechanism, article, model, ...(kernel ? { kernel } : {}), note }));
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      } else {
        process.stdout.write(formatClaims(rows, opts.kernel ? engines.kernelWhy : undefined));
      }
    });
}
