/** The demo site: `npm run dev` serves it, `npm run build:web` writes it to dist/web/ (relative paths: any static server). */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "./",
  publicDir: false,
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
