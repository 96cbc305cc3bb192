/**
 * Bounded runs and one arithmetic (issue 23, items 2 and 3), in both engines:
 *   - a run's caps (instructions, wall time) that no scenario or parameter lifts; a run they stop ends with TIMEOUT
 *     and says whether the program was blocked in a call or looping;
 *   - a repeat count negative at run time runs its block no times;
 *   - INT64_MIN / -1 and friends give the same value in the compiler's folding, the model and the host;
 *   - a host refusal names the statement the compiler knows the words by;
 *   - native runs on one machine take turns (the CPU lock).
 * The native cases need Linux and the built host; they say so in one line and skip without them.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, DEFAULT_MAX_STEPS, MAX_STEPS, type Compiled } from "../../src/scenario/index.js";
import { applyOp } from "../../src/scenario/expr.js";
import { Op } from "../../src/scenario/abi.js";
import { scratch } from "../native/helpers.js";
import { blockedScenario, busyLoopScenario } from "./never-ending.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const haveModel = existsSync(root + "build/zcsim.wasm");
if (!haveModel) console.log("bounds: model cases skipped: build/zcsim.wasm is not built");
const native = process.platform === "linux" ? await import("../../src/node/native.js") : undefined;
const nativeOk = native?.nativeAvailable() ?? { ok: false, why: `not Linux (${process.platform})` };
if (!nativeOk.ok) console.log(`bounds: native cases skipped: ${nativeOk.why}`);

const sim = haveModel ? await (await import("../../src/model/index.js")).loadSimulator() : undefined;
const sc = (program: unknown[], setup: unknown = {}, params?: Record<string, unknown>) =>
  compile({ name: "bounds", title: "t", ...(params ? { params } : {}), setup, program });

/** A loop that never ends and makes no call. */
const spin = (budget?: number) => sc([{ set: "x", to: 0 }, { repeat: { while: "1" }, do: [{ set: "x", to: "$x + 1" }] }], {}, budget ? { stepBudget: budget } : undefined);
/** A read of a pipe nobody writes: it sleeps for ever. */
const blocked = () => compile(blockedScenario);
/** The catalogue's mmap-write without its offset update: every turn writes the same chunk, for ever. */
const busy = (): Compiled => compile(busyLoopScenario(), { fileSize: "256KiB", chunk: "64KiB", sink: "null" });

