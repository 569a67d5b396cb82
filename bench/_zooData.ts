/**
 * Bench helper for `zoo`: the default feature set over the bundled SPY daily bars
 * (computeFeatures, no context series), columns with more than 300 warm-up NaNs dropped, then
 * rows with any NaN dropped. Label: next-day |log return| above the trailing 250-day median
 * (predictable, unlike direction). Label spans run bar t → t+1 for purging.
 */
import { loadBundled } from "../src/data";
import { computeFeatures } from "../src/features";
import { type FeatureMatrix, fromColumns } from "../src/models";
import type { LabelSpans } from "../src/validation";

export interface ZooData {
  X: FeatureMatrix;
  y: Float64Array;
  spans: LabelSpans;
}

export function spyDailyFeatures(): ZooData {
  const bars = loadBundled("SPY", "1d");
  const { frame } = computeFeatures({ set: "default" }, { bars });
  const n = bars.close.length;
  const keep = frame.columns
    .map((c, j) => ({ c, name: frame.names[j], nan: c.reduce((s, v) => s + (Number.isNaN(v) ? 1 : 0), 0) }))
    .filter((k) => k.nan <= 300 && k.c.every((v) => Number.isNaN(v) || Number.isFinite(v)));
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) r[t] = Math.log(bars.close[t] / bars.close[t - 1]);
  const rows: number[] = [];
  for (let t = 250; t < n - 1; t++) if (keep.every((k) => !Number.isNaN(k.c[t]))) rows.push(t);
  const y = Float64Array.from(rows, (t) => {
    const past = Float64Array.from(r.subarray(t - 249, t + 1), Math.abs).sort();
    return Math.abs(r[t + 1]) > past[125] ? 1 : 0;
  });
  const X = fromColumns(
    keep.map((k) => k.name),
    keep.map((k) => Float64Array.from(rows, (t) => k.c[t])),
  );
  const spans: LabelSpans = {
    startIdx: Int32Array.from(rows),
    endIdx: Int32Array.from(rows, (t) => t + 1),
    startTime: Float64Array.from(rows, (t) => bars.ts[t]),
    endTime: Float64Array.from(rows, (t) => bars.ts[t + 1]),
    y,
  };
  return { X, y, spans };
}
