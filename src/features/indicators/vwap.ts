import { requireBars } from "./_shared/requireBars";
import { IndicatorError, type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { NewYorkClock } from "./newYorkClock";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { multi, volumeOf } from "./_shared/describe";

/**
 * "session": cumulative from each New York session date's first bar (intraday bars);
 * `{ period }`: rolling over the last `period` bars (daily bars, where a session is one bar).
 */
export type VwapAnchor = "session" | { readonly period: number };

export interface VwapBands<T> {
  vwap: T;
  /** 100 · (close − vwap) / vwap. */
  distancePct: T;
  /** (close − vwap) / σ, σ the volume-weighted standard deviation of the typical price; NaN when σ = 0. */
  distanceSigma: T;
  upper1: T;
  lower1: T;
  upper2: T;
  lower2: T;
}

function checkAnchor(anchor: VwapAnchor): number {
  if (anchor === "session") return 0;
  if (typeof anchor !== "object" || anchor === null) {
    throw new IndicatorError("vwap", `parameter anchor must be "session" or { period }, got ${String(anchor)}`);
  }
  checkPeriod("vwap", "period", anchor.period);
  return anchor.period;
}

/** Writes the outputs of one bar from the weighted mean and variance of its window. */
function emit(out: VwapBands<Float64Array>, i: number, close: number, mean: number, variance: number): void {
  const sigma = Math.sqrt(variance);
  out.vwap[i] = mean;
  out.distancePct[i] = (100 * (close - mean)) / mean;
  out.distanceSigma[i] = sigma > 0 ? (close - mean) / sigma : Number.NaN;
  out.upper1[i] = mean + sigma;
  out.lower1[i] = mean - sigma;
  out.upper2[i] = mean + 2 * sigma;
  out.lower2[i] = mean - 2 * sigma;
}

function emitNaN(out: VwapBands<Float64Array>, i: number): void {
  out.vwap[i] = out.distancePct[i] = out.distanceSigma[i] = Number.NaN;
  out.upper1[i] = out.lower1[i] = out.upper2[i] = out.lower2[i] = Number.NaN;
}

/**
 * Session-cumulative weighted mean and variance of the typical price (weighted Welford /
 * West 1979: stable without the Σv·p² − (Σv·p)² cancellation). `poisoned` marks a session that
 * has seen a NaN: the session is the window, so the rest of it is NaN.
 */
class SessionAccumulator {
  private readonly clock = new NewYorkClock();
  private day = Number.NaN;
  private poisoned = false;
  private w = 0;
  mean = 0;
  m2 = 0;

  /** Adds a bar; false when the session so far has no volume or contains a NaN. */
  add(ts: number, price: number, volume: number): boolean {
    const day = this.clock.day(ts);
    if (day !== this.day) {
      this.day = day;
      this.poisoned = false;
      this.w = 0;
      this.mean = 0;
      this.m2 = 0;
    }
    if (Number.isNaN(price) || Number.isNaN(volume)) this.poisoned = true;
    if (this.poisoned) return false;
    if (volume !== 0) {
      this.w += volume;
      const d = price - this.mean;
      this.mean += (volume / this.w) * d;
      this.m2 += volume * d * (price - this.mean);
    }
    return this.w > 0;
  }

  variance(): number {
    return this.m2 > 0 ? this.m2 / this.w : 0;
  }
}

/**
 * Volume-weighted average price of the typical price (H + L + C)/3, its distance from the close
 * (in % and in σ units) and 1σ/2σ bands, σ being the volume-weighted standard deviation of the
 * typical price over the same window. Anchors (see {@link VwapAnchor}): "session" resets at
 * each New York session date — the intraday convention; `{ period }` rolls over the last
 * `period` bars — the daily convention. Warm-up: none for "session" (NaN only while the
 * session has traded no volume), period − 1 NaNs for rolling.
 * NaN rule: a NaN price or volume makes its window NaN: the rest of its session, or every
 * rolling window containing it.
 */
export function vwap(
  ts: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  anchor: VwapAnchor = "session",
): VwapBands<Float64Array> {
  const period = checkAnchor(anchor);
  const n = checkSameLength("vwap", { ts, high, low, close, volume });
  requireBars("vwap", n, Math.max(1, period) - 1, period > 0 ? `period=${period}` : "anchor=session");
  const out: VwapBands<Float64Array> = {
    vwap: new Float64Array(n),
    distancePct: new Float64Array(n),
    distanceSigma: new Float64Array(n),
    upper1: new Float64Array(n),
    lower1: new Float64Array(n),
    upper2: new Float64Array(n),
    lower2: new Float64Array(n),
  };
  if (period === 0) {
    const acc = new SessionAccumulator();
    for (let i = 0; i < n; i++) {
      const c = close[i];
      if (acc.add(ts[i], (high[i] + low[i] + c) / 3, volume[i])) emit(out, i, c, acc.mean, acc.variance());
      else emitNaN(out, i);
    }
  } else {
    const m = new RollingMoments(period, 2, true);
    for (let i = 0; i < n; i++) {
      const c = close[i];
      m.push((high[i] + low[i] + c) / 3, volume[i]);
      if (m.ready && m.weightSum > 0) emit(out, i, c, m.mean(), m.variance(0));
      else emitNaN(out, i);
    }
  }
  return out;
}

/** Streaming twin of {@link vwap}. */
export class VwapStream implements StreamingIndicator<VwapBands<number>> {
  private readonly session: SessionAccumulator | null;
  private readonly rolling: RollingMoments | null;
  private readonly row: VwapBands<Float64Array> = {
    vwap: new Float64Array(1),
    distancePct: new Float64Array(1),
    distanceSigma: new Float64Array(1),
    upper1: new Float64Array(1),
    lower1: new Float64Array(1),
    upper2: new Float64Array(1),
    lower2: new Float64Array(1),
  };

  constructor(anchor: VwapAnchor = "session") {
    const period = checkAnchor(anchor);
    this.session = period === 0 ? new SessionAccumulator() : null;
    this.rolling = period === 0 ? null : new RollingMoments(period, 2, true);
  }

  update(bar: OhlcvBar): VwapBands<number> {
    const c = bar.close;
    const price = (bar.high + bar.low + c) / 3;
    const row = this.row;
    if (this.session !== null) {
      if (this.session.add(bar.ts, price, bar.volume)) emit(row, 0, c, this.session.mean, this.session.variance());
      else emitNaN(row, 0);
    } else {
      const m = this.rolling!;
      m.push(price, bar.volume);
      if (m.ready && m.weightSum > 0) emit(row, 0, c, m.mean(), m.variance(0));
      else emitNaN(row, 0);
    }
    return {
      vwap: row.vwap[0],
      distancePct: row.distancePct[0],
      distanceSigma: row.distanceSigma[0],
      upper1: row.upper1[0],
      lower1: row.lower1[0],
      upper2: row.upper2[0],
      lower2: row.lower2[0],
    };
  }
}

/** Session VWAP: on daily bars a session is one bar, so it is intraday only (vwap_rolling for daily). */
export const vwapIndicator: IndicatorDescriptor = multi({
  name: "vwap",
  family: "volume",
  params: [],
  outputs: ["vwap", "distancePct", "distanceSigma", "upper1", "lower1", "upper2", "lower2"],
  // σ is 0 on a session's first bar: its distanceSigma is NaN.
  warmUp: () => 1,
  catalogId: "vwap_session",
  needsVolume: true,
  intradayOnly: true,
  batch: (b) => vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap", b), "session"),
  stream: () => new VwapStream("session"),
});

export const vwapRollingIndicator: IndicatorDescriptor = multi({
  name: "vwap_rolling",
  family: "volume",
  params: period(20),
  outputs: ["vwap", "distancePct", "distanceSigma", "upper1", "lower1", "upper2", "lower2"],
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "vwap_rolling_20",
  needsVolume: true,
  batch: (b, p) => vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap_rolling", b), { period: num(p, "period") }),
  stream: (p) => new VwapStream({ period: num(p, "period") }),
});
