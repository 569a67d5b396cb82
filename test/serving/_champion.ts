/**
 * A served champion for the serving suites: the planted-signal fixture trained, promoted (its
 * own experiment and registered model name, so suites sharing one server do not meet), and its
 * market in a store.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { barsBetween, plantedSignalMarket } from "../../src/data";
import { promoteRun, runTracked } from "../../src/pipeline";
import type { Store } from "../../src/store";
import { MlflowClient, ModelRegistry } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";

export interface Champion {
  modelName: string;
  runId: string;
  version: string;
  /** Where its promoted config was written (`<promotedDir>/<modelName>.yaml`). */
  promotedDir: string;
  cleanup: () => void;
}

/** Trains and promotes the fixture; `edit` changes its YAML (a second version that differs). */
export async function trainChampion(
  uri: string,
  tag = `serve-${randomBytes(4).toString("hex")}`,
  modelName = `${tag}-model`,
): Promise<Champion> {
  const tmp = mkdtempSync(join(tmpdir(), "wsp-serve-"));
  const quiet = { progress: false, png: false } as const;
  const run = await runTracked(plantedSignalConfig(tag, modelName), {
    trackingUri: uri,
    outboxDir: join(tmp, "outbox"),
    ...quiet,
  });
  const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  const promotedDir = join(tmp, "promoted");
  const promoted = await promoteRun(client, run.runId, { promotedDir });
  if (!promoted.champion) throw new Error(`the planted fixture did not become champion: ${promoted.description}`);
  return {
    modelName,
    runId: run.runId,
    version: promoted.version,
    promotedDir,
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

/** Stores the fixture's market (PLNT and its context SENT) through `until` (epoch ms, exclusive). */
export async function ingestPlanted(store: Store, from = Number.NEGATIVE_INFINITY, until = Number.POSITIVE_INFINITY) {
  const m = plantedSignalMarket();
  await store.ingest([barsBetween(m.asset, from, until), barsBetween(m.context, from, until)], {
    source: "synthetic:planted-signal",
  });
}

/**
 * The champion's logged model registered once more, as a retrain's registration would make a new
 * version: the swap, pause and fallback tests need a second version to move aliases between.
 */
export async function registerAgain(client: MlflowClient, champion: Champion): Promise<{ version: string }> {
  const registry = new ModelRegistry(client);
  const source = (await registry.getModelVersion(champion.modelName, champion.version))?.source as string;
  return registry.createModelVersion({
    name: champion.modelName,
    source,
    runId: champion.runId,
    modelId: source.replace(/^models:\//, ""),
  });
}
