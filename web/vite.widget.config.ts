/**
 * The element as one ES module: dist/widget/zerocopy-sim.js, with the model's wasm emitted beside it
 * (dist/widget/zcsim.wasm). The element finds the wasm relative to its own URL; its `wasm` attribute overrides.
 */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  publicDir: false,
  build: {
    outDir: here("../dist/widget"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    lib: { entry: here("../src/widget/index.ts"), formats: ["es"], fileName: () => "zerocopy-sim.js" },
    rollupOptions: { output: { assetFileNames: (a) => (a.names?.[0]?.endsWith(".wasm") ? "zcsim.wasm" : "[name][extname]") } },
  },
});
