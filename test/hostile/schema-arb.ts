/**
 * The fuzzer's scenarios (issue 23, item 4): fast-check arbitraries built from the scenario format's own pieces (the
 * schema's sections, every call of the ABI with its arguments by kind, the machine's parameters and their ranges)
 * with values at and past every edge, and mutations of the catalogue (a field replaced, a statement dropped or
 * repeated: a catalogue loop without its offset update spins). Most compile; the rest must be refused with a
 * ScenarioError. test/hostile/fuzz-schema.test.ts runs 1,000 of them; bench/fuzz.ts 10,000.
 */
import fc from "fast-check";
import { Call, Flags } from "../../src/scenario/abi.js";
import { catalogue, MACHINE_PARAMS } from "../../src/scenario/index.js";

/** Mostly a good value, one time in thirty a bad one: most files compile, so that the engines see them. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 29 }, { arbitrary: bad, weight: 1 });
/** Whole numbers at the edges the engines care about: pages, 2^31, 2^53, int64's ends (as text: JSON has no int64). */
const edgeInt = fc.oneof(
  fc.constantFrom(0, 1, -1, 7, 4095, 4096, 4097, 65536, 1 << 20, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1)),
  fc.integer({ min: -5, max: 70_000 }),
);
const INT64_MIN = "(-0x7fffffffffffffff - 1)";
/** Expressions over the bound names `a` (a register) and the parameters: int64's corners, x/0, INT64_MIN / -1. */
const expr = fc.oneof(
  edgeInt,
  fc.constantFrom(
    "0x7fffffffffffffff", INT64_MIN, `${INT64_MIN} / -1`, `${INT64_MIN} % -1`, "$a / -1", "$a % -1", "$a / ($a - $a)",
    "$a % 0", "$a * $a * $a", "-$a", "min($a, -1)", "max($a, 4096)", "$a + 0x7fffffffffffffff", "$a - 1 < 0",
    "$a << 1", "$a +", "((", "1/0", "0x1ffffffffffffffff", "$chunk", "$fileSize - $a", "4KiB * $a", "1EiB", "0.1B",
    "a-(a-(a-(a-(a-(a-(a-(a-a)))))))",
  ),
);
const SIZES = mostly(fc.constantFrom<unknown>(0, 1, 4095, 4096, 65536, "64KiB", "1MiB", "$fileSize", "$chunk"),
  fc.constantFrom<unknown>("1EiB", "0.1B", "1.5KiB", "17GiB", "-1", "NaN", 1e300, 2 ** 53, "1GiB", "whole"));

/** Parameters: the machine's own (in and out of their ranges) and a scenario's usual ones. */
const machineParam = fc.constantFrom(...Object.keys(MACHINE_PARAMS).filter((k) => k !== "traceCap" && k !== "trace")).chain((k) => {
  const m = MACHINE_PARAMS[k];
  const v = m.type === "bool" ? mostly(fc.constantFrom<unknown>(true, false, "on"), fc.constant<unknown>("maybe"))
    : m.values ? mostly(fc.constantFrom<unknown>(...m.values), fc.constant<unknown>("vegas"))
    : mostly(fc.constantFrom<unknown>(m.min ?? 0, m.max ?? 1, m.default === -1 ? 0 : m.default), fc.constantFrom<unknown>((m.max ?? 1) + 1, (m.min ?? 0) - 1, "1e12", "12parsecs"));
  return v.map((x) => [k, x] as const);
});
const params = fc.tuple(
  fc.array(machineParam, { maxLength: 3 }),
  fc.record({ fileSize: mostly(fc.constantFrom<unknown>("64KiB", "1MiB", 4097), fc.constantFrom<unknown>("0.1B", "1EiB")), chunk: fc.constantFrom<unknown>("4KiB", "whole", 1, "64KiB", 0) }, { requiredKeys: ["fileSize"] }),
).map(([m, own]) => ({ ...own, ...Object.fromEntries(m) }));

