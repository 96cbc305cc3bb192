/** What the compiler hands to both engines and to everything built on their results. */
import type { CallName, SinkKind } from "./abi.js";

export type ParamValue = string | number | boolean;

export interface CompiledFile {
  id: number;
  name: string;
  size: number;
  cache: "warm" | "cold";
  fill: "write" | "read" | "none";
  fillChunk: number;
}

export interface CompiledSink {
  name: string;
  kind: keyof typeof SinkKind;
  /** register that holds its fd */
  reg: number;
  /** file id it must receive, or -1 */
  expect: number;
  lazy: boolean;
}

export interface CompiledBuf {
  name: string;
  size: number;
  reg: number;
}

export interface CompiledStep {
  /** index of the call in document order (calls only) */
  step: number;
  /** where the call sits in the scenario file: "program[3].do[0]" */
  at: string;
  call: CallName;
  /** the argument names and how they were written, for strace-like output */
  args: Record<string, unknown>;
}

export interface Compiled {
  name: string;
  title: string;
  /** resolved parameter values; sizes in bytes */
  params: Record<string, ParamValue>;
  /** the bytes the sinks are meant to receive: the size of the file they expect (0 if none) */
  payloadBytes: number;
  /** the program words (docs/program-format.md) */
  program: BigInt64Array;
  /** register index -> binding name ("" for a compiler temporary) */
  registers: string[];
  steps: CompiledStep[];
  files: CompiledFile[];
  sinks: CompiledSink[];
  bufs: CompiledBuf[];
  /** knob id -> value, as placed in the program */
  knobs: Record<number, number>;
  /** where each statement's instructions start in the code section (word offset), in code order: a code offset
   * an engine names (`code[12]`) is the statement of the last site at or before it */
  sites?: { pc: number; at: string }[];
}

/** A refused scenario: `path` names the offending field, e.g. "program[2].fd_in". */
export class ScenarioError extends Error {
  constructor(public readonly path: string, public readonly reason: string) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = "ScenarioError";
  }
}
