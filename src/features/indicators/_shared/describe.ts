/**
 * Builders of indicator descriptors (../descriptor.ts) for the common shapes: one `value`
 * output, several outputs straight from the library function, a price level with its distance
 * from the close, a channel with the close's position in it. The stream adapters are classes
 * whose state is their fields (see StreamCore).
 */
import type { Bars } from "../../../data";
import type { BatchEnv, FeatureFamily, IndicatorDescriptor, ParamDef, Params, StreamCore } from "../descriptor";
import { IndicatorError, type OhlcvBar } from "../indicator";

type F64 = Float64Array;

/** A streaming class with one number per bar. */
export interface ValueStream {
  update(bar: OhlcvBar, benchmark: number): number;
}

/** A streaming class with named numbers per bar (the keys of its batch result). */
export interface RowStream {
  update(bar: OhlcvBar, benchmark: number): object;
}

export function volumeOf(name: string, bars: Bars): F64 {
  if (bars.volume === null) throw new IndicatorError(name, `needs a volume column; ${bars.ticker} has none`);
  return bars.volume;
}

export function benchmarkOf(name: string, b: F64 | null): F64 {
  if (b === null) throw new IndicatorError(name, "needs a benchmark close series");
  return b;
}

interface Common {
  name: string;
  family: FeatureFamily;
  params: readonly ParamDef[];
  warmUp: IndicatorDescriptor["warmUp"];
  /** Id of the default instance in the indicator catalog (null: not a library indicator). */
  catalogId: string | null;
  needsVolume?: boolean;
  needsBenchmark?: boolean;
  needsUniverse?: boolean;
  intradayOnly?: boolean;
  baseOnly?: boolean;
}

export interface Spec extends Common {
  outputs: readonly string[];
  /** The library outputs (default all), for the catalog. */
  catalogOutputs?: readonly string[];
  batch: IndicatorDescriptor["batch"];
  stream: IndicatorDescriptor["stream"];
  crossSection?: IndicatorDescriptor["crossSection"];
}

export function define(s: Spec): IndicatorDescriptor {
  const { catalogId, catalogOutputs, ...rest } = s;
  return {
    crossSection: null,
    needsVolume: false,
    needsBenchmark: false,
    needsUniverse: false,
    intradayOnly: false,
    baseOnly: false,
    ...rest,
    catalog: catalogId === null ? null : { id: catalogId, outputs: catalogOutputs ?? s.outputs },
  };
}

class SingleStream implements StreamCore {
  constructor(private readonly inner: ValueStream) {}
  update(bar: OhlcvBar, benchmark: number): Record<string, number> {
    return { value: this.inner.update(bar, benchmark) };
  }
}

class MultiStream implements StreamCore {
  constructor(private readonly inner: RowStream) {}
  update(bar: OhlcvBar, benchmark: number): Record<string, number> {
    return this.inner.update(bar, benchmark) as Record<string, number>;
  }
}

/** One output, `value`. */
export function single(
  s: Common & { batch: (b: Bars, p: Params, env: BatchEnv) => F64; stream: (p: Params) => ValueStream },
): IndicatorDescriptor {
  return define({
    ...s,
    outputs: ["value"],
    batch: (b, p, env) => ({ value: s.batch(b, p, env) }),
    stream: (p) => new SingleStream(s.stream(p)),
  });
}

/** Several outputs, straight from a library indicator whose batch result and stream rows share keys. */
export function multi(
  s: Common & {
    outputs: readonly string[];
    batch: (b: Bars, p: Params, env: BatchEnv) => object;
    stream: (p: Params) => RowStream;
  },
): IndicatorDescriptor {
  return define({
    ...s,
    batch: (b, p, env) => s.batch(b, p, env) as Record<string, F64>,
    stream: (p) => new MultiStream(s.stream(p)),
  });
}

/** close / level − 1 per bar, into `out` (which may be `level` itself). */
function distanceOf(close: F64, level: F64, out: F64): F64 {
  for (let i = 0; i < close.length; i++) out[i] = close[i] / level[i] - 1;
  return out;
}

class LevelStream implements StreamCore {
  constructor(private readonly inner: ValueStream) {}
  update(bar: OhlcvBar, benchmark: number): Record<string, number> {
    const value = this.inner.update(bar, benchmark);
    return { value, distance: bar.close / value - 1 };
  }
}

/** A price level (moving average, SAR) with its `distance` from the close. */
export function level(
  s: Common & { batch: (b: Bars, p: Params) => F64; stream: (p: Params) => ValueStream },
): IndicatorDescriptor {
  return define({
    ...s,
    outputs: ["value", "distance"],
    catalogOutputs: ["value"],
    batch: (b, p, _env, wanted): Record<string, F64> => {
      const value = s.batch(b, p);
      // Only the distance wanted (the default set): write it over the level, saving an array.
      if (wanted !== undefined && !wanted.includes("value")) return { distance: distanceOf(b.close, value, value) };
      if (wanted !== undefined && !wanted.includes("distance")) return { value };
      return { value, distance: distanceOf(b.close, value, new Float64Array(value.length)) };
    },
    stream: (p) => new LevelStream(s.stream(p)),
  });
}

interface Bands<T> {
  upper: T;
  middle: T;
  lower: T;
}

