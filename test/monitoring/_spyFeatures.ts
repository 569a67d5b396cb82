/** SPY daily with the default feature set (VIX as context), shared by the monitoring tests. */
import { dayMsOf } from "../../src/data";
import { computeFeatures } from "../../src/features";
import { bundled } from "../features/_data";

export interface SpyFeatures {
  ts: Float64Array;
  names: readonly string[];
  columns: readonly Float64Array[];
}

let cache: SpyFeatures | null = null;

export function spyFeatures(): SpyFeatures {
  if (cache) return cache;
  const { spy, vix } = bundled();
  const { frame } = computeFeatures({ set: "default" }, { bars: spy, context: { VIX: vix } });
  const features: SpyFeatures = { ts: spy.ts, names: frame.names, columns: frame.columns };
  cache = features;
  return features;
}

/** Rows with from ≤ bar date < to (ISO dates). */
export function rowsBetween(ts: Float64Array, from: string, to: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i] >= dayMsOf(from) && ts[i] < dayMsOf(to)) out.push(i);
  return out;
}

export function take(column: ArrayLike<number>, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (r) => column[r]);
}
