/**
 * Model instances by config entry, from the kinds table (src/models/kinds.ts). The `ensemble`
 * kind is no entry: the pipeline blends the entries' out-of-fold predictions (oofBlendWeights.ts).
 */
import { createZooModel, kindCapabilities, type Model } from "../models";
import type { ModelEntry, ModelEntryInput } from "./config";

/** A fresh, unfitted model for `models[index]`. */
export function createModel(entry: ModelEntryInput, index: number): Model {
  return createZooModel({ kind: entry.kind, params: entry.params } as never, `models[${index}]`);
}

/** Builds every entry once (unfitted, cheap) so a bad parameter fails before any work, naming `models[i]`. */
export function checkModelKinds(entries: readonly ModelEntryInput[]): void {
  entries.forEach((e, i) => {
    createModel(e, i);
  });
}

/**
 * Checks what the config schema cannot see before any work: a kind that reads windows of
 * consecutive rows (lstm) needs a single ticker's rows; a binary-only kind (rf) binary labels.
 */
export function checkModels(entries: readonly ModelEntry[], tickers: number, classes: number): void {
  entries.forEach((e, i) => {
    const can = kindCapabilities(e.kind);
    if (can.needsSequences && tickers > 1) {
      throw new Error(
        `models[${i}].kind: ${e.kind} needs one ticker (its windows are runs of consecutive bars); data.tickers has ${tickers}`,
      );
    }
    if (!can.multiClass && classes > 2) {
      throw new Error(`models[${i}].kind: ${e.kind} fits binary labels only; the labels have ${classes} classes`);
    }
  });
}
