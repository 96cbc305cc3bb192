/**
 * Known explanations of disagreements between the model and the kernel, shown in `zcsim compare`'s "why" column.
 * An explanation is a claim, so each entry carries what makes it checkable:
 *
 *   id        a short name (the row shows it; the witness test names it)
 *   counter   the counters it explains: a path or a pattern of paths
 *   region    where it may explain anything: the scenarios, and optionally the calls the program must make and the
 *             resolved params it must have ({ cache: "cold" }). Outside its region an entry explains nothing.
 *   witness   one compare point inside the region where the disagreement happens today:
 *             test/compare/known.test.ts runs every witness on both engines and fails when the disagreement no
 *             longer occurs (the model learned the mechanism: delete or narrow the entry) or when the entry does
 *             not cover its own witness
 *   why       one line: the mechanism behind the difference, what the model lacks, what it would take
 *
 * They are words, never numbers: an entry never changes a count, never turns a disagreement into an agreement, and
 * is not consulted for rows that agree. A measured disagreement that no entry covers is "unexplained", and
 * `zcsim compare --explained-ok` (npm start) then exits 1.
 */

export interface Known {
  id: string;
  counter: string | RegExp;
  region: {
    scenarios: string[];
    calls?: string[];
    params?: Record<string, string | number | boolean>;
  };
  witness: { scenario: string; params: Record<string, string> };
  why: string;
}

export interface Mechanism {
  scenario: string;
  calls: string[];
  params: Record<string, string | number | boolean>;
}

export const KNOWN: Known[] = [
  // ---- the page cache, the disk and faults
  {
    id: "cold-mmap-fault-waits",
    counter: /^(faults\.(minor|major)|kernel\.pageFaultUser)$/,
    region: { scenarios: ["mmap-write", "mmap-truncate"], calls: ["mmap"], params: { cache: "cold", fileSize: 16777216 } },
    witness: { scenario: "mmap-write", params: { fileSize: "16MiB", chunk: "whole", cache: "cold" } },
    why: "a fault taken in write()'s copy (kernel mode, no per-VMA lock) is accounted major whenever filemap_fault drops mmap_lock and retries: at the two readahead marks (pages 1536 and 2048) in every run, and at each request the copy reaches while it is still being read. The model does the same, but with its default costs its copy outruns its disk and waits at pages 1024 and 3072 too (251 minor, 5 major against the kernel's 253 and 3); with this machine's calibration profile (--profile profiles/linux-6.18-this-machine.json) it matches: the disagreement is in the costs, not the mechanism",
  },
  // ---- MSG_ZEROCOPY
  {
    id: "zerocopy-completion-reads",
    counter: /^syscalls\.(total|byName\.(poll|recv_errqueue))$/,
    region: { scenarios: ["msg-zerocopy"], calls: ["recv_errqueue"] },
    witness: { scenario: "msg-zerocopy", params: { fileSize: "64KiB", chunk: "4KiB", cache: "warm" } },
    why: "the program polls the error queue and reads completions until every send is covered: the kernel needs 2 reads at 64 KiB in 4 KiB sends (every run) and 2-4 at 1 MiB, the model 1, because in the model every completion has arrived, merged into one range, by the time the program first looks (the peer's copy at delivery releases the pages before the sender returns); the kernel's last sends complete after the first poll returns",
  },
];

const matches = (k: Known, counter: string, m: Mechanism): boolean =>
  (typeof k.counter === "string" ? k.counter === counter : k.counter.test(counter)) &&
  k.region.scenarios.includes(m.scenario) &&
  (k.region.calls ?? []).every((c) => m.calls.includes(c)) &&
  Object.entries(k.region.params ?? {}).every(([p, v]) => m.params[p] === v);

/** The known explanation of a disagreement on `counter` under mechanism `m`, if one covers it. */
export function explainOf(counter: string, m: Mechanism, list: Known[] = KNOWN): Known | undefined {
  return list.find((k) => matches(k, counter, m));
}

/** Its words only. */
export function explain(counter: string, m: Mechanism, list: Known[] = KNOWN): string | undefined {
  return explainOf(counter, m, list)?.why;
}
