/** The demo site: `npm run dev` serves it, `npm run build:web` writes it to dist/web/ (relative paths: any static server). */
import { defineConfig, type Plugin } from "vite";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The model reads its wasm with node:fs only under Node; in a page that import is never taken. */
export const noNodeFs: Plugin = {
  name: "zcsim-no-node-fs",
  enforce: "pre",
  resolveId: (id) => (id === "node:fs/promises" ? "\0zcsim-no-node-fs" : null),
  load: (id) => (id === "\0zcsim-no-node-fs" ? "export function readFile() { throw new Error('no file system in a browser'); }" : null),
};

export default defineConfig({
  root: here("."),
  base: "./",
  // copied as they are: the native result the embed page shows beside the model's counters
  publicDir: here("public"),
  plugins: [noNodeFs],
  // the element's model worker (src/widget/sim.ts): a module worker, the model and its wasm bundled in
  worker: { format: "es", plugins: () => [noNodeFs], rollupOptions: { output: { codeSplitting: false } } },
  server: { fs: { allow: [here("..")] } },
  build: {
    outDir: here("../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { index: here("index.html"), embed: here("embed.html") } },
  },
});