const positionIn = (c: number, u: number, l: number) => (u > l ? (c - l) / (u - l) : Number.NaN);

class ChannelStream implements StreamCore {
  constructor(private readonly inner: { update(bar: OhlcvBar): Bands<number> }) {}
  update(bar: OhlcvBar): Record<string, number> {
    const ch = this.inner.update(bar);
    return {
      upper: ch.upper,
      middle: ch.middle,
      lower: ch.lower,
      position: positionIn(bar.close, ch.upper, ch.lower),
      upperDistance: bar.close / ch.upper - 1,
      lowerDistance: bar.close / ch.lower - 1,
    };
  }
}

/**
 * A channel (upper/middle/lower) with the close's `position` in it, (close − lower) / (upper −
 * lower), and its distances from the bands, close / band − 1 (on Donchian(252): how far below the
 * 52-week high and above the 52-week low the close is).
 */
export function channel(
  s: Omit<Common, "family"> & {
    batch: (b: Bars, p: Params) => Bands<F64>;
    stream: (p: Params) => { update(bar: OhlcvBar): Bands<number> };
  },
): IndicatorDescriptor {
  return define({
    ...s,
    family: "volatility",
    outputs: ["upper", "middle", "lower", "position", "upperDistance", "lowerDistance"],
    catalogOutputs: ["upper", "middle", "lower"],
    batch: (b, p, _env, wanted): Record<string, F64> => {
      const ch = s.batch(b, p);
      const n = b.close.length;
      const out: Record<string, F64> = { upper: ch.upper, lower: ch.lower };
      let pos: F64 | null = null;
      if (wanted === undefined || wanted.includes("position")) {
        // The middle line is not needed for the position: reuse its memory when nobody reads it.
        pos = wanted !== undefined && !wanted.includes("middle") ? ch.middle : new Float64Array(n);
        for (let i = 0; i < n; i++) pos[i] = positionIn(b.close[i], ch.upper[i], ch.lower[i]);
        out.position = pos;
      }
      if (pos !== ch.middle) out.middle = ch.middle;
      if (wanted === undefined || wanted.includes("upperDistance"))
        out.upperDistance = distanceOf(b.close, ch.upper, new Float64Array(n));
      if (wanted === undefined || wanted.includes("lowerDistance"))
        out.lowerDistance = distanceOf(b.close, ch.lower, new Float64Array(n));
      return out;
    },
    stream: (p) => new ChannelStream(s.stream(p)),
  });
}

/** A streaming class of the close against the benchmark close. */
export interface PairStream<T> {
  update(close: number, benchmark: number): T;
}

class ValueOfPair implements ValueStream {
  constructor(private readonly inner: PairStream<number>) {}
  update(bar: OhlcvBar, benchmark: number): number {
    return this.inner.update(bar.close, benchmark);
  }
}

class RowOfPair implements RowStream {
  constructor(private readonly inner: PairStream<object>) {}
  update(bar: OhlcvBar, benchmark: number): object {
    return { ...this.inner.update(bar.close, benchmark) };
  }
}

/** The close against the benchmark's (cross-asset): a `benchmark` parameter, then the rest. */
export function pair(
  s: Omit<Common, "family" | "needsBenchmark"> & {
    outputs: readonly string[];
    batch: (close: F64, benchmark: F64, p: Params) => Record<string, F64>;
    stream: (p: Params) => PairStream<number> | PairStream<object>;
    single: boolean;
  },
): IndicatorDescriptor {
  return define({
    ...s,
    family: "cross_asset",
    needsBenchmark: true,
    batch: (b, p, env) => s.batch(b.close, benchmarkOf(s.name, env.benchmark), p),
    stream: (p) =>
      s.single
        ? new SingleStream(new ValueOfPair(s.stream(p) as PairStream<number>))
        : new MultiStream(new RowOfPair(s.stream(p) as PairStream<object>)),
  });
}

/** A stream of one input series (close, volume, a derived series): `next(x)`. */
export interface SeriesStream {
  next(x: number): number;
}

/** Columns from a per-bar row function writing `keys.length` values. */
export function perBar(keys: readonly string[], n: number, fill: (i: number, row: F64) => void): Record<string, F64> {
  const cols = keys.map(() => new Float64Array(n));
  const row = new Float64Array(keys.length);
  for (let i = 0; i < n; i++) {
    fill(i, row);
    for (let k = 0; k < cols.length; k++) cols[k][i] = row[k];
  }
  const out: Record<string, F64> = {};
  keys.forEach((k, j) => {
    out[k] = cols[j];
  });
  return out;
}

/** Something that writes one bar's row of values (calendar, clock, bar shape). */
export interface RowFiller {
  fill(bar: OhlcvBar, row: F64): void;
}

/** A stream from a per-bar row filler. */
export class RowFillerStream implements StreamCore {
  private readonly row: F64;
  constructor(
    private readonly keys: readonly string[],
    private readonly filler: RowFiller,
  ) {
    this.row = new Float64Array(keys.length);
  }
  update(bar: OhlcvBar): Record<string, number> {
    this.filler.fill(bar, this.row);
    const out: Record<string, number> = {};
    for (let k = 0; k < this.keys.length; k++) out[this.keys[k]] = this.row[k];
    return out;
  }
}
