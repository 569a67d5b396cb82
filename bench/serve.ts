/**
 * `npm run bench -- serve`: the forecast service (`serveForecasts`) over loopback HTTP.
 *
 * Setup (untimed): the local MLflow server (one that answers, else started and stopped after);
 * a fresh PostgreSQL schema (DATABASE_URL, else 127.0.0.1:5432/test; dropped after) holding the
 * bundled data and the universe, and the planted-signal market less its last COLD_BARS sessions;
 * two champions (bench/_serveModels.ts; trained once, then found in the registry by config hash).
 * The service runs in a child process unless BENCH_SERVE_IN_PROCESS=1 (the cached path is also
 * measured with the service in this process, beside autocannon, for comparison).
 *
 * 1. Cached: POST /v1/forecast for PLNT as of the last stored bar (computed once before),
 *    100 connections for CACHED_SECONDS with autocannon; every answer must say `cached: true`.
 * 2. Cold: COLD_BARS requests on 10 connections, each for a bar no request asked before. Before
 *    each request (untimed) the next held-back session of PLNT and its context SENT is stored;
 *    the request names it as `asof`, so the forecaster, whose last bar is older, reads the store
 *    (catalog and the new bars), streams them into the feed (incremental features), predicts and
 *    inserts the signal. Ten requests are in flight, so a request may find its bar already
 *    streamed by a neighbour's refresh: it still predicts and inserts. Answers must say
 *    `cached: false`.
 * 3. Batch: the universe champion served by a service of its own: warm-up (fork → listening,
 *    and the child's own open → listening) reported apart from one POST /v1/forecast/batch of the
 *    universe's 480 names with no `asof` (each as of its last bar). Names the model was not
 *    trained on (too few bars) come back as per-ticker errors, counted.
 * Client latency (ms) beside the service's own `latencyMs`. Last line: the issue's JSON.
 */
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { barsBetween, loadUniverse, plantedSignalMarket } from "../src/data";
import { type Forecast, ingestData, storeQuery } from "../src/pipeline";
import { ensureMlflowServer, postgresAnswers, stopMlflowServer } from "../src/services";
import { openStore, type Store } from "../src/store";
import { MlflowClient } from "../src/tracking";
import { benchChampion, plantedBenchConfig, universeBenchConfig } from "./_serveModels";
import { type BenchService, type ServeSettings, serveHere, serveInChild } from "./_serveSettings";

const CACHED_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 10);
const CACHED_CONNECTIONS = 100;
const COLD_BARS = Number(process.env.BENCH_SERVE_COLD ?? 300);
const COLD_CONNECTIONS = 10;
const IN_PROCESS = process.env.BENCH_SERVE_IN_PROCESS === "1";
/** A smoke run: the first N universe names only (trained and asked for); default all 480. */
const UNIVERSE_NAMES = process.env.BENCH_SERVE_TICKERS ? Number(process.env.BENCH_SERVE_TICKERS) : undefined;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

/** Nearest-rank percentile of unsorted samples. */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

interface Latencies {
  client: number[];
  server: number[];
}

