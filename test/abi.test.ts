import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as abi from "../src/scenario/abi.js";
// @ts-expect-error plain JS module without types
import { renderAssemblyScript, renderC } from "../scripts/render-abi.mjs";

describe("the generated ABI headers", () => {
  it("assembly/abi.ts and native-host/abi.h are current (run npm run gen:abi)", () => {
    expect(readFileSync("assembly/abi.ts", "utf8")).toBe(renderAssemblyScript(abi));
    expect(readFileSync("native-host/abi.h", "utf8")).toBe(renderC(abi));
  });
  it("gives every call, counter and event a distinct number", () => {
    const ids = Object.values(abi.Call).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const counters = Object.values(abi.Counter);
    expect(new Set(counters).size).toBe(counters.length);
    expect(Math.max(...counters)).toBeLessThan(abi.COUNTER_COUNT);
    const ev = Object.values(abi.Ev);
    expect(new Set(ev).size).toBe(ev.length);
  });
});