const FDS = ["in", "out", "pr", "pw", "sock", "nul", "a", -1, 0, 99, 1024, "0x7fffffff"];
const family = (prefix: string) => Object.keys(Flags).filter((f) => f.startsWith(prefix));
const flags = (prefix: string) => fc.oneof(fc.subarray(family(prefix), { maxLength: Math.min(2, family(prefix).length) }), edgeInt);
const FLAG_OF: Record<string, string> = {
  "open.flags": "O_", "pipe2.flags": "O_", "mmap.prot": "PROT_", "mmap.flags": "MAP_", "splice.flags": "SPLICE_F_",
  "tee.flags": "SPLICE_F_", "vmsplice.flags": "SPLICE_F_", "fcntl.cmd": "F_", "send.flags": "MSG_",
  "setsockopt.level": "SOL_", "setsockopt.optname": "SO_", "lseek.whence": "SEEK_", "madvise.advice": "MADV_",
  "posix_fadvise.advice": "POSIX_FADV_", "poll.events": "POLL",
};
const argOf = (call: string, a: string): fc.Arbitrary<unknown> => {
  if (FLAG_OF[`${call}.${a}`]) return flags(FLAG_OF[`${call}.${a}`]);
  if (["fd", "fd_in", "fd_out", "out_fd", "in_fd", "sockfd", "sink"].includes(a)) return fc.constantFrom(...FDS);
  if (a === "path") return fc.constantFrom("src", "dst", "nope");
  if (a === "off_in" || a === "off_out" || (call === "sendfile" && a === "offset")) return fc.oneof(fc.constant(null), fc.constant("&pos"), expr);
  if (a === "iov") return fc.array(fc.record({ iov_base: fc.constantFrom<unknown>("b", "b + 4095", "m", 0), iov_len: expr }), { minLength: 1, maxLength: 3 });
  if (a === "buf" || a === "addr") return fc.oneof(fc.constantFrom<unknown>("b", "b + 1", "m", "m + 4096", null), expr);
  if (a === "mode") return fc.constant(420);
  return expr;
};
const RET: Record<string, unknown> = { open: "in", pipe: ["pr", "pw"], pipe2: ["pr", "pw"], mmap: "m", recv_errqueue: ["lo", "hi", "code"] };
const callStmt = fc.constantFrom(...Object.keys(Call)).chain((name) => {
  const shape: Record<string, fc.Arbitrary<unknown>> = { call: fc.constant(name) };
  for (const a of Call[name as keyof typeof Call].args) shape[a] = argOf(name, a);
  return fc.record(shape).map((st) => ({ ...st, ret: RET[name] ?? "a" }));
});

/** Statements: calls, loops of every kind (a count negative at run time, a while that never ends), ifs, sets. */
const program: fc.Arbitrary<unknown[]> = fc.letrec((tie) => ({
  block: fc.array(tie("stmt"), { minLength: 1, maxLength: 5 }),
  stmt: fc.oneof({ depthSize: "small" },
    callStmt, callStmt, callStmt,
    fc.record({ set: fc.constantFrom("a", "pos"), to: expr }),
    fc.record({ repeat: fc.oneof(
      fc.record({ count: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom<unknown>("$a", "$a - 5", "-$a", "0 - 3 * $a", "$a % 7")) }),
      fc.record({ while: fc.constantFrom("1", "$a > 0", "$a", "$pos < 65536") }),
      fc.constant({ until: "zero" })), do: tie("block") }),
    fc.record({ if: expr, do: tie("block") })),
})).block as fc.Arbitrary<unknown[]>;

const file = fc.record({ size: SIZES, cache: mostly(fc.constantFrom<unknown>("warm", "cold"), fc.constantFrom<unknown>("$cache", "tepid")), fill: fc.constantFrom<unknown>(undefined, "write", "read", "none") }, { requiredKeys: ["size"] });
const sinkKind = fc.constantFrom("tcp", "file", "null", "nic", "tcp");
/** A scenario from the format's pieces: params, setup (files, sinks, buffers at and past their limits), a program
 * whose names are bound first (they may still fail at run time: a descriptor closed, a mapping gone). */
