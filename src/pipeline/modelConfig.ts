/**
 * The experiment config a registered version was trained with: its run's `config.yaml`, read
 * back. A model's backtest, a retrain's comparison and the forecast service all rebuild the
 * version's features, signals and sizing from it, so they compute what the run computed.
 */
import type { MlflowClient } from "../tracking";
import { type LoadedConfig, parseConfig } from "./config";

export async function readModelConfig(
  client: MlflowClient,
  model: { name: string; version: string; runId: string | null },
): Promise<LoadedConfig> {
  if (!model.runId) throw new Error(`${model.name}/${model.version}: the version names no run to read its config from`);
  const text = new TextDecoder().decode(await client.downloadArtifact(model.runId, "config.yaml"));
  return parseConfig(text, `run ${model.runId} config.yaml`);
}
