/**
 * The page-sharing hazard (issue 6, DESIGN.md "Zero-copy paths deliver the data as it is when the receiver reads
 * it"): the source is overwritten after the call returned and before the lazy peer reads. Paths that hand the
 * socket references to the source's pages deliver the new bytes; paths that copied at the call deliver the old.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadSimulator, type Simulator } from "../../src/model/index.js";
import { nativeAvailable, runNative } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";

const LEN = 1000;
// which paths share pages, from the mechanism: sendfile and splice put page-cache pages in the skbs, vmsplice
// the buffer's pages; read+write and mmap+write copy into the skb at the call; MSG_ZEROCOPY to a loopback peer is
// copied at delivery (skb_orphan_frags_rx), before the program's store.
const shares = { sendfile: true, splice: true, vmsplice: true, write: false, "mmap-write": false, "msg-zerocopy": false };

let sim: Simulator;
beforeAll(async () => { sim = await loadSimulator(); });
const native = nativeAvailable();

describe("the page-sharing hazard", () => {
  for (const [via, shared] of Object.entries(shares)) {
    it(`model: ${via} delivers the ${shared ? "new" : "old"} bytes`, () => {
      const { result } = sim.run(compileByName("sharing-hazard", { via, len: String(LEN) }), { trace: false });
      expect(result.errors).toEqual([]);
      expect(result.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: shared ? LEN : 0 });
    });
    it.skipIf(!native.ok)(`kernel: ${via} delivers the ${shared ? "new" : "old"} bytes`, async () => {
      const result = await runNative(compileByName("sharing-hazard", { via, len: String(LEN) }));
      expect(result.errors).toEqual([]);
      expect(result.delivered).toMatchObject({ bytes: 65536, intact: true, modifiedBytes: shared ? LEN : 0 });
    });
  }
  if (!native.ok) it("kernel side", () => { console.log(`native host unavailable: ${native.why}`); });
});
