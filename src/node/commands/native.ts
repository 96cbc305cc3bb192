/**
 * `zcsim native <name|file> [--set k=v]... [--json]`: the same compiled scenario run with the real syscalls on this
 * machine's kernel by the native host, and what the kernel really did. Every figure says how it was obtained:
 * measured by the kernel, derived from the measured calls, unobservable here, or unavailable (and why).
 */
import { Command } from "commander";
import type { Evidence, Result } from "../../result.js";
import { formatSize, type ParamValue } from "../../scenario/index.js";
import { defaultParams, loadScenarioArg, paramsHeader } from "../scenario-arg.js";
import { Call, type CallName } from "../../scenario/abi.js";
import type { Compiled } from "../../scenario/types.js";
import { NativeError, nativeAvailable, runNativeDetailed, type NativeRaw } from "../native.js";
import { numberArg } from "./common.js";
import { DEFAULT_MAX_STEPS, MAX_STEPS, MAX_TIMEOUT_MS } from "../../scenario/limits.js";

const collect = (v: string, prev: string[]) => [...prev, v];

const n = (x: number | null | undefined) => (x === null || x === undefined ? "-" : x.toLocaleString("en-US"));
/** Sizes are written one way, as scenario files and --set write them: "1MiB", "6000B". */
const bytes = (x: number | null | undefined) => (x === null || x === undefined ? "-" : formatSize(x));
const MARK: Record<Evidence, string> = { measured: "measured", derived: "derived", unobservable: "unobservable", unavailable: "UNAVAILABLE" };

/** A native result as a readable table: value, then how it was obtained. The header names the parameters that
 *  differ from `defaults` (the scenario's). */
export function formatNative(r: Result, defaults?: Record<string, ParamValue>): string {
  const ev = (p: string) => (r.evidence?.[p] ? MARK[r.evidence[p]] : "");
  const passes = (b: number) => (r.payloadBytes ? ` = ${(b / r.payloadBytes).toFixed(2)} passes` : "");
  const rows: [string, string, string][] = [
    ["syscalls", `${n(r.syscalls.total)}  (${Object.entries(r.syscalls.byName).map(([k, v]) => `${k} ${n(v)}`).join(", ")})`, ev("syscalls")],
    ["mode switches", n(r.modeSwitches), ev("modeSwitches")],
    ["page faults", `${n(r.faults.minor)} minor, ${n(r.faults.major)} major`, ev("faults.minor")],
    ["CPU copies", `${n(r.copies.cpu.ops)} ops, ${bytes(r.copies.cpu.bytes)}${passes(r.copies.cpu.bytes)}`, ev("copies.cpu.bytes")],
    ["disk DMA", `${n(r.copies.dma.ops)} requests, ${bytes(r.copies.dma.bytes)}`, `${ev("copies.dma.bytes")}${r.evidence?.["copies.dma.ops"] === "unavailable" ? " (requests unavailable)" : ""}`],
    ["NIC DMA", "-", "unobservable (loopback)"],
    ["/proc/self/io", `rchar ${n(r.io.rchar)}, wchar ${n(r.io.wchar)}, syscr ${n(r.io.syscr)}, syscw ${n(r.io.syscw)}, read_bytes ${n(r.io.readBytes)}`, ev("io.rchar")],
    ["delivered", `${bytes(r.delivered.bytes)}, ${r.delivered.intact === null ? "unverified" : r.delivered.intact ? "intact" : "NOT INTACT"}${r.delivered.modifiedBytes ? `, ${n(r.delivered.modifiedBytes)} B modified after the call` : ""}`, ev("delivered.bytes")],
    ["time", `${(r.timeNs / 1e6).toFixed(3)} ms wall`, ev("timeNs")],
  ];
  if (r.peer) rows.push(["peer (apart)", `${n(r.peer.syscalls.total)} syscalls, copies ${n(r.peer.copies.ops)} ops ${bytes(r.peer.copies.bytes)}`, "measured"]);
  for (const e of r.errors) rows.push(["error", `${e.at ?? `step ${e.step}`} ${e.call}: ${e.errno}${e.count && e.count > 1 ? ` x${e.count}` : ""}`, "measured"]);
  for (const s of r.signals ?? []) rows.push(["signal", `${s.at ?? `step ${s.step}`}: ${s.signal} ${s.code} at mapping offset ${s.mapOffset}`, "measured"]);
  for (const [k, v] of Object.entries(r.kernel ?? {})) {
    const e = r.evidence?.[`kernel.${k}`];
    if (v === null && e !== "unavailable") continue;
    rows.push([`  ${k}`, v === null ? "-" : typeof v === "number" ? (/bytes$/i.test(k) ? bytes(v) : n(v)) : String(v), e ? MARK[e] + (e === "unavailable" && r.unavailable?.[`kernel.${k}`] ? `: ${r.unavailable[`kernel.${k}`]}` : "") : ""]);
  }
  for (const note of r.notes ?? []) rows.push(["note", note, ""]);
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const w1 = Math.min(70, Math.max(...rows.map(([, v]) => v.length)));
  return `${r.scenario} (this kernel: native host)  ${paramsHeader(r.params, defaults, r.scenario)}\npayload ${bytes(r.payloadBytes)}\n` +
    rows.map(([k, v, e]) => `  ${k.padEnd(w0)}  ${v.padEnd(w1)}  ${e}`.trimEnd()).join("\n") + "\n";
}

