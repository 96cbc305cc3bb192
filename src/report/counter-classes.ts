/**
 * What each counter is: its class (exact, tolerance, unobservable) and the family a chart groups it in. Decided by
 * the counter's path alone, never by the scenario; `compare` then lets the native evidence demote a counter to
 * unobservable or unscored. Browser-safe.
 */

export type CounterClass = "exact" | "tolerance" | "unobservable";

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
  // Reads of a MSG_ZEROCOPY error queue: how many it takes depends on how the completions were merged when the
  // reader looked, i.e. on when the peer's copy at delivery released the last pages. Measured: ten native runs of
  // one program (msg-zerocopy, 64 KiB sends) read the queue 1-3 times at 1 MiB and 1-8 times at 16 MiB.
  { match: /^syscalls\.byName\.recv_errqueue$/, class: "tolerance", tol: { factor: 8, abs: 8 }, family: "syscalls" },
  { match: /^syscalls\./, class: "exact", family: "syscalls" },
  { match: /^modeSwitches$/, class: "exact", family: "mode switches" },
  { match: /^faults\./, class: "exact", family: "page faults" },
  { match: /^copies\.cpu\./, class: "exact", family: "CPU copies" },
  { match: /^copies\.dma\./, class: "exact", family: "DMA" },
  { match: /^io\./, class: "exact", family: "/proc/self/io" },
  { match: /^(errors|signals)$/, class: "exact", family: "errors" },
  { match: /^delivered\./, class: "exact", family: "delivered" },
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

