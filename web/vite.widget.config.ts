/**
 * The element as one ES module, dist/widget/zerocopy-sim.js, with the model's wasm emitted beside it
 * (dist/widget/zcsim.wasm). The model finds it through new URL("zcsim.wasm", import.meta.url), so the two files go
 * together anywhere; the element's `wasm` attribute overrides the location.
 */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";
import { noNodeFs } from "./vite.config.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  base: "./",
  publicDir: false,
  plugins: [noNodeFs],
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
        assetFileNames: (a) => (a.names?.[0]?.endsWith(".wasm") ? "zcsim.wasm" : "[name][extname]"),
        inlineDynamicImports: true,
      },
    },
  },
});
