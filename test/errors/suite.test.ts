/**
 * Linux's error semantics as an external suite, run through an adapter (as browser_wasi_shim runs wasi-testsuite):
 * every case of test/errors/cases/ runs in the model and on the real kernel, and
 *   - each engine must fail exactly the calls the case names, with the case's errno, and no other call;
 *   - the model's errno must equal the kernel's (the kernel wins where the man page says otherwise: such cases
 *     record the man page's claim in manErrno and what the kernel did in kernel).
 * skip.json gives the reason for every case an engine cannot run. Without Linux or the native host the suite says
 * so in one line and still checks the model against each case's errno.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Errno } from "../../src/scenario/abi.js";
import { compileCase, expectedKeys, loadCases, loadSkips, type ErrorCase } from "./cases.js";
import { canMountSecondFs, lacksCapSysResource, modelEngine, nativeEngine, type Engine, type EngineErrors } from "./engines.js";

const cases = loadCases();
const skips = loadSkips();
const model = await modelEngine();
const native = await nativeEngine();
if (!model.available) console.log(`error suite: model: ${model.why}`);
if (!native.available) console.log(`error suite: native: ${native.why}`);

const skipOf = (c: ErrorCase, engine: "model" | "native"): string | undefined => {
  const s = skips.find((k) => k.case === c.id && (k.engine === engine || k.engine === "both"));
  if (s) return s.reason;
  if (engine === "native" && c.requires === "noCapSysResource" && !lacksCapSysResource()) {
    return "the host has CAP_SYS_RESOURCE, which lifts the pipe-max-size limit";
  }
  if (engine === "native" && c.requires === "root" && !canMountSecondFs()) {
    return "needs root or unprivileged user namespaces (the native host mounts a second filesystem in its own mount namespace)";
  }
  return undefined;
};

/** What each engine answered, per case, run once before the tests (the native runs a few at a time: each is a
 *  process that mostly waits). An engine's failure to run a case is kept as its answer. */
type Answer = EngineErrors | { failed: string };
const answers = { model: new Map<string, Answer>(), native: new Map<string, Answer>() };
const summary: string[] = [];

