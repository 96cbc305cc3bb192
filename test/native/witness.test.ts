/**
 * The native host's counts checked by independent witnesses, for the classic five at 64 KiB, 1 MiB and 16 MiB:
 *   - the calls it reports = the calls `strace -f` sees the host make between its markers (by name and in all);
 *   - the faults it reports = the exceptions:page_fault_user / page_fault_kernel events `perf record` sees
 *     between its markers, and getrusage's faults = the perf software event page-faults it opened itself;
 *   - every byte delivered, verified.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runNativeDetailed, type NativeRaw } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { isRoot, nativeReady, perfCounts, scratch, STRACE_NAME, straceCounts, witnessWorks } from "./helpers.js";

type NativeCall = NativeRaw["calls"][number];

const ready = nativeReady();
const SCENARIOS = ["read-write", "mmap-write", "sendfile", "splice", "tee"];
const SIZES = ["64KiB", "1MiB", "16MiB"];
/** each scenario at each size, then at 1 MiB cold and with 4 KiB chunks */
const POINTS: Array<Record<string, string>> = [...SIZES.map((fileSize) => ({ fileSize })), { fileSize: "1MiB", cache: "cold" }, { fileSize: "1MiB", chunk: "4KiB" }];
const label = (p: Record<string, string>) => Object.values(p).join(" ");
const sinksOf = (name: string) => (name === "tee" ? 2 : 1);

describe.skipIf(!ready.ok || !witnessWorks("strace"))(`native calls = strace -f${!ready.ok ? ` (skipped: ${ready.why})` : witnessWorks("strace") ? "" : " (skipped: strace does not work here)"}`, () => {
  for (const name of SCENARIOS)
    for (const point of POINTS)
      it(`${name} ${label(point)}`, async () => {
        const s = scratch();
        try {
          const out = join(s.dir, "strace.txt");
          const compiled = compileByName(name, point);
          const { result, raw } = await runNativeDetailed(compiled, { mark: true, wrap: ["strace", "-f", "-qq", "-o", out] });
          expect(raw.status).toBe("OK");
          const st = straceCounts(out);
          const want: Record<string, number> = {};
          for (const [k, v] of Object.entries(result.syscalls.byName)) want[STRACE_NAME[k] ?? k] = (want[STRACE_NAME[k] ?? k] ?? 0) + v;
          expect(st.byName).toEqual(want);
          expect(st.total).toBe(result.syscalls.total);
          expect(result.modeSwitches).toBe(2 * st.total);
          expect(result.delivered.intact).toBe(true);
          expect(result.delivered.bytes).toBe(compiled.payloadBytes * sinksOf(name));
        } finally {
          s.done();
        }
      });
});

describe.skipIf(!ready.ok || !isRoot || !witnessWorks("perf"))(`native faults = perf record${!ready.ok ? ` (skipped: ${ready.why})` : isRoot && witnessWorks("perf") ? "" : " (skipped: needs root and a working perf with tracepoints)"}`, () => {
  for (const name of SCENARIOS)
    for (const point of POINTS)
      it(`${name} ${label(point)}`, async () => {
        const s = scratch();
        try {
          const data = join(s.dir, "perf.data");
          const compiled = compileByName(name, point);
          const { result, raw } = await runNativeDetailed(compiled, {
            mark: true,
            wrap: ["perf", "record", "-q", "-o", data, "-e", "exceptions:page_fault_user", "-e", "exceptions:page_fault_kernel", "-e", "syscalls:sys_enter_lseek", "--"],
          });
          expect(raw.status).toBe("OK");
          const p = perfCounts(data);
          const user = p.counts["exceptions:page_fault_user"] ?? 0;
          const kern = p.counts["exceptions:page_fault_kernel"] ?? 0;
          expect(result.kernel?.pageFaultUser).toBe(user);
          expect(result.kernel?.pageFaultKernel).toBe(kern);
          // getrusage's faults are the faults the kernel accounted (a retried fault enters twice, counts once)
          expect(result.faults.minor + result.faults.major).toBe(result.kernel?.perfPageFaults);
          expect(result.faults.minor + result.faults.major).toBeLessThanOrEqual(user + kern);
          if (name !== "mmap-write") expect(user + kern).toBe(0); // no buffer or mapping is touched for the first time
          if (name === "mmap-write") expect(result.faults.minor).toBeGreaterThan(0);
          expect(result.delivered.intact).toBe(true);
        } finally {
          s.done();
        }
      });
});

describe.skipIf(!ready.ok)(`native /proc/self/io = what the calls made account${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  // read/write/pread/pwrite/sendfile count in rchar/wchar and syscr/syscw (sendfile in both); splice, tee, mmap
  // access count nothing: the host's own pread of /proc/self/io is subtracted exactly
  for (const name of SCENARIOS)
    for (const cache of ["warm", "cold"])
      it(`${name} ${cache}`, async () => {
        const { result, raw } = await runNativeDetailed(compileByName(name, { fileSize: "1MiB", cache }));
        const sum = (calls: string[], f: (c: NativeCall) => number) => raw.calls.filter((c) => calls.includes(c[0]) && c[2] > 0).reduce((a, c) => a + f(c), 0);
        const count = (calls: string[]) => raw.calls.filter((c) => calls.includes(c[0])).length;
        expect(raw.callsDropped).toBe(0);
        expect(result.io.rchar).toBe(sum(["read", "pread64", "sendfile"], (c) => c[2]));
        expect(result.io.wchar).toBe(sum(["write", "pwrite64", "sendfile"], (c) => c[2]));
        expect(result.io.syscr).toBe(count(["read", "pread64", "sendfile"]));
        expect(result.io.syscw).toBe(count(["write", "pwrite64", "sendfile"]));
        if (cache === "warm") expect(result.io.readBytes).toBe(0);
        else expect(result.io.readBytes).toBeGreaterThanOrEqual(1 << 20);
      });
});
