/** The native host builds with the system cc, -O2 -Wall -Wextra, without a single warning. */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { hasTool, isLinux, scratch } from "./helpers.js";

const src = join(import.meta.dirname, "../../native-host");
describe.skipIf(!isLinux || !hasTool("cc"))(`native host build${isLinux && hasTool("cc") ? "" : " (skipped: needs Linux and cc)"}`, () => {
  it("compiles with -Wall -Wextra -Werror, no warning printed", () => {
    const s = scratch();
    try {
      const files = readdirSync(src).filter((f) => f.endsWith(".c")).map((f) => join(src, f));
      const r = spawnSync("cc", ["-std=gnu11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror", "-Wl,-z,now", "-o", join(s.dir, "zcsim-native"), ...files], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    } finally {
      s.done();
    }
  });
});
