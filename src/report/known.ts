/**
 * Known explanations of disagreements between the model and the kernel, shown to people in `zcsim compare`'s
 * "why" column. They are words, never numbers: an entry never changes a count, never turns a disagreement into
 * an agreement, and is not consulted for rows that agree. A disagreement that no entry matches says "unexplained".
 *
 * An entry is keyed by the counter and by the mechanism the program uses:
 *   counter  the counter path, or a pattern of it ("io.readBytes", /^faults\./)
 *   calls    every one of these calls is in the program (the mechanism: "mmap", "splice", "sendfile"...)
 *   params   every one of these resolved params has this value ({ cache: "cold" })
 *   why      one line: the mechanism behind the difference, what the model lacks, what it would take
 *
 * Keep this list short and true: add an entry only for a disagreement seen and understood, and remove it once
 * the model reproduces the mechanism (the disagreement then disappears and the entry is dead weight).
 */

export interface Known {
  counter: string | RegExp;
  calls?: string[];
  params?: Record<string, string | number | boolean>;
  why: string;
}

export interface Mechanism {
  calls: string[];
  params: Record<string, string | number | boolean>;
}

export const KNOWN: Known[] = [
  // ---- definitions the two engines do not share yet
  {
    counter: "copies.cpu.ops",
    why: "defined differently: the native host derives one copy per call, the model counts one per skb it fills (tcp_sendmsg copies into each skb apart); the bytes, the passes over the payload, agree",
  },
  {
    counter: /^kernel\.zc(Completions|Copied)$/,
    calls: ["recv_errqueue"],
    why: "defined differently: the native host counts the sends the completions cover (ee_data - ee_info + 1), the model one per notification it reads; the kernel also merges adjacent ranges into one notification only while the last one is still queued",
  },
  {
    counter: /^(syscalls\.total|syscalls\.byName\.(recv_errqueue|poll)|modeSwitches|errors)$/,
    calls: ["recv_errqueue"],
    why: "a race, measured: the program waits for completions with poll(POLLERR) and reads the error queue until every send is covered, and how many completions are still apart when it looks depends on when the peer's copy at delivery releases the last pages; ten native runs of one program gave 1-3 reads (1 MiB, 64 KiB sends) and 1-8 (16 MiB); the model, with no clock between the CPUs, reads once",
  },
  // ---- the page cache and the disk
  {
    counter: /^(copies\.dma\.ops|kernel\.blockRqIssue)$/,
    params: { cache: "cold" },
    why: "block requests: readahead windows ramp up to read_ahead_kb and the block layer merges and splits the bios by max_sectors_kb; block_rq_issue fires where a request is dispatched, in the reader when it flushes its plug but in kblockd when dispatch is deferred, so a per-task count can miss some; with mmap, read-around and async readahead race the faults",
  },
  {
    counter: "kernel.filemapAdd",
    params: { cache: "cold" },
    why: "folio sizes: readahead picks each folio's order from the window it reads (page_cache_ra_order: the order grows with the window, aligned to the index), so the number of folios added depends on the window sequence",
  },
  {
    counter: "io.writeBytes",
    params: { copySink: "file" },
    why: "splice into a file writes its page cache, and dirtying each new folio counts write_bytes (folio_account_dirtied -> task_io_account_write); the model's file sink does not account it",
  },
  {
    counter: "kernel.filemapAdd",
    params: { copySink: "file" },
    why: "the sink file's page cache gets new folios as well, each as large as the write that made it (a 64 KiB splice, a 64 KiB folio); the model's file sink adds none",
  },
  {
    counter: /^io\.sysc[rw]$/,
    calls: ["copy_file_range"],
    why: "at EOF copy_file_range returns 0 from generic_copy_file_checks (the length clipped to 0) before vfs_copy_file_range counts syscr and syscw: the last call counts nothing",
  },
  {
    counter: "kernel.filemapAdd",
    calls: ["copy_file_range"],
    why: "copy_file_range into a file writes its page cache (ext4 has no remap here): the destination gets new folios, each as large as the write that made it; the model adds none for the destination",
  },
  {
    counter: "io.writeBytes",
    calls: ["ftruncate"],
    why: "ftruncate to a size inside a block zeroes the rest of that block (ext4_block_truncate_page) and dirties its page, which counts one page in write_bytes; the model's truncate dirties nothing",
  },
  {
    counter: "kernel.filemapAdd",
    calls: ["ftruncate"],
    params: { cache: "warm" },
    why: "intermittent, mechanism not identified yet: measured in 1 of 10 native runs of warm mmap-truncate (64 KiB), the kernel added one or two folios to the page cache during the phase with no disk read (read_bytes 0, no block request) and no extra fault; the other runs add none, as the model does. Candidate, unconfirmed: the truncate's folio split (truncate_inode_partial_folio) racing background reclaim",
  },
  // ---- mappings and faults
  {
    counter: /^(faults\.minor|kernel\.pageFaultUser)$/,
    calls: ["mmap"],
    params: { cache: "warm" },
    why: "the page table's existence, measured with probes on this kernel: a 1 MiB write-filled file mapped alone in an empty 2 MiB region took 1 fault (the 1 MiB folio mapped whole), 18-19 across a 2 MiB boundary; the same mapping with a neighbour's PTE table in its region took 16-17 (64 KiB fault-around windows). mmap(NULL) lands right below the previous mapping and shares its table, so the kernel's count depends on which tables exist before the first fault; the model is given the placement (mmapPlacement) but not the neighbours' tables, and a first attempt at the rule (no fault-around on an empty PMD) broke the cold mappings, so it is not modelled yet",
  },
  {
    counter: /^(faults\.(minor|major)|kernel\.pageFaultUser)$/,
    calls: ["mmap"],
    params: { cache: "cold" },
    why: "a race with the disk, measured: a fault on a page still under readahead I/O drops the lock and returns VM_FAULT_RETRY, uncounted, and its retry counts once, as major (mm_account_fault); fault-around skips pages not yet uptodate, so they fault again later; how many faults find their page in flight varies from run to run (16 MiB mmap-write cold, the same program: 5, 8, 9 major and 248, 252, 253 minor faults over runs); the model's reads complete before the fault returns, so only the first fault is major",
  },
  // ---- TCP over loopback
  // (tolerance counters: shown for their mechanism)
  {
    counter: /^kernel\.(skbs|netDevXmit|netDevXmitData)$/,
    why: "the model builds one skb per write; the kernel appends a write to the unsent tail skb up to the size goal (tcp_sendmsg), autocorks small skbs while earlier ones sit in the device queue, and transmits in the peer's context when its ACKs arrive",
  },
  {
    counter: /^peer\.(copies\.ops|syscalls\.total)$|^kernel\.peerSkbCopyDatagram$/,
    why: "the peer's read() takes everything queued, up to its buffer, in one call: how many reads depends on how far the sender got before the peer ran, not on one read per skb",
  },
  {
    counter: "timeNs",
    why: "the cost model is not calibrated to this machine: the measured time includes waking the peer, scheduling and the loopback softirqs",
  },
];

const matches = (k: Known, counter: string, m: Mechanism): boolean =>
  (typeof k.counter === "string" ? k.counter === counter : k.counter.test(counter)) &&
  (k.calls ?? []).every((c) => m.calls.includes(c)) &&
  Object.entries(k.params ?? {}).every(([p, v]) => m.params[p] === v);

/** The known explanation of a disagreement on `counter` under mechanism `m`, if there is one. */
export function explain(counter: string, m: Mechanism, list: Known[] = KNOWN): string | undefined {
  return list.find((k) => matches(k, counter, m))?.why;
}
