/**
 * Worker threads for the tree engine. A worker's code is the kernel's functions as source text
 * plus a small entry function: no worker file path (src/ may not use import.meta, and tslab
 * compiles to CommonJS) and no TS loader in the worker. Measured here: an eval worker answers
 * its first message after ~20 ms; a `.ts` worker started with
 * `execArgv: ["--import", "tsx"]` fails on Node 20.20 (ERR_UNKNOWN_FILE_EXTENSION: the loader
 * is not applied inside the worker), so a file-based worker would have to be plain .mjs and
 * duplicate the kernel.
 */
import { availableParallelism } from "node:os";
import { type MessagePort, Worker } from "node:worker_threads";
import {
  featureShareStart,
  gbmWorkerLoop,
  growTree,
  leafOfBinned,
  rfGrowTrees,
  rngNext,
  runNodeTask,
  wasmArena,
  joinTask,
  postTask,
  rowShareStart,
  runRowTask,
} from "./kernel";

const KERNEL: readonly ((...args: never[]) => unknown)[] = [
  rngNext,
  wasmArena,
  featureShareStart,
  rowShareStart,
  runNodeTask,
  runRowTask,
  postTask,
  joinTask,
  growTree,
  gbmWorkerLoop,
  leafOfBinned,
  rfGrowTrees,
];

let kernelSource: string | null = null;

/**
 * `entry` is the body of a function `(workerData, parentPort)`. The `__name` shim covers
 * esbuild's keepNames helper that tsx inserts into compiled function bodies.
 */
export function startWorker(entry: string, workerData: unknown, transferList: MessagePort[] = []): Worker {
  if (kernelSource === null) {
    kernelSource = `"use strict";\nconst __name = (f) => f;\n${KERNEL.map((f) => f.toString()).join("\n")}\n`;
  }
  const src = `${kernelSource}const { workerData, parentPort } = require("node:worker_threads");\n(function (workerData, parentPort) {\n${entry}\n})(workerData, parentPort);\n`;
  const w = new Worker(src, { eval: true, workerData, transferList });
  w.unref();
  return w;
}

/** Threads to use: the parameter if > 0, else every core. */
export function resolveThreads(n: number): number {
  return n > 0 ? n : Math.max(1, availableParallelism());
}

/** Resolves once the worker runs (its first message) or rejects with its error. */
export function firstMessage<T>(w: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    w.once("error", onError);
    w.once("message", (m: T) => {
      w.off("error", onError);
      resolve(m);
    });
  });
}
