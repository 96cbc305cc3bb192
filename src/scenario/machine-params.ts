/**
 * The machine's parameters: every scenario has them, and each sets a knob of the simulated machine (the native
 * host applies the ones the real kernel lets it, and says which it could not). Defaults are Linux's defaults.
 * These set mechanisms (a ring's size, a device feature), never a count.
 */
import { Knob } from "./abi.js";

export interface MachineParam {
  type: "bool" | "size" | "string";
  default: boolean | number | string;
  knob?: number;
  min?: number;
  max?: number;
  values?: string[];
  doc: string;
}

export const MACHINE_PARAMS: Record<string, MachineParam> = {
  nicSg: { type: "bool", default: true, knob: Knob.NIC_SG, doc: "the NIC's scatter-gather (NETIF_F_SG): gather descriptors, one per skb fragment" },
  nicCsum: { type: "bool", default: true, knob: Knob.NIC_CSUM, doc: "the NIC's checksum offload (NETIF_F_HW_CSUM); Linux drops SG without it" },
  nicTxRing: { type: "size", default: 256, knob: Knob.NIC_TX_RING, min: 8, max: 4096, doc: "descriptors in the NIC's TX ring" },
  faultAround: { type: "size", default: 65536, knob: Knob.FAULT_AROUND_BYTES, min: 4096, max: 2 * 1024 * 1024, doc: "fault_around_bytes: the window a read fault maps" },
  readahead: { type: "size", default: 131072, knob: Knob.READAHEAD_BYTES, min: 0, max: 64 * 1024 * 1024, doc: "the readahead window's maximum (read_ahead_kb)" },
  pipeMaxSize: { type: "size", default: 1048576, knob: Knob.PIPE_MAX_SIZE, min: 4096, max: 1024 * 1024 * 1024, doc: "/proc/sys/fs/pipe-max-size: F_SETPIPE_SZ's limit" },
  trace: { type: "bool", default: true, knob: Knob.TRACE, doc: "keep the model's event trace (off: counters only)" },
  traceCap: { type: "size", default: 1 << 20, knob: Knob.TRACE_CAP, min: 16, max: 1 << 24, doc: "most events the trace keeps" },
  stepBudget: { type: "size", default: 100_000_000, knob: Knob.STEP_BUDGET, min: 1, max: 1e12, doc: "most instructions a program may execute" },
};
