/**
 * Model instances by config kind. Only kinds the model engine implements are built; the others
 * are valid in a config (DESIGN.md lists them) but fail here with an error naming the entry, so
 * a run stops before any work rather than half-way.
 */
import { GbmModel, type Model, RfModel } from "../models";
import { createZooModel } from "../models/zoo";
import type { ModelEntry } from "./config";

export class ModelNotImplementedError extends Error {
  constructor(
    readonly index: number,
    readonly kind: string,
  ) {
    super(
      `models[${index}].kind: "${kind}" is not implemented yet in src/models (available: gbm, rf, logistic, mljs_rf); remove the entry or wait for the model zoo`,
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
    case "logistic":
    case "mljs_rf":
      return createZooModel({ kind: entry.kind, params: entry.params } as never, `models[${index}]`);
    default:
      throw new ModelNotImplementedError(index, entry.kind);
  }
}

/** Throws for the first entry no model exists for (called before any phase runs). */
export function checkModelKinds(entries: readonly ModelEntry[]): void {
  entries.forEach((e, i) => {
    if (e.kind === "lstm") throw new ModelNotImplementedError(i, e.kind);
    // Parameters of the zoo kinds are free-form in the config schema: check them before any work.
    if (e.kind === "logistic" || e.kind === "mljs_rf") createModel(e, i);
  });
}
