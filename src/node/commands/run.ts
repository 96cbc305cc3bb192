/** `zcsim list` and `zcsim run <name|file> [--set k=v]... [--json]`: the model's result for one scenario. */
import type { Command } from "commander";
import type { Result } from "../../result.js";
import { catalogue, formatSize, MACHINE_PARAMS, scenarioNames, type ParamValue } from "../../scenario/index.js";
import { collect, numberArg } from "./common.js";
import { DEFAULT_MAX_STEPS, DEFAULT_MODEL_TIMEOUT_MS, MAX_STEPS, MAX_TIMEOUT_MS } from "../../scenario/limits.js";
import { defaultParams, loadScenarioArg, paramsHeader } from "../scenario-arg.js";
import { applyProfile, readProfile } from "../calibrate.js";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the catalogue's scenarios and their parameters")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const rows = scenarioNames().map((name) => {
        const sc = catalogue[name] as { title: string; params?: Record<string, unknown> };
        return { name, title: sc.title, params: sc.params ?? {} };
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ scenarios: rows, machine: MACHINE_PARAMS }, null, 2) + "\n");
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        process.stdout.write(`${r.name.padEnd(w)}  ${r.title}\n${" ".repeat(w)}  ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(" ")}\n`);
      }
      process.stdout.write(`\nmachine parameters (every scenario): ${Object.keys(MACHINE_PARAMS).join(", ")}\n`);
    });
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a scenario in the simulated machine and print what it did")
    .argument("<scenario>", "a catalogue name (zcsim list) or a scenario file")
    .option("-s, --set <k=v>", "override a parameter (repeatable), e.g. --set fileSize=16MiB", collect, [])
    .option("--json", "print the result as JSON")
    .option("--profile <file>", "set the model's cost knobs from a calibration profile (zcsim calibrate)")
    .option("--max-steps <n>", `the run's cap on instructions (default ${DEFAULT_MAX_STEPS}, at most ${MAX_STEPS}): past it, TIMEOUT`, numberArg("--max-steps", 1, MAX_STEPS, "a whole number of instructions"))
    .option("--timeout <seconds>", `the run's cap on wall time (default ${DEFAULT_MODEL_TIMEOUT_MS / 1000}): past it, TIMEOUT`, numberArg("--timeout", 1, MAX_TIMEOUT_MS / 1000, "a number of seconds", true))
    .action(async (arg: string, opts: { set: string[]; json?: boolean; profile?: string; maxSteps?: number; timeout?: number }) => {
      const profile = opts.profile ? readProfile(opts.profile) : undefined;
      let compiled = loadScenarioArg(arg, opts.set, profile?.machineParams);
      if (profile) compiled = applyProfile(compiled, profile);
      const { loadSimulator } = await import("../../model/index.js");
      const sim = await loadSimulator();
      const { result, status, stopped } = sim.run(compiled, { trace: false, maxSteps: opts.maxSteps, timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000 });
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatResult(result, defaultParams(arg)));
      // a run the machine stopped before its end (step budget, a call that would block forever) is a failure
      if (status !== "DONE") process.stderr.write(`zcsim: the run stopped before the program's end: ${status}${stopped ? `: ${stopped.detail}` : ""}\n`);
      if (status !== "DONE" || result.delivered.intact === false) process.exitCode = 1; // unverified (null) is not a failure
    });
}

const n = (x: number) => x.toLocaleString("en-US");
/** Sizes are written one way, as scenario files and --set write them: "1MiB", "6000B". */
const bytes = (x: number) => formatSize(x);

/** A result as a readable table; the header names the parameters that differ from `defaults` (the scenario's). */
export function formatResult(r: Result, defaults?: Record<string, ParamValue>): string {
  const passes = (b: number) => (r.payloadBytes ? ` = ${(b / r.payloadBytes).toFixed(2)} passes over the payload` : "");
  const lines: [string, string][] = [
    ["syscalls", `${n(r.syscalls.total)}  (${Object.entries(r.syscalls.byName).map(([k, v]) => `${k} ${n(v)}`).join(", ")})`],
    ["mode switches", n(r.modeSwitches)],
    ["page faults", `${n(r.faults.minor)} minor, ${n(r.faults.major)} major`],
    ["CPU copies", `${n(r.copies.cpu.ops)} ops, ${bytes(r.copies.cpu.bytes)}${passes(r.copies.cpu.bytes)}`],
    ["DMA transfers", `${n(r.copies.dma.ops)} ops, ${bytes(r.copies.dma.bytes)}${passes(r.copies.dma.bytes)}`],
    ["/proc/self/io", `rchar ${n(r.io.rchar)}, wchar ${n(r.io.wchar)}, syscr ${n(r.io.syscr)}, syscw ${n(r.io.syscw)}, read_bytes ${n(r.io.readBytes)}`],
    ["delivered", `${bytes(r.delivered.bytes)}, ${r.delivered.intact === null ? "unverified" : r.delivered.intact ? "intact" : "NOT INTACT"}${r.delivered.modifiedBytes ? `, ${n(r.delivered.modifiedBytes)} B modified after the call` : ""}`],
    ["time", `${(r.timeNs / 1e6).toFixed(3)} ms (${r.engine === "sim" ? "predicted by the cost model" : "measured"})`],
  ];
  if (r.peer) lines.push(["peer (apart)", `${n(r.peer.syscalls.total)} syscalls, CPU copies ${bytes(r.peer.copies.bytes)}`]);
  for (const e of r.errors) lines.push(["error", `${e.at ?? `step ${e.step}`} ${e.call}: ${e.errno}${e.count && e.count > 1 ? ` x${e.count}` : ""}`]);
  for (const s of r.signals ?? []) lines.push(["signal", `${s.at ?? `step ${s.step}`}: ${s.signal} ${s.code}${s.addr ? ` at ${s.addr}` : ""}`]);
  if (r.kernel) {
    const k = Object.entries(r.kernel).filter(([, v]) => v !== null && v !== undefined);
    if (k.length) lines.push(["kernel", k.map(([a, b]) => `${a} ${typeof b === "number" ? (/bytes$/i.test(a) ? bytes(b) : n(b)) : b}`).join(", ")]);
  }
  for (const note of r.notes ?? []) lines.push(["note", note]);
  const w = Math.max(...lines.map(([k]) => k.length));
  return `${r.scenario} (${r.engine === "sim" ? "model" : "kernel"})  ${paramsHeader(r.params, defaults, r.scenario)}\n` +
    `payload ${bytes(r.payloadBytes)}\n` + lines.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n") + "\n";
}
