/**
 * What the package ships (issue 19), from `npm pack --dry-run`: everything its entry points, its bin and its install
 * script need, its licence and its design contract, and nothing else (no tests, no TypeScript sources, no demo site).
 * Every `files` entry matches something; every source map carries its sources; every export exists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMissing, npmPack, PKG, ROOT } from "./helpers.js";

const missing = buildMissing();
if (missing) {
  if (process.env.CI === "true") throw new Error(missing);
  console.log(`package files: ${missing}`);
}

describe.skipIf(!!missing)("npm pack --dry-run", () => {
  const packed = missing ? { filename: "", files: [] } : npmPack(["--dry-run"]);
  const paths = packed.files.map((f) => f.path).sort();

  it("ships the licence, the readme, the design contract and every entry point's files", () => {
    for (const f of [
      "LICENSE", "README.md", "package.json", "docs/design.md", "bin/zcsim.js", "scripts/build-native.mjs",
      "dist/src/index.js", "dist/src/index.d.ts", "dist/src/node/index.js", "dist/src/node/index.d.ts",
      "dist/src/widget/index.d.ts", "dist/widget/zerocopy-sim.js", "dist/widget/zcsim.wasm",
      "dist/src/wasm-url.js", "dist/src/wasm-url.d.ts", "dist/build/zcsim.wasm", "native-host/main.c", "native-host/host.h",
    ]) expect(paths, f).toContain(f);
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} zerocopy-sim contributors\n/);
  });

  it("ships no tests, no TypeScript sources, no demo site, no API docs build and no build products of the host", () => {
    const stray = paths.filter((p) => /^(test|src|assembly|bench|web|dist\/web|dist\/docs|dist\/test|native-host\/build)\//.test(p) || p.endsWith(".tsbuildinfo"));
    expect(stray).toEqual([]);
  });

  it("every files entry matches something it ships (no native-host/Makefile that is not there)", () => {
    for (const entry of PKG.files) {
      const re = new RegExp(`^${entry.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/|$)`);
      expect(paths.some((p) => re.test(p)), entry).toBe(true);
    }
  });

  it("every export's target is shipped", () => {
    const targets: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === "string") targets.push(v);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(PKG.exports);
    for (const t of targets.filter((t) => !t.includes("*"))) expect(paths, t).toContain(t.replace(/^\.\//, ""));
    // types for every entry point
    for (const e of [".", "./node", "./widget", "./wasm"]) expect((PKG.exports[e] as { types?: string }).types, e).toMatch(/\.d\.ts$/);
  });

  it("every source map carries its sources (the .ts files are not shipped)", () => {
    const maps = paths.filter((p) => p.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(ROOT, m), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent!.every((s) => typeof s === "string" && s.length > 0), m).toBe(true);
    }
  });

  it("the README and the docs link only to files inside the repository", () => {
    for (const f of paths.filter((p) => p.endsWith(".md"))) {
      const text = readFileSync(join(ROOT, f), "utf8");
      expect(text, f).not.toMatch(/shared\/DESIGN|\.\.\/shared\//);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // a web address
        expect(() => readFileSync(join(ROOT, f, "..", target)), `${f} -> ${target}`).not.toThrow();
      }
    }
  });
});
