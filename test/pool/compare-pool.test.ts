/**
 * `zcsim compare` on the pool: runTasks with engines that have a pool gives the same outcomes (model side) as the
 * sequential runs, in task order, onDone in task order too.
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildReport, expandMatrix, openEngines, runTasks } from "../../src/node/compare.js";
import { Pool } from "../../src/node/pool.js";

const pool = new Pool({ size: 2 });
afterAll(() => pool.close());

describe("compare on the pool", () => {
  it("model-side rows identical to sequential runs, outcomes and onDone in task order", async () => {
    const tasks = expandMatrix(["read-write", "splice", "tee", "sharing-hazard"], "default", {});
    const seq = await openEngines({ kernel: false });
    const pooled = await openEngines({ kernel: false, pool });
    expect(pooled.pool).toBe(pool);
    const a = await runTasks(tasks, seq);
    const order: number[] = [];
    const b = await runTasks(tasks, pooled, (_o, i) => order.push(i));
    expect(order).toEqual(tasks.map((_, i) => i));
    expect(b.map((o) => o.task.id)).toEqual(tasks.map((t) => t.id));
    expect(b.map((o) => o.model)).toEqual(a.map((o) => o.model));
    expect(buildReport("default", b, pooled, 0).rows).toEqual(buildReport("default", a, seq, 0).rows);
  });

  it("a point the compiler refuses stays a compile error in its place", async () => {
    const tasks = expandMatrix(["splice"], "default", {});
    tasks.splice(1, 0, { id: 99, scenario: "splice", params: { chunk: "x" }, overrides: { chunk: "x" } });
    const b = await runTasks(tasks, await openEngines({ kernel: false, pool }));
    expect(b[1].compileError).toMatch(/chunk/);
    expect(b[0].model && b[2].model).toBeTruthy();
  });
});
