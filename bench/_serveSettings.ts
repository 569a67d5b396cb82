/** How the serving benchmark starts the service, the same in its own process and in a child. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type ServeOptions, serveForecasts } from "../src/serving";
import { type OpenStoreOptions, openStore, type Store } from "../src/store";
import { MlflowClient } from "../src/tracking";

export interface ServeSettings {
  model: string;
  store: OpenStoreOptions;
  trackingUri: string;
}

export interface BenchService {
  url: string;
  /** Process start of the service (store open, model loaded, feeds warm) to listening. */
  warmupSeconds: number;
  close(): Promise<void>;
}

/**
 * No polls (the benchmark decides when bars arrive: a late `asof` makes the forecaster read them),
 * loopback without tokens, and a rate limit no benchmark reaches.
 */
export function serviceOptions(s: ServeSettings, store: Store, client: MlflowClient): ServeOptions {
  return {
    model: s.model,
    store,
    client,
    pollMs: 0,
    refreshMs: 0,
    port: 0,
    host: "127.0.0.1",
    logger: false,
    allowAnonymous: true,
    rateLimit: { max: 1e9, windowMs: 60_000 },
    announcements: null,
  };
}

/** The service in this process. */
export async function serveHere(s: ServeSettings): Promise<BenchService> {
  const t0 = performance.now();
  const store = await openStore(s.store);
  const service = await serveForecasts(serviceOptions(s, store, new MlflowClient({ trackingUri: s.trackingUri })));
  return {
    url: service.url,
    warmupSeconds: (performance.now() - t0) / 1000,
    close: async () => {
      await service.close();
      await store.close();
    },
  };
}

/** The service in a child process (bench/_serveChild.ts); its warm-up excludes Node's own start. */
export function serveInChild(s: ServeSettings): Promise<BenchService> {
  const child = fork(fileURLToPath(new URL("./_serveChild.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_SERVE: JSON.stringify(s) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench/_serveChild.ts exited with ${code} before listening`)));
    child.once("message", (m) => {
      const { url, warmupSeconds } = m as { url: string; warmupSeconds: number };
      resolve({
        url,
        warmupSeconds,
        close: async () => {
          child.send("close");
          await exited;
        },
      });
    });
  });
}
