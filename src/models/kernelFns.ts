/**
 * How the tree engine's functions reach worker threads, and why this way: docs/architecture.md,
 * "How tree work reaches worker threads". Workers get every engine file's functions as source
 * text plus `fns`, one object holding them all; it needs no worker file path and no TypeScript
 * loader, so tsx, vitest and tslab's CommonJS run the same code in both threads. The rules this
 * asks of the engine's files (kernelArena, kernelTasks, growTree, rfGrow, treeTraversal,
 *  and logisticPasses for the logistic objective):
 *  - a call to a function of the same file is a plain call; to another file's, `fns.f(…)`
 *    (an imported name compiles to a module reference the worker does not have);
 *  - every export is a `function` declaration; constants are literals; imports are types only.
 * kernelSource() refuses what breaks them, naming the file and function.
 */

import * as kernelArena from "./kernelArena";
import * as kernelTasks from "./kernelTasks";
import type { KernelFns } from "./kernelTypes";
import * as growTree from "./growTree";
import * as rfGrow from "./rfGrow";
import * as logisticPasses from "./logisticPasses";
import * as treeTraversal from "./treeTraversal";

/** The engine files whose functions workers run. */
const KERNEL_FILES: Record<string, Record<string, unknown>> = {
  kernelArena,
  kernelTasks,
  growTree,
  rfGrow,
  treeTraversal,
  logisticPasses,
};

/** The engine's functions for the main thread, the same object the workers build as `fns`. */
export const kernelFns: KernelFns = {
  ...kernelArena,
  ...kernelTasks,
  ...growTree,
  ...rfGrow,
  ...treeTraversal,
  ...logisticPasses,
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
