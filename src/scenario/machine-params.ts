/**
 * The machine's parameters: every scenario has them, and each sets a knob of the simulated machine (the native
 * host applies the ones the real kernel lets it, and says which it could not). Defaults are Linux's defaults.
 * These set mechanisms (a ring's size, a device feature), never a count. A default is its knob's (KNOBS in abi.ts).
 */
import { Knob, KNOBS } from "./abi.js";
import { DEFAULT_MAX_STEPS, MAX_STEPS } from "./limits.js";

/** Values of Knob.TCP_CONGESTION, in order (machine param tcpCongestion): 0 is the system's default. */
export const TCP_CONGESTION_NAMES = ["system", "reno", "cubic", "bbr"] as const;

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
  nicSg: { type: "bool", default: Boolean(KNOBS.NIC_SG.default), knob: Knob.NIC_SG, doc: "the NIC's scatter-gather (NETIF_F_SG): gather descriptors, one per skb fragment" },
  nicCsum: { type: "bool", default: Boolean(KNOBS.NIC_CSUM.default), knob: Knob.NIC_CSUM, doc: "the NIC's checksum offload (NETIF_F_HW_CSUM); without it no TSO: software GSO, the CPU sums each segment" },
  nicTxRing: { type: "size", default: KNOBS.NIC_TX_RING.default, knob: Knob.NIC_TX_RING, min: 8, max: 4096, doc: "descriptors in the NIC's TX ring" },
  faultAround: { type: "size", default: KNOBS.FAULT_AROUND_BYTES.default, knob: Knob.FAULT_AROUND_BYTES, min: 4096, max: 2 * 1024 * 1024, doc: "fault_around_bytes: the window a read fault maps" },
  readahead: { type: "size", default: KNOBS.READAHEAD_BYTES.default, knob: Knob.READAHEAD_BYTES, min: 0, max: 64 * 1024 * 1024, doc: "the readahead window's maximum (read_ahead_kb)" },
  blockMaxRequest: { type: "size", default: KNOBS.BLOCK_MAX_REQUEST_BYTES.default, knob: Knob.BLOCK_MAX_REQUEST_BYTES, min: 4096, max: 64 * 1024 * 1024, doc: "the block device's max_sectors_kb: the largest request the block layer sends the disk (Linux's default cap 1280 KiB)" },
  tcpSndbuf: { type: "size", default: KNOBS.TCP_SNDBUF.default, knob: Knob.TCP_SNDBUF, min: 0, max: 1024 * 1024 * 1024, doc: "the sender's socket buffer (SO_SNDBUF); 0: autotuned up to tcpWmemMax" },
  tcpRcvbuf: { type: "size", default: KNOBS.TCP_RCVBUF.default, knob: Knob.TCP_RCVBUF, min: 0, max: 1024 * 1024 * 1024, doc: "the peer's socket receive buffer (SO_RCVBUF); 0: autotuned up to tcpRmemMax (a lazy peer's is sized to hold twice its file)" },
  tcpWmemMax: { type: "size", default: KNOBS.TCP_WMEM_MAX.default, knob: Knob.TCP_WMEM_MAX, min: 4096, max: 1024 * 1024 * 1024, doc: "tcp_wmem's max: the ceiling an autotuned send buffer grows to (the kernel's own; the model takes it)" },
  tcpRmemMax: { type: "size", default: KNOBS.TCP_RMEM_MAX.default, knob: Knob.TCP_RMEM_MAX, min: 4096, max: 1024 * 1024 * 1024, doc: "tcp_rmem's max: the ceiling an autotuned receive buffer grows to (the kernel's own; the model takes it)" },
  tcpCongestion: { type: "string", default: TCP_CONGESTION_NAMES[KNOBS.TCP_CONGESTION.default], knob: Knob.TCP_CONGESTION, values: [...TCP_CONGESTION_NAMES], doc: "the sink connection's TCP congestion control (TCP_CONGESTION): cubic (Linux's default), reno, bbr (paces every skb with TCP's own timer), or system (the machine's net.ipv4.tcp_congestion_control, which the native host reports)" },
  cpuCacheBytes: { type: "size", default: KNOBS.CPU_CACHE_BYTES.default, knob: Knob.CPU_CACHE_BYTES, min: 0, max: 1024 * 1024 * 1024, doc: "the cache each CPU keeps what it touched in (its private L2; the kernel's own, which the native host reports): a copy from or to lines not in it costs more" },
  peerPoll: { type: "bool", default: Boolean(KNOBS.PEER_POLL.default), knob: Knob.PEER_POLL, doc: "the loopback peer polls recv (MSG_DONTWAIT) instead of sleeping in it: never woken, so the sender never wakes it (calibration's control for the wake-up's cost)" },
  pipeMaxSize: { type: "size", default: KNOBS.PIPE_MAX_SIZE.default, knob: Knob.PIPE_MAX_SIZE, min: 4096, max: 1024 * 1024 * 1024, doc: "/proc/sys/fs/pipe-max-size: F_SETPIPE_SZ's limit" },
  // Where the k-th mmap(NULL) lands (ASLR's choice in the kernel): its address's offset within 2 MiB. Unset (-1):
  // the model's own choice. `zcsim compare` gives the model the offsets the native run's mmaps got.
  ...Object.fromEntries([0, 1, 2, 3].map((k) => [`mmapPlacement${k}`, {
    type: "size", default: KNOBS.MMAP_PLACEMENT_0.default, knob: Knob.MMAP_PLACEMENT_0 + k, min: 0, max: 2 * 1024 * 1024 - 4096,
    doc: `the ${["first", "second", "third", "fourth"][k]} mmap(NULL)'s address modulo 2 MiB (ASLR; unset: the model's own)`,
  } satisfies MachineParam])),
  // Where the first setup file's blocks are not contiguous on the disk (the filesystem's choice): file offsets, in
  // order. Unset (-1): one run. `zcsim compare` gives the model the layout the native run's file got (FIEMAP).
  ...Object.fromEntries([0, 1, 2, 3].map((k) => [`diskBreak${k}`, {
    type: "size", default: -1, knob: Knob.DISK_BREAK_0 + k, min: 0, max: 16 * 1024 * 1024 * 1024,
    doc: `the ${["first", "second", "third", "fourth"][k]} offset where the first file's blocks jump on the disk (unset: contiguous)`,
  } satisfies MachineParam])),
  trace: { type: "bool", default: true, knob: Knob.TRACE, doc: "keep the model's event trace (off: counters only)" },
  traceCap: { type: "size", default: KNOBS.TRACE_CAP.default, knob: Knob.TRACE_CAP, min: 16, max: 1 << 24, doc: "most events the trace keeps" },
  stepBudget: { type: "size", default: DEFAULT_MAX_STEPS, knob: Knob.STEP_BUDGET, min: 1, max: MAX_STEPS, doc: "most instructions a program may execute (BUDGET_EXCEEDED past it); the run's cap (--max-steps, default 10^8) bounds it too, and ends the run with TIMEOUT" },
};