async function runAll(engine: Engine, width: number): Promise<void> {
  if (!engine.available) return;
  const todo = cases.filter((c) => c.program !== null && skipOf(c, engine.name) === undefined);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const c = todo[next++];
      try {
        answers[engine.name].set(c.id, await engine.run(compileCase(c), c.blocks !== undefined));
      } catch (e) {
        answers[engine.name].set(c.id, { failed: (e as Error).message.split("\n")[0] });
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

beforeAll(async () => {
  await runAll(model, 1);
  await runAll(native, 4);
}, 300_000);

const answer = (engine: Engine, c: ErrorCase): EngineErrors => {
  const a = answers[engine.name].get(c.id);
  if (!a) throw new Error(`${engine.name} did not run ${c.id}`);
  if ("failed" in a) throw new Error(`${engine.name} could not run ${c.id}: ${a.failed}`);
  return a;
};

/** The host's answer; for a case whose call never returns, without the EINTR its time bound gave that call. */
const nativeAnswer = (c: ErrorCase): EngineErrors => {
  const a = answer(native, c);
  return c.blocks ? { ...a, errors: a.errors.filter((k) => k !== `${c.blocks} EINTR`) } : a;
};

describe("the cases themselves", () => {
  it("have unique ids, a source, the man page's words and a known errno", () => {
    const ids = new Set<string>();
    for (const c of cases) {
      expect(ids.has(c.id), `duplicate id ${c.id}`).toBe(false);
      ids.add(c.id);
      expect(c.source, c.id).toMatch(/LTP|man/);
      expect(c.man.length, c.id).toBeGreaterThan(10);
      expect(c.errno !== undefined || c.errors !== undefined, `${c.id}: an errno, or the errors list`).toBe(true);
      for (const e of [c.errno, c.manErrno, ...(c.errors ?? []).map((x) => x.errno)]) {
        if (e === undefined) continue;
        // an errno an engine can report is in the ABI's table; one of a case the format cannot express need not be
        if (c.program !== null) expect(Object.keys(Errno), c.id).toContain(e);
        else expect(e, c.id).toMatch(/^E[A-Z0-9]+$/);
      }
      if (c.manErrno !== undefined) expect(c.kernel, `${c.id}: a man/kernel disagreement says what the kernel did`).toMatch(/^(E[A-Z0-9]+|0|no error|no errno)\b/);
    }
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it("cover the LTP tests named in issue 8", () => {
    for (const t of ["sendfile03", "sendfile04", "sendfile05", "sendfile07", "splice03", "splice07", "tee02", "vmsplice02", "vmsplice04",
      "mmap06", "mmap08", "mmap15", "mmap17", "mmap20", "copy_file_range02"]) {
      expect(cases.some((c) => c.source.includes(`LTP ${t}`)), t).toBe(true);
    }
  });

  it("every case compiles, and names a call of its program", () => {
    for (const c of cases) {
      if (c.program === null) continue;
      const compiled = compileCase(c);
      if (c.blocks) expect(compiled.steps.map((s) => s.at), `${c.id}: ${c.blocks} is a call of the program`).toContain(c.blocks);
      for (const key of expectedKeys(c)) {
        const at = key.split(" ")[0];
        expect(compiled.steps.map((s) => s.at), `${c.id}: ${at} is a call of the program`).toContain(at);
      }
    }
  });

  it("the skip list names existing cases, and every case without a program is skipped in both engines", () => {
    for (const s of skips) {
      expect(cases.map((c) => c.id), `skip.json names ${s.case}`).toContain(s.case);
      expect(s.reason.length).toBeGreaterThan(20);
    }
    for (const c of cases.filter((x) => x.program === null)) {
      expect(skips.some((s) => s.case === c.id && s.engine === "both"), `${c.id} has no program: skip.json must say why`).toBe(true);
    }
  });
});

for (const file of [...new Set(cases.map((c) => c.file))]) {
  describe(file, () => {
    for (const c of cases.filter((x) => x.file === file)) {
      const want = expectedKeys(c);
      const mskip = skipOf(c, "model");
      const nskip = skipOf(c, "native");

      it.skipIf(!model.available || mskip !== undefined)(`${c.id} [model]`, () => {
        const got = answer(model, c);
        if (JSON.stringify(got.errors) !== JSON.stringify(want)) summary.push(`${c.id}: model ${JSON.stringify(got.records)} want ${JSON.stringify(want)}`);
        expect(got.errors, c.source).toEqual(want);
        if (got.status !== undefined) expect(got.status, `${c.id}: ${c.blocks ? `${c.blocks} never returns` : "the program runs to its end"}`).toBe(c.blocks ? "TIMEOUT" : "DONE");
      });

      it.skipIf(!native.available || nskip !== undefined)(`${c.id} [native]`, () => {
        const got = nativeAnswer(c);
        if (JSON.stringify(got.errors) !== JSON.stringify(want) || (!c.blocks && (got.status ?? "OK") !== "OK")) {
          summary.push(`${c.id}: kernel ${JSON.stringify(got.records)} status ${got.status} want ${JSON.stringify(want)}`);
        }
        if (c.blocks) {
          expect(got.status, `${c.id}: ${c.blocks} never returns: the host's phase bound ends the run`).not.toBe("OK");
          expect(got.detail ?? "", c.id).toMatch(/timeout|ran past|blocked/i);
        } else expect(got.status ?? "OK", `${c.id}: the host ran the program to its end`).toBe("OK");
        expect(got.errors, `${c.source}: the kernel's answer (the kernel wins: fix the case if the man page was wrong)`).toEqual(want);
      });

      it.skipIf(!model.available || !native.available || mskip !== undefined || nskip !== undefined)(`${c.id} [model = kernel]`, () => {
        const m = answer(model, c), n = nativeAnswer(c);
        if (JSON.stringify(m.errors) !== JSON.stringify(n.errors)) summary.push(`${c.id}: DISAGREE model ${JSON.stringify(m.errors)} kernel ${JSON.stringify(n.errors)}`);
        expect(m.errors, `${c.id}: the model's errno must be the kernel's`).toEqual(n.errors);
      });
    }
  });
}

afterAll(() => {
  if (summary.length) console.log(`error suite: ${summary.length} mismatch(es)\n  ${summary.join("\n  ")}`);
});
