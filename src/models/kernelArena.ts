/**
 * The tree engine's memory and randomness: wasmArena lays typed arrays out in one shared
 * WebAssembly memory with the kernel (wasm/treeKernel.as.ts) instantiated on it, so a kernel
 * call passes byte offsets; rngNext is the engine's seeded RNG. Worker threads run these
 * functions from their source text: see kernelFns.ts for the rules that keeps.
 */

import type { Arena, ArenaSpec } from "./kernelTypes";
import type { TreeKernel } from "./wasm/treeKernelExports";
import type { WasmApi, WasmMemory, WasmModule } from "./wasm/wasmApi";

/**
 * Zeroed typed arrays laid out in one fresh shared WebAssembly memory (64-byte aligned, so
 * u32/f64/v128 loads are aligned), with the tree kernel instantiated on it. Shared because
 * the module imports a shared memory: worker threads instantiate the same module on it.
 */
export function wasmArena<S extends ArenaSpec>(module: WasmModule, spec: S): Arena<S> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const bytes = { u8: 1, i32: 4, f64: 8 };
  // Page 0 is the kernel's own: every instantiation (one per worker thread) rewrites its static
  // data there (Math.exp's table sits at 1024), so the arrays start at page 1.
  let top = 65536;
  let largest = { name: "", size: 0 };
  const at: Record<string, number> = {};
  for (const name of Object.keys(spec)) {
    const [kind, n] = spec[name];
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new Error(`tree kernel: array ${name} cannot hold ${n} elements (not a non-negative safe integer)`);
    }
    // Plain arithmetic, not `& ~63`: bitwise operators wrap at 2^31 and turned an absurd size
    // into a negative one.
    const size = Math.ceil((n * bytes[kind]) / 64) * 64;
    at[name] = top;
    top += size;
    if (size > largest.size) largest = { name, size };
  }
  const pages = Math.ceil(top / 65536);
  const gib = (b: number) => (b / 2 ** 30).toFixed(2);
  const need = `the training arrays need ${gib(top)} GiB (the largest, ${largest.name}, ${gib(largest.size)} GiB)`;
  if (pages > 65536) {
    throw new Error(
      `tree kernel: ${need}, beyond WebAssembly's 4 GiB memory (use fewer rows, features or tree levels)`,
    );
  }
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch (e) {
    throw new Error(`tree kernel: ${need} and the memory could not be allocated (${(e as Error).message})`);
  }
  const kernel = new wasm.Instance(module, { env: { memory } }).exports as TreeKernel;
  const out: Record<string, unknown> = { kernel, memory };
  for (const name of Object.keys(spec)) {
    const [kind, n] = spec[name];
    const buf = memory.buffer;
    out[name] =
      kind === "u8"
        ? new Uint8Array(buf, at[name], n)
        : kind === "i32"
          ? new Int32Array(buf, at[name], n)
          : new Float64Array(buf, at[name], n);
  }
  return out as Arena<S>;
}

/** mulberry32; state is a one-element Uint32Array so callers share and advance it. */
export function rngNext(state: Uint32Array): number {
  state[0] = (state[0] + 0x6d2b79f5) >>> 0;
  let t = state[0];
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
