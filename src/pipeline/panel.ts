/**
 * Several tickers as one pooled learning problem: rows are (bar, ticker) pairs in time order
 * (ticker order within a timestamp), features are the columns every ticker has, labels are each
 * ticker's own. Splits are cut on the timeline of distinct timestamps, each timestamp carrying
 * the latest label end among its tickers, so purging and the embargo hold for every ticker; the
 * timestamp splits are then mapped back to rows. One ticker is the special case of one row per bar.
 */
import type { Bars } from "../data";
import type { FeatureFrame } from "../features";
import type { LabelSet } from "../labels";
import type { Split, SplitPlan, ValidationConfig } from "../validation";
import { splitsFromConfig } from "../validation";

export interface TickerInput {
  bars: Bars;
  frame: FeatureFrame;
  labels: LabelSet;
}

export interface Panel {
  tickers: string[];
  /** Per row: the ticker's index in `tickers` and the bar's index in that ticker's bars. */
  rowTicker: Int32Array;
  rowBar: Int32Array;
  /** Per row: bar open time, label code (NaN when absent), realised label return, label end time. */
  ts: Float64Array;
  y: Float64Array;
  ret: Float64Array;
  endTime: Float64Array;
  /** Feature columns over rows, in the first ticker's column order. */
  names: string[];
  columns: Float64Array[];
  /** Columns some ticker lacks (left out). */
  notShared: string[];
}

export function stackPanel(inputs: readonly TickerInput[]): Panel {
  const shared = inputs[0].frame.names.filter((n) => inputs.every((t) => t.frame.names.includes(n)));
  const notShared = [...new Set(inputs.flatMap((t) => t.frame.names.filter((n) => !shared.includes(n))))];
  const order: [number, number][] = [];
  inputs.forEach((t, k) => {
    for (let i = 0; i < t.bars.ts.length; i++) order.push([k, i]);
  });
  order.sort((a, b) => inputs[a[0]].bars.ts[a[1]] - inputs[b[0]].bars.ts[b[1]] || a[0] - b[0]);
  const n = order.length;
  const rowTicker = Int32Array.from(order, (o) => o[0]);
  const rowBar = Int32Array.from(order, (o) => o[1]);
  const pick = (f: (t: TickerInput) => ArrayLike<number>) => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = f(inputs[rowTicker[r]])[rowBar[r]];
    return out;
  };
  const columnIndex = inputs.map((t) => new Map(t.frame.names.map((name, j) => [name, j])));
  const columns = shared.map((name) => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const k = rowTicker[r];
      out[r] = inputs[k].frame.columns[columnIndex[k].get(name) as number][rowBar[r]];
    }
    return out;
  });
  return {
    tickers: inputs.map((t) => t.bars.ticker),
    rowTicker,
    rowBar,
    ts: pick((t) => t.bars.ts),
    y: pick((t) => t.labels.y),
    ret: pick((t) => t.labels.ret),
    endTime: pick((t) => t.labels.endTime),
    names: shared,
    columns,
    notShared,
  };
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The config's splits over the panel's rows whose `y` is present. Rows of one timestamp always
 * fall on the same side of every split.
 */
export function panelPlan(panel: Panel, y: Float64Array, validation: ValidationConfig): SplitPlan {
  const n = panel.ts.length;
  const times: number[] = [];
  const firstRow: number[] = [];
  for (let r = 0; r < n; r++) {
    if (r === 0 || panel.ts[r] !== panel.ts[r - 1]) {
      times.push(panel.ts[r]);
      firstRow.push(r);
    }
  }
  firstRow.push(n);
  const startTime = Float64Array.from(times);
  const m = times.length;
  const endTime = new Float64Array(m).fill(Number.NaN);
  for (let d = 0; d < m; d++) {
    for (let r = firstRow[d]; r < firstRow[d + 1]; r++) {
      if (Number.isNaN(y[r])) continue;
      if (!(endTime[d] >= panel.endTime[r])) endTime[d] = panel.endTime[r];
    }
  }
  const startIdx = Int32Array.from({ length: m }, (_, d) => d);
  const endIdx = new Int32Array(m).fill(-1);
  for (let d = 0; d < m; d++) {
    if (Number.isNaN(endTime[d])) continue;
    // The label ends at a timestamp of the timeline (a bar of some ticker).
    endIdx[d] = Math.min(lowerBound(startTime, endTime[d]), m - 1);
  }
  const single = panel.tickers.length === 1;
  const datePlan = splitsFromConfig({ startIdx, endIdx, startTime, endTime, y: single ? y : undefined }, validation);
  const rowsOf = (dates: Int32Array): Int32Array => {
    if (single) return dates;
    const out: number[] = [];
    for (const d of dates) {
      for (let r = firstRow[d]; r < firstRow[d + 1]; r++) if (!Number.isNaN(y[r])) out.push(r);
    }
    return Int32Array.from(out);
  };
  const splits: Split[] = datePlan.splits.map((s) => ({ ...s, train: rowsOf(s.train), test: rowsOf(s.test) }));
  return {
    ...datePlan,
    rows: rowsOf(datePlan.rows),
    holdout: rowsOf(datePlan.holdout),
    splits,
    groups: datePlan.groups?.map(rowsOf),
  };
}
