/**
 * Eval workers whose small script bundles a TypeScript entry file with esbuild (a declared
 * dependency, which tsx also runs on) into CommonJS and runs it, with `require` rooted at the
 * entry's directory (packages stay external). Bundling happens in the worker, on its own core,
 * so starting one costs the main thread nothing. Works under tsx, vitest and tslab's CommonJS.
 * Used by the feature workers (featureThreads.ts) and the backtest's sweep workers.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type MessagePort, Worker } from "node:worker_threads";

const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const esbuild = require(workerData.esbuild);
const built = esbuild.buildSync({
  entryPoints: [workerData.entry], bundle: true, write: false, format: "cjs", platform: "node",
  packages: "external", logLevel: "silent",
});
const module = { exports: {} };
new Function("require", "module", "exports", "workerData", built.outputFiles[0].text)(
  createRequire(workerData.entry), module, module.exports, workerData);
`;

/** A worker entry file and the esbuild that bundles it. */
export interface BundledEntry {
  entry: string;
  esbuild: string;
}

/**
 * The entry `entryFile` beside the calling module `callerFile` (its name without extension):
 * in `dirname` when the caller passes its `__dirname` (CommonJS: tslab, vitest), else in the
 * directory of the caller's stack frame (tsx runs src/ as ES modules, without `import.meta` in
 * the source as notebooks need). Null when no such file is found or esbuild cannot be resolved:
 * the caller then runs everything on its own thread.
 */
export function bundledEntry(dirname: string | null, callerFile: string, entryFile: string): BundledEntry | null {
  let dir = dirname;
  if (dir === null) {
    const frame = new RegExp(`(?:file://)?(/[^\\s():]*)/${callerFile}\\.[cm]?[jt]s:\\d+:\\d+`).exec(
      new Error().stack ?? "",
    );
    dir = frame ? frame[1] : null;
  }
  if (dir === null || !existsSync(join(dir, entryFile))) return null;
  try {
    return { entry: join(dir, entryFile), esbuild: createRequire(join(dir, entryFile)).resolve("esbuild") };
  } catch {
    return null;
  }
}

/**
 * Starts the worker (unref'd: it never keeps a process alive). Its script sees `workerData`
 * with `data`'s fields; `transferList` moves ports into it.
 */
export function startBundledWorker(
  bundled: BundledEntry,
  data: Record<string, unknown>,
  transferList: MessagePort[] = [],
): Worker {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    // No inherited loaders (tsx, vitest, tslab's preload): the bundle is plain CommonJS.
    execArgv: [],
    workerData: { ...data, esbuild: bundled.esbuild, entry: bundled.entry },
    transferList,
  });
  worker.unref();
  return worker;
}
