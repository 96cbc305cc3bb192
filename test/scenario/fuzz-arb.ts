/**
 * The compiler fuzz's scenario files: random files built from the format's own pieces (fuzzScenario), and mutations
 * of the catalogue with one field replaced by a hostile value. `forEachFuzzFile` visits the same 10,000 files every
 * time (fixed seeds): test/scenario/fuzz.test.ts compiles them, test/hostile feeds the accepted ones to the wasm.
 */
import fc from "fast-check";
import { Call } from "../../src/scenario/abi.js";
import { catalogue } from "../../src/scenario/index.js";

const names = ["in", "out", "pr", "pw", "n", "buf", "p", "src", "x", "$chunk", "$n", "../x", "", "O_RDONLY"];
export const scalar = fc.oneof(
  fc.integer({ min: -5, max: 1 << 20 }), fc.constantFrom(...names), fc.constantFrom("64KiB", "1PiB", "-1", "1.5KiB", "whole", "min($chunk, 4096)", "$n +", "1/0", "((", "NaN"),
  fc.constant(null), fc.double(), fc.boolean(), fc.string({ maxLength: 8 }),
  fc.array(fc.constantFrom("O_RDONLY", "SPLICE_F_MOVE", "MAP_SHARED", "NOPE", "MAP_POPULATE if $populate"), { maxLength: 3 }),
);
const callNames = [...Object.keys(Call), "splise", "", "exec"];
const callStmt = fc.record({
  call: fc.constantFrom(...callNames),
  fd: scalar, fd_in: scalar, fd_out: scalar, buf: scalar, count: scalar, len: scalar, flags: scalar, path: scalar,
  ret: fc.oneof(fc.constantFrom(...names), fc.array(fc.constantFrom(...names), { maxLength: 4 })),
}, { requiredKeys: ["call"] });
const stmt: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  s: fc.oneof({ depthSize: "small", withCrossShrink: true },
    callStmt,
    fc.record({ repeat: fc.oneof(fc.record({ until: fc.constantFrom("zero", "one") }), fc.record({ count: scalar }), fc.record({ while: fc.string() })), do: fc.array(tie("s"), { maxLength: 3 }) }),
    fc.record({ set: fc.constantFrom(...names), to: scalar }),
    scalar),
})).s;
export const fuzzScenario = fc.record({
  name: fc.constantFrom("t", "Bad Name", "x-1"),
  title: fc.constant("t"),
  params: fc.dictionary(fc.constantFrom("fileSize", "chunk", "populate", "sink", "bad key"), scalar, { maxKeys: 4 }),
  setup: fc.record({
    files: fc.dictionary(fc.constantFrom("src", "x", "../up"), fc.record({ size: scalar, cache: scalar }), { maxKeys: 2 }),
    sinks: fc.dictionary(fc.constantFrom("out", "src"), fc.record({ kind: scalar }), { maxKeys: 2 }),
    buffers: fc.dictionary(fc.constantFrom("buf"), fc.record({ size: scalar }), { maxKeys: 1 }),
  }, { requiredKeys: [] }),
  program: fc.array(stmt, { maxLength: 6 }),
}, { requiredKeys: ["program"] });

/** Calls `visit` on each of the 10,000 files: 7,000 generated, 3,000 mutated catalogue files. */
export function forEachFuzzFile(visit: (s: unknown) => void): void {
  fc.assert(fc.property(fuzzScenario, (s) => { visit(s); }), { numRuns: 7000, seed: 42 });
  const files = Object.values(catalogue);
  fc.assert(fc.property(fc.nat(files.length - 1), fc.nat(40), scalar, (which, pick, value) => {
    const s = structuredClone(files[which]) as { program: Record<string, unknown>[] };
    const st = s.program[pick % s.program.length];
    const keys = Object.keys(st);
    st[keys[pick % keys.length]] = value;
    visit(s);
  }), { numRuns: 3000, seed: 7 });
}
