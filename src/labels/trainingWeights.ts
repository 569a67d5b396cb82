import type { ClassWeight } from "./labelsConfig";
import { LabelError } from "./labelSet";
import { averageUniqueness, classWeights, combinedWeights } from "./sampleWeights";

/** Where each training row's label window lies: its series (a ticker) and its first and last bar there. */
export interface LabelSpans {
  readonly series: ArrayLike<number>;
  readonly startIdx: ArrayLike<number>;
  readonly endIdx: ArrayLike<number>;
}

/**
 * The `labels.class_weight` of one fold's training rows, from those rows alone (no test row's
 * class or span reaches them):
 * - `balanced`: n_samples / (n_classes · count_c) per row's class, scikit-learn's
 *   `compute_class_weight("balanced")`; a class absent from the fold gets no rows to weigh.
 * - `uniqueness`: average uniqueness of each row's label window among the training rows' windows
 *   of the same series (AFML ch. 4.4), scaled to mean 1 over the fold.
 */
export function trainingWeights(
  kind: Exclude<ClassWeight, "none">,
  y: Float64Array,
  nClasses: number,
  spans: LabelSpans,
): Float64Array {
  if (kind === "balanced") return combinedWeights(y, classWeights(y, nClasses));
  return trainingUniqueness(y, spans);
}

function trainingUniqueness(y: Float64Array, spans: LabelSpans): Float64Array {
  const n = y.length;
  if (spans.series.length !== n || spans.startIdx.length !== n || spans.endIdx.length !== n) {
    throw new LabelError("trainingWeights", `label spans cover ${spans.series.length} rows, expected ${n}`);
  }
  const bySeries = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const rows = bySeries.get(spans.series[i]);
    if (rows) rows.push(i);
    else bySeries.set(spans.series[i], [i]);
  }
  const out = new Float64Array(n);
  let sum = 0;
  for (const rows of bySeries.values()) {
    // One label per start bar in a series: lay the training rows out on that series' bars.
    let nBars = 0;
    for (const i of rows) nBars = Math.max(nBars, spans.endIdx[i] + 1);
    const intervals = {
      y: new Float64Array(nBars).fill(Number.NaN),
      startIdx: Int32Array.from({ length: nBars }, (_, b) => b),
      endIdx: new Int32Array(nBars).fill(-1),
    };
    for (const i of rows) {
      const s = spans.startIdx[i];
      if (!Number.isNaN(intervals.y[s])) {
        throw new LabelError("trainingWeights", `two training rows start at bar ${s} of series ${spans.series[i]}`);
      }
      intervals.y[s] = y[i];
      intervals.endIdx[s] = spans.endIdx[i];
    }
    const w = averageUniqueness(intervals, false);
    for (const i of rows) {
      out[i] = w[spans.startIdx[i]];
      sum += out[i];
    }
  }
  const scale = n / sum;
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}
