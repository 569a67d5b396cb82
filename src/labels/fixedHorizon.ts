import {
  checkHorizon,
  checkLength,
  crossesSession,
  DIRECTION_3,
  DIRECTION_BINARY,
  emptyLabelColumns,
  LabelError,
  type LabelSet,
  warmUpEnd,
} from "./labelSet";

export interface FixedHorizonOptions {
  /** Bars ahead: the label compares close[t + horizon] with close[t]. */
  horizon: number;
  /** 2: UP (return > 0) / DOWN (return <= 0); 3: BULLISH / NEUTRAL / BEARISH around a threshold. */
  classes: 2 | 3;
  /**
   * 3 classes only. A move is BULLISH when ret > threshold and BEARISH when ret < -threshold.
   * Without `volatility` the threshold is an absolute simple return (0.01 = 1 %); with it, the
   * threshold is `threshold * volatility[t] * sqrt(horizon)` (per-bar volatility scaled to the horizon).
   */
  threshold?: number;
  /** Per-bar volatility known at t (e.g. `rollingVolatility(close, 20)`); NaN rows yield absent labels. */
  volatility?: Float64Array;
  /** Session id per bar; labels whose window crosses into another session are absent. */
  session?: ArrayLike<number>;
}

/**
 * Fixed-horizon direction labels over close prices. `ret` is the simple return
 * close[t+h]/close[t] - 1; a zero return counts as DOWN in the binary case (not an up move).
 */
export function fixedHorizonLabels(ts: Float64Array, close: Float64Array, opts: FixedHorizonOptions): LabelSet {
  const name = "fixedHorizonLabels";
  const n = ts.length;
  checkLength(name, "close", close, n);
  checkHorizon(name, opts.horizon, n);
  if (opts.classes !== 2 && opts.classes !== 3) {
    throw new LabelError(name, `classes must be 2 or 3, got ${opts.classes}`);
  }
  const threshold = opts.threshold ?? 0;
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    throw new LabelError(name, `threshold must be a finite number >= 0, got ${opts.threshold}`);
  }
  if (opts.classes === 2 && opts.threshold !== undefined) {
    throw new LabelError(name, "threshold applies to 3 classes only; binary labels split at a zero return");
  }
  const vol = opts.volatility;
  if (vol) checkLength(name, "volatility", vol, n);
  if (opts.session) checkLength(name, "session", opts.session, n);
  const h = opts.horizon;
  const cols = emptyLabelColumns(ts);
  const sqrtH = Math.sqrt(h);
  const volReady = vol ? warmUpEnd(vol) : 0;
  let lostToNaN = 0;
  for (let t = 0; t + h < n; t++) {
    if (crossesSession(opts.session, t, h)) continue;
    const r = close[t + h] / close[t] - 1;
    if (Number.isNaN(r)) {
      lostToNaN++;
      continue;
    }
    let y: number;
    if (opts.classes === 2) {
      y = r > 0 ? 1 : 0;
    } else {
      const thr = vol ? threshold * vol[t] * sqrtH : threshold;
      if (Number.isNaN(thr)) {
        if (t >= volReady) lostToNaN++;
        continue;
      }
      y = r > thr ? 2 : r < -thr ? 0 : 1;
    }
    cols.y[t] = y;
    cols.ret[t] = r;
    cols.endIdx[t] = t + h;
    cols.endTime[t] = ts[t + h];
  }
  return {
    kind: "fixed_horizon",
    classes: opts.classes === 2 ? DIRECTION_BINARY : DIRECTION_3,
    ...cols,
    lostToNaN,
  };
}
