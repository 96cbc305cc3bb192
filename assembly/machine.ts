// The machine: owns the knobs every part reads (page size, pipe slots, fault-around, NIC features, costs) and
// resets every part before a program runs. Knobs set mechanisms (a ring's size, a device feature, a cost per
// action), never a count.
import { Knob } from "./abi";

export const PAGE_SHIFT: i32 = 12;
export const PAGE_SIZE: i64 = 4096;
export const PAGE_MASK: i64 = 4095;
/**
 * One step of a walk over memory page by page: the bytes from `pos` to the end of its page, at most `left`.
 *
 *   page n             page n+1
 *   |.....[pos------>|.......
 *         `- step -´
 */
@inline export function pageStep(pos: i64, left: i64): i32 {
  const m = PAGE_SIZE - (pos & PAGE_MASK);
  return <i32>(m < left ? m : left);
}
/** The byte offset of `pos` in its page. */
@inline export function pageOff(pos: i64): i32 { return <i32>(pos & PAGE_MASK); }
/** The index of the page holding byte `pos`. */
@inline export function pageIndex(pos: i64): i64 { return pos >> PAGE_SHIFT; }
/** `bytes` rounded up to whole pages (PAGE_ALIGN). */
@inline export function pageAlign(bytes: i64): i64 { return (bytes + PAGE_MASK) & ~PAGE_MASK; }
/** MAX_RW_COUNT: the most one read/write/sendfile/splice call moves (INT_MAX rounded down to a page) */
export const MAX_RW_COUNT: i64 = 0x7ffff000;

const KNOB_SLOTS: i32 = 64;
/** knob values by Knob id (the program's knob section overrides the defaults below) */
const knobs = new StaticArray<i64>(KNOB_SLOTS);

