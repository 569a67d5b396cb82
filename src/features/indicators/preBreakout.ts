import { requireBars } from "./_shared/requireBars";
import { IndicatorError, type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingExtremum } from "./_shared/rollingExtremum";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { multi, volumeOf } from "./_shared/describe";

export interface PreBreakoutOptions {
  /** Recent window (default 5 bars). */
  short?: number;
  /** Reference window (default 20 bars); also the range whose edges the close is measured against. */
  long?: number;
  /** `flag` needs rangeRatio ≤ this (default 0.75). */
  maxRangeRatio?: number;
  /** `flag` needs volumeRatio ≤ this (default 0.85). */
  maxVolumeRatio?: number;
  /** `flag` needs edge ≥ this (default 0.8). */
  minEdge?: number;
}

export interface PreBreakout<T> {
  /** Geometric mean of compression, volume dry-up and edge proximity, in [0, 1]. */
  score: T;
  /** Mean range (H − L) of the last `short` bars over that of the last `long` bars. */
  rangeRatio: T;
  /** Mean volume of the last `short` bars over that of the last `long` bars. */
  volumeRatio: T;
  /** |2p − 1| with p = (C − lowest low)/(highest high − lowest low) over `long` bars: 1 at either edge, 0 mid-range. */
  edge: T;
  /** +1 when the close is in the upper half of the `long` range, −1 in the lower half, 0 exactly mid-range. */
  side: T;
  /** 1 when all three conditions hold (see the thresholds), else 0. */
  flag: T;
}

function resolve(o: PreBreakoutOptions): Required<PreBreakoutOptions> {
  const short = o.short ?? 5;
  const long = o.long ?? 20;
  checkPeriod("preBreakout", "short", short);
  checkPeriod("preBreakout", "long", long, short + 1);
  const r = {
    short,
    long,
    maxRangeRatio: o.maxRangeRatio ?? 0.75,
    maxVolumeRatio: o.maxVolumeRatio ?? 0.85,
    minEdge: o.minEdge ?? 0.8,
  };
  for (const key of ["maxRangeRatio", "maxVolumeRatio", "minEdge"] as const) {
    if (!(r[key] >= 0 && r[key] <= 1)) {
      throw new IndicatorError("preBreakout", `parameter ${key} must be in [0, 1], got ${r[key]}`);
    }
  }
  return r;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}

/** Rolling state shared by the batch function and the stream; `step` writes one bar into `out[i]`. */
class PreBreakoutState {
  private readonly o: Required<PreBreakoutOptions>;
  private readonly rangeShort: RollingMoments;
  private readonly rangeLong: RollingMoments;
  private readonly volShort: RollingMoments;
  private readonly volLong: RollingMoments;
  private readonly hi: RollingExtremum;
  private readonly lo: RollingExtremum;

  constructor(o: Required<PreBreakoutOptions>) {
    this.o = o;
    this.rangeShort = new RollingMoments(o.short);
    this.rangeLong = new RollingMoments(o.long);
    this.volShort = new RollingMoments(o.short);
    this.volLong = new RollingMoments(o.long);
    this.hi = new RollingExtremum(o.long, "max");
    this.lo = new RollingExtremum(o.long, "min");
  }

