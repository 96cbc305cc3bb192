/**
 * The model's tables run out (docs/limits.md): thousands of open files, pipes, mappings and file names. Each must
 * end in an errno Linux has for running out (EMFILE, ENFILE, ENOMEM), never a trap; and once the program gives
 * everything back, the same calls succeed again (nothing was lost on the way).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/scenario/index.js";

const haveModel = existsSync(fileURLToPath(new URL("../../src/model/index.ts", import.meta.url)));
if (!haveModel) console.log("exhaustion: skipped: the model is not there yet");
const OUT_OF = ["EMFILE", "ENFILE", "ENOMEM"];

describe.skipIf(!haveModel)("the model's tables run out", () => {
  const run = async (program: unknown[], setup: unknown = { files: { src: { size: 4096 } } }) => {
    const { loadSimulator } = await import("../../src/model/index.js");
    const sim = await loadSimulator();
    const c = compile({ name: "exhaust", title: "t", setup, program });
    const out = sim.run(c, { trace: true });
    return { c, out };
  };

  it("2,000 opens: an errno for running out; closing every descriptor makes open work again", async () => {
    const { c, out } = await run([
      { repeat: { count: 2000 }, do: [{ call: "open", path: "src", flags: ["O_RDONLY"] }] },
      { set: "fd", to: 3 },
      { repeat: { count: 1100 }, do: [{ call: "close", fd: "$fd + 0" }, { set: "fd", to: "$fd + 1" }] },
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "again" },
    ]);
    expect(out.status).toBe("DONE");
    const opens = out.result.errors.filter((e) => e.call === "open");
    expect(opens.length).toBe(1);
    expect(OUT_OF).toContain(opens[0].errno);
    const last = c.steps[c.steps.length - 1].step;
    const again = out.events!.find((e) => e.kind === "SYS_EXIT" && e.step === last);
    expect(again?.ret, "the first descriptor is free again").toBe(3);
  });

  it("200 pipes: an errno for running out; closing them makes pipe work again", async () => {
    const { out } = await run([
      { repeat: { count: 200 }, do: [{ call: "pipe", ret: ["r", "w"] }] },
      { set: "fd", to: 3 },
      { repeat: { count: 1000 }, do: [{ call: "close", fd: "$fd + 0" }, { set: "fd", to: "$fd + 1" }] },
      { call: "pipe", ret: ["pr", "pw"] },
    ]);
    expect(out.status).toBe("DONE");
    const pipes = out.result.errors.filter((e) => e.call === "pipe");
    expect(pipes.length).toBe(1);
    expect(pipes[0].at).toBe("program[0].do[0]");
    expect(OUT_OF).toContain(pipes[0].errno);
  });

  it("70,000 mappings: an errno for running out, in a bounded time; unmapping them makes mmap work again", async () => {
    const t = Date.now();
    const { out } = await run([
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { set: "last", to: 0 },
      { repeat: { count: 70000 }, do: [
        { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ"], flags: ["MAP_PRIVATE"], fd: "in", offset: 0, ret: "m" },
        { set: "last", to: "max($last, $m)" },
      ] },
      // unmap the 1 TiB below the highest mapping, as one range (munmap of holes is not an error)
      { call: "munmap", addr: "$last - 1099511627776 + 4096", length: "1099511627776" },
      { call: "mmap", addr: null, length: 4096, prot: ["PROT_READ"], flags: ["MAP_PRIVATE"], fd: "in", offset: 0, ret: "again" },
    ]);
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(out.status).toBe("DONE");
    const maps = out.result.errors.filter((e) => e.at === "program[2].do[0]");
    expect(maps.length).toBe(1);
    expect(OUT_OF).toContain(maps[0].errno);
    expect(out.result.errors.filter((e) => e.at !== "program[2].do[0]").map((e) => `${e.at} ${e.errno}`), "munmap and the last mmap succeed").toEqual([]);
  });

  it("200 new file names: an errno for running out, never a trap", async () => {
    const program: unknown[] = [];
    for (let i = 0; i < 200; i++) program.push({ call: "open", path: `f${i}`, flags: ["O_WRONLY", "O_CREAT"], ret: "x" }, { call: "close", fd: "x" });
    const { out } = await run(program, {});
    expect(out.status).toBe("DONE");
    for (const e of out.result.errors) expect([...OUT_OF, "EBADF"], `${e.at} ${e.call}`).toContain(e.errno);
  });
});
