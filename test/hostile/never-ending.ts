/**
 * Scenarios that do not end by themselves, as files (uncompiled): the caps' tests (bounds.test.ts), the worker
 * runner's (test/pool) and the element's worker (test/browser/worker.test.ts) share them.
 */
import { catalogue } from "../../src/scenario/index.js";

/** A read of a pipe nobody writes: it sleeps for ever on Linux; the model stops it at once (TIMEOUT, blocked). */
export const blockedScenario = {
  name: "blocked", title: "a read nothing can wake", setup: { buffers: { b: { size: 4096 } } },
  program: [{ call: "pipe", ret: ["r", "w"] }, { call: "read", fd: "r", buf: "b", count: 1 }],
};

/** The catalogue's mmap-write without its offset update: every turn writes the same chunk, for ever (calls, not a
 *  bare loop: the model's wall-time cap stops it, TIMEOUT, looping). Compile it with a small file. */
export function busyLoopScenario(): { name: string; title: string; program: Record<string, unknown>[] } {
  const s = structuredClone(catalogue["mmap-write"]) as { name: string; title: string; program: Record<string, unknown>[] };
  const loop = s.program.find((st) => "repeat" in st) as { do: Record<string, unknown>[] };
  loop.do = loop.do.filter((st) => !("set" in st));
  return { ...s, name: "busy-loop" };
}
