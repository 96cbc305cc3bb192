#!/usr/bin/env node
// Writes web/measured.json: the kernel's column of the claims table, measured on this machine by the native host
// (`zcsim claims --json`), labelled with the kernel it ran on and the date. Run it on the machine to measure:
//   node web/measure.mjs            (uses bin/zcsim.js once built, else the TypeScript through tsx)
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { release, cpus } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = existsSync(new URL("../dist/src/node/cli.js", import.meta.url));
const [cmd, args] = built ? ["node", ["bin/zcsim.js", "claims", "--json"]] : ["npx", ["tsx", "src/node/cli.ts", "claims", "--json"]];
const rows = JSON.parse(execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 }));
const kernelNote = (note) => {
  const i = note.search(/kernel \((loopback TCP|TCP through a veth[^)]*)\):/);
  return i >= 0 ? note.slice(i).replace(/\.$/, "") + "." : "";
};
const out = {
  kernel: release(),
  date: new Date().toISOString().slice(0, 10),
  host: `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`,
  command: "zcsim claims --json",
  note: "Measured through a veth pair (tee: a loopback TCP socket) with the model's scatter-gather setting: the NIC's DMA cannot be observed there; CPU passes are derived from the calls the kernel made and the skb shapes measured at the driver.",
  rows: rows.map((r) => ({ mechanism: r.mechanism, kernel: r.kernel ?? null, note: kernelNote(r.note) })),
};
writeFileSync(new URL("./measured.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
console.log(`web/measured.json: Linux ${out.kernel}, ${out.date}, ${out.rows.length} rows`);

