/**
 * The two engines as the error suite sees them: each runs a compiled scenario and answers the errors its calls
 * met, as `"<at> <errno>"` strings (e.g. "program[2] EBADF"). An engine that is not there says why in one line.
 *
 * Both are loaded lazily and by path, so that this suite runs (and checks its own cases against the compiler)
 * while either engine is still being built.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Compiled } from "../../src/scenario/index.js";
import type { ErrorRecord } from "../../src/result.js";

export interface EngineErrors {
  /** "<at> <errno>" for each (call, errno) pair that failed, sorted; count left out */
  errors: string[];
  /** the same with counts, for messages */
  records: ErrorRecord[];
  /** native only: the steps the host did not run (a call that would reach its own memory or descriptors: notRun) */
  refusedSteps?: number[];
  /** the engine's status: the model's ("DONE" at the end, "TIMEOUT" when a call sleeps for ever), the host's ("OK",
   *  or "PEER_FAILED" with a timeout when a call never returned) */
  status?: string;
  /** native: the host's detail line (why it stopped) */
  detail?: string;
}

export interface Engine {
  name: "model" | "native";
  available: boolean;
  /** one line: why the engine is not available */
  why: string;
  /** `blocking`: the case expects a call that never returns (the native run gets a short time bound) */
  run(c: Compiled, blocking?: boolean): Promise<EngineErrors>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export const errorKeys = (c: Compiled, errs: ErrorRecord[]): string[] =>
  errs.map((e) => `${e.at ?? c.steps.find((s) => s.step === e.step)?.at ?? `step ${e.step}`} ${e.errno}`).sort();

export async function modelEngine(): Promise<Engine> {
  const path = here("../../src/model/index.ts");
  const none = (why: string): Engine => ({ name: "model", available: false, why, run: () => Promise.reject(new Error(why)) });
  if (!existsSync(path)) return none("the model is not there yet (src/model/index.ts is missing)");
  let sim: { run(c: Compiled, o: { trace: boolean }): { result: { errors: ErrorRecord[] }; status: string } };
  try {
    const mod = await import(/* @vite-ignore */ path);
    sim = await mod.loadSimulator();
  } catch (e) {
    return none(`the model does not load: ${(e as Error).message.split("\n")[0]}`);
  }
  return {
    name: "model", available: true, why: "",
    run: async (c) => {
      const { result, status } = sim.run(c, { trace: false });
      return { errors: errorKeys(c, result.errors), records: result.errors, status };
    },
  };
}

export async function nativeEngine(): Promise<Engine> {
  const none = (why: string): Engine => ({ name: "native", available: false, why, run: () => Promise.reject(new Error(why)) });
  if (process.platform !== "linux") return none(`the native host needs Linux (this is ${process.platform})`);
  const path = here("../../src/node/native.ts");
  if (!existsSync(path)) return none("the native driver is not there yet (src/node/native.ts is missing)");
  const mod = await import(/* @vite-ignore */ path);
  const avail = mod.nativeAvailable() as { ok: boolean; why?: string } | boolean;
  const ok = typeof avail === "boolean" ? avail : avail.ok;
  if (!ok) return none(typeof avail === "boolean" ? "the native host is not available" : avail.why ?? "the native host is not available");
  return {
    name: "native", available: true, why: "",
    run: async (c, blocking) => {
      if (mod.runNativeDetailed) {
        const { result, raw } = await mod.runNativeDetailed(c, blocking ? { timeoutMs: 30_000, phaseTimeoutMs: 2_000 } : { timeoutMs: 60_000 });
        const refused = ((raw.notRun ?? []) as Array<{ step: number }>).map((n) => n.step);
        return { errors: errorKeys(c, result.errors), records: result.errors, refusedSteps: [...new Set(refused)], status: raw.status, detail: raw.detail };
      }
      const result = await mod.runNative(c);
      return { errors: errorKeys(c, result.errors), records: result.errors };
    },
  };
}

/** Whether this process (and so the native host it starts) lacks CAP_SYS_RESOURCE. */
/** Whether the native host can mount its second filesystem here: as root, or in a user namespace of its own
 *  (unshare -Urn works for this user) */
export function canMountSecondFs(): boolean {
  if (typeof process.getuid === "function" && process.getuid() === 0) return true;
  return spawnSync("unshare", ["-Urn", "true"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

export function lacksCapSysResource(): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? (BigInt(`0x${m[1]}`) & (1n << 24n)) === 0n : true;
  } catch {
    return true;
  }
}