  step(high: number, low: number, close: number, volume: number, out: PreBreakout<Float64Array>, i: number): void {
    const range = high - low;
    this.rangeShort.push(range);
    this.rangeLong.push(range);
    this.volShort.push(volume);
    this.volLong.push(volume);
    this.hi.push(high);
    this.lo.push(low);
    if (!(this.rangeLong.ready && this.volLong.ready && this.hi.ready && this.lo.ready && !Number.isNaN(close))) {
      out.score[i] = out.rangeRatio[i] = out.volumeRatio[i] = Number.NaN;
      out.edge[i] = out.side[i] = out.flag[i] = Number.NaN;
      return;
    }
    const rangeRatio = this.rangeShort.mean() / this.rangeLong.mean();
    const volumeRatio = this.volShort.mean() / this.volLong.mean();
    const hh = this.hi.value();
    const ll = this.lo.value();
    const centred = hh > ll ? (2 * (close - ll)) / (hh - ll) - 1 : Number.NaN;
    const edge = Math.abs(centred);
    const o = this.o;
    out.rangeRatio[i] = rangeRatio;
    out.volumeRatio[i] = volumeRatio;
    out.edge[i] = edge;
    out.side[i] = Math.sign(centred);
    out.score[i] = Math.cbrt(clamp01(1 - rangeRatio) * clamp01(1 - volumeRatio) * clamp01(edge));
    out.flag[i] =
      !Number.isNaN(rangeRatio) && !Number.isNaN(volumeRatio) && !Number.isNaN(edge)
        ? rangeRatio <= o.maxRangeRatio && volumeRatio <= o.maxVolumeRatio && edge >= o.minEdge
          ? 1
          : 0
        : Number.NaN;
  }
}

function allocate(n: number): PreBreakout<Float64Array> {
  return {
    score: new Float64Array(n),
    rangeRatio: new Float64Array(n),
    volumeRatio: new Float64Array(n),
    edge: new Float64Array(n),
    side: new Float64Array(n),
    flag: new Float64Array(n),
  };
}

/**
 * Pre-breakout fingerprint: the coil that often precedes a range breakout, scored from three
 * facts about the last bars — the range is compressed (recent bars narrower than usual), volume
 * is drying up (recent volume below usual), and the close sits near an edge of the recent range
 * (pressing against support or resistance). Each is turned into [0, 1] — compression =
 * clamp(1 − rangeRatio), dry-up = clamp(1 − volumeRatio), edge — and `score` is their geometric
 * mean, so it is high only when all three are present; `flag` is the hard-threshold version and
 * `side` says which edge. A descriptive feature, not a tested trading signal.
 * Warm-up: long − 1 NaNs. NaN rule: windows containing a NaN bar are NaN; ratios whose
 * reference mean is 0 and a `long` range of zero height give NaN.
 */
export function preBreakout(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options: PreBreakoutOptions = {},
): PreBreakout<Float64Array> {
  const o = resolve(options);
  const n = checkSameLength("preBreakout", { high, low, close, volume });
  requireBars("preBreakout", n, o.long - 1, `long=${o.long}`);
  const out = allocate(n);
  const state = new PreBreakoutState(o);
  for (let i = 0; i < n; i++) state.step(high[i], low[i], close[i], volume[i], out, i);
  return out;
}

/** Streaming twin of {@link preBreakout}. */
export class PreBreakoutStream implements StreamingIndicator<PreBreakout<number>> {
  private readonly state: PreBreakoutState;
  private readonly row = allocate(1);

  constructor(options: PreBreakoutOptions = {}) {
    this.state = new PreBreakoutState(resolve(options));
  }

  update(bar: OhlcvBar): PreBreakout<number> {
    const r = this.row;
    this.state.step(bar.high, bar.low, bar.close, bar.volume, r, 0);
    return {
      score: r.score[0],
      rangeRatio: r.rangeRatio[0],
      volumeRatio: r.volumeRatio[0],
      edge: r.edge[0],
      side: r.side[0],
      flag: r.flag[0],
    };
  }
}

export const preBreakoutIndicator: IndicatorDescriptor = multi({
  name: "pre_breakout",
  family: "microstructure",
  params: [int("short", 5), int("long", 20)],
  outputs: ["score", "rangeRatio", "volumeRatio", "edge", "side", "flag"],
  warmUp: (p) => Math.max(num(p, "short"), num(p, "long")) - 1,
  catalogId: "pre_breakout_5_20",
  needsVolume: true,
  batch: (b, p) =>
    preBreakout(b.high, b.low, b.close, volumeOf("pre_breakout", b), { short: num(p, "short"), long: num(p, "long") }),
  stream: (p) => new PreBreakoutStream({ short: num(p, "short"), long: num(p, "long") }),
});
