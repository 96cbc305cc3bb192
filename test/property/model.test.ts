/**
 * Properties of the model over random scenario programs (programs.ts) and params, with fast-check:
 *   - the wasm never traps, and runs every program to its end;
 *   - every transfer delivers exactly the source bytes, in order, and the bytes the sink got are the sum of what
 *     the calls that wrote to it returned;
 *   - after the program closes everything: descriptors are back to their baseline (the next open gets the lowest
 *     number, 3), every page's reference count is back where it was before the program touched it (or the page
 *     was freed), no count went below 0, every pipe buffer pushed was popped, and every kernel buffer made for a
 *     pipe was freed (read from the trace: the model exports no count of frames or pipe slots in use);
 *   - the same input gives the same trace and result, in the same instance and in a fresh one;
 *   - running one instruction at a time (zc_run(1)) ends where one whole run ends, and the step player, which
 *     rebuilds the counters from the trace alone, ends with the run's counters.
 * Bounded: a fixed seed and a fixed number of runs, a few seconds in all.
 */
import fc from "fast-check";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Knob, Status } from "../../src/scenario/abi.js";
import { compile, type Compiled } from "../../src/scenario/index.js";
import { planArb, scenarioOf, type Method, type Plan } from "./programs.js";

const haveModel = existsSync(fileURLToPath(new URL("../../src/model/index.ts", import.meta.url)));
if (!haveModel) console.log("property: skipped: the model (src/model/index.ts) is not there yet");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const M: any = haveModel ? await import("../../src/model/index.js") : undefined;

type Sim = { run(c: Compiled, o?: { trace?: boolean }): { result: any; status: string; counters: number[]; events?: any[]; sinks: { bytes: number }[] }; traceWords(): BigInt64Array; player(c: Compiled): any };
let sim: Sim;
let methods: Method[] = ["pread", "read", "sendfile", "splice", "tee", "mmap"];
const RUNS = 80;

