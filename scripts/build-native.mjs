// Builds the native host (native-host/*.c -> native-host/build/zcsim-native) with the system C compiler.
// Run by `npm run build:native` (part of `npm run build`, so of `npm ci`) and as the package's install script.
//
// Installing the package never fails for the native host: without Linux, without a C compiler, or with one that
// fails, this prints one warning (the compiler's first error line and the remedy, `npx zcsim doctor`), writes the
// reason to native-host/build/why (which the driver, src/node/native.ts, and `zcsim doctor` repeat) and exits 0. The
// model, compare's model column and the browser parts work without the host. `--strict` (the repository's own
// build) exits 1 when the compiler fails, so that a broken C file stops `npm run build`.
//
// The code builds without a warning (test/native/build.test.ts checks it with -Werror); the build here does not fail
// on a newer compiler's new warning.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native-host");
const out = join(src, "build", "zcsim-native");
const whyFile = join(src, "build", "why");
const strict = process.argv.includes("--strict");

/** One warning, the reason kept for the driver and `zcsim doctor`, and exit 0 (1 with --strict when the compiler
 *  failed: a C file that does not build must stop the repository's build; a machine without one need not). */
function skip(why, failed = false) {
  mkdirSync(dirname(whyFile), { recursive: true });
  writeFileSync(whyFile, why + "\n");
  console.warn(`zerocopy-sim: the native host (the real-kernel side) is not built: ${why}. The model works without it; \`npx zcsim doctor\` says what this machine needs for it.`);
  process.exit(strict && failed ? 1 : 0);
}

rmSync(whyFile, { force: true });
if (process.platform !== "linux") skip(`it needs Linux (this is ${process.platform})`);
const cc = process.env.CC || "cc";
const probe = spawnSync(cc, ["--version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) skip(`no working C compiler (${cc}${probe.error ? `: ${probe.error.code}` : ""})`);

const files = readdirSync(src).filter((f) => f.endsWith(".c")).sort().map((f) => join(src, f));
mkdirSync(dirname(out), { recursive: true });
// built beside, then renamed over: a run (or a test worker) never executes a half-written binary
const tmp = `${out}.${process.pid}.tmp`;
const args = ["-std=gnu11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Wl,-z,now", "-o", tmp, ...files];
const r = spawnSync(cc, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  // the compiler's first error line says more than its exit status ("fatal error: sys/mman.h: No such file")
  const lines = `${r.stderr ?? ""}${r.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
  const first = lines.find((l) => /\berror\b/i.test(l)) ?? lines[0] ?? (r.error ? String(r.error.code) : `exit status ${r.status}`);
  if (strict) process.stderr.write(`${r.stderr ?? ""}`);
  skip(`${cc} failed: ${first}`, true);
}
renameSync(tmp, out);
console.log(`build-native: ${out}`);