/** The host's call log as strace-like lines: time from the phase's start, the call with the man page's argument
 * names, the return value and errno, and the call's duration. */
export function formatCalls(compiled: Compiled, raw: NativeRaw): string {
  const lines: string[] = [];
  for (const c of raw.calls) {
    const [name, step, ret, errno, refused, t0, t1, ...a] = c;
    const spec = Call[name as CallName];
    const written = compiled.steps.find((x) => x.step === step)?.args ?? {};
    const args = name === "pipe" || name === "pipe2"
      ? [`[${a[4]}, ${a[5]}]`, ...(name === "pipe2" ? [`flags=${a[0]}`] : [])]
      : (spec ? spec.args : []).map((n, i) => {
          if (n === "path") return `"${String(written.path ?? a[i])}"`;
          if (written[n] === null) return `${n}=NULL`;
          if (n === "buf" || n === "addr") return `${n}=0x${a[i].toString(16)}`;
          return `${n}=${a[i]}`;
        });
    const at = compiled.steps.find((x) => x.step === step)?.at ?? `step ${step}`;
    const err = errno ? ` ${raw.errors.find((e) => e.errnoValue === errno)?.errno ?? `errno ${errno}`}` : "";
    const r = name === "mmap" && ret >= 0 ? `0x${ret.toString(16)}` : String(ret);
    lines.push(`${(t0 / 1e3).toFixed(3).padStart(10)}us  ${name}(${args.join(", ")}) = ${r}${err}${refused ? ` (not run: ${raw.notRun?.find((x) => x.step === step)?.why ?? "refused by the host"})` : ""} <${((t1 - t0) / 1e3).toFixed(3)}us>  ${at}`);
  }
  if (raw.callsDropped) lines.push(`... ${raw.callsDropped} more calls not kept (--log-cap)`);
  return lines.join("\n") + "\n";
}

async function action(arg: string, opts: { set: string[]; json?: boolean; keep?: boolean; timeout?: number; maxSteps?: number; raw?: boolean; calls?: boolean }): Promise<void> {
  const compiled = loadScenarioArg(arg, opts.set);
  const ok = nativeAvailable();
  if (!ok.ok) {
    process.stderr.write(`zcsim: native: ${ok.why}\n`);
    process.exitCode = 2;
    return;
  }
  let run: Awaited<ReturnType<typeof runNativeDetailed>>;
  try {
    run = await runNativeDetailed(compiled, {
      keepSandbox: opts.keep,
      timeoutMs: opts.timeout !== undefined ? opts.timeout * 1000 : undefined,
      maxSteps: opts.maxSteps,
    });
  } catch (e) {
    if (!(e instanceof NativeError)) throw e;
    process.stderr.write(`zcsim: native: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { result, raw } = run;
  if (opts.raw) process.stdout.write(JSON.stringify(raw, null, 2) + "\n");
  else if (opts.calls) process.stdout.write(formatCalls(compiled, raw));
  else process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatNative(result, defaultParams(arg)));
  if (result.delivered.intact === false) process.exitCode = 1; // unverified (null) is not a failure
}

/** The `native` command, to be added to the CLI's program. */
export function nativeCommand(): Command {
  return new Command("native")
    .description("run a scenario with the real syscalls on this kernel and measure what it did")
    .argument("<scenario>", "a catalogue name (zcsim list) or a scenario file")
    .option("-s, --set <k=v>", "override a parameter (repeatable), e.g. --set fileSize=16MiB", collect, [])
    .option("--json", "print the result as JSON")
    .option("--raw", "print the native host's own JSON (per-call log with timestamps, perf counters, residency)")
    .option("--calls", "print the calls the host made, strace-like, with their times in the phase")
    .option("--keep", "keep the sandbox directory (debugging)")
    .option("--timeout <seconds>", `bound on the whole run (default 120, at most ${MAX_TIMEOUT_MS / 1000}); the phase's own bound is a third of it`, numberArg("--timeout", 3, MAX_TIMEOUT_MS / 1000, "a number of seconds", true))
    .option("--max-steps <n>", `the run's cap on instructions (default ${DEFAULT_MAX_STEPS}, at most ${MAX_STEPS}): past it, TIMEOUT`, numberArg("--max-steps", 1, MAX_STEPS, "a whole number of instructions"))
    .action(action);
}

/** Registers `native` on the CLI's program. */
export function registerNative(program: Command): void {
  program.addCommand(nativeCommand());
}
