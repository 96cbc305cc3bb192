/**
 * `zcsim trace <name|file> [--set k=v]... [--engine model|native|both] --format strace|perfetto|jsonl|csv [-o FILE]`:
 * a run as strace text, Chrome/Perfetto trace-event JSON, JSON Lines of the model's events, or CSV of the counters.
 * `--engine both` puts the model and the kernel in one Perfetto file (two processes, side by side), or one after
 * the other for the other formats. `--profile FILE` sets the model's cost knobs from a calibration profile.
 */
import type { Command } from "commander";
import type { Result } from "../../result.js";
import type { Compiled } from "../../scenario/types.js";
import { collect, numberArg, UsageError, writeOutput } from "./common.js";
import { loadScenarioArg } from "../scenario-arg.js";
import {
  callsFromModel, callsFromNative, formatStrace, perfettoFromModel, perfettoFromNative, mergeTraces,
  formatJsonl, formatCallsJsonl, formatCsv, formatCsvRows, type ChromeTrace,
} from "../../report/trace/index.js";
import { applyProfile, readProfile } from "../calibrate.js";

interface TraceOpts { set: string[]; engine: string; format: string; output?: string; tt?: boolean; T?: boolean; profile?: string; traceCap?: string }

const FORMATS = ["strace", "perfetto", "jsonl", "csv"];
const ENGINES = ["model", "native", "both"];

async function runModel(compiled: Compiled, cap?: number) {
  const { loadSimulator } = await import("../../model/index.js");
  const sim = await loadSimulator();
  const out = sim.run(compiled, { trace: true, traceCap: cap });
  return { result: out.result, events: out.events ?? [], dropped: out.traceDropped };
}

async function runNativeRaw(compiled: Compiled) {
  const { nativeAvailable, runNativeDetailed } = await import("../native.js");
  const ok = nativeAvailable();
  if (!ok.ok) throw new UsageError(`native: ${ok.why}`);
  return runNativeDetailed(compiled);
}

/** Produces the text of a trace (the command's output). */
export async function traceText(compiled: Compiled, opts: { engine: string; format: string; tt?: boolean; T?: boolean; traceCap?: number }): Promise<string> {
  const model = opts.engine === "model" || opts.engine === "both" ? await runModel(compiled, opts.traceCap) : undefined;
  const native = opts.engine === "native" || opts.engine === "both" ? await runNativeRaw(compiled) : undefined;
  const results: Result[] = [];
  if (model) results.push(model.result);
  if (native) results.push(native.result);
  switch (opts.format) {
    case "strace": {
      let s = "";
      if (model) s += (native ? "# model (cost-model time)\n" : "") + formatStrace(callsFromModel(compiled, model.events), { tt: opts.tt, T: opts.T });
      if (native) s += (model ? "# native (measured)\n" : "") + formatStrace(callsFromNative(compiled, native.raw), { tt: opts.tt, T: opts.T });
      return s;
    }
    case "perfetto": {
      const traces: ChromeTrace[] = [];
      if (model) traces.push(perfettoFromModel(compiled, model.events));
      if (native) traces.push(perfettoFromNative(compiled, native.raw));
      return JSON.stringify(traces.length === 1 ? traces[0] : mergeTraces(...traces)) + "\n";
    }
    case "jsonl": {
      let s = "";
      if (model) s += formatJsonl(model.events);
      if (native) s += formatCallsJsonl(callsFromNative(compiled, native.raw));
      return s;
    }
    default:
      return results.length === 1 ? formatCsv(results[0]) : formatCsvRows(results);
  }
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("a run as strace text, Perfetto/Chrome trace JSON, JSON Lines of model events, or CSV of the counters")
    .argument("<scenario>", "a catalogue name (zcsim list) or a scenario file")
    .option("-s, --set <k=v>", "override a parameter (repeatable), e.g. --set fileSize=16MiB", collect, [])
    .option("--engine <engine>", "model, native (the real syscalls here), or both", "model")
    .requiredOption("--format <format>", "strace, perfetto, jsonl or csv")
    .option("-o, --output <file>", "write to FILE instead of stdout")
    .option("--tt", "strace: prefix each line with the time since the phase's start (strace -tt's form)")
    .option("--T", "strace: append each call's duration (strace -T)")
    .option("--profile <file>", "set the model's cost knobs from a calibration profile (zcsim calibrate)")
    .option("--trace-cap <n>", "most model events kept", (v: string) => String(numberArg("--trace-cap", 16, 1 << 24, "a whole number of events")(v)))
    .action(async (arg: string, opts: TraceOpts) => {
      if (!FORMATS.includes(opts.format)) throw new UsageError(`--format: ${opts.format} is not one of ${FORMATS.join(", ")}`);
      if (!ENGINES.includes(opts.engine)) throw new UsageError(`--engine: ${opts.engine} is not one of ${ENGINES.join(", ")}`);
      const profile = opts.profile ? readProfile(opts.profile) : undefined;
      let compiled = loadScenarioArg(arg, opts.set, profile?.machineParams);
      if (profile) compiled = applyProfile(compiled, profile);
      const text = await traceText(compiled, { ...opts, traceCap: opts.traceCap ? Number(opts.traceCap) : undefined });
      if (opts.output) writeOutput("-o", opts.output, text);
      else process.stdout.write(text);
    });
}
