/**
 * Model instances by config kind. Only kinds the model engine implements are built; the others
 * are valid in a config (DESIGN.md lists them) but fail here with an error naming the entry, so
 * a run stops before any work rather than half-way.
 */
import { GbmModel, type Model, RfModel } from "../models";
import type { ModelEntry } from "./config";

export class ModelNotImplementedError extends Error {
  constructor(
    readonly index: number,
    readonly kind: string,
  ) {
    super(
      `models[${index}].kind: "${kind}" is not implemented yet in src/models (available: gbm, rf); remove the entry or wait for the model zoo`,
    );
    this.name = "ModelNotImplementedError";
  }
}

/** A fresh, unfitted model for `models[index]`. */
export function createModel(entry: ModelEntry, index: number): Model {
  switch (entry.kind) {
    case "gbm":
      return new GbmModel(entry.params);
    case "rf":
      return new RfModel(entry.params);
    default:
      throw new ModelNotImplementedError(index, entry.kind);
  }
}

/** Throws for the first entry no model exists for (called before any phase runs). */
export function checkModelKinds(entries: readonly ModelEntry[]): void {
  entries.forEach((e, i) => {
    if (e.kind !== "gbm" && e.kind !== "rf") throw new ModelNotImplementedError(i, e.kind);
  });
}
