/**
 * Worker threads for the tree engine: eval workers whose script is the engine's functions as
 * source text (kernelFns.ts says why, and what that asks of the engine's files) plus a small
 * entry. Measured here: an eval worker answers its first message after ~20 ms.
 */
import { availableParallelism } from "node:os";
import { type MessagePort, Worker } from "node:worker_threads";
import { kernelSource } from "./kernelFns";

/**
 * `entry` is the body of a function `(workerData, parentPort)`; it sees the engine's functions
 * by name and as `fns` (kernelFns.ts).
 */
export function startWorker(entry: string, workerData: unknown, transferList: MessagePort[] = []): Worker {
  const src = `${kernelSource()}const { workerData, parentPort } = require("node:worker_threads");\n(function (workerData, parentPort) {\n${entry}\n})(workerData, parentPort);\n`;
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