export const schemaScenario = fc.record({
  params,
  files: fc.record({ src: file, f1: file, f2: file }, { requiredKeys: ["src"] }),
  sink: mostly(sinkKind, fc.constant("udp")), lazy: fc.boolean(), expect: mostly(fc.constantFrom<unknown>(undefined, null, "src"), fc.constant<unknown>("f9")),
  bufSize: mostly(fc.constantFrom<unknown>(4096, 65536, "1MiB"), fc.constantFrom<unknown>(0, "2GiB", "$chunk")),
  many: mostly(fc.constant(0), fc.constantFrom(5, 40)),
  body: program,
}).map(({ params, files, sink, lazy, expect, bufSize, many, body }) => {
  const buffers: Record<string, unknown> = { b: { size: bufSize } };
  for (let i = 0; i < many; i++) buffers[`x${i}`] = { size: "1GiB" }; // totals past the limit
  return {
    name: "fuzz", title: "schema fuzz", params,
    setup: {
      files,
      sinks: { sock: { kind: sink, peer: lazy ? "lazy" : "eager", ...(expect === undefined ? {} : { expect }) }, nul: { kind: "null", expect: null } },
      buffers,
    },
    program: [
      { call: "open", path: "src", flags: ["O_RDWR"], ret: "in" },
      { call: "open", path: "dst", flags: ["O_RDWR", "O_CREAT"], ret: "out" },
      { call: "pipe2", flags: ["O_NONBLOCK"], ret: ["pr", "pw"] },
      { call: "mmap", addr: null, length: 65536, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "m" },
      { set: "pos", to: 0 }, { set: "a", to: 3 },
      ...body,
    ],
  };
});

/** Hostile values a mutation puts in place of a field. */
const hostileValue = fc.oneof(expr, SIZES, fc.constantFrom<unknown>(null, true, [], {}, "", "O_RDONLY", ["NOPE"], "__proto__", { __proto__: 1 }));

/** A catalogue scenario with 1-3 mutations: a field replaced, a statement dropped (a loop's offset update: it spins)
 * or doubled, a key named `__proto__` or `constructor` added. */
export const mutantScenario = fc.tuple(
  fc.constantFrom(...Object.keys(catalogue)),
  fc.array(fc.tuple(fc.nat(1000), fc.constantFrom("replace", "replace", "drop", "drop", "double", "key"), hostileValue), { minLength: 1, maxLength: 3 }),
).map(([name, muts]) => {
  const s = structuredClone(catalogue[name]) as Record<string, unknown>;
  for (const [pick, how, value] of muts) {
    // every object and array in the file, with its keys: pick one of them by `pick`
    const places: [Record<string, unknown> | unknown[], string | number][] = [];
    const todo: unknown[] = [s];
    while (todo.length) {
      const v = todo.pop();
      if (typeof v !== "object" || v === null) continue;
      for (const k of Object.keys(v)) {
        places.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
        todo.push((v as Record<string, unknown>)[k]);
      }
    }
    if (places.length === 0) break;
    const [obj, key] = places[pick % places.length];
    if (how === "replace") (obj as Record<string | number, unknown>)[key] = value;
    else if (how === "drop") { if (Array.isArray(obj)) obj.splice(key as number, 1); else delete obj[key as string]; }
    else if (how === "double") { if (Array.isArray(obj)) obj.splice(key as number, 0, structuredClone(obj[key as number])); }
    else if (!Array.isArray(obj)) Object.defineProperty(obj, pick % 2 ? "constructor" : "__proto__", { value, enumerable: true, configurable: true, writable: true });
  }
  return s;
});

/** `n` scenarios, half from the schema's pieces and half mutated catalogue files, the same for the same seed. */
export function fuzzScenarios(n: number, seed: number): unknown[] {
  const a = fc.sample(schemaScenario, { numRuns: Math.ceil(n / 2), seed });
  const b = fc.sample(mutantScenario, { numRuns: Math.floor(n / 2), seed: seed + 1 });
  const out: unknown[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}
