/**
 * Where the element finds the model's wasm when no `wasm` attribute says otherwise: the build/zcsim.wasm of this
 * package, resolved against this module's own URL. Vite rewrites the reference when it bundles the element, so
 * the built dist/widget/zerocopy-sim.js finds its copy of the wasm beside itself.
 */
export function defaultWasmUrl(): string {
  return new URL("../../build/zcsim.wasm", import.meta.url).href;
}
