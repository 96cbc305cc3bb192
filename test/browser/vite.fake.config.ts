/** The demo built against test/browser/fake-model.ts instead of src/model (for work on the views before the model lands). */
import { defineConfig, mergeConfig } from "vite";
import { fileURLToPath } from "node:url";
import base from "../../web/vite.config.ts";

export default mergeConfig(base, defineConfig({
  plugins: [{
    name: "fake-model",
    enforce: "pre",
    resolveId(id) {
      if (/\/model\/index\.js$/.test(id)) return fileURLToPath(new URL("./fake-model.ts", import.meta.url));
      if (/wasm-url\.(js|ts)$/.test(id)) return "\0fake-wasm-url";
      return null;
    },
    // an empty wasm module: the fake model never instantiates it
    load(id) { return id === "\0fake-wasm-url" ? "export const defaultWasmUrl = () => 'data:application/wasm;base64,AGFzbQEAAAA=';" : null; },
  }],
  build: { outDir: fileURLToPath(new URL("../../dist/web-fake", import.meta.url)) },
}));
