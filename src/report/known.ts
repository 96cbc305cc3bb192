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
  {
    counter: /^kernel\.(tp_)?net_dev_(start_)?xmit|^kernel\.netDevXmit/,
    why: "TCP segmentation on loopback (GSO size, autocorking, when the peer's ACKs open the window) decides how many skbs are sent; the model builds skbs by size only",
  },
  {
    counter: /^kernel\..*skb_copy_datagram|^kernel\.skbCopy/,
    why: "the peer copies what has arrived when it is scheduled: how many receive copies it takes depends on timing, not on the sender's mechanism",
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
