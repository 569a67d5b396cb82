/**
 * The feature matrix models learn from, columnar: one `Float64Array` per feature over the base
 * bars' timestamps.
 *
 * Column names are stable and say how the column was made:
 * - `<indicator>[_<output>]_<param values in declared order>`: `rsi_14`, `macd_hist_12_26_9`,
 *   `adx_plus_di_14`, `beta_SPY_60` (an output named `value` or like the indicator is left out);
 * - a transform wraps its input: `zscore_20(ret_1)`, `lag_1(rsi_14)`, `cs_rank(ret_20)`;
 * - a higher timeframe prefixes `<tf>:`: `1w:rsi_14` (computed on weekly bars, visible once the
 *   week has closed);
 * - a context series prefixes `<ticker>/`: `VIX/close`, `VIX/percentile_rank_252`.
 */
export interface FeatureFrame {
  /** Base bar open times (UTC ms), as in the bars the features were computed from. */
  readonly ts: Float64Array;
  readonly names: readonly string[];
  /** Parallel to `names`; each as long as `ts`. */
  readonly columns: readonly Float64Array[];
}

export function columnIndex(frame: FeatureFrame, name: string): number {
  const i = frame.names.indexOf(name);
  if (i < 0) throw new RangeError(`FeatureFrame: no column ${name} (${frame.names.length} columns)`);
  return i;
}

export function column(frame: FeatureFrame, name: string): Float64Array {
  return frame.columns[columnIndex(frame, name)];
}

/** The frame restricted to `names`, in that order (columns shared, not copied). */
export function selectColumns(frame: FeatureFrame, names: readonly string[]): FeatureFrame {
  const idx = names.map((n) => columnIndex(frame, n));
  return { ts: frame.ts, names: [...names], columns: idx.map((i) => frame.columns[i]) };
}

/** Rows [start, end) as views over the same memory. */
export function sliceRows(frame: FeatureFrame, start: number, end: number = frame.ts.length): FeatureFrame {
  return {
    ts: frame.ts.subarray(start, end),
    names: frame.names,
    columns: frame.columns.map((c) => c.subarray(start, end)),
  };
}

/** Row-major matrix (row i at [i·k, (i+1)·k)) of the frame's columns, for models. */
export function toRowMajor(frame: FeatureFrame): { data: Float64Array; rows: number; cols: number } {
  const rows = frame.ts.length;
  const cols = frame.columns.length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const c = frame.columns[j];
    for (let i = 0, p = j; i < rows; i++, p += cols) data[p] = c[i];
  }
  return { data, rows, cols };
}
