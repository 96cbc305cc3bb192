/**
 * The scenario file's shape, checked with zod. Semantic checks (bindings, flags, expressions) live in compile.ts.
 * `scenarioJsonSchema()` publishes the same shape as JSON Schema for editors and courseware authors.
 */
import { z } from "zod";
import { Call, type CallName } from "./abi.js";

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "must be a name: letters, digits, _ . - (at most 64), starting with a letter or _");
const scalar = z.union([z.number(), z.string(), z.boolean()]);
const sizeLike = z.union([z.number(), z.string()]);

export const FileSpec = z.strictObject({
  size: sizeLike,
  cache: z.string().optional(),
  fill: z.string().optional(),
  fillChunk: sizeLike.optional(),
});

export const SinkSpec = z.strictObject({
  kind: z.string(),
  /** the setup file this sink must receive, in order; null: do not verify */
  expect: z.union([name, z.null()]).optional(),
  /** "eager" (default): the peer reads as data arrives; "lazy": it reads at peer_read or close */
  peer: z.string().optional(),
});

export const BufSpec = z.strictObject({ size: sizeLike });

export const Setup = z.strictObject({
  files: z.record(name, FileSpec).optional(),
  sinks: z.record(name, SinkSpec).optional(),
  buffers: z.record(name, BufSpec).optional(),
});

export const Scenario = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be lowercase letters, digits and -"),
  title: z.string().max(200),
  description: z.string().max(4000).optional(),
  params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, "must be a name of letters and digits"), scalar).optional(),
  setup: Setup,
  program: z.array(z.unknown()).max(10000, "at most 10000 statements"),
  /** what the scenario itself checks beyond the common result (e.g. the page-sharing hazard) */
  expect: z.record(z.string(), z.unknown()).optional(),
});
export type ScenarioFile = z.infer<typeof Scenario>;

/** An operand as written: a number, a string (size, expression, name, flag), null, an array of flag names. */
const operand = z.union([z.number(), z.string(), z.null(), z.array(z.string())]);
const iov = z.array(z.strictObject({ iov_base: z.union([z.number(), z.string()]), iov_len: z.union([z.number(), z.string()]) })).min(1).max(1024);
const ret = z.union([name, z.array(name).min(1).max(3)]);

/** One strict schema per call: the call's own argument names, `ret`, and nothing else. */
export const CallSchemas: Record<CallName, z.ZodType> = Object.fromEntries(
  (Object.keys(Call) as CallName[]).map((c) => {
    const shape: Record<string, z.ZodType> = { call: z.literal(c), ret: ret.optional(), comment: z.string().optional() };
    for (const a of Call[c].args) shape[a] = (a === "iov" ? iov : operand).optional();
    return [c, z.strictObject(shape)];
  }),
) as unknown as Record<CallName, z.ZodType>;

export const RepeatSpec = z.strictObject({
  repeat: z.union([
    z.strictObject({ until: z.literal("zero"), watch: name.optional() }),
    z.strictObject({ count: z.union([z.number(), z.string()]), watch: name.optional() }),
    z.strictObject({ while: z.string(), watch: name.optional() }),
  ]),
  do: z.array(z.unknown()).min(1).max(10000),
  comment: z.string().optional(),
});

export const IfSpec = z.strictObject({
  if: z.union([z.number(), z.string()]),
  do: z.array(z.unknown()).min(1).max(10000),
  comment: z.string().optional(),
});

export const SetSpec = z.strictObject({ set: name, to: z.union([z.number(), z.string()]), comment: z.string().optional() });

/** The scenario format as JSON Schema (draft 2020-12), statements included. */
export function scenarioJsonSchema(): unknown {
  const statement = z.union([...Object.values(CallSchemas), RepeatSpec, IfSpec, SetSpec] as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return z.toJSONSchema(Scenario.extend({ program: z.array(statement) }), { unrepresentable: "any" });
}
