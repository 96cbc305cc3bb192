// The project's lint (scripts/lint.mjs): unused imports, imports below the top, bare errno numbers in the model,
// host.h's file map, import circles between files. Each rule is first shown to catch what it is for, on a small
// input made here, then run over the project, where it must find nothing.
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS module without types
import * as lint from "../scripts/lint.mjs";

describe("the lint's rules catch what they are for", () => {
  it("an import after the first statement", () => {
    expect(lint.lateImports("a.ts", 'import { x } from "./x";\nconst y = x;\nimport { z } from "./z";\n')).toEqual(["a.ts:3 import below the top of the file"]);
    expect(lint.lateImports("a.ts", 'import { x } from "./x";\nexport { w } from "./w";\nconst y = x;\n')).toEqual([]);
  });
  it("a bare errno number, not -1", () => {
    expect(lint.bareErrnos("m.ts", "  if (a) return -14;\n  return b ? -11 : 0;\n  return -1;\n  return -Errno.EFAULT;\n")).toEqual([
      "m.ts:1 bare errno number: if (a) return -14;",
      "m.ts:2 bare errno number: return b ? -11 : 0;",
    ]);
  });
  it("a circle, and only the files in it", () => {
    const g = new Map<string, Set<string>>([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], ["d", new Set(["a"])]]);
    expect(lint.circles(g)).toEqual([["a", "b", "c"]]);
    expect(lint.circles(new Map([["a", new Set(["b"])], ["b", new Set()]]))).toEqual([]);
  });
  it("a C file calling a function host.h files under another file, and a misfiled declaration", () => {
    const d = mkdtempSync(join(tmpdir(), "zcsim-lint-"));
    try {
      writeFileSync(join(d, "host.h"), "/* a.c */\nint fa(void);\n/* b.c */\nint fb(void);\nint fc(void);\n#endif\n");
      writeFileSync(join(d, "a.c"), "int fa(void) { return fb(); }\nint fc(void) { return 0; }\n");
      writeFileSync(join(d, "b.c"), "int fb(void) { return fa(); }\n");
      expect(lint.circles(lint.cGraph(d).graph)).toEqual([["a.c", "b.c"]]);
      expect(lint.cMapErrors(d)).toEqual([`${d}/host.h: fc is declared under b.c but defined in a.c`]);
    } finally { rmSync(d, { recursive: true, force: true }); }
  });
  it("an unused import (the TypeScript checker's), not an unused local", () => {
    const d = mkdtempSync(join(tmpdir(), "zcsim-lint-"));
    try {
      writeFileSync(join(d, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "ESNext", target: "ES2022", moduleResolution: "Bundler" }, include: ["*.ts"] }));
      writeFileSync(join(d, "x.ts"), "export const x = 1;\nexport const y = 2;\n");
      writeFileSync(join(d, "a.ts"), 'import { x, y } from "./x";\nconst unusedLocal = 3;\nexport const z = x;\n');
      const under = `${relative(lint.root, d)}/`;
      expect(lint.unusedImports(d, under)).toEqual([`${under}a.ts:1 'y' is declared but its value is never read.`]);
    } finally { rmSync(d, { recursive: true, force: true }); }
  });
});

describe("the project passes its lint", () => {
  const found = lint.lintAll() as Record<string, string[]>;
  for (const rule of Object.keys(found)) it(`${rule}: none`, () => expect(found[rule]).toEqual([]));
});
