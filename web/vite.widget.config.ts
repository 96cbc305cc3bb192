/**
 * The element as one ES module, dist/widget/zerocopy-sim.js, with its model worker and the model's wasm emitted
 * beside it (dist/widget/zerocopy-sim-worker.js, dist/widget/zcsim.wasm). The element finds both through
 * new URL(..., import.meta.url), so the three files go together anywhere; the element's `wasm` attribute overrides
 * the wasm's location. The worker is built on its own (Vite's worker build): it bundles the model again, and its
 * reference to the wasm is given the same name, so one zcsim.wasm serves both.
 */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";
import { noNodeFs } from "./vite.config.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const wasmName = (a: { names?: string[] }) => (a.names?.[0]?.endsWith(".wasm") ? "zcsim.wasm" : "[name][extname]");

export default defineConfig({
  base: "./",
  publicDir: false,
  plugins: [noNodeFs],
  // src/widget/sim.ts: new Worker(new URL("../model/worker-runner.js", import.meta.url), { type: "module" })
  worker: {
    format: "es",
    plugins: () => [noNodeFs],
    rollupOptions: { output: { entryFileNames: "zerocopy-sim-worker.js", assetFileNames: wasmName, codeSplitting: false } },
  },
  build: {
    outDir: here("../dist/widget"),
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "",
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: {
      input: here("../src/widget/index.ts"),
      preserveEntrySignatures: "exports-only",
      output: {
        entryFileNames: "zerocopy-sim.js",
        assetFileNames: wasmName,
        codeSplitting: false,
      },
    },
  },
});