/** The model answers ENOSYS for a call it does not model yet: leave such methods out, and say so. */
function supported(call: string, st: unknown): boolean {
  const c = compile({ name: "probe", title: "t", setup: { files: { src: { size: 4096 } }, sinks: { out: { kind: "file" } }, buffers: { b: { size: 4096 } } }, program: [
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" }, { call: "pipe", ret: ["pr", "pw"] }, st] });
  const errs = sim.run(c).result.errors as { errno: string }[];
  const ok = !errs.some((e) => e.errno === "ENOSYS");
  if (!ok) console.log(`property: ${call} left out of the random programs: the model answers ENOSYS`);
  return ok;
}

beforeAll(async () => {
  if (!haveModel) return;
  sim = await M.loadSimulator();
  if (supported("copy_file_range", { call: "copy_file_range", fd_in: "in", off_in: 0, fd_out: "out", off_out: null, len: 10, flags: 0 })) methods.push("copy_file_range");
  if (supported("vmsplice", { call: "vmsplice", fd: "pw", iov: [{ iov_base: "b", iov_len: 10 }], flags: [] })) methods.push("vmsplice");
});

function build(plan: Plan): Compiled {
  if (plan.sink !== "file") plan = { ...plan, segments: plan.segments.map((s) => (s.method === "copy_file_range" ? { ...s, method: "sendfile" as Method } : s)) };
  return compile(scenarioOf(plan).scenario);
}

/** A raw instance of the wasm (its exports, docs of assembly/index.ts), to drive it without the wrapper. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function instance(): Promise<any> {
  return M.instantiateModel(await M.compileModel());
}

/** Loads, sets up and runs `c` in `max`-instruction pieces (0: at once); the counters and trace words it left. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rawRun(x: any, c: Compiled, max: bigint) {
  const p = x.zc_alloc(c.program.length * 8);
  new BigInt64Array(x.memory.buffer, p, c.program.length).set(c.program);
  expect(x.zc_load(p, c.program.length)).toBe(Status.OK);
  x.zc_free(p);
  x.zc_clear_knobs();
  x.zc_set_knob(Knob.TRACE, 1n);
  expect(x.zc_setup()).toBe(Status.OK);
  let st = x.zc_run(max), pauses = 0;
  while (st === Status.OK) { st = x.zc_run(max); pauses++; }
  const read = (ptr: number, n: number) => new BigInt64Array(x.memory.buffer.slice(ptr, ptr + n * 8));
  return { st, pauses, steps: x.zc_steps(), counters: read(x.zc_counters_ptr(), x.zc_counter_count()), trace: read(x.zc_trace_ptr(), Number(x.zc_trace_len()) * 8) };
}

/** Two word arrays are the same, bytewise (fast: vitest's deep equality walks typed arrays element by element). */
const same = (a: BigInt64Array, b: BigInt64Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Steps (call indexes) whose call writes to the sink "out". */
const sinkSteps = (c: Compiled) => new Set(c.steps.filter((s) => ["fd", "out_fd", "fd_out"].some((a) => s.args[a] === "out") && s.call !== "close").map((s) => s.step));

describe.skipIf(!haveModel)("the model over random transfer programs", () => {
  const arb = () => planArb(methods);

  it("never traps, runs to the end, and delivers exactly the file, in order", () => {
    fc.assert(fc.property(arb(), (plan) => {
      const c = build(plan);
      const out = sim.run(c, { trace: true });
      expect(out.status).toBe("DONE");
      expect(out.result.errors, JSON.stringify(out.result.errors)).toEqual([]);
      expect(out.result.delivered.intact).toBe(true);
      // the sink "out" got the file; delivered.bytes adds what the side sink "nul" got (a tee's copy drained)
      expect(out.sinks[0].bytes).toBe(plan.fileSize);
      expect(out.result.delivered.bytes).toBe(out.sinks.reduce((a, s) => a + s.bytes, 0));
      // what the sink got is what the calls writing to it said they moved
      const steps = sinkSteps(c);
      const moved = out.events!.filter((e) => e.kind === "SYS_EXIT" && steps.has(e.step) && e.ret > 0).reduce((a, e) => a + e.ret, 0);
      expect(moved).toBe(plan.fileSize);
    }), { numRuns: RUNS, seed: 2026 });
  });

  it("after everything is closed: descriptors, page references back to their baseline", () => {
    fc.assert(fc.property(arb(), (plan) => {
      const c = build(plan);
      const out = sim.run(c, { trace: true });
      const ev = out.events!;
      // the two probe opens after the last close get the lowest descriptors: 3 and 4 (0-2 are stdio)
      const probes = c.steps.filter((s) => s.args.path === "src" && s.call === "open").slice(-2).map((s) => s.step);
      const rets = probes.map((p) => ev.find((e) => e.kind === "SYS_EXIT" && e.step === p)?.ret);
      expect(rets, "the probe opens after closing everything").toEqual([3, 4]);
      // page references: each frame's count ends where it was before its first reference event, or it was freed
      const first = new Map<number, number>(), last = new Map<number, number>();
      for (const e of ev) {
        if (e.kind === "PAGE_REF" || e.kind === "PAGE_UNREF") {
          expect(e.refcount, `frame ${e.frame} at event ${e.seq}`).toBeGreaterThanOrEqual(0);
          if (!first.has(e.frame)) first.set(e.frame, e.kind === "PAGE_REF" ? e.refcount - (Number(e.count) || 1) : e.refcount + 1);
          last.set(e.frame, e.refcount);
        } else if (e.kind === "PAGE_FREE") {
          first.delete(e.frame);
          last.delete(e.frame);
        }
      }
      const leaks = [...last].filter(([f, r]) => r !== first.get(f)).map(([f, r]) => `frame ${f}: ${first.get(f)} -> ${r}`);
      expect(leaks, "page references not given back").toEqual([]);
      // pipe slots: every buffer pushed into a pipe left it (read, or released when the pipe was closed)
      expect(ev.filter((e) => e.kind === "PIPE_POP").length, "pipe buffers pushed and popped").toBe(ev.filter((e) => e.kind === "PIPE_PUSH").length);
      // kernel buffers made for a pipe (a write copies user bytes into a fresh frame, then pushes it) are all freed
      // at the end: the pipe was their only owner
      const lastOf = new Map<number, string>();
      const alive = new Set<number>();
      for (const e of ev) {
        if (e.kind === "CPU_COPY") lastOf.set(e.dst, e.whatName === "FROM_USER" ? "filled" : "copy");
        else if (e.kind === "PIPE_PUSH") {
          if (lastOf.get(e.frame) === "filled") alive.add(e.frame);
          lastOf.set(e.frame, "pushed");
        } else if (e.kind === "PAGE_FREE") {
          // a folio's every page (a page fragment is an order-3 folio whose pages were filled from user memory)
          for (let f = e.frame; f < e.frame + Math.max(1, e.pages ?? 1); f++) { alive.delete(f); lastOf.delete(f); }
        }
      }
      expect([...alive], "kernel buffers of pipes not freed").toEqual([]);
    }), { numRuns: RUNS, seed: 7 });
  });

  it("the same input gives the same trace and result (same instance, fresh instance)", async () => {
    const x1 = await instance(), x2 = await instance();
    fc.assert(fc.property(arb(), (plan) => {
      const c = build(plan);
      const a = rawRun(x1, c, 0n), b = rawRun(x1, c, 0n), f = rawRun(x2, c, 0n);
      expect(a.trace.length).toBeGreaterThan(0);
      expect(same(b.trace, a.trace), "the same trace twice in one instance").toBe(true);
      expect(same(f.trace, a.trace), "the same trace in a fresh instance").toBe(true);
      expect(same(b.counters, a.counters) && same(f.counters, a.counters), "the same counters").toBe(true);
      expect(sim.run(c).result).toEqual(sim.run(c).result);
    }), { numRuns: 30, seed: 11 });
  });

  it("one instruction at a time ends where a whole run ends; the player rebuilds the run's counters", async () => {
    const x = await instance();
    fc.assert(fc.property(planArb(methods), fc.constantFrom(1n, 2n, 7n), (plan, max) => {
      const c = build(plan);
      const whole = rawRun(x, c, 0n);
      const stepped = rawRun(x, c, max);
      expect(whole.st).toBe(Status.DONE);
      expect(stepped.st).toBe(Status.DONE);
      expect(stepped.pauses).toBeGreaterThan(0);
      expect(stepped.steps).toBe(whole.steps);
      expect(same(stepped.counters, whole.counters), "the same counters").toBe(true);
      expect(same(stepped.trace, whole.trace), "the same trace").toBe(true);
      // the player, from the events alone
      const player = sim.player(c);
      player.seek(player.length);
      const run = sim.run(c, { trace: true });
      expect(player.rawCounters()).toEqual(run.counters);
    }), { numRuns: 30, seed: 5 });
  });
});
