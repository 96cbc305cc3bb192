/** Package-test helpers: the repository's root, whether the build the package ships is there, and `npm pack`. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const PKG = JSON.parse(spawnSync(process.execPath, ["-p", "JSON.stringify(require('./package.json'))"], { cwd: ROOT, encoding: "utf8" }).stdout) as {
  name: string; version: string; files: string[]; exports: Record<string, unknown>;
  dependencies: Record<string, string>; peerDependencies?: Record<string, string>;
};

/** What `npm pack` ships that `npm run build` writes (the package is packed from a built tree). */
const BUILT = ["dist/src/index.js", "dist/src/index.d.ts", "dist/build/zcsim.wasm", "dist/widget/zerocopy-sim.js"];

/** Why the package tests cannot run, or undefined. Under CI=true a missing build fails the test instead. */
export function buildMissing(): string | undefined {
  const gone = BUILT.filter((f) => !existsSync(join(ROOT, f)));
  return gone.length ? `${gone.join(", ")} missing (run npm run build): package tests skipped` : undefined;
}

export interface PackedFile { path: string; size: number }

/** `npm pack --json` (with --dry-run, nothing is written); the build scripts are not run again (prepare). */
export function npmPack(args: string[]): { filename: string; files: PackedFile[] } {
  const r = spawnSync("npm", ["pack", "--json", "--ignore-scripts", ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [out] = JSON.parse(r.stdout) as { filename: string; files: PackedFile[] }[];
  return out;
}
