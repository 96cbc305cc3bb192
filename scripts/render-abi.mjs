// Renders the ABI module (src/scenario/abi.ts) as AssemblyScript and as C. Pure functions, used by gen-abi.mjs
// and by the test that checks the generated files are current.
const HEAD = "GENERATED from src/scenario/abi.ts by scripts/gen-abi.mjs. Do not edit: edit the source and run npm run gen:abi.";

/** Every exported constant group: { name, entries: [[key, number]] } and every scalar export. */
function groups(abi) {
  const out = [], scalars = [];
  // sorted: a module namespace's key order differs between loaders
  for (const [name, value] of Object.entries(abi).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (typeof value === "number") scalars.push([name, value]);
    else if (value && typeof value === "object") {
      const entries = Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? v : v.id]);
      out.push({ name, entries });
    }
  }
  return { groups: out, scalars };
}

export function renderAssemblyScript(abi) {
  const { groups: gs, scalars } = groups(abi);
  let s = `// ${HEAD}\n\n`;
  for (const [k, v] of scalars) s += `export const ${k}: i32 = ${v};\n`;
  for (const g of gs) {
    s += `\nexport namespace ${g.name} {\n`;
    for (const [k, v] of g.entries) s += `  export const ${k === "null" ? "null_" : k}: i32 = ${v};\n`;
    s += `}\n`;
  }
  return s;
}

export function renderC(abi) {
  const { groups: gs, scalars } = groups(abi);
  let s = `/* ${HEAD} */\n#ifndef ZCSIM_ABI_H\n#define ZCSIM_ABI_H\n\n`;
  for (const [k, v] of scalars) s += `#define ${k} ${v}\n`;
  for (const g of gs) {
    const prefix = g.name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
    s += `\n/* ${g.name} */\n`;
    for (const [k, v] of g.entries) s += `#define ${prefix}_${k.toUpperCase()} ${v}\n`;
    if (g.name === "Call") {
      s += `static const char *const CALL_NAMES[] = {\n`;
      const max = Math.max(...g.entries.map(([, v]) => v));
      const byId = new Map(g.entries.map(([k, v]) => [v, k]));
      for (let i = 0; i <= max; i++) s += `  ${byId.has(i) ? `"${byId.get(i)}"` : "0"},\n`;
      s += `};\n#define CALL_MAX ${max}\n`;
    }
    if (g.name === "Errno") {
      s += `static inline const char *errno_name(int e) {\n  switch (e) {\n`;
      for (const [k, v] of g.entries) s += `  case ${v}: return "${k}";\n`;
      s += `  default: return 0;\n  }\n}\n`;
    }
  }
  return s + `\n#endif\n`;
}
