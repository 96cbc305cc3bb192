/**
 * Random parameters for the catalogue's transfer scenarios (sim/*.json): each declared parameter drawn from the
 * values its kind admits (docs/scenarios.md), and the machine's own (NIC features, fault-around, readahead).
 */
import fc from "fast-check";
import { catalogue } from "../../src/scenario/index.js";

/** The scenarios that move a file to sinks that verify it (mmap-truncate and sharing-hazard show signals and the
 *  page-sharing hazard: not an exact delivery). */
export const TRANSFERS = ["read-write", "mmap-write", "sendfile", "splice", "tee", "vmsplice", "copy-file-range", "msg-zerocopy"]
  .filter((n) => Object.prototype.hasOwnProperty.call(catalogue, n));

const size = (min: number, max: number) => fc.integer({ min, max });
const POOL: Record<string, fc.Arbitrary<string | number | boolean>> = {
  fileSize: fc.oneof(size(1, 3 << 20), fc.constantFrom(1, 4095, 4096, 4097, 1 << 20)),
  chunk: fc.oneof(size(1, 1 << 21), fc.constant("whole"), fc.constantFrom(4096, 65536)),
  cache: fc.constantFrom("warm", "cold"),
  fill: fc.constantFrom("write", "read"),
  sink: fc.constantFrom("tcp", "file", "nic"),
  copySink: fc.constantFrom("tcp", "file", "nic"),
  pipeSize: fc.constantFrom(4096, 8192, 65536, 262144, 1 << 20),
  populate: fc.boolean(),
  zerocopy: fc.boolean(),
  gift: fc.boolean(),
  nicSg: fc.boolean(),
  nicCsum: fc.boolean(),
  faultAround: fc.constantFrom(4096, 65536, 1 << 21),
  readahead: fc.constantFrom(0, 16384, 131072, 1 << 21),
};
const MACHINE = ["nicSg", "nicCsum", "faultAround", "readahead"];

/** [scenario name, overrides] */
export const catalogueRunArb = (names: string[] = TRANSFERS, sinks?: string[]) => fc.constantFrom(...names).chain((name) => {
  const declared = Object.keys((catalogue[name] as { params?: Record<string, unknown> }).params ?? {});
  const shape: Record<string, fc.Arbitrary<string | number | boolean>> = {};
  for (const k of [...declared, ...MACHINE]) {
    if (!POOL[k]) continue;
    const only = name === "msg-zerocopy" ? ["tcp", "nic"] : undefined; // its sink must be a socket (setsockopt)
    const pick = (sinks ?? only)?.filter((s) => !only || only.includes(s));
    shape[k] = pick && (k === "sink" || k === "copySink") ? fc.constantFrom(...pick) : POOL[k];
  }
  // at most about 4,000 chunks a run: the run's time stays bounded
  return fc.record(shape).map((o) => {
    const fs = typeof o.fileSize === "number" ? o.fileSize : 1 << 20;
    if (typeof o.chunk === "number" && o.chunk < fs / 4000) o.chunk = Math.ceil(fs / 4000);
    return [name, o] as const;
  });
});
