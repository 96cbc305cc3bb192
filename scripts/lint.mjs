// The project's lint (run by `npm test` through test/lint.test.ts, or alone: `node scripts/lint.mjs`):
//   - unused imports (the TypeScript checker's own noUnusedLocals, over assembly/ with AssemblyScript's types and
//     over src/ with the project's tsconfig), and imports below the top of a file (after the first statement that
//     is not an import or a re-export);
//   - bare errno numbers in assembly/ (`return -14`): the model names them (Errno in assembly/abi.ts);
//   - import circles between files: assembly/ and src/ (relative imports, parsed by TypeScript), and the native
//     host's C files (a file calling a function that host.h's file map declares under another file).
// Each rule returns a list of findings, "path:line what"; the lint passes when every list is empty.
import ts from "typescript";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Files under `dir` (relative to the root) ending in `ext`, sorted, as root-relative paths. */
export function filesUnder(dir, ext = ".ts") {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(join(root, d))) {
      const p = join(d, e);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (p.endsWith(ext) && !p.endsWith(".d.ts")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const parse = (name, text) => ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
const lineOf = (sf, pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;
const isImportLike = (s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined);

/**
 * Unused imports: the checker's "declared but never read" (6133, 6192: all imports of a declaration unused),
 * kept to diagnostics inside import declarations, for the files of the tsconfig in `configDir` under `under`.
 */
export function unusedImports(configDir, under) {
  const cfgPath = resolve(root, configDir, "tsconfig.json");
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, " ")); } };
  const cfg = ts.getParsedCommandLineOfConfigFile(cfgPath, { noUnusedLocals: true, noEmit: true }, host);
  const prog = ts.createProgram(cfg.fileNames.filter((f) => relative(root, f).startsWith(under)), cfg.options);
  const out = [];
  for (const sf of prog.getSourceFiles()) {
    const rel = relative(root, sf.fileName);
    if (!rel.startsWith(under)) continue;
    for (const d of prog.getSemanticDiagnostics(sf)) {
      if ((d.code !== 6133 && d.code !== 6192) || d.start === undefined) continue;
      let node = findNode(sf, d.start);
      while (node && !ts.isImportDeclaration(node)) node = node.parent;
      if (!node) continue;
      out.push(`${rel}:${lineOf(sf, d.start)} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    }
  }
  return out;
}
function findNode(sf, pos) {
  let found;
  const visit = (n) => { if (pos >= n.getStart(sf) && pos < n.getEnd()) { found = n; ts.forEachChild(n, visit); } };
  ts.forEachChild(sf, visit);
  return found;
}

/** Imports below the top: an import (or re-export) after a statement that is neither. */
export function lateImports(name, text) {
  const sf = parse(name, text);
  const out = [];
  let body = false;
  for (const s of sf.statements) {
    if (isImportLike(s)) { if (body) out.push(`${name}:${lineOf(sf, s.getStart(sf))} import below the top of the file`); }
    else body = true;
  }
  return out;
}

/** Bare errno numbers in the model: `return -N`, `? -N`, `: -N`, `== -N` with N > 1 (-1 is "none", not an errno). */
export function bareErrnos(name, text) {
  const out = [];
  text.split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (/(\breturn|[?:]|[=!]=)\s*-(?!1\b)\d+\b/.test(code)) out.push(`${name}:${i + 1} bare errno number: ${line.trim()}`);
  });
  return out;
}

/** The relative imports (and re-exports) of a TypeScript file, resolved to root-relative paths. */
export function importsOf(name, text) {
  const sf = parse(name, text);
  const out = [];
  for (const s of sf.statements) {
    if (!isImportLike(s) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    const spec = s.moduleSpecifier.text;
    if (!spec.startsWith(".")) continue;
    const base = join(dirname(name), spec).replace(/\.js$/, "");
    for (const cand of [`${base}.ts`, join(base, "index.ts")]) if (existsSync(join(root, cand))) { out.push(cand); break; }
  }
  return out;
}

/** The native host's graph: file -> the files whose functions (host.h's file map: "/* x.c *\/" sections) it calls. */
export function cGraph(dir) {
  const hdr = readFileSync(resolve(root, dir, "host.h"), "utf8");
  const owner = new Map();
  let cur = null;
  for (const line of hdr.split("\n")) {
    const sec = /^\/\* ([\w-]+\.c)(?: [^*]*)? \*\/$/.exec(line.trim());
    if (sec) { cur = sec[1]; continue; }
    if (line.startsWith("#endif")) cur = null;
    const fn = cur && /^[\w\s*]+?\b(\w+)\s*\([^;]*\)[^;]*;/.exec(line);
    if (fn) owner.set(fn[1], cur);
  }
  const g = new Map();
  for (const f of readdirSync(resolve(root, dir)).filter((f) => f.endsWith(".c")).sort()) {
    const code = readFileSync(resolve(root, dir, f), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(/"(?:\\.|[^"\\])*"/g, '""');
    const to = new Set();
    for (const [fn, file] of owner) if (file !== f && new RegExp(`\\b${fn}\\s*\\(`).test(code)) to.add(file);
    g.set(f, to);
  }
  return { graph: g, owner };
}

/** host.h's file map against the files: each function declared under "x.c" must be defined in x.c. */
export function cMapErrors(dir) {
  const { owner } = cGraph(dir);
  const out = [];
  const defined = new Map();
  for (const f of readdirSync(resolve(root, dir)).filter((f) => f.endsWith(".c"))) {
    for (const m of readFileSync(resolve(root, dir, f), "utf8").matchAll(/^[a-z][\w \t*]*?\b(\w+)\s*\([^;{]*\)\s*(?:__attribute__\(\([^)]*\)\)\s*)?\{/gm)) defined.set(m[1], f);
  }
  for (const [fn, file] of owner) {
    const at = defined.get(fn);
    if (at !== file) out.push(`${dir}/host.h: ${fn} is declared under ${file} but ${at ? `defined in ${at}` : "defined nowhere"}`);
  }
  return out;
}

/** Import circles: the strongly connected components of more than one file (Tarjan), each as a sorted list. */
export function circles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const strong = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** The import graph of the TypeScript files under the given directories. */
export function tsGraph(dirs) {
  const g = new Map();
  for (const d of dirs) for (const f of filesUnder(d)) g.set(f, new Set(importsOf(f, readFileSync(join(root, f), "utf8"))));
  return g;
}

/**
 * Findings tolerated for now, each with its reason ({ file, text, why }): a finding is allowed when it is in `file`
 * and contains `text`. None today; an entry must say why the finding cannot be fixed where it is.
 */
/** @type {{ file: string, text: string, why: string }[]} */
export const ALLOWED = [];
export const isAllowed = (finding) => ALLOWED.some((a) => finding.startsWith(`${a.file}:`) && finding.includes(a.text));

/** Every rule over the project: { rule: findings[] } (ALLOWED findings left out). */
export function lintAll() {
  const all = lintEverything();
  return Object.fromEntries(Object.entries(all).map(([rule, found]) => [rule, found.filter((f) => !isAllowed(f))]));
}

function lintEverything() {
  const tsFiles = [...filesUnder("assembly"), ...filesUnder("src")];
  const read = (f) => readFileSync(join(root, f), "utf8");
  const cc = cGraph("native-host");
  return {
    "unused imports": [...unusedImports("assembly", "assembly/"), ...unusedImports(".", "src/")],
    "imports below the top": tsFiles.flatMap((f) => lateImports(f, read(f))),
    "bare errno numbers": filesUnder("assembly").filter((f) => f !== "assembly/abi.ts").flatMap((f) => bareErrnos(f, read(f))),
    "host.h's file map": cMapErrors("native-host"),
    "import circles": [...circles(tsGraph(["assembly", "src"])), ...circles(cc.graph).map((c) => c.map((f) => `native-host/${f}`))]
      .map((c) => `circle: ${c.join(" <-> ")}`),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let bad = 0;
  for (const [rule, found] of Object.entries(lintAll())) {
    console.log(`${found.length ? "FAIL" : "ok  "} ${rule}${found.length ? `: ${found.length}` : ""}`);
    for (const f of found) console.log(`     ${f}`);
    bad += found.length;
  }
  process.exit(bad ? 1 : 0);
}
