/**
 * The slice of the WebAssembly JS API the tree kernel uses, typed here because the project's
 * `lib` (ES2023, no DOM) declares no WebAssembly globals. Callers read the global inside their
 * function (`globalThis as unknown as { WebAssembly: WasmApi }`), not through a module constant,
 * because kernel.ts functions run as source text in workers.
 */
export interface WasmModule {
  readonly __brand: "WebAssembly.Module";
}
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number; shared: true }) => WasmMemory;
}
