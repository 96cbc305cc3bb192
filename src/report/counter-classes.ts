/**
 * What each counter is: its class (exact, tolerance, unobservable) and the family a chart groups it in. Decided by
 * the counter's path alone, never by the scenario; `compare` then lets the native evidence demote a counter to
 * unobservable or unscored. Browser-safe.
 */

/**
 * exact: deterministic on the kernel for a fixed program: model and kernel must be equal.
 * range: the kernel itself varies it from run to run of one program (measured: docs/compare.md, "Ranges"); the
 *        native side runs several times and the model must lie within the kernel's min..max.
 * tolerance: times and scheduler-paced counts the model predicts but does not claim to the unit: within a factor.
 * unobservable: the kernel cannot show it here: shown, never scored.
 */
export type CounterClass = "exact" | "range" | "tolerance" | "unobservable";

/** How close a tolerance counter must come: within `factor` times, or within `abs` of each other. */
export interface Tolerance {
  factor: number;
  abs: number;
}

export interface Rule {
  match: RegExp;
  class: CounterClass;
  tol?: Tolerance;
  /** the family a chart groups it in */
  family: string;
}

/** What each counter is. The first match wins. */
export const RULES: Rule[] = [
  // ---- races, measured: ten native runs of every point of the default matrix (Linux 6.18, this machine; docs/compare.md,
  // "Ranges"). A counter is a range when the kernel gave it more than one value for one program; every other counter
  // stayed put over the ten runs and is exact (compare reports an exact counter that moves, so this list is checked
  // on every run with --runs 2 or more).
  // The MSG_ZEROCOPY program polls the error queue until every send is covered: how many polls and reads depends on
  // when the peer's copy at delivery released the last pages (1-4 polls at 1 MiB in 4 KiB sends, so 517-523 calls).
  { match: /^syscalls\.(total|byName\.(poll|recv_errqueue))$/, class: "range", family: "syscalls" },
  { match: /^modeSwitches$/, class: "range", family: "mode switches" },
  // Faults race the disk on a cold mapping (a fault on a folio still under read waits and counts major; fault-around
  // skips folios not yet uptodate) and, warm, depend on which page tables the mapping's neighbours made (ASLR):
  // mmap-truncate 16 MiB cold gave 255-261 minor faults, mmap-write 1 MiB warm 16-18.
  { match: /^faults\./, class: "range", family: "page faults" },
  { match: /^kernel\.(pageFaultUser|perfPageFaults|perfMinorFaults|perfMajorFaults)$/, class: "range", family: "page faults" },
  // Block requests under a cold mapping: read-around and async readahead race the faults (mmap-truncate 16 MiB: 2-5).
  { match: /^(copies\.dma\.ops|kernel\.blockRqIssue)$/, class: "range", family: "DMA" },
  // write_bytes: the sharing hazard's 16 MiB stores dirtied one page more in 1 of 10 runs (1048576, 1052672).
  { match: /^io\.writeBytes$/, class: "range", family: "/proc/self/io" },
  // ---- deterministic on the kernel
  { match: /^syscalls\./, class: "exact", family: "syscalls" },
  { match: /^copies\.cpu\./, class: "exact", family: "CPU copies" },
  { match: /^copies\.dma\./, class: "exact", family: "DMA" },
  { match: /^io\./, class: "exact", family: "/proc/self/io" },
  { match: /^(errors|signals)$/, class: "exact", family: "errors" },
  { match: /^delivered\./, class: "exact", family: "delivered" },
  // ---- predicted, not claimed to the unit
  { match: /^timeNs$|[a-z]Ns$/, class: "tolerance", tol: { factor: 4, abs: 50_000 }, family: "time" },
  { match: /csw|context/i, class: "tolerance", tol: { factor: 3, abs: 16 }, family: "context switches" },
  // How TCP cuts a stream into skbs on loopback is timing: a write joins the unsent tail skb or starts a new one,
  // autocorking holds a small skb while earlier ones sit in the device queue, and the peer's ACKs, processed in the
  // peer's context, transmit the sender's queued data there. So skb and transmit counts are tolerance counters.
  { match: /^kernel\.(skbs|netDevXmit|netDevXmitData)$/, class: "tolerance", tol: { factor: 2, abs: 8 }, family: "skbs" },
  // the peer reads what has arrived when it is scheduled: how many reads is the scheduler's choice
  { match: /^peer\.(copies\.ops|syscalls\.)/, class: "tolerance", tol: { factor: 4, abs: 16 }, family: "peer" },
  // how often the peer had caught up and slept until the next skb woke it: a race of two CPUs
  { match: /^peer\.wakeups$/, class: "tolerance", tol: { factor: 4, abs: 16 }, family: "peer" },
  { match: /^peer\./, class: "exact", family: "peer" },
  // the peer's own tracepoints (its receive copies, its ACKs) follow its reads, which the scheduler paces
  { match: /^kernel\.peer/, class: "tolerance", tol: { factor: 4, abs: 16 }, family: "peer" },
  // page-cache inserts: a warm truncate's folio split added one or two folios in 1 of 10 runs (an earlier session's
  // measurement, mmap-truncate 64 KiB warm); cold, the folio orders follow the readahead windows
  { match: /^kernel\.filemapAdd$/, class: "range", family: "kernel tracepoints" },
  // skb shapes sampled at the driver: a retransmission the host does not recognise counts its bytes again (through a
  // loaded veth, about one 1 MiB run in five: skbLinearBytes 1048576..1050024 over three runs of one program)
  { match: /^kernel\.skb(FragBytes|LinearBytes|CsumPartial|GsoSkbs|GsoSegs|PayloadMax)$|^kernel\.csumBytes$/, class: "range", family: "skbs" },
  { match: /^kernel\./, class: "exact", family: "kernel tracepoints" },
];

export function ruleFor(counter: string): Rule {
  return RULES.find((r) => r.match.test(counter)) ?? { match: /./, class: "exact", family: "other" };
}

export const toleranceText = (t: Tolerance) => `within x${t.factor} or +-${t.abs}`;

export function withinTolerance(a: number, b: number, t: Tolerance): boolean {
  if (Math.abs(a - b) <= t.abs) return true;
  const lo = Math.min(a, b), hi = Math.max(a, b);
  return lo > 0 && hi / lo <= t.factor;
}

