/** Shared by the model's tests: one simulator, small scenario builders, trace queries. */
import { compile, compileByName, type Compiled } from "../../src/scenario/index.js";
import { loadSimulator, type Simulator, type RunOutput, type SimEvent } from "../../src/model/index.js";
import { Knob } from "../../src/scenario/abi.js";

let simP: Promise<Simulator> | null = null;
export function sim(): Promise<Simulator> {
  if (!simP) simP = loadSimulator();
  return simP;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const PAGE = 4096;
/** tcp_xmit_size_goal: on loopback one MSS (MTU 65536: 65483 bytes), through the NIC 45 MSS of 1448 bytes */
export const GSO = 65483;
export const MSS_NIC = 1448;
export const GSO_NIC = 45 * MSS_NIC;
/** skb boundaries that fall inside a page when `bytes` (page-aligned start) are cut every `goal` bytes */
export function splits(bytes: number, goal: number): number {
  let n = 0;
  for (let k = 1; k * goal < bytes; k++) if ((k * goal) % 4096 !== 0) n++;
  return n;
}

export async function runByName(name: string, over: Record<string, string | number | boolean> = {}, trace = false, knobs?: Record<number, number>): Promise<RunOutput> {
  const s = await sim();
  return s.run(compileByName(name, over), { trace, knobs });
}

/** A loopback peer that reads (and so acknowledges) every skb the instant it arrives: Nagle's algorithm never
 *  holds a sub-MSS skb, and each send call pushes its own skbs. */
export const INSTANT_PEER: Record<number, number> = {
  [Knob.COST_PEER_COPY_PS_PER_BYTE]: 0, [Knob.COST_MODE_SWITCH_NS]: 0, [Knob.COST_PEER_WAKE_LATENCY_NS]: 0,
};

/** A scenario written inline (the public format), compiled. */
export function scenario(program: unknown[], setup: Record<string, unknown> = {}, params: Record<string, unknown> = {}): Compiled {
  return compile({ name: "t", title: "test", params, setup, program });
}

export async function runProgram(program: unknown[], setup: Record<string, unknown> = {}, opts: { trace?: boolean; knobs?: Record<number, number> } = {}, params: Record<string, unknown> = {}): Promise<RunOutput> {
  const s = await sim();
  return s.run(scenario(program, setup, params), { trace: opts.trace ?? true, knobs: opts.knobs });
}

export function evs(out: RunOutput, kind: string): SimEvent[] {
  return (out.events ?? []).filter((e) => e.kind === kind);
}

/** The return value of the n-th SYS_EXIT of `call`. */
export function retOf(out: RunOutput, call: string, n = 0): number {
  const xs = evs(out, "SYS_EXIT").filter((e) => e.name === call);
  return Number(xs[n]?.ret);
}

export const ceil = (a: number, b: number) => Math.ceil(a / b);