describe.skipIf(!haveModel)("the model's caps", () => {
  it("a stepBudget of 10^10 does not lift the run's cap: TIMEOUT, looping, at exactly the cap", () => {
    const out = sim!.run(spin(MAX_STEPS), { maxSteps: 1_000_000 });
    expect(out.status).toBe("TIMEOUT");
    expect(out.stopped).toMatchObject({ reason: "looping", cap: "steps", steps: 1_000_000 });
    expect(out.stopped!.detail).toMatch(/^looping: .* the run's cap of 1,000,000 instructions/);
    expect(out.result.delivered.intact).toBe(false);
  });

  it("without --max-steps the cap is the default, whatever the scenario asks", () => {
    const t = Date.now();
    const out = sim!.run(spin(MAX_STEPS));
    expect(out.stopped).toMatchObject({ reason: "looping", cap: "steps", steps: DEFAULT_MAX_STEPS });
    expect(Date.now() - t).toBeLessThan(30_000);
  }, 60_000);

  it("a stepBudget below the cap is the program's own: BUDGET_EXCEEDED, as before", () => {
    const out = sim!.run(spin(5000));
    expect(out.status).toBe("BUDGET_EXCEEDED");
    expect(out.stopped).toBeUndefined();
  });

  it("a busy loop of calls (a catalogue scenario without its offset update) stops at the wall-time cap", () => {
    const t = Date.now();
    const out = sim!.run(busy(), { timeoutMs: 1500 });
    const ms = Date.now() - t;
    expect(out.status).toBe("TIMEOUT");
    expect(out.stopped).toMatchObject({ reason: "looping", cap: "time" });
    expect(out.stopped!.at).toMatch(/^program\[\d+\]/);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(6000);
  });

  it("a call nothing can wake: TIMEOUT, blocked, naming the statement", () => {
    const out = sim!.run(blocked());
    expect(out.status).toBe("TIMEOUT");
    expect(out.stopped).toMatchObject({ reason: "blocked", at: "program[1]" });
  });

  it("a repeat count negative at run time runs its block no times (it used to loop to the budget)", () => {
    const c = sc([{ set: "n", to: 2 }, { set: "n", to: "$n - 5" }, { repeat: { count: "$n" }, do: [{ call: "pipe", ret: ["r", "w"] }] }]);
    const out = sim!.run(c);
    expect(out.status).toBe("DONE");
    expect(out.result.syscalls.byName.pipe ?? 0).toBe(0);
    expect(out.counters.length).toBeGreaterThan(0);
  });
});

/**
 * One arithmetic: each term is 1 when the run-time value (from registers, so not folded) equals the value written
 * here, and the terms weigh 1, 2, 4 ...: the write to /dev/null is of 2^k - 1 bytes when all k agree (wchar counts it).
 */
const ARITH: [string, string][] = [
  ["$min / -1", "-9223372036854775808"], // wraps
  ["$min % -1", "0"],
  ["$min * -1", "-9223372036854775808"],
  ["$min - 1", "9223372036854775807"],
  ["$max + 1", "-9223372036854775808"],
  ["$seven / 0", "0"],
  ["$seven % 0", "0"],
  ["(0 - $seven) / 2", "-3"], // truncates toward zero
  ["(0 - $seven) % 2", "-1"],
  ["$seven / -1", "-7"],
];
const arith = () => {
  // int64's ends in hex (a decimal past 2^53 is not a size); -2^63 has no positive twin: -(2^63 - 1) - 1
  const value = (v: string) => v === "-9223372036854775808" ? "(0 - 0x7fffffffffffffff - 1)" : v === "9223372036854775807" ? "0x7fffffffffffffff"
    : v.startsWith("-") ? `(0 - ${v.slice(1)})` : v;
  const count = ARITH.map(([e, v], k) => `((${e}) == ${value(v)}) * ${2 ** k}`).join(" + ");
  return sc([
    { set: "max", to: "0x7fffffffffffffff" }, { set: "min", to: "0 - $max - 1" }, { set: "seven", to: 7 },
    { call: "write", fd: "nul", buf: "b", count },
  ], { sinks: { nul: { kind: "null", expect: null } }, buffers: { b: { size: 4096 } } });
};
const ALL = 2 ** ARITH.length - 1;

describe("one int64 arithmetic", () => {
  it("the compiler folds it as written", () => {
    const MIN = -(2n ** 63n), MAX = 2n ** 63n - 1n;
    const fold = (e: string) => {
      const [a, op, b] = e.replace("$min", String(MIN)).replace("$max", String(MAX)).replace("$seven", "7").replace("(0 - 7)", "-7").split(" ");
      return applyOp(op, BigInt(a), BigInt(b));
    };
    for (const [e, v] of ARITH) expect(fold(e), e).toBe(BigInt(v));
  });

  it.skipIf(!haveModel)("the model computes the same at run time (INT64_MIN / -1 used to trap it)", () => {
    const out = sim!.run(arith());
    expect(out.status).toBe("DONE");
    expect(out.result.errors).toEqual([]);
    expect(out.result.io.wchar).toBe(ALL);
  });

  it.skipIf(!nativeOk.ok)("the host computes the same at run time", async () => {
    const { result } = await native!.runNativeDetailed(arith());
    expect(result.errors).toEqual([]);
    expect(result.io.wchar).toBe(ALL);
  });
});

describe.skipIf(!nativeOk.ok)("the native host's caps", () => {
  it("a busy loop of calls: TIMEOUT, looping (it used to say a call blocked)", async () => {
    const raw = await native!.runHost(busy().program, { timeoutMs: 3000 });
    expect(raw.status).toBe("TIMEOUT");
    expect(raw.detail).toMatch(/^looping: the program was still executing instructions \(\d+ in [\d.]+ s\) when the phase's bound of 1 s/);
  });

  it("a read nobody can satisfy: TIMEOUT, blocked, naming the call and, through the driver, its statement", async () => {
    const c = blocked();
    const { result, raw } = await native!.runNativeDetailed(c, { timeoutMs: 3000 });
    expect(raw.status).toBe("TIMEOUT");
    expect(raw.detail).toMatch(/^blocked: read at step 1 had not returned/);
    expect(result.notes!.join("\n")).toMatch(/blocked: read at step 1 \(program\[1\]\) had not returned/);
  });

  it("--max-steps caps what stepBudget asks: TIMEOUT, looping; below the cap the budget is the program's", async () => {
    const capped = await native!.runHost(spin(MAX_STEPS).program, { timeoutMs: 30_000, maxSteps: 5000 });
    expect(capped.status).toBe("TIMEOUT");
    expect(capped.detail).toMatch(/^looping: .*\(5000 in .*the run's cap of 5000 instructions/);
    const own = await native!.runHost(spin(5000).program, { timeoutMs: 30_000 });
    expect(own.status).toBe("BUDGET_EXCEEDED");
  });

  it("a refusal names the statement: code[N] becomes program[...] (code[N])", async () => {
    const c = sc([{ set: "a", to: 1 }, { set: "b", to: "$a + 1" }]);
    const p = c.program.slice();
    // the second SET's register: one the program does not have
    const code = codeStart(c);
    const pc = c.sites!.find((s) => s.at === "program[1]")!.pc;
    expect(Number(p[code + pc])).toBe(Op.SET);
    p[code + pc + 1] = 999n;
    const err = await native!.runNativeDetailed({ ...c, program: p }).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(native!.NativeError);
    expect(err!.message).toBe(`native host: BAD_PROGRAM: program[1] (code[${pc}]): bad SET`);
  });

  it("two hosts at once take turns (the CPU lock): the second waits for the first", async () => {
    const s = scratch();
    try {
      // each spins for 1,500,000 instructions (a few tenths of a second), then stops at its --max-steps
      const runs = await Promise.all([0, 1].map(() => native!.runHost(busy().program, { timeoutMs: 60_000, maxSteps: 1_500_000, env: { TMPDIR: s.dir } })));
      for (const r of runs) expect(r.status).toBe("TIMEOUT");
      const waited = runs.map((r) => r.notes.find((n) => /^waited \d+ ms for another native run/.test(n)));
      expect(waited.filter(Boolean), JSON.stringify(runs.map((r) => r.notes.filter((n) => /lock|waited/.test(n))))).toHaveLength(1);
      expect(Number(/waited (\d+)/.exec(waited.find(Boolean)!)![1])).toBeGreaterThan(100);
    } finally {
      s.done();
    }
  }, 30_000);
});

/** The code section's word offset in a compiled program. */
function codeStart(c: Compiled): number {
  const p = c.program, w = (i: number) => Number(p[i]);
  let i = 10 + 2 * w(3);
  for (let s = 0; s < w(4); s++) i += 1 + Math.ceil(w(i) / 8);
  return i + 5 * w(5) + 5 * w(6) + 3 * w(7);
}

describe("the driver names the host's places as the compiler does", () => {
  it("step N and code[N] get their statements", () => {
    const c = sc([{ call: "pipe", ret: ["r", "w"] }, { set: "a", to: 1 }, { repeat: { count: 2 }, do: [{ call: "close", fd: "r" }] }]);
    const { nameSites } = native ?? { nameSites: undefined };
    if (!nameSites) return;
    expect(nameSites(c, "blocked: close at step 1 had not returned")).toBe("blocked: close at step 1 (program[2].do[0]) had not returned");
    const pcOf = (at: string) => c.sites!.find((s) => s.at === at)!.pc;
    expect(nameSites(c, `code[${pcOf("program[1]")}]: bad SET`)).toBe(`program[1] (code[${pcOf("program[1]")}]): bad SET`);
    expect(nameSites(c, `code[${pcOf("program[2].repeat.count") + 1}]: bad JZ operand`)).toMatch(/^program\[2\]\.repeat\.count \(code\[\d+\]\)/);
    // an argument: the call's field, as the compiler names it
    const close = c.sites!.find((s) => s.at === "program[2].do[0]")!.pc;
    expect(nameSites(c, `code[${close}]: close argument 0: bad operand`)).toBe(`program[2].do[0].fd (code[${close}]: close argument 0): bad operand`);
  });
});
