// Builds the native host (native-host/*.c -> native-host/build/zcsim-native) with the system C compiler.
// Run by `npm run build:native` (part of `npm run build`, so of `npm ci`). Where there is no Linux or no `cc`, it
// prints one line and exits 0, so that installing the package never fails for want of the native host; the
// driver (src/node/native.ts) then says why the native engine is unavailable. The code builds without a warning
// (test/native/build.test.ts checks it with -Werror); the install itself does not fail on a newer compiler's
// new warning.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native-host");
const out = join(src, "build", "zcsim-native");

if (process.platform !== "linux") {
  console.log(`build-native: skipped, the native host needs Linux (this is ${process.platform})`);
  process.exit(0);
}
const cc = process.env.CC || "cc";
if (spawnSync(cc, ["--version"], { stdio: "ignore" }).status !== 0) {
  console.log(`build-native: skipped, no C compiler (${cc}) on this machine`);
  process.exit(0);
}
const files = readdirSync(src).filter((f) => f.endsWith(".c")).sort().map((f) => join(src, f));
mkdirSync(dirname(out), { recursive: true });
// built beside, then renamed over: a run (or a test worker) never executes a half-written binary
const tmp = `${out}.${process.pid}.tmp`;
const args = ["-std=gnu11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Wl,-z,now", "-o", tmp, ...files];
try {
  execFileSync(cc, args, { stdio: "inherit" });
  renameSync(tmp, out);
} catch {
  rmSync(tmp, { force: true });
  console.error(`build-native: ${cc} ${args.join(" ")} failed`);
  process.exit(1);
}
console.log(`build-native: ${out}`);
