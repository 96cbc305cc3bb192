/** The real engines for the tests that need them, or the one-line reason they cannot run here. */
import type { Result } from "../../src/result.js";
import type { Compiled } from "../../src/scenario/index.js";
import { openEngines, type Engines } from "../../src/node/compare.js";

export async function loadModel(): Promise<{ ok: true; engine: { run(c: Compiled): Result } } | { ok: false; why: string }> {
  try {
    const e = await openEngines({ kernel: false });
    return { ok: true, engine: e.model };
  } catch (e) {
    return { ok: false, why: `the model is not available: ${(e as Error).message.split("\n")[0]}` };
  }
}

export async function loadBoth(): Promise<{ ok: true; engines: Engines } | { ok: false; why: string }> {
  try {
    const e = await openEngines({ kernel: true });
    if (!e.kernel) return { ok: false, why: `the kernel side cannot run: ${e.kernelWhy}` };
    return { ok: true, engines: e };
  } catch (e) {
    return { ok: false, why: `the model is not available: ${(e as Error).message.split("\n")[0]}` };
  }
}

/**
 * Both engines for a test that compares them, or undefined after skipping it with one line: under CI a kernel side
 * that cannot run fails the test instead (a CI run where the kernel did not run must not pass).
 */
export async function bothOrSkip(ctx: { skip(): void }): Promise<Engines | undefined> {
  const both = await loadBoth();
  if (both.ok) return both.engines;
  if (process.env.CI) throw new Error(`CI must compare with the kernel, and the kernel side cannot run: ${both.why}`);
  console.log(`skipped: ${both.why}`);
  ctx.skip();
  return undefined;
}
