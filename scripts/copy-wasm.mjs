// Copies the model's wasm (build/zcsim.wasm, written by asc) to dist/build/zcsim.wasm, beside the compiled library,
// so that dist/src/model/wasm.js and dist/src/wasm-url.js find it at "../../build" and "../build" as src/ does: one
// literal URL per module, which bundlers resolve at build time (no second guess that 404s in a page). Run after asc
// by build:wasm (so a rebuilt model reaches dist/ too) and by build:ts.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "build", "zcsim.wasm");
const to = join(root, "dist", "build", "zcsim.wasm");
if (!existsSync(from)) {
  console.error("copy-wasm: build/zcsim.wasm is missing: run npm run build:wasm first");
  process.exit(1);
}
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
