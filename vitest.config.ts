import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // native runs measure the kernel: keep them from competing with each other for the two cores
    fileParallelism: true,
    pool: "forks",
  },
});
