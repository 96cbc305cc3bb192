/**
 * The native host's counts checked by independent witnesses, for the classic five at 64 KiB, 1 MiB and 16 MiB:
 *   - the calls it reports = the calls `strace -f` sees the host make between its markers (by name and in all);
 *   - the faults it reports = the exceptions:page_fault_user / page_fault_kernel events `perf record` sees
 *     between its markers, and getrusage's faults = the perf software event page-faults it opened itself;
 *   - every byte delivered, verified.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runNativeDetailed } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { hasTool, isRoot, nativeReady, perfCounts, scratch, STRACE_NAME, straceCounts } from "./helpers.js";

const ready = nativeReady();
const SCENARIOS = ["read-write", "mmap-write", "sendfile", "splice", "tee"];
const SIZES = ["64KiB", "1MiB", "16MiB"];
const sinksOf = (name: string) => (name === "tee" ? 2 : 1);

describe.skipIf(!ready.ok || !hasTool("strace"))(`native calls = strace -f${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  for (const name of SCENARIOS)
    for (const fileSize of SIZES)
      it(`${name} ${fileSize}`, async () => {
        const s = scratch();
        try {
          const out = join(s.dir, "strace.txt");
          const compiled = compileByName(name, { fileSize });
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

describe.skipIf(!ready.ok || !hasTool("perf") || !isRoot)(`native faults = perf record${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  for (const name of SCENARIOS)
    for (const fileSize of SIZES)
      it(`${name} ${fileSize}`, async () => {
        const s = scratch();
        try {
          const data = join(s.dir, "perf.data");
          const compiled = compileByName(name, { fileSize });
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