function describe(what: string, l: Latencies): string {
  const f = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(2)}  p95 ${percentile(xs, 95).toFixed(2)}  p99 ${percentile(xs, 99).toFixed(2)}`;
  return `  ${what}: ${l.client.length} requests\n    client ms   ${f(l.client)}\n    service ms  ${f(l.server)} (Forecast.latencyMs)`;
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function forecastOk(res: Response, what: string): Promise<Forecast> {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Forecast;
}

/** The cached path under autocannon; throws on any non-200 or uncached answer. */
async function cachedPath(service: BenchService, asof: string): Promise<Latencies & { rps: number }> {
  const body = JSON.stringify({ ticker: "PLNT", asof });
  await forecastOk(await post(service.url, "/v1/forecast", JSON.parse(body)), "priming request");
  const out: Latencies = { client: [], server: [] };
  let uncached = 0;
  const instance = autocannon({
    url: service.url,
    connections: CACHED_CONNECTIONS,
    duration: CACHED_SECONDS,
    requests: [
      {
        method: "POST",
        path: "/v1/forecast",
        headers: { "content-type": "application/json" },
        body,
        onResponse: (status, text) => {
          if (status !== 200) return;
          const f = JSON.parse(text) as Forecast;
          if (!f.cached) uncached++;
          out.server.push(f.latencyMs);
        },
      },
    ],
  }).on("response", (_c, _s, _b, ms) => out.client.push(ms));
  autocannon.track(instance, { renderResultsTable: false, renderLatencyTable: false });
  const result = await instance;
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0 || uncached > 0) {
    throw new Error(
      `cached path: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${uncached} uncached`,
    );
  }
  return { ...out, rps: result.requests.total / result.duration };
}

/** The cold path: each request for a session stored just before it (see the header). */
async function coldPath(service: BenchService, store: Store, held: number[]): Promise<Latencies> {
  const m = plantedSignalMarket();
  const out: Latencies = { client: [], server: [] };
  let next = 0;
  // Sessions are stored one at a time and in order: the forecaster reads bars after its last one.
  let storing: Promise<unknown> = Promise.resolve();
  const storeSession = (ts: number) => {
    storing = storing.then(() =>
      store.ingest([barsBetween(m.asset, ts, ts + 1), barsBetween(m.context, ts, ts + 1)], {
        source: "synthetic:planted-signal",
      }),
    );
    return storing;
  };
  const worker = async () => {
    for (let i = next++; i < held.length; i = next++) {
      const ts = held[i] as number;
      await storeSession(ts);
      const t0 = performance.now();
      const res = await post(service.url, "/v1/forecast", { ticker: "PLNT", asof: new Date(ts).toISOString() });
      const f = await forecastOk(res, `cold request ${i}`);
      out.client.push(performance.now() - t0);
      if (f.cached || Date.parse(f.barTime) !== ts) {
        throw new Error(
          `cold request ${i}: got bar ${f.barTime} (cached ${f.cached}), asked ${new Date(ts).toISOString()}`,
        );
      }
      out.server.push(f.latencyMs);
      if (out.client.length % 50 === 0) process.stdout.write(`    ${out.client.length}/${held.length}\n`);
    }
  };
  await Promise.all(Array.from({ length: COLD_CONNECTIONS }, worker));
  return out;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

if (!(await postgresAnswers(DATABASE_URL))) {
  throw new Error(`bench/serve.ts needs PostgreSQL at ${DATABASE_URL} (set DATABASE_URL)`);
}
const schema = `bench_serve_${randomBytes(4).toString("hex")}`;
const mlflow = await ensureMlflowServer();
const client = new MlflowClient({ trackingUri: mlflow.uri, backoffMs: 20 });
const storeOptions = { url: DATABASE_URL, schema };
let store: Store | null = null;
const started: BenchService[] = [];
const serve = async (s: ServeSettings, inProcess = IN_PROCESS) => {
  const service = await (inProcess ? serveHere(s) : serveInChild(s));
  started.push(service);
  return service;
};
try {
  console.log(`store: PostgreSQL ${DATABASE_URL} schema ${schema}; MLflow ${mlflow.uri}`);
  let t0 = performance.now();
  await ingestData({ bundled: true, store: storeOptions });
  store = await openStore(storeOptions);
  const market = plantedSignalMarket();
  const cut = market.asset.ts[market.asset.ts.length - COLD_BARS] as number;
  const held = Array.from(market.asset.ts.subarray(market.asset.ts.length - COLD_BARS));
  await store.ingest(
    [
      barsBetween(market.asset, Number.NEGATIVE_INFINITY, cut),
      barsBetween(market.context, Number.NEGATIVE_INFINITY, cut),
    ],
    {
      source: "synthetic:planted-signal",
    },
  );
  console.log(
    `  bundled data, universe and PLNT/SENT before ${new Date(cut).toISOString().slice(0, 10)} stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const planted = await benchChampion(plantedBenchConfig(), { client, trackingUri: mlflow.uri, progress: false });
  const universeConfig = universeBenchConfig(UNIVERSE_NAMES);
  const trainedCount = universeConfig.config.data.tickers.length;
  console.log(`universe champion: ${trainedCount} tickers (training when the registry has none; slow)`);
  const universe = await benchChampion(universeConfig, {
    client,
    trackingUri: mlflow.uri,
    fromStore: storeQuery(store),
    progress: true,
  });
  for (const c of [planted, universe]) {
    const how =
      c.trainedSeconds === null ? "found in the registry" : `trained and promoted in ${c.trainedSeconds.toFixed(1)} s`;
    console.log(`  ${c.modelName}/${c.version}: ${how}`);
  }

  const where = IN_PROCESS ? "in this process" : "in a child process";
  const plantedSettings = { model: planted.modelName, store: storeOptions, trackingUri: mlflow.uri };
  const lastStored = new Date(market.asset.ts[market.asset.ts.length - COLD_BARS - 1] as number).toISOString();
  console.log(
    `cached path: PLNT as of ${lastStored}, ${CACHED_CONNECTIONS} connections, ${CACHED_SECONDS} s, service ${where}`,
  );
  const plantedService = await serve(plantedSettings);
  const cached = await cachedPath(plantedService, lastStored);
  console.log(describe(`service ${where}`, cached));
  console.log(`    ${cached.rps.toFixed(0)} requests/s`);
  let other: (Latencies & { rps: number }) | null = null;
  if (!IN_PROCESS) {
    console.log("cached path again, the service in this process beside autocannon (comparison)");
    const here = await serve(plantedSettings, true);
    other = await cachedPath(here, lastStored);
    console.log(describe("service in this process", other));
    console.log(`    ${other.rps.toFixed(0)} requests/s`);
    await here.close();
    started.pop();
  }

  console.log(`cold path: ${COLD_BARS} new sessions of PLNT, ${COLD_CONNECTIONS} connections, service ${where}`);
  const cold = await coldPath(plantedService, store, held);
  console.log(describe("cold (store read + stream + features + predict + signal insert)", cold));

  const names = [...loadUniverse().keys()].sort().slice(0, UNIVERSE_NAMES);
  console.log(
    `batch: ${universe.modelName}/${universe.version} served ${where}; ${names.length} tickers as of their last bar`,
  );
  t0 = performance.now();
  const batchService = await serve({ model: universe.modelName, store: storeOptions, trackingUri: mlflow.uri });
  const warmup = (performance.now() - t0) / 1000;
  console.log(
    `  warm-up ${warmup.toFixed(1)} s (start → listening; the service's own open → listening ${batchService.warmupSeconds.toFixed(1)} s)`,
  );
  t0 = performance.now();
  const res = await post(batchService.url, "/v1/forecast/batch", { tickers: names });
  const batch = (await res.json()) as {
    forecasts: Forecast[];
    errors: { ticker: string; code: string }[];
  };
  const batchSeconds = (performance.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`batch: HTTP ${res.status} ${JSON.stringify(batch)}`);
  const serverBatch = batch.forecasts.reduce((s, f) => s + f.latencyMs, 0) / 1000;
  console.log(
    `  ${batch.forecasts.length} forecasts, ${batch.errors.length} errors (${batch.errors.map((e) => `${e.ticker} ${e.code}`).join(", ")}) in ${batchSeconds.toFixed(2)} s` +
      ` (service: Σ latencyMs ${serverBatch.toFixed(2)} s, median ${percentile(
        batch.forecasts.map((f) => f.latencyMs),
        50,
      ).toFixed(2)} ms per ticker)`,
  );
  t0 = performance.now();
  await post(batchService.url, "/v1/forecast/batch", { tickers: names }).then((r) => r.json());
  const batchAgain = (performance.now() - t0) / 1000;
  console.log(`  the same batch again (every forecast cached): ${batchAgain.toFixed(2)} s`);
  console.log("(2-core machine shared with other work; client and server share the cores: figures are noisy)");
  const batchKey = `batch_${names.length}_tickers_s`;
  console.log(
    JSON.stringify({
      forecast_p50_ms: percentile(cached.client, 50),
      forecast_p95_ms: percentile(cached.client, 95),
      forecast_p99_ms: percentile(cached.client, 99),
      forecast_rps: cached.rps,
      forecast_service_p95_ms: percentile(cached.server, 95),
      ...(other
        ? { forecast_in_process_p95_ms: percentile(other.client, 95), forecast_in_process_rps: other.rps }
        : {}),
      forecast_cold_p50_ms: percentile(cold.client, 50),
      forecast_cold_p95_ms: percentile(cold.client, 95),
      forecast_cold_p99_ms: percentile(cold.client, 99),
      forecast_cold_service_p95_ms: percentile(cold.server, 95),
      [batchKey]: batchSeconds,
      batch_warmup_s: warmup,
      batch_cached_s: batchAgain,
    }),
  );
} finally {
  for (const s of started.reverse()) await s.close().catch(() => undefined);
  await store?.close();
  await dropSchema(schema);
  if (mlflow.started) await stopMlflowServer();
}
