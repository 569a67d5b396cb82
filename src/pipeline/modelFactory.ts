/**
 * Model instances by config kind (every kind of DESIGN.md but `ensemble`, which the pipeline
 * builds from the other entries' out-of-fold predictions; see oofBlendWeights.ts).
 */
import { createZooModel, GbmModel, type Model, RfModel, type ZooModelSpec } from "../models";
import type { ModelEntry, ModelEntryInput } from "./config";

/** A fresh, unfitted model for `models[index]`. */
export function createModel(entry: ModelEntryInput, index: number): Model {
  switch (entry.kind) {
    case "gbm":
      return new GbmModel(entry.params);
    case "rf":
      return new RfModel(entry.params);
    default:
      return createZooModel({ kind: entry.kind, params: entry.params } as ZooModelSpec, `models[${index}]`);
  }
}

/** Builds every entry once (unfitted, cheap) so a bad parameter fails before any work, naming `models[i]`. */
export function checkModelKinds(entries: readonly ModelEntryInput[]): void {
  entries.forEach((e, i) => {
    createModel(e, i);
  });
}

/**
 * Checks what the config schema cannot see before any work: an `lstm` reads windows of
 * consecutive rows, which only a single ticker's rows are; `rf` fits binary labels only.
 */
export function checkModels(entries: readonly ModelEntry[], tickers: number, classes: number): void {
  entries.forEach((e, i) => {
    if (e.kind === "lstm" && tickers > 1) {
      throw new Error(
        `models[${i}].kind: lstm needs one ticker (its windows are runs of consecutive bars); data.tickers has ${tickers}`,
      );
    }
    if (e.kind === "rf" && classes > 2) {
      throw new Error(`models[${i}].kind: rf fits binary labels only; the labels have ${classes} classes`);
    }
  });
}
