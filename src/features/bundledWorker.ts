/**
 * Eval workers whose small script bundles a TypeScript entry file with esbuild (a declared
 * dependency, which tsx also runs on) into CommonJS and runs it, with `require` rooted at the
 * entry's directory (packages stay external). Bundling happens in the worker, on its own core,
 * so starting one costs the main thread nothing. Works under tsx, vitest and tslab's CommonJS.
 * Used by the feature workers (featureThreads.ts) and the backtest's sweep workers, each through
 * a {@link BundledWorkerPool} of its own.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

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

/** Threads to use: `threads` if > 0, else every core. */
export function resolveThreadCount(threads = 0): number {
  return threads > 0 ? Math.floor(threads) : Math.max(1, availableParallelism());
}

/**
 * One entry file's workers for the process, started on first use and grown on demand (unref'd:
 * they never keep a process alive). Each worker gets `{ port }` in its workerData, the far end
 * of its result channel (`ports[w]` here, read synchronously by the owner), and posts one
 * message once its bundle runs.
 */
export class BundledWorkerPool {
  readonly workers: Worker[] = [];
  /** Main-thread ends of the workers' result channels. */
  readonly ports: MessagePort[] = [];
  /** Per worker: resolves true once its bundle runs, false if it failed to start. */
  private readonly ready: Promise<boolean>[] = [];
  /** Undefined until first use; null when no entry or esbuild was found. */
  private bundled: BundledEntry | null | undefined = undefined;
  /** Set when workers are unavailable (no entry, no esbuild, a worker failed): the owner stays on its thread. */
  broken = false;

  /**
   * `locate` finds the entry (a closure in the owner's module calling {@link bundledEntry}, so
   * the owner's file is on the stack); `failure` starts the warning a failed worker emits.
   */
  constructor(
    private readonly locate: () => BundledEntry | null,
    private readonly failure: string,
  ) {}

  /** Grows the pool to `n` workers; false when workers are unavailable. */
  grow(n: number): boolean {
    if (this.broken) return false;
    if (this.bundled === undefined) this.bundled = this.locate();
    if (this.bundled === null) {
      this.broken = true;
      return false;
    }
    while (this.workers.length < n) {
      const { port1, port2 } = new MessageChannel();
      const worker = startBundledWorker(this.bundled, { port: port2 }, [port2]);
      this.ready.push(
        new Promise<boolean>((resolve) => {
          worker.once("message", () => resolve(true));
          worker.on("error", (e) => {
            this.broken = true;
            process.emitWarning(`${this.failure} (${e.message})`);
            resolve(false);
          });
        }),
      );
      this.workers.push(worker);
      this.ports.push(port1);
    }
    return true;
  }

  /** Workers that can take work now (0 before the first start or once broken). */
  get usable(): number {
    return this.broken ? 0 : this.workers.length;
  }

  /**
   * Starts `n` workers whatever the work and resolves once they run: true, or false when workers
   * are unavailable. For tests and benchmarks, which measure warm workers.
   */
  async whenReady(n: number): Promise<boolean> {
    if (n < 1 || !this.grow(n)) return false;
    const workers = this.workers.slice(0, n);
    // Held while waiting: unref'd workers alone would let the process exit under the caller's await.
    for (const w of workers) w.ref();
    const up = await Promise.all(this.ready.slice(0, n));
    for (const w of workers) w.unref();
    return up.every(Boolean) && !this.broken;
  }
}