/** Linux's defaults (and the cost model's starting point before calibration). */
export function knobDefaults(): void {
  for (let i = 0; i < KNOB_SLOTS; i++) unchecked(knobs[i] = 0);
  unchecked(knobs[Knob.PIPE_DEFAULT_BYTES] = 16 * 4096);   // PIPE_DEF_BUFFERS pages
  unchecked(knobs[Knob.PIPE_MAX_SIZE] = 1048576);          // /proc/sys/fs/pipe-max-size
  unchecked(knobs[Knob.FAULT_AROUND_BYTES] = 65536);       // /sys/kernel/mm/... fault_around_bytes
  unchecked(knobs[Knob.NIC_SG] = 1);
  unchecked(knobs[Knob.NIC_CSUM] = 1);
  unchecked(knobs[Knob.NIC_TX_RING] = 256);
  unchecked(knobs[Knob.READAHEAD_BYTES] = 131072);         // read_ahead_kb = 128
  unchecked(knobs[Knob.FOLIO_MAX_ORDER] = 9);              // measured on ext4, Linux 6.18: a 8 MiB write() makes order-9 folios
  unchecked(knobs[Knob.TCP_SNDBUF] = 0);                   // 0: autotuned up to tcp_wmem[2] (socket.ts)
  unchecked(knobs[Knob.TCP_RCVBUF] = 0);                   // 0: autotuned up to tcp_rmem[2] (socket.ts)
  unchecked(knobs[Knob.TCP_WMEM_MAX] = 4194304);           // tcp_wmem[2]: the autotuned ceiling
  unchecked(knobs[Knob.TCP_RMEM_MAX] = 6291456);           // tcp_rmem[2]
  for (let i = Knob.MMAP_PLACEMENT_0; i <= Knob.MMAP_PLACEMENT_3; i++) unchecked(knobs[i] = -1);  // the model places
  for (let i = Knob.DISK_BREAK_0; i <= Knob.DISK_BREAK_3; i++) unchecked(knobs[i] = -1);  // the file is one run on the disk
  unchecked(knobs[Knob.TCP_GSO_MAX] = 65536);              // GSO_LEGACY_MAX_SIZE: the largest skb TCP builds for lo/NIC
  unchecked(knobs[Knob.PEER_BUF_BYTES] = 65536);           // the peer's recv() buffer
  unchecked(knobs[Knob.TRACE] = 0);
  unchecked(knobs[Knob.TRACE_CAP] = 1 << 20);
  unchecked(knobs[Knob.STEP_BUDGET] = 100000000);
  unchecked(knobs[Knob.PEER_LAZY] = 0);
  unchecked(knobs[Knob.SKB_LINEAR_MAX] = 65536);
  unchecked(knobs[Knob.BLOCK_MAX_REQUEST_BYTES] = 1280 * 1024);  // BLK_DEF_MAX_SECTORS_CAP           // copied payload one skb carries (size goal)
  // cost model (ns, or ps per byte)
  unchecked(knobs[Knob.COST_MODE_SWITCH_NS] = 60);
  unchecked(knobs[Knob.COST_COPY_PS_PER_BYTE] = 30);       // between cached lines (measured: pread of a page just read)
  unchecked(knobs[Knob.COST_FAULT_NS] = 400);
  unchecked(knobs[Knob.COST_PAGECACHE_LOOKUP_NS] = 15);
  unchecked(knobs[Knob.COST_PTE_NS] = 4);
  unchecked(knobs[Knob.COST_DMA_PS_PER_BYTE] = 250);       // ~4 GB/s device
  unchecked(knobs[Knob.COST_DISK_REQUEST_NS] = 80000);     // one block request's latency
  unchecked(knobs[Knob.COST_DESC_NS] = 30);
  unchecked(knobs[Knob.COST_WAKEUP_NS] = 3000);
  unchecked(knobs[Knob.COST_CSUM_PS_PER_BYTE] = 120);
  unchecked(knobs[Knob.COST_PAGE_REF_NS] = 2);
  unchecked(knobs[Knob.COST_PAGE_ALLOC_NS] = 60);
  unchecked(knobs[Knob.COST_SKB_NS] = 1000);
  unchecked(knobs[Knob.COST_PEER_COPY_PS_PER_BYTE] = 100);
  unchecked(knobs[Knob.COST_COPY_OP_NS] = 50);
  unchecked(knobs[Knob.COST_DIRTY_PAGE_NS] = 300);
  unchecked(knobs[Knob.COST_USER_ACCESS_PS_PER_BYTE] = 100);
  unchecked(knobs[Knob.COST_TRUNCATE_PAGE_NS] = 500);
  unchecked(knobs[Knob.COST_LINEARIZE_PS_PER_BYTE] = 100);     // as COST_COPY_PS_PER_BYTE until calibrated
  unchecked(knobs[Knob.PEER_WINDOW_BYTES] = 0);               // retired: read and ignored (the peer has its own clock)
  unchecked(knobs[Knob.PEER_WINDOW_GROWTH_PCT] = 0);           // retired: read and ignored
  unchecked(knobs[Knob.COST_REMOTE_WAKEUP_NS] = 2000);
  unchecked(knobs[Knob.COST_PEER_WAKE_LATENCY_NS] = 5000);
  unchecked(knobs[Knob.PEER_WAKE_JITTER_PCT] = 50);
  unchecked(knobs[Knob.TCP_CONGESTION] = 2);                   // cubic: Linux's default (CONFIG_DEFAULT_TCP_CONG)
  unchecked(knobs[Knob.COST_COPY_COLD_SRC_PS_PER_BYTE] = 80);  // a line fetched from memory, over a cached copy
  unchecked(knobs[Knob.COST_COPY_COLD_DST_PS_PER_BYTE] = 80);
  unchecked(knobs[Knob.CPU_CACHE_BYTES] = 2 * 1024 * 1024);    // a private L2 of 2 MiB per CPU
}

export function setKnob(id: i64, v: i64): void {
  if (id >= 0 && id < KNOB_SLOTS) unchecked(knobs[<i32>id] = v);
}

@inline export function knob(id: i32): i64 {
  return unchecked(knobs[id]);
}

/** Cost of `bytes` at `psPerByte` picoseconds per byte, in ns. */
@inline export function psCost(bytes: i64, psPerByte: i64): i64 {
  return (bytes * psPerByte) / 1000;
}

/** Whether the program's code section is running (counting) or setup is (not counted). */
export let counting: bool = false;
export function setCounting(on: bool): void { counting = on; }

/** True while the CPU runs kernel code on behalf of the process (a syscall, a fault handler). */
export let inKernel: bool = false;
export function setInKernel(on: bool): void { inKernel = on; }
