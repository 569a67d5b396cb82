/**
 * A served model's feature vector out of a feed's row: the model's columns in the model's order,
 * and the hash a stored signal carries so that what the model read can be checked later.
 */
import { createHash } from "node:crypto";
import type { ServedModel } from "./servedModel";

export class FeatureRow {
  private readonly cols: Int32Array;

  constructor(served: ServedModel, feedNames: readonly string[]) {
    const index = new Map(feedNames.map((n, j) => [n, j]));
    const missing = served.model.featureNames.filter((n) => !index.has(n));
    if (missing.length > 0) {
      throw new Error(
        `${served.id.name}/${served.id.version} reads features its config does not build on the served bars: ${missing.join(", ")}`,
      );
    }
    this.cols = Int32Array.from(served.model.featureNames, (n) => index.get(n) as number);
  }

  pick(row: Float64Array): Float64Array {
    return Float64Array.from(this.cols, (j) => row[j]);
  }
}

/** SHA-256 (hex) of the vector's IEEE-754 bytes: equal hashes, bit-identical features. */
export function featureHash(x: Float64Array): string {
  return createHash("sha256")
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest("hex");
}
