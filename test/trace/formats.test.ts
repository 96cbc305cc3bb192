/**
 * The trace exports, each validated against its format: strace lines parse back to the same calls (and, where
 * strace works here, match what strace -f itself prints for the native host's phase), the Perfetto JSON follows
 * the trace-event format (phases, per-track ascending times, matched B/E, paired flows, named tracks), JSON Lines
 * carry every model event (the counters rebuild from them), CSV carries the result's counters.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, compileByName, type Compiled } from "../../src/scenario/index.js";
import { loadSimulator, countEvent, newCounters, type Simulator, type SimEvent } from "../../src/model/index.js";
import { Counter, Errno, Flags, Tag } from "../../src/scenario/abi.js";
import {
  callsFromModel, callsFromNative, formatStrace, parseStraceLine, straceCall, perfettoFromModel, perfettoFromNative, mergeTraces,
  checkTrace, formatJsonl, parseJsonl, formatCsv, formatCsvRows, parseCsv, STRACE_NAME, type CallRecord, type ChromeTrace,
} from "../../src/report/trace/index.js";
import { runNativeDetailed } from "../../src/node/native.js";
import { nativeReady, witnessWorks, scratch, MARK_BEGIN, MARK_END } from "../native/helpers.js";

let simP: Promise<Simulator> | undefined;
const sim = () => (simP ??= loadSimulator());
const small = { fileSize: "256KiB" };
const SCENARIOS = ["read-write", "mmap-write", "sendfile", "splice", "tee", "vmsplice", "copy-file-range", "msg-zerocopy", "mmap-truncate", "sharing-hazard"];

async function model(c: Compiled): Promise<{ events: SimEvent[]; result: import("../../src/result.js").Result }> {
  const out = (await sim()).run(c, { trace: true });
  return { events: out.events!, result: out.result };
}

/** A call failing with EINVAL: splice where neither end is a pipe. */
const failing = () => compile({
  name: "bad-splice", title: "t", params: {},
  setup: { files: { src: { size: "64KiB", cache: "warm" } }, sinks: { out: { kind: "file" } } },
  program: [
    { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
    { call: "splice", fd_in: "in", off_in: null, fd_out: "out", off_out: null, len: 4096, flags: ["SPLICE_F_MOVE"] },
    { call: "close", fd: "in" },
  ],
});

const ONE_FOR_ONE = new Set(["close", "read", "write", "pread64", "pwrite64", "sendfile", "splice", "tee", "copy_file_range", "munmap", "ftruncate", "fcntl", "fsync", "fdatasync"]);
const FLAG = { ...Flags } as Record<string, number>;
/** An strace argument back to its number: NULL, decimal, hex, OR'ed flag names, a loff_t pointer "[off => new]". */
function argValue(a: string): number | undefined {
  if (a === "NULL") return 0;
  if (/^-?\d+$/.test(a)) return Number(a);
  if (/^0x[0-9a-f]+$/.test(a)) return Number.parseInt(a, 16);
  const ref = /^\[(\d+)(?: => \d+)?\]$/.exec(a);
  if (ref) return Number(ref[1]);
  if (/^[A-Z_|0-9]+$/.test(a)) return a.split("|").reduce((v, f) => v | (FLAG[f] ?? Number(f)), 0);
  return undefined;
}

/** Checks that strace text parses back, line by line, to `calls`. */
function expectParsesBack(text: string, calls: CallRecord[], opts: { tt?: boolean; T?: boolean } = {}): void {
  const lines = text.trimEnd().split("\n").filter((l) => l !== "");
  const expected = calls.flatMap((c) => [...(c.signal ? [{ sig: c }] : []), ...(c.syscall ? [{ call: c }] : [])]);
  expect(lines.length).toBe(expected.length);
  lines.forEach((line, i) => {
    const p = parseStraceLine(line);
    expect(p, line).not.toBeNull();
    const want = expected[i];
    if ("sig" in want) {
      expect(p!.signal?.signal).toBe(want.sig!.signal!.signal);
      expect(p!.signal?.fields.si_code).toBe(want.sig!.signal!.code);
      expect(p!.signal?.fields.si_addr).toBe(want.sig!.signal!.addr);
      return;
    }
    const c = want.call!;
    expect(p!.name).toBe(STRACE_NAME[c.name] ?? c.name);
    expect(p!.args).toEqual(straceCall(c).args);
    if (c.errno) {
      expect(p!.ret).toBe(-1);
      expect(p!.errno).toBe(Object.entries(Errno).find(([, v]) => v === c.errno)![0]);
    } else expect(p!.ret).toBe(c.ret);
    // the arguments read back to the call's values (calls whose strace arguments are the call's, one for one)
    if (ONE_FOR_ONE.has(c.name)) expect(p!.args.map(argValue)).toEqual(c.args.map((v, k) => (c.tags[k] === Tag.REF ? v : v ?? 0)));
    if (opts.tt) expect(p!.time).toBeCloseTo(Math.floor(c.t0 / 1000) / 1e6, 6);
    if (opts.T) expect(p!.duration).toBeCloseTo((c.t1 - c.t0) / 1e9, 6);
  });
}

describe("strace", () => {
  it.each(SCENARIOS)("%s (model): one line per call, parsed back to the same calls", async (name) => {
    const c = compileByName(name, name === "mmap-truncate" || name === "sharing-hazard" ? {} : small);
    const { events, result } = await model(c);
    const calls = callsFromModel(c, events);
    expect(calls.filter((x) => x.syscall).length).toBe(result.syscalls.total);
    for (const opts of [{}, { tt: true, T: true }]) expectParsesBack(formatStrace(calls, opts), calls, opts);
  });

  it("writes strace's notation: openat, flags by name, NULL offsets, mmap's address, errors with strerror", async () => {
    const c = compileByName("splice", small);
    const text = formatStrace(callsFromModel(c, (await model(c)).events));
    expect(text).toMatch(/^openat\(AT_FDCWD, "src", O_RDONLY\) = 4$/m);
    expect(text).toMatch(/^pipe2\(\[5, 6\], 0\) = 0$/m);
    expect(text).toMatch(/^fcntl\(6, F_SETPIPE_SZ, 65536\) = 65536$/m);
    expect(text).toMatch(/^splice\(4, NULL, 6, NULL, 65536, 0\) = 65536$/m);
    expect(text).toMatch(/^splice\(5, NULL, 3, NULL, 65536, 0\) = 65536$/m);
    const sf = compileByName("sendfile", small);
    expect(formatStrace(callsFromModel(sf, (await model(sf)).events))).toMatch(/^sendfile\(3, 4, NULL, 262144\) = 262144$/m);
    const mw = compileByName("mmap-write", small);
    expect(formatStrace(callsFromModel(mw, (await model(mw)).events))).toMatch(/^mmap\(NULL, 262144, PROT_READ, MAP_SHARED, 4, 0\) = 0x[0-9a-f]+$/m);
    const bad = failing();
    const bt = formatStrace(callsFromModel(bad, (await model(bad)).events));
    expect(bt).toMatch(/^splice\(4, NULL, 3, NULL, 4096, SPLICE_F_MOVE\) = -1 EINVAL \(Invalid argument\)$/m);
    expectParsesBack(bt, callsFromModel(bad, (await model(bad)).events));
  });

  it("prints a signal as strace does, at the load that raised it", async () => {
    const c = compileByName("mmap-truncate");
    const text = formatStrace(callsFromModel(c, (await model(c)).events));
    expect(text).toMatch(/^--- SIGBUS \{si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x[0-9a-f]+\} ---$/m);
    expect(text.indexOf("ftruncate")).toBeLessThan(text.indexOf("SIGBUS"));
  });

  const ready = nativeReady();
  it.skipIf(!ready.ok)(`native: the host's call log in the same notation, measured times (${ready.why ?? "native host here"})`, async () => {
    for (const name of ["splice", "vmsplice", "mmap-truncate"]) {
      const c = compileByName(name, name === "mmap-truncate" ? {} : small);
      const { raw } = await runNativeDetailed(c);
      const calls = callsFromNative(c, raw);
      expectParsesBack(formatStrace(calls, { tt: true, T: true }), calls, { tt: true, T: true });
      expect(calls.every((x) => x.t1 >= x.t0)).toBe(true);
    }
  });

  const witness = ready.ok && witnessWorks("strace");
  it.skipIf(!witness)("native: the lines match what strace -f prints for the host's phase (strace works here)", async () => {
    const sc = scratch();
    try {
      for (const name of ["splice", "vmsplice", "mmap-truncate", "sendfile", "read-write"]) {
        const file = join(sc.dir, `${name}.strace`);
        const c = compileByName(name, name === "mmap-truncate" ? {} : { fileSize: "128KiB" });
        const { raw } = await runNativeDetailed(c, { mark: true, wrap: ["strace", "-f", "-o", file] });
        const ours = formatStrace(callsFromNative(c, raw)).trimEnd().split("\n").map((l) => parseStraceLine(l)!);
        const theirs = phaseLines(readFileSync(file, "utf8")).filter((p) => p.name !== "rt_sigprocmask");
        expect(theirs.map((p) => p.name)).toEqual(ours.map((p) => p.name));
        theirs.forEach((t, i) => {
          const o = ours[i];
          expect(t.ret).toBe(o.ret);
          expect(t.errno).toBe(o.errno);
          if (t.signal) { expect(t.signal).toEqual(o.signal); return; }
          expect(t.args.length).toBe(o.args.length);
          t.args.forEach((a, k) => {
            if (a.startsWith('"') && t.name !== "openat") return; // a buffer's bytes: we print its address
            expect(a.replace(/iov_base=("[^"]*"(\.\.\.)?|0x[0-9a-f]+)/g, "iov_base=*"), `${t.name} arg ${k}`).toBe(o.args[k].replace(/iov_base=0x[0-9a-f]+/g, "iov_base=*"));
          });
        });
      }
    } finally {
      sc.done();
    }
  });
});

/** strace -f output -> the parsed lines of the host's phase (between its markers; resumed calls joined). */
function phaseLines(text: string): NonNullable<ReturnType<typeof parseStraceLine>>[] {
  let pid = -1, inside = false;
  const pending = new Map<number, string>();
  const out: NonNullable<ReturnType<typeof parseStraceLine>>[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const p = Number(m[1]);
    let rest = m[2];
    if (rest.startsWith(`lseek(-1, ${MARK_BEGIN},`)) { pid = p; inside = true; continue; }
    if (p === pid && rest.startsWith(`lseek(-1, ${MARK_END},`)) break;
    if (!inside || p !== pid || rest.startsWith("+++")) continue;
    const u = /^(.*?)\s*<unfinished \.\.\.>$/.exec(rest);
    if (u) { pending.set(p, u[1]); continue; }
    const r = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    if (r) { rest = `${pending.get(p) ?? ""}${r[1]}`; pending.delete(p); }
    const parsed = parseStraceLine(rest);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** Independent checks of a Chrome trace against the trace-event format. */
function expectValidTrace(t: ChromeTrace): void {
  expect(Array.isArray(t.traceEvents)).toBe(true);
  expect(checkTrace(t)).toEqual([]);
  const phases = new Set(["X", "B", "E", "i", "s", "t", "f", "C", "M"]);
  const named = new Set(t.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => `${e.pid}/${e.tid}`));
  const last = new Map<string, number>();
  const open = new Map<string, number>();
  const flows = new Map<number, string[]>();
  for (const e of t.traceEvents) {
    expect(phases.has(e.ph), e.ph).toBe(true);
    if (e.ph === "M") continue;
    expect(typeof e.ts).toBe("number");
    if (e.ph !== "C") expect(named.has(`${e.pid}/${e.tid}`), `track ${e.pid}/${e.tid} has a thread_name`).toBe(true);
    const key = e.ph === "C" ? `C/${e.pid}/${e.name}` : `${e.pid}/${e.tid}`;
    expect(e.ts!).toBeGreaterThanOrEqual(last.get(key) ?? 0);
    last.set(key, e.ts!);
    if (e.ph === "X") {
      expect(e.dur!).toBeGreaterThanOrEqual(0);
      // slices of one track do not overlap (so they nest trivially)
      // (in whole ns, as Perfetto reads microsecond times)
      expect(Math.round(e.ts! * 1000)).toBeGreaterThanOrEqual(open.get(key) ?? 0);
      open.set(key, Math.round(e.ts! * 1000) + Math.round(e.dur! * 1000));
    }
    if (e.ph === "B") open.set(`${key}/B`, (open.get(`${key}/B`) ?? 0) + 1);
    if (e.ph === "E") open.set(`${key}/B`, (open.get(`${key}/B`) ?? 0) - 1);
    if (e.ph === "s" || e.ph === "t" || e.ph === "f") flows.set(e.id!, [...(flows.get(e.id!) ?? []), e.ph]);
  }
  for (const [k, v] of open) if (k.endsWith("/B")) expect(v).toBe(0);
  for (const [, seq] of flows) {
    expect(seq[0]).toBe("s");
    expect(seq[seq.length - 1]).toBe("f");
    expect(seq.filter((p) => p === "s").length).toBe(1);
  }
}

describe("perfetto", () => {
  it.each(SCENARIOS)("%s (model): valid trace-event JSON", async (name) => {
    const c = compileByName(name, name === "mmap-truncate" || name === "sharing-hazard" ? {} : small);
    const { events, result } = await model(c);
    const t = JSON.parse(JSON.stringify(perfettoFromModel(c, events))) as ChromeTrace;
    expectValidTrace(t);
    // a call slice per syscall on the process track, ending at the model's time
    const slices = t.traceEvents.filter((e) => e.ph === "X" && e.tid === 1 && e.cat === "syscall");
    expect(slices.length).toBe(result.syscalls.total);
    const end = Math.max(...t.traceEvents.filter((e) => e.ph === "X").map((e) => e.ts! + e.dur!));
    expect(end * 1000).toBeCloseTo(result.timeNs, 0);
  });

  it("one track per actor, page journeys as flows, counters as counter tracks", async () => {
    const c = compileByName("splice", { fileSize: "256KiB", sink: "nic" });
    const t = perfettoFromModel(c, (await model(c)).events);
    const names = t.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => e.args!.name);
    expect(names).toEqual(expect.arrayContaining(["process", "kernel", "NIC"]));
    const flows = t.traceEvents.filter((e) => e.ph === "s");
    expect(flows.length).toBeGreaterThan(0);
    // a journey reaches the NIC: some flow ends on the NIC's track
    expect(t.traceEvents.some((e) => e.ph === "f" && e.tid === 5)).toBe(true);
    // each flow event sits right after a slice on its own track at its time (bp "e" binds to it)
    t.traceEvents.forEach((e, i) => {
      if (!(e.ph === "s" || e.ph === "t" || e.ph === "f")) return;
      let j = i - 1;
      while (j >= 0 && /[stf]/.test(t.traceEvents[j].ph)) j--;
      expect(t.traceEvents[j]).toMatchObject({ ph: "X", ts: e.ts, tid: e.tid, pid: e.pid });
    });
    const counters = new Set(t.traceEvents.filter((e) => e.ph === "C").map((e) => e.name));
    expect([...counters]).toEqual(expect.arrayContaining(["CPU copy bytes", "DMA bytes", "delivered bytes"]));
    const peer = compileByName("sendfile", small);
    const tp = perfettoFromModel(peer, (await model(peer)).events);
    expect(tp.traceEvents.some((e) => e.ph === "M" && e.args?.name === "peer")).toBe(true);
    expect(tp.traceEvents.some((e) => e.ph === "f" && e.tid === 6)).toBe(true);
  });

  const ready = nativeReady();
  it.skipIf(!ready.ok)("native: measured call slices, side by side with the model in one file", async () => {
    const c = compileByName("splice", small);
    const { raw, result } = await runNativeDetailed(c);
    const nt = perfettoFromNative(c, raw);
    expectValidTrace(nt);
    expect(nt.traceEvents.filter((e) => e.ph === "X" && e.cat === "syscall").length).toBe(result.syscalls.total);
    const both = mergeTraces(perfettoFromModel(c, (await model(c)).events), nt);
    expectValidTrace(both);
    expect(new Set(both.traceEvents.map((e) => e.pid))).toEqual(new Set([1, 2]));
  });
});

describe("jsonl and csv", () => {
  it("jsonl: every model event, one object a line; the counters rebuild from the lines", async () => {
    const c = compileByName("read-write", small);
    const { events, result } = await model(c);
    const text = formatJsonl(events);
    expect(text.trimEnd().split("\n").length).toBe(events.length);
    const back = parseJsonl(text) as unknown as SimEvent[];
    expect(back).toEqual(events);
    const cn = newCounters();
    for (const e of back) countEvent(cn, e);
    expect(cn[Counter.TIME_NS]).toBe(result.timeNs);
    expect(cn[Counter.CPU_COPY_BYTES]).toBe(result.copies.cpu.bytes);
    expect(cn[Counter.SYSCALLS]).toBe(result.syscalls.total);
  });

  it("csv: counter,value rows of the result; one row per run for several", async () => {
    const c = compileByName("sendfile", small);
    const { result } = await model(c);
    const rows = parseCsv(formatCsv(result));
    expect(rows[0]).toEqual(["counter", "value"]);
    const m = new Map(rows.slice(1).map(([k, v]) => [k, v]));
    expect(m.get("copies.cpu.bytes")).toBe(String(result.copies.cpu.bytes));
    expect(m.get("timeNs")).toBe(String(result.timeNs));
    expect(m.get("syscalls.byName.sendfile")).toBe(String(result.syscalls.byName.sendfile));
    const two = parseCsv(formatCsvRows([result, (await model(compileByName("splice", small))).result]));
    expect(two.length).toBe(3);
    expect(two[0]).toContain("delivered.bytes");
    expect(two[1].length).toBe(two[0].length);
  });
});
