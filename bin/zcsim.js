#!/usr/bin/env node
// The zcsim command. The TypeScript is compiled to dist/ by `npm run build` (run by npm ci through prepare).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/src/node/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error("zcsim: not built yet: run `npm run build` (npm ci does it for you)");
  process.exit(2);
}
const { main, guardStdout } = await import(cli.href);
guardStdout(); // EPIPE, ENOSPC, EBADF on stdout: quietly, with the right exit status (src/node/cli.ts)
process.exitCode = await main(process.argv.slice(2));
