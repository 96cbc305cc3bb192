/** The compiler's small shared checks: own-property membership and a zod check that names the field. */
import { z } from "zod";
import { ScenarioError } from "./types.js";

/** Own-property membership: "valueOf" or "constructor" must never pass for a call, a flag or a parameter. */
export const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const zodPath = (base: string, issue: z.core.$ZodIssue) =>
  (base + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")).replace(/^\./, "");

function zodReason(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_type") return `expected ${issue.expected}`;
  return issue.message;
}

/** `value` checked against `schema`; the first issue becomes a ScenarioError naming the field under `path`. */
export function check<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ScenarioError(zodPath(path, issue), zodReason(issue));
  }
  return r.data;
}
