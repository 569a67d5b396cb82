/**
 * `labels.class_weight` in the run: every fit's training rows weighed from those rows alone
 * (labels/trainingWeights.ts), and the config refused up front where a model cannot take weights.
 */
import { type LabelSet, trainingWeights } from "../labels";
import { kindCapabilities } from "../models";
import type { ExperimentConfig } from "./config";
import type { TrainingWeigher } from "./crossValidate";
import type { Panel } from "./panel";

/** The weigher of `crossValidate` for the config's class weights; undefined for `none`. */
export function trainingWeigher(
  config: Pick<ExperimentConfig, "labels">,
  panel: Pick<Panel, "rowTicker" | "rowBar">,
  sets: readonly Pick<LabelSet, "endIdx">[],
  nClasses: number,
): TrainingWeigher | undefined {
  const kind = config.labels.class_weight;
  if (kind === "none") return undefined;
  return (train, yTrain) => {
    const series = Int32Array.from(train, (r) => panel.rowTicker[r]);
    const startIdx = Int32Array.from(train, (r) => panel.rowBar[r]);
    const endIdx = Int32Array.from(train, (r) => sets[panel.rowTicker[r]].endIdx[panel.rowBar[r]]);
    return trainingWeights(kind, yTrain, nClasses, { series, startIdx, endIdx });
  };
}

/** Refuses class weights for a model whose fit cannot take them, naming both. */
export function checkClassWeights(config: Pick<ExperimentConfig, "labels" | "models">): void {
  const kind = config.labels.class_weight;
  if (kind === "none") return;
  config.models.forEach((m, i) => {
    if (!kindCapabilities(m.kind).sampleWeights) {
      throw new Error(
        `labels.class_weight: ${kind} weighs every model's fit, but models[${i}] (${m.kind}) takes no sample weights; drop the key or the model`,
      );
    }
  });
}
