import { TREE_KERNEL_WASM_BASE64 } from "./treeKernelBinary";
import type { WasmApi, WasmModule } from "./wasmApi";

let compiled: WasmModule | null = null;

/** The compiled tree kernel (once per process); a Module can be posted to worker threads. */
export function treeKernelModule(): WasmModule {
  if (compiled === null) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    compiled = new wasm.Module(Buffer.from(TREE_KERNEL_WASM_BASE64, "base64"));
  }
  return compiled;
}
