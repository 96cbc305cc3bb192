#!/usr/bin/env node
// The zcsim command. The TypeScript is compiled to dist/ by `npm run build` (run by npm ci through prepare).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/src/node/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error("zcsim: not built yet: run `npm run build` (npm ci does it for you)");
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
