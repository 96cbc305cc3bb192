// Writes assembly/abi.ts and native-host/abi.h from src/scenario/abi.ts, the one source of the ABI's numbers.
// Run by `npm run gen:abi` (part of `npm run build`); test/abi.test.ts checks the outputs are current.
import { tsImport } from "tsx/esm/api";
import { writeFileSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const abi = await tsImport(pathToFileURL(join(root, "src/scenario/abi.ts")).href, import.meta.url);
const { renderAssemblyScript, renderC } = await import(pathToFileURL(join(root, "scripts/render-abi.mjs")).href);

const check = process.argv.includes("--check");
let stale = 0;
for (const [file, text] of [["assembly/abi.ts", renderAssemblyScript(abi)], ["native-host/abi.h", renderC(abi)]]) {
  const path = join(root, file);
  let old = "";
  try { old = readFileSync(path, "utf8"); } catch {}
  if (old === text) continue;
  if (check) { console.error(`${file} is stale: run npm run gen:abi`); stale++; }
  else writeFileSync(path, text);
}
process.exit(stale ? 1 : 0);
