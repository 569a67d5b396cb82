/**
 * The serving benchmark's models, each trained and promoted once: the registered model is named
 * after the config's hash, so a later run finds its champion in the registry and skips training
 * (an edit of the source config trains anew).
 * - The planted-signal fixture (experiments/fixtures/planted-signal.yaml): one ticker, PLNT.
 * - experiments/universe-daily.yaml with the bundled universe's names as its tickers, read from
 *   the store (`data.source: store`: the universe is not in data/daily, so the bundled source
 *   cannot load its names one by one).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Document, parseDocument } from "yaml";
import { loadUniverse } from "../src/data";
import { type LoadedConfig, parseConfig, promoteRun, runTracked, type StoreQuery } from "../src/pipeline";
import { type MlflowClient, ModelRegistry } from "../src/tracking";

const PLANTED = "experiments/fixtures/planted-signal.yaml";
const UNIVERSE = "experiments/universe-daily.yaml";

/** `file` edited, tracked under `experiment` as the model `<experiment>-<config hash>`. */
function benchConfig(file: string, experiment: string, edit: (doc: Document) => void = () => undefined): LoadedConfig {
  const doc = parseDocument(readFileSync(file, "utf8"));
  edit(doc);
  const draft = parseConfig(doc.toString(), file);
  doc.setIn(["tracking", "experiment"], experiment);
  doc.setIn(["tracking", "model_name"], `${experiment}-${draft.hash.slice(0, 12)}`);
  return parseConfig(doc.toString(), `${file} (edited by bench/serve)`);
}

export function plantedBenchConfig(): LoadedConfig {
  return benchConfig(PLANTED, "bench-serve-planted");
}

/** Fewest bars a universe name needs: SNI has 2 (the labels' horizon is 5) and CSRA 17. */
const MIN_TRAINED_BARS = 100;
/** universe-daily's final holdout (P6M), in days: the backtest needs each ticker's bars there. */
const HOLDOUT_DAYS = 183;

/**
 * universe-daily over the universe's names that it can train on (sorted; the first `count` of
 * them when given): at least MIN_TRAINED_BARS bars, still trading in the final holdout. Eight of
 * the 480 are not (acquired or delisted by mid-2019: AET, ANDV, CA, CSRA, ESRX, EVHC, SNI, TWX).
 */
export function universeBenchConfig(count?: number): LoadedConfig {
  const universe = [...loadUniverse()];
  const lastOf = (ts: Float64Array) => ts[ts.length - 1] as number;
  const end = Math.max(...universe.map(([, bars]) => lastOf(bars.ts)));
  const trainable = universe
    .filter(([, b]) => b.ts.length >= MIN_TRAINED_BARS && lastOf(b.ts) >= end - HOLDOUT_DAYS * 86_400_000)
    .map(([t]) => t);
  const names = trainable.sort();
  const tickers = count === undefined ? names : names.slice(0, count);
  return benchConfig(UNIVERSE, "bench-serve-universe", (doc) => {
    doc.setIn(["data", "tickers"], doc.createNode(tickers, { flow: true }));
    doc.setIn(["data", "source"], "store");
  });
}

export function modelNameOf(loaded: LoadedConfig): string {
  const name = loaded.config.tracking.model_name;
  if (!name) throw new Error(`${loaded.file}: tracking.model_name is not set`);
  return name;
}

export interface BenchChampion {
  modelName: string;
  version: string;
  /** Seconds the training and promotion took, or null when the registry already held it. */
  trainedSeconds: number | null;
}

/** The champion version of the config's model, trained and promoted when there is none. */
export async function benchChampion(
  loaded: LoadedConfig,
  opts: { client: MlflowClient; trackingUri: string; fromStore?: StoreQuery; progress: boolean },
): Promise<BenchChampion> {
  const modelName = modelNameOf(loaded);
  const registry = new ModelRegistry(opts.client);
  const existing = await registry.getAlias(modelName, "champion");
  if (existing) return { modelName, version: existing.version, trainedSeconds: null };
  const tmp = mkdtempSync(join(tmpdir(), "wsp-bench-serve-"));
  try {
    const t0 = performance.now();
    const run = await runTracked(loaded, {
      trackingUri: opts.trackingUri,
      outboxDir: join(tmp, "outbox"),
      fromStore: opts.fromStore,
      progress: opts.progress,
      png: false,
    });
    // The benchmark times serving, not model quality: a run its checks refuse is registered
    // (forced) and given the alias by hand, since a forced version never becomes champion.
    const promoted = await promoteRun(opts.client, run.runId, { promotedDir: join(tmp, "promoted"), force: true });
    if (!promoted.champion) await registry.setAlias(modelName, "champion", promoted.version);
    return { modelName, version: promoted.version, trainedSeconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
