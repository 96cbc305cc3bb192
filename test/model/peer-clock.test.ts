/**
 * The loopback peer on a CPU of its own (assembly/kernel/socket.ts, "Two CPUs, two clocks"): the sender's time
 * carries the peer's copies only when the peer is slower and the socket buffers are full, and then by as much as
 * the peer needs for what does not fit in them. Bounds worked out by hand from the buffers' size, not taken from
 * the model's output.
 */
import { describe, expect, it } from "vitest";
import { loadSimulator, type Simulator } from "../../src/model/index.js";
import { compileByName } from "../../src/scenario/index.js";
import { Knob } from "../../src/scenario/abi.js";

let simP: Promise<Simulator> | undefined;
const sim = () => (simP ??= loadSimulator());
const MiB = 1 << 20;
const run = async (name: string, params: Record<string, string>, knobs: Record<number, number>) => {
  const r = (await sim()).run(compileByName(name, params), { trace: false, knobs }).result;
  return { timeNs: r.timeNs, nvcsw: (r.kernel as Record<string, number>).nvcsw, delivered: r.delivered, wakeups: r.peer!.wakeups!, reads: r.peer!.syscalls.total };
};

describe("the loopback peer's clock", () => {
  it("a peer faster than the sender never holds it back: the sender's time does not depend on the peer's cost", async () => {
    // (how often the peer sleeps does depend on it, and so what the sender spends waking it: priced 0 here)
    const wake0 = { [Knob.COST_REMOTE_WAKEUP_NS]: 0 };
    for (const [n, p] of [["splice", { fileSize: "16MiB" }], ["sendfile", { fileSize: "16MiB" }], ["read-write", { fileSize: "16MiB", chunk: "64KiB" }]] as const) {
      const free = await run(n, p, { ...wake0, [Knob.COST_PEER_COPY_PS_PER_BYTE]: 0 });
      const cheap = await run(n, p, { ...wake0, [Knob.COST_PEER_COPY_PS_PER_BYTE]: 1 });
      expect(cheap.timeNs, n).toBe(free.timeNs);
      expect(cheap.nvcsw, n).toBe(free.nvcsw);
      expect(free.delivered.intact, n).toBe(true);
    }
  });

  it("a slow peer: the sender finishes once all but the socket buffers' worth is copied, and sleeps for it", async () => {
    const size = 32 * MiB, wmem = 4 * MiB, rmem = 6 * MiB, peerPs = 20_000; // 20 ns a byte: 50 MB/s
    const knobs = { [Knob.COST_PEER_COPY_PS_PER_BYTE]: peerPs, [Knob.TCP_WMEM_MAX]: wmem, [Knob.TCP_RMEM_MAX]: rmem, [Knob.TCP_SNDBUF]: 0, [Knob.TCP_RCVBUF]: 0 };
    const fast = await run("splice", { fileSize: "32MiB" }, { ...knobs, [Knob.COST_PEER_COPY_PS_PER_BYTE]: 0 });
    const slow = await run("splice", { fileSize: "32MiB" }, knobs);
    const peerNs = (bytes: number) => (bytes * peerPs) / 1000;
    // at least: the peer's copy of what cannot be in the buffers when the last call returns
    expect(slow.timeNs).toBeGreaterThanOrEqual(peerNs(size - (wmem + rmem)));
    // at most: the sender's own work plus the peer's copy of everything
    expect(slow.timeNs).toBeLessThanOrEqual(fast.timeNs + peerNs(size) + 1e6);
    expect(slow.nvcsw).toBeGreaterThan(fast.nvcsw);
    expect(slow.delivered.intact).toBe(true);
  });

  it("a sleeping sender is woken with a third of the buffers free (sk_stream_write_space), not for every skb", async () => {
    const wmem = 4 * MiB, rmem = 6 * MiB;
    const knobs = { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 20_000, [Knob.TCP_WMEM_MAX]: wmem, [Knob.TCP_RMEM_MAX]: rmem };
    const r = await run("sendfile", { fileSize: "64MiB" }, knobs);
    // a peer that lags ACKs nothing before reading it: the connection holds the send buffer alone (socket.ts
    // limit). 60 MiB past the first full buffer, a third of 4 MiB freed per sleep: about 45 sleeps, far fewer
    // than skbs
    const third = wmem / 3;
    expect(r.nvcsw).toBeGreaterThanOrEqual(Math.floor((64 * MiB - wmem) / third) - 2);
    expect(r.nvcsw).toBeLessThanOrEqual(Math.ceil((64 * MiB) / third) + 2);
    // the receive buffer is not the sender's room then: a larger one changes nothing
    const big = await run("sendfile", { fileSize: "64MiB" }, { ...knobs, [Knob.TCP_RMEM_MAX]: 4 * rmem });
    expect(big.nvcsw).toBe(r.nvcsw);
    expect(big.timeNs).toBe(r.timeNs);
  });

  it("a polling peer (peerPoll) is never woken: the sender spends nothing on wake-ups, and gets the same bytes across", async () => {
    const wake = 40_000, knobs = { [Knob.COST_REMOTE_WAKEUP_NS]: wake };
    for (const [n, p] of [["read-write", { fileSize: "16MiB", chunk: "64KiB" }], ["splice", { fileSize: "16MiB" }]] as const) {
      const sleeps = await run(n, p, knobs);
      const polls = await run(n, { ...p, peerPoll: "true" }, knobs);
      expect(sleeps.wakeups, n).toBeGreaterThan(0);
      expect(polls.wakeups, n).toBe(0);
      // each wake-up is paid on the sender's clock: the polling run is faster by at least half of them
      expect(sleeps.timeNs - polls.timeNs, n).toBeGreaterThanOrEqual((sleeps.wakeups * wake) / 2);
      expect(polls.delivered, n).toEqual(sleeps.delivered);
    }
  });

  it("a read returns what has arrived when its copying is done (SO_RCVLOWAT 1), not what comes later", async () => {
    // a peer so fast that each skb is read before the next arrives: a read per skb, never two in one
    const fast = await run("sendfile", { fileSize: "16MiB" }, { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 0, [Knob.COST_MODE_SWITCH_NS]: 0, [Knob.COST_PEER_WAKE_LATENCY_NS]: 0 });
    // a slow peer finds many skbs queued and takes 64 KiB (its buffer) a read
    const slow = await run("sendfile", { fileSize: "16MiB" }, { [Knob.COST_PEER_COPY_PS_PER_BYTE]: 5000 });
    expect(fast.reads).toBeGreaterThan(slow.reads);
    expect(slow.reads).toBeGreaterThanOrEqual(16 * MiB / (64 * 1024));
  });

  it("wake-up latencies spread around their mean (PEER_WAKE_JITTER_PCT), reproducibly: the peer sleeps after some sends, not all or none", async () => {
    // a peer a little faster than the sender: it catches up, and sleeps, unless its wake-up was slow
    const base = { [Knob.COST_REMOTE_WAKEUP_NS]: 10_000, [Knob.COST_PEER_WAKE_LATENCY_NS]: 15_000, [Knob.COST_PEER_COPY_PS_PER_BYTE]: 150,
      // the sender's copies at 100 ps a byte, cached or not
      [Knob.COST_COPY_PS_PER_BYTE]: 100, [Knob.COST_COPY_COLD_SRC_PS_PER_BYTE]: 0, [Knob.COST_COPY_COLD_DST_PS_PER_BYTE]: 0 };
    const p = { fileSize: "16MiB", chunk: "64KiB" };
    const flat = await run("read-write", p, { ...base, [Knob.PEER_WAKE_JITTER_PCT]: 0 });
    const spread = await run("read-write", p, { ...base, [Knob.PEER_WAKE_JITTER_PCT]: 50 });
    const again = await run("read-write", p, { ...base, [Knob.PEER_WAKE_JITTER_PCT]: 50 });
    expect(again).toEqual(spread);                           // the generator is seeded alike at every run
    const writes = 16 * MiB / (64 * 1024);
    expect(flat.wakeups <= 1 || flat.wakeups >= writes, String(flat.wakeups)).toBe(true);   // alike: all or nothing
    expect(spread.wakeups).toBeGreaterThan(writes / 10);
    expect(spread.wakeups).toBeLessThan(writes * 0.9);
  });
});
