// Renders the ABI module (src/scenario/abi.ts, with the call table of src/scenario/calls.ts) as AssemblyScript and as
// C. Pure functions, used by gen-abi.mjs and by the test that checks the generated files are current.
const HEAD = "GENERATED from src/scenario/abi.ts and src/scenario/calls.ts by scripts/gen-abi.mjs. Do not edit: edit the source and run npm run gen:abi.";

/** Every exported constant group: { name, entries: [[key, number]] } and every scalar export. The tables (CALLS,
 *  KNOBS, EVENTS: names in capitals) are rendered apart, below; their id groups (Call, Knob, Ev) are groups here. */
function groups(abi) {
  const out = [], scalars = [];
  // sorted: a module namespace's key order differs between loaders
  for (const [name, value] of Object.entries(abi).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (typeof value === "number") scalars.push([name, value]);
    else if (value && typeof value === "object" && !/^[A-Z_]+$/.test(name)) {
      const entries = Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? v : v.id]);
      out.push({ name, entries });
    }
  }
  return { groups: out, scalars };
}

/** How the native host checks each argument kind of calls.ts (program.c do_call). */
const HOST_KIND = { fd: "A_FD", sink: "A_NUM", path: "A_PATH", buf: "A_PTR", addr: "A_NUM", len: "A_LEN", num: "A_NUM", flags: "A_NUM", const: "A_NUM", loff: "A_OFFP", iov: "A_IOV" };

/** Per call id, what the engines need of the call table; checks the table's own rules on the way. */
export function callRows(calls) {
  const max = Math.max(...Object.values(calls).map((c) => c.id));
  const rows = Array.from({ length: max + 1 }, () => null);
  for (const [name, c] of Object.entries(calls)) {
    const args = Object.entries(c.args);
    if (args.length > 6) throw new Error(`${name}: more than 6 arguments`);
    if (rows[c.id]) throw new Error(`${name}: id ${c.id} is taken`);
    const kinds = args.map(([a, s]) => (s.kind === "fd" && s.hostUnchecked ? "A_NUM" : HOST_KIND[s.kind]));
    kinds.forEach((k, i) => { if (k === "A_PTR" && kinds[i + 1] !== "A_LEN") throw new Error(`${name}.${args[i][0]}: a buf is followed by its len`); });
    const to = c.to === undefined ? -1 : args.findIndex(([a]) => a === c.to);
    if (c.to !== undefined && (to < 0 || c.args[c.to].kind !== "fd")) throw new Error(`${name}: "to" names no fd argument`);
    rows[c.id] = { name, nargs: args.length, kinds, syscall: c.syscall, to };
  }
  return { max, rows };
}

function knobDefaults(knobs) {
  const max = Math.max(...Object.values(knobs).map((k) => k.id));
  const d = Array.from({ length: max + 1 }, () => 0);
  for (const k of Object.values(knobs)) d[k.id] = k.default;
  return { max, d };
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
  const { max, rows } = callRows(abi.CALLS);
  s += `\n/** The largest call id. */\nexport const CALL_MAX: i32 = ${max};\n`;
  s += `/** Per call id: 1 when the call is a syscall (it enters the kernel: two mode switches). */\n`;
  s += `export const CALL_SYSCALL: StaticArray<u8> = [${rows.map((r) => (r && r.syscall ? 1 : 0)).join(", ")}];\n`;
  s += `/** Per call id: the argument holding the descriptor the call moves its returned bytes to, -1 none. */\n`;
  s += `export const CALL_TO_ARG: StaticArray<i8> = [${rows.map((r) => (r ? r.to : -1)).join(", ")}];\n`;
  const k = knobDefaults(abi.KNOBS);
  s += `\n/** The largest knob id. */\nexport const KNOB_MAX: i32 = ${k.max};\n`;
  s += `/** Per knob id: its value when no program sets it. */\n`;
  s += `export const KNOB_DEFAULTS: StaticArray<i64> = [${k.d.join(", ")}];\n`;
  return s;
}

export function renderC(abi) {
  const { groups: gs, scalars } = groups(abi);
  let s = `/* ${HEAD} */\n#ifndef ZCSIM_ABI_H\n#define ZCSIM_ABI_H\n\n#include <stdint.h>\n\n`;
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
  const { rows } = callRows(abi.CALLS);
  s += `\n/* Each call's signature (calls.ts): how the host checks each argument (A_PTR is a user buffer whose length is\n * the A_LEN after it), whether it is a syscall, and the argument holding the descriptor its returned bytes go to. */\n`;
  s += `enum call_arg_kind { A_NUM, A_FD, A_PATH, A_OFFP, A_PTR, A_LEN, A_IOV };\n`;
  s += `struct call_sig { int nargs; uint8_t kind[6]; uint8_t syscall; int8_t to; };\n`;
  s += `__attribute__((unused)) static const struct call_sig CALL_SIG[CALL_MAX + 1] = {\n`;
  for (const r of rows) {
    if (!r) continue;
    s += `  [CALL_${r.name.toUpperCase()}] = {${r.nargs}, {${r.kinds.join(", ") || "0"}}, ${r.syscall ? 1 : 0}, ${r.to}},\n`;
  }
  s += `};\n`;
  const k = knobDefaults(abi.KNOBS);
  s += `\n/* Per knob id: the model's value when no program sets it. */\n#define KNOB_MAX ${k.max}\n`;
  s += `__attribute__((unused)) static const int64_t KNOB_DEFAULTS[KNOB_MAX + 1] = {${k.d.join(", ")}};\n`;
  return s + `\n#endif\n`;
}
