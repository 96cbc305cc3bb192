/**
 * zerocopy-sim/wasm: where the model's WebAssembly module is, for a page or a worker that fetches and compiles it
 * itself (loadSimulator({ wasm: wasmUrl }) or WebAssembly.compileStreaming(fetch(wasmUrl))). Bundlers resolve the
 * literal at build time and emit the file beside the bundle. From src/ it is the repository's build/; from dist/src/
 * it is dist/build/ (scripts/copy-wasm.mjs).
 */
export const wasmUrl: URL = new URL("../build/zcsim.wasm", import.meta.url);
