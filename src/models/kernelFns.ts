/**
 * How the tree engine's functions reach worker threads (docs/architecture.md, "How tree work
 * reaches worker threads"). A worker runs the engine files' functions from their source text
 * (`Function.prototype.toString`), declared at the top level of an eval worker's script, plus
 * `fns`, one object holding them all. That needs no path to a worker file (src/ may not use
 * import.meta: tslab compiles notebooks' imports to CommonJS) and no TypeScript loader in the
 * worker (a `.ts` worker with `execArgv: ["--import", "tsx"]` fails on Node 20.20 with
 * ERR_UNKNOWN_FILE_EXTENSION, and vitest's transform never reaches a worker).
 *
 * Source text keeps only what the function itself says, so the engine files keep two rules:
 *  - A call to a function of the same file is a plain call (it stays `f(…)` in every module
 *    format). A call to another file's function goes through `fns.f(…)`: imported, it would
 *    compile to `(0, import_x.f)(…)` under tslab or `(0, __vite_ssr_import_0__.f)(…)` under
 *    vitest, names that do not exist in the worker. A property access on a parameter is left
 *    alone by every format, so tsx, vitest and tslab run the same code in both threads.
 *  - Every function is an exported `function` declaration (so it is shipped, under its name);
 *    constants are literals; imports are types only.
 * kernelSource checks what it can (names, no module references) and throws otherwise;
 * test/models/kernelFns.test.ts runs it.
 */

import * as kernelArena from "./kernelArena";
import * as kernelTasks from "./kernelTasks";
import type { KernelFns } from "./kernelTypes";
import * as growTree from "./growTree";
import * as rfGrow from "./rfGrow";
import * as treeTraversal from "./treeTraversal";

/** The engine files whose functions workers run. */
const KERNEL_FILES: Record<string, Record<string, unknown>> = {
  kernelArena,
  kernelTasks,
  growTree,
  rfGrow,
  treeTraversal,
};

/** The engine's functions for the main thread, the same object the workers build as `fns`. */
export const kernelFns: KernelFns = {
  ...kernelArena,
  ...kernelTasks,
  ...growTree,
  ...rfGrow,
  ...treeTraversal,
};

// Module references as each runtime compiles an import: tslab's TypeScript (`x_1.f`), esbuild's
// CommonJS (`import_x.f`), vitest (`__vite_ssr_import_0__.f`).
const MODULE_REFERENCE = /\b(?:[A-Za-z_$][\w$]*_\d+|import_[\w$]+|__vite_ssr_\w+|__vi_\w+)\s*\.\s*[A-Za-z_$][\w$]*/;

let source: string | null = null;

/**
 * The workers' script prelude: every engine function as a top-level declaration and `fns`.
 * The `__name` shim covers esbuild's keepNames helper that tsx inserts into function bodies.
 */
export function kernelSource(): string {
  if (source !== null) return source;
  const names: string[] = [];
  const decls: string[] = [];
  for (const [file, exports] of Object.entries(KERNEL_FILES)) {
    for (const [name, value] of Object.entries(exports)) {
      names.push(name);
      decls.push(shippableSource(file, name, value));
    }
  }
  source = `"use strict";\nconst __name = (f) => f;\n${decls.join("\n")}\nconst fns = { ${names.join(", ")} };\n`;
  return source;
}

/**
 * The source text of engine file `file`'s export `name`, checked as far as text allows: a
 * `function` declaration under its export name, with no reference to another module.
 */
export function shippableSource(file: string, name: string, value: unknown): string {
  if (typeof value !== "function") {
    throw new Error(`tree kernel: ${file}.ts exports ${name}, not a function (engine files export only functions)`);
  }
  const text = value.toString();
  if (!text.startsWith(`function ${name}(`)) {
    throw new Error(`tree kernel: ${file}.ts's ${name} is not a function declaration named ${name}`);
  }
  const ref = MODULE_REFERENCE.exec(text);
  if (ref !== null) {
    throw new Error(
      `tree kernel: ${file}.ts's ${name} refers to another module (${ref[0]}); call other engine files through fns`,
    );
  }
  return text;
}
