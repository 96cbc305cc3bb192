/**
 * Loading the model's wasm (a WASI reactor) through @bjorn3/browser_wasi_shim, without asc's JS bindings.
 * Browser-safe: Node's file system is reached only through a dynamic import when no wasm is given.
 */
import { WASI } from "@bjorn3/browser_wasi_shim";

/** The model's exports (assembly/index.ts). int64 values cross as bigint. */
export interface ModelExports {
  memory: WebAssembly.Memory;
  zc_alloc(bytes: number): number;
  zc_free(ptr: number): void;
  zc_load(ptr: number, nwords: number): number;
  zc_set_knob(id: number, value: bigint): void;
  zc_clear_knobs(): void;
  zc_setup(): number;
  zc_run(max: bigint): number;
  zc_step(): number;
  zc_status(): number;
  zc_pc(): number;
  zc_steps(): bigint;
  zc_counters_ptr(): number;
  zc_counter_count(): number;
  zc_calls_ptr(): number;
  zc_trace_ptr(): number;
  zc_trace_len(): bigint;
  zc_trace_dropped(): bigint;
  zc_errors_ptr(): number;
  zc_errors_len(): number;
  zc_signals_ptr(): number;
  zc_signals_len(): number;
  zc_sinks_ptr(): number;
  zc_sinks_len(): number;
  zc_pattern_word(file: number, off: bigint, version: number): bigint;
  zc_test_corrupt(kind: number, pos: bigint): void;
  zc_set_digest(on: number): void;
  zc_regs_ptr(): number;
  zc_memory_bytes(): bigint;
  zc_model_bytes(): bigint;
  zc_frames_peak(): bigint;
}

export type WasmSource = BufferSource | URL | WebAssembly.Module;

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/**
 * Where the built wasm lives relative to this module: one place, so that a bundler (Vite, Rollup, webpack) resolves
 * the literal at build time and emits it, and a page never asks for a second guess. From src/model that is the
 * repository's build/; from dist/src/model it is dist/build/, where `npm run build:ts` puts a copy
 * (scripts/copy-wasm.mjs). In Node, ZCSIM_WASM names another build instead (an absolute path): the tests use it to
 * run the whole command on a deliberately broken model.
 */
function defaultUrls(): URL[] {
  const over = isNode ? process.env.ZCSIM_WASM : undefined;
  if (over) return [new URL(`file://${over.startsWith("/") ? "" : "/"}${over}`)];
  return [new URL("../../build/zcsim.wasm", import.meta.url)];
}

async function readUrl(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === "file:" && isNode) {
    // a name bundlers leave alone: a page never takes this branch, and a browser build must not warn about node:fs
    const name = "node:fs/promises";
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import("node:fs/promises");
    return fs.readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url.href}: ${res.status}`);
  return res.arrayBuffer();
}

let cachedModule: Promise<WebAssembly.Module> | null = null;

/** Compiles the model's module (the default build is compiled once and cached). */
export async function compileModel(src?: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof URL) return WebAssembly.compile((await readUrl(src)) as BufferSource);
  if (src) return WebAssembly.compile(src);
  if (!cachedModule) {
    cachedModule = (async () => {
      let lastErr: unknown = null;
      for (const u of defaultUrls()) {
        try {
          return await WebAssembly.compile((await readUrl(u)) as BufferSource);
        } catch (e) {
          lastErr = e;
        }
      }
      throw new Error(`zcsim.wasm not found (run npm run build:wasm): ${String(lastErr)}`);
    })();
    cachedModule.catch(() => { cachedModule = null; });
  }
  return cachedModule;
}

/** Instantiates one model: its own memory, its own machine. */
export async function instantiateModel(mod: WebAssembly.Module): Promise<ModelExports> {
  const wasi = new WASI([], [], [], { debug: false });
  const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport as unknown as WebAssembly.ModuleImports });
  wasi.initialize(inst as unknown as { exports: { memory: WebAssembly.Memory; _initialize?: () => unknown } });
  return inst.exports as unknown as ModelExports;
}
