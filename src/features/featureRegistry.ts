/**
 * Every indicator a feature spec can name, by name, with its parameters (defaults from the
 * indicator library's catalog) and outputs. Price-level indicators (moving averages, SAR,
 * channels) also give a scale-free `distance` (close / level − 1) or `position` output, which is
 * what a model should see across decades of prices. Volatility estimators are annualised with
 * 252 bars a year whatever the timeframe (a constant factor; call the functions directly for
 * another). `breadth` (share of names above their 50-day average, net advancers) reads the
 * universe, or the proxy ETFs where it does not cover the date (src/features/breadth.ts).
 */
import type { Bars, Timeframe } from "../data/bars";
import { INTRADAY_TIMEFRAME_MS, isIntraday } from "../data/bars";
import { isSession, sessionClose, sessionOpen } from "../data/calendar";
import { DAY_MS, civilFromDays, weekdayOfDay } from "../data/newYorkTime";
import type { FeatureIndicator, ParamDef, Params } from "./featureIndicator";
import { int, real, ticker } from "./featureIndicator";
import { BreadthStream, breadth, netAdvancers } from "./breadth";
import * as I from "./indicators";
import type { OhlcvBar } from "./indicators";

type F64 = Float64Array;

function num(p: Params, key: string): number {
  return p[key] as number;
}

function volumeOf(name: string, bars: Bars): F64 {
  if (bars.volume === null) throw new I.IndicatorError(name, `needs a volume column; ${bars.ticker} has none`);
  return bars.volume;
}

function benchmarkOf(name: string, b: F64 | null): F64 {
  if (b === null) throw new I.IndicatorError(name, "needs a benchmark close series");
  return b;
}

interface Spec {
  name: string;
  family: FeatureIndicator["family"];
  params: readonly ParamDef[];
  outputs: readonly string[];
  needsVolume?: boolean;
  needsBenchmark?: boolean;
  needsUniverse?: boolean;
  intradayOnly?: boolean;
  baseOnly?: boolean;
  batch: FeatureIndicator["batch"];
  stream: FeatureIndicator["stream"];
  crossSection?: FeatureIndicator["crossSection"];
}

function define(s: Spec): FeatureIndicator {
  return {
    crossSection: null,
    needsVolume: false,
    needsBenchmark: false,
    needsUniverse: false,
    intradayOnly: false,
    baseOnly: false,
    ...s,
  };
}

/** One output, `value`. */
function single(
  name: string,
  family: FeatureIndicator["family"],
  params: readonly ParamDef[],
  batch: (b: Bars, p: Params) => F64,
  stream: (p: Params) => (bar: OhlcvBar) => number,
  needsVolume = false,
): FeatureIndicator {
  return define({
    name,
    family,
    params,
    outputs: ["value"],
    needsVolume,
    batch: (b, p) => ({ value: batch(b, p) }),
    stream: (p) => {
      const next = stream(p);
      return (bar) => ({ value: next(bar) });
    },
  });
}

/** Several outputs, straight from a library indicator whose batch result and stream rows share keys. */
function multi(
  name: string,
  family: FeatureIndicator["family"],
  params: readonly ParamDef[],
  outputs: readonly string[],
  batch: (b: Bars, p: Params) => object,
  stream: (p: Params) => { update(bar: OhlcvBar): object },
  needsVolume = false,
): FeatureIndicator {
  return define({
    name,
    family,
    params,
    outputs,
    needsVolume,
    batch: (b, p) => batch(b, p) as Record<string, F64>,
    stream: (p) => {
      const s = stream(p);
      return (bar) => s.update(bar) as Record<string, number>;
    },
  });
}

/** close / level − 1 per bar, into `out` (which may be `level` itself). */
function distanceOf(close: F64, level: F64, out: F64): F64 {
  for (let i = 0; i < close.length; i++) out[i] = close[i] / level[i] - 1;
  return out;
}

/** A price level (moving average, SAR) with its `distance` from the close. */
function level(
  name: string,
  family: FeatureIndicator["family"],
  params: readonly ParamDef[],
  batch: (b: Bars, p: Params) => F64,
  stream: (p: Params) => { update(bar: OhlcvBar): number },
): FeatureIndicator {
  return define({
    name,
    family,
    params,
    outputs: ["value", "distance"],
    batch: (b, p, _env, wanted): Record<string, F64> => {
      const value = batch(b, p);
      // Only the distance wanted (the default set): write it over the level, saving an array.
      if (wanted !== undefined && !wanted.includes("value")) return { distance: distanceOf(b.close, value, value) };
      return { value, distance: distanceOf(b.close, value, new Float64Array(value.length)) };
    },
    stream: (p) => {
      const s = stream(p);
      return (bar) => {
        const value = s.update(bar);
        return { value, distance: bar.close / value - 1 };
      };
    },
  });
}

/**
 * A channel (upper/middle/lower) with the close's `position` in it, (close − lower) / (upper −
 * lower), and its distances from the bands, close / band − 1 (on Donchian(252): how far below the
 * 52-week high and above the 52-week low the close is).
 */
function channel(
  name: string,
  params: readonly ParamDef[],
  batch: (b: Bars, p: Params) => { upper: F64; middle: F64; lower: F64 },
  stream: (p: Params) => { update(bar: OhlcvBar): { upper: number; middle: number; lower: number } },
): FeatureIndicator {
  const position = (c: number, u: number, l: number) => (u > l ? (c - l) / (u - l) : Number.NaN);
  return define({
    name,
    family: "volatility",
    params,
    outputs: ["upper", "middle", "lower", "position", "upperDistance", "lowerDistance"],
    batch: (b, p, _env, wanted): Record<string, F64> => {
      const ch = batch(b, p);
      const n = b.close.length;
      const out: Record<string, F64> = { upper: ch.upper, lower: ch.lower };
      // The middle line is not needed for the position: reuse its memory when nobody reads it.
      const pos = wanted !== undefined && !wanted.includes("middle") ? ch.middle : new Float64Array(n);
      for (let i = 0; i < n; i++) pos[i] = position(b.close[i], ch.upper[i], ch.lower[i]);
      out.position = pos;
      if (pos !== ch.middle) out.middle = ch.middle;
      if (wanted === undefined || wanted.includes("upperDistance"))
        out.upperDistance = distanceOf(b.close, ch.upper, new Float64Array(n));
      if (wanted === undefined || wanted.includes("lowerDistance"))
        out.lowerDistance = distanceOf(b.close, ch.lower, new Float64Array(n));
      return out;
    },
    stream: (p) => {
      const s = stream(p);
      return (bar) => {
        const ch = s.update(bar);
        return {
          upper: ch.upper,
          middle: ch.middle,
          lower: ch.lower,
          position: position(bar.close, ch.upper, ch.lower),
          upperDistance: bar.close / ch.upper - 1,
          lowerDistance: bar.close / ch.lower - 1,
        };
      };
    },
  });
}

/** A statistic of the one-bar log returns of the close. */
function ofReturns(
  name: string,
  params: readonly ParamDef[],
  batch: (r: F64, p: Params) => F64,
  stream: (p: Params) => { next(x: number): number },
): FeatureIndicator {
  return single(
    name,
    "returns",
    params,
    (b, p) => batch(I.logReturns(b.close), p),
    (p) => {
      const r = new I.LogReturnsStream();
      const s = stream(p);
      return (bar) => s.next(r.next(bar.close));
    },
  );
}

/**
 * ln(close) per bar, kept per close array: the default set takes log returns over nine horizons
 * of the same closes, and a logarithm costs more than the rest of a return.
 */
const logCloses = new WeakMap<F64, F64>();

function logCloseOf(close: F64): F64 {
  let out = logCloses.get(close);
  if (!out) {
    out = new Float64Array(close.length);
    for (let i = 0; i < close.length; i++) out[i] = Math.log(close[i]);
    logCloses.set(close, out);
  }
  return out;
}

/** Log return over `period` bars: ln(close_t) − ln(close_{t−period}). */
function logReturnOver(close: F64, period: number): F64 {
  const lc = logCloseOf(close);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = i >= period ? lc[i] - lc[i - period] : Number.NaN;
  return out;
}

class LogReturnOverStream {
  private readonly ring: Float64Array;
  private seen = 0;

  constructor(private readonly period: number) {
    this.ring = new Float64Array(period);
  }

  update(bar: OhlcvBar): number {
    const slot = this.seen % this.period;
    const lc = Math.log(bar.close);
    const out = this.seen >= this.period ? lc - this.ring[slot] : Number.NaN;
    this.ring[slot] = lc;
    this.seen++;
    return out;
  }
}

const BAR_SHAPE = ["gap", "range", "body", "closeLocation", "upperWick", "lowerWick"] as const;

/** Shape of one bar relative to its prices, in BAR_SHAPE order; `gap` uses the previous close. */
function barShapeAt(o: number, h: number, l: number, c: number, prevClose: number, row: F64): void {
  row[0] = o / prevClose - 1;
  row[1] = (h - l) / c;
  row[2] = c / o - 1;
  row[3] = h > l ? (c - l) / (h - l) : Number.NaN;
  row[4] = (h - Math.max(o, c)) / c;
  row[5] = (Math.min(o, c) - l) / c;
}

const CALENDAR = ["dayOfWeek", "month", "dayOfMonth", "weekOfYear"] as const;

/**
 * Calendar of a bar's date, in CALENDAR order: the UTC date for daily/weekly bars (stamped 00:00
 * UTC), else the New York date. The civil date is recomputed only when the day changes.
 */
class CalendarOf {
  private readonly clock = new I.NewYorkClock();
  private day = Number.NaN;
  private readonly cached = new Float64Array(4);

  constructor(private readonly intraday: boolean) {}

  fill(ts: number, row: F64): void {
    const day = this.intraday ? this.clock.day(ts) : Math.floor(ts / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      const [y, m, d] = civilFromDays(day);
      this.cached[0] = weekdayOfDay(day);
      this.cached[1] = m;
      this.cached[2] = d;
      this.cached[3] = Math.floor((day - Math.floor(Date.UTC(y, 0, 1) / DAY_MS)) / 7) + 1;
    }
    row.set(this.cached);
  }
}

const CLOCK = ["hour", "minutesSinceOpen", "minutesToClose", "sessionSegment", "sessionHours"] as const;

/**
 * Intraday clock of a bar, in CLOCK order: New York hour, minutes from the session open to the
 * bar's open, minutes from the bar's close to the session close, the session segment (0 first
 * 30 minutes, 1 to 12:00, 2 to 14:00, 3 until the last 30 minutes, 4 the last 30 minutes; NaN
 * outside regular hours) and the hours (−1 pre-market, 0 regular, 1 after hours; NaN on a
 * non-session). Session bounds are looked up once per day.
 */
class ClockOf {
  private readonly clock = new I.NewYorkClock();
  private day = Number.NaN;
  private open = Number.NaN;
  private close = Number.NaN;

  constructor(private readonly stepMs: number) {}

  fill(ts: number, row: F64): void {
    const day = this.clock.day(ts) * DAY_MS;
    if (day !== this.day) {
      this.day = day;
      const session = isSession(day);
      this.open = session ? sessionOpen(day) : Number.NaN;
      this.close = session ? sessionClose(day) : Number.NaN;
    }
    const minute = this.clock.minuteOfDay(ts);
    row[0] = Math.floor(minute / 60);
    if (Number.isNaN(this.open)) {
      row[1] = row[2] = row[3] = row[4] = Number.NaN;
      return;
    }
    const since = (ts - this.open) / 60_000;
    const toClose = (this.close - (ts + this.stepMs)) / 60_000;
    row[1] = since;
    row[2] = toClose;
    const regular = ts >= this.open && ts < this.close;
    row[4] = ts < this.open ? -1 : regular ? 0 : 1;
    row[3] = !regular
      ? Number.NaN
      : since < 30
        ? 0
        : toClose < 30 - this.stepMs / 60_000
          ? 4
          : minute < 12 * 60
            ? 1
            : minute < 14 * 60
              ? 2
              : 3;
  }
}

/** Columns from a per-bar row function writing `keys.length` values. */
function perBar(keys: readonly string[], n: number, fill: (i: number, row: F64) => void): Record<string, F64> {
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

/** A stream step from a per-bar row function. */
function rowStep(
  keys: readonly string[],
  fill: (bar: OhlcvBar, row: F64) => void,
): (bar: OhlcvBar) => Record<string, number> {
  const row = new Float64Array(keys.length);
  return (bar) => {
    fill(bar, row);
    const out: Record<string, number> = {};
    for (let k = 0; k < keys.length; k++) out[keys[k]] = row[k];
    return out;
  };
}

function stepOf(tf: Timeframe): number {
  return isIntraday(tf) ? INTRADAY_TIMEFRAME_MS[tf] : DAY_MS;
}

const period = (def: number, min = 1) => [int("period", def, min)];

const INDICATORS: readonly FeatureIndicator[] = [
  // trend
  level(
    "sma",
    "trend",
    period(20),
    (b, p) => I.sma(b.close, num(p, "period")),
    (p) => new I.SmaStream(num(p, "period")),
  ),
  level(
    "ema",
    "trend",
    period(20),
    (b, p) => I.ema(b.close, num(p, "period")),
    (p) => new I.EmaStream(num(p, "period")),
  ),
  level(
    "wma",
    "trend",
    period(20),
    (b, p) => I.wma(b.close, num(p, "period")),
    (p) => new I.WmaStream(num(p, "period")),
  ),
  level(
    "dema",
    "trend",
    period(20),
    (b, p) => I.dema(b.close, num(p, "period")),
    (p) => new I.DemaStream(num(p, "period")),
  ),
  level(
    "tema",
    "trend",
    period(20),
    (b, p) => I.tema(b.close, num(p, "period")),
    (p) => new I.TemaStream(num(p, "period")),
  ),
  level(
    "kama",
    "trend",
    period(10),
    (b, p) => I.kama(b.close, num(p, "period")),
    (p) => new I.KamaStream(num(p, "period")),
  ),
  level(
    "hma",
    "trend",
    period(20, 2),
    (b, p) => I.hma(b.close, num(p, "period")),
    (p) => new I.HmaStream(num(p, "period")),
  ),
  level(
    "psar",
    "trend",
    [real("acceleration", 0.02, 0, 1), real("maximum", 0.2, 0, 1)],
    (b, p) => I.parabolicSar(b.high, b.low, num(p, "acceleration"), num(p, "maximum")),
    (p) => new I.ParabolicSarStream(num(p, "acceleration"), num(p, "maximum")),
  ),
  multi(
    "macd",
    "trend",
    [int("fast", 12), int("slow", 26), int("signal", 9)],
    ["macd", "signal", "hist"],
    (b, p) => I.macd(b.close, num(p, "fast"), num(p, "slow"), num(p, "signal")),
    (p) => new I.MacdStream(num(p, "fast"), num(p, "slow"), num(p, "signal")),
  ),
  multi(
    "adx",
    "trend",
    period(14),
    ["adx", "plusDi", "minusDi"],
    (b, p) => I.adx(b.high, b.low, b.close, num(p, "period")),
    (p) => new I.AdxStream(num(p, "period")),
  ),
  multi(
    "aroon",
    "trend",
    period(14),
    ["up", "down", "osc"],
    (b, p) => I.aroon(b.high, b.low, num(p, "period")),
    (p) => new I.AroonStream(num(p, "period")),
  ),
  multi(
    "ichimoku",
    "trend",
    [int("tenkan", 9), int("kijun", 26), int("senkou", 52)],
    ["tenkan", "kijun", "senkouA", "senkouB"],
    (b, p) => I.ichimoku(b.high, b.low, num(p, "tenkan"), num(p, "kijun"), num(p, "senkou")),
    (p) => new I.IchimokuStream(num(p, "tenkan"), num(p, "kijun"), num(p, "senkou")),
  ),
  single(
    "linreg_slope",
    "trend",
    period(14, 2),
    (b, p) => I.linRegSlope(b.close, num(p, "period")),
    (p) => {
      const s = new I.LinRegSlopeStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  // momentum
  single(
    "rsi",
    "momentum",
    period(14),
    (b, p) => I.rsi(b.close, num(p, "period")),
    (p) => {
      const s = new I.RsiStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  multi(
    "stoch",
    "momentum",
    [int("k", 14), int("smooth", 3), int("d", 3)],
    ["k", "d"],
    (b, p) => I.stochastic(b.high, b.low, b.close, num(p, "k"), num(p, "smooth"), num(p, "d")),
    (p) => new I.StochasticStream(num(p, "k"), num(p, "smooth"), num(p, "d")),
  ),
  multi(
    "stochrsi",
    "momentum",
    [int("rsi", 14), int("k", 14), int("d", 3)],
    ["k", "d"],
    (b, p) => I.stochRsi(b.close, num(p, "rsi"), num(p, "k"), num(p, "d")),
    (p) => new I.StochRsiStream(num(p, "rsi"), num(p, "k"), num(p, "d")),
  ),
  single(
    "willr",
    "momentum",
    period(14),
    (b, p) => I.williamsR(b.high, b.low, b.close, num(p, "period")),
    (p) => {
      const s = new I.WilliamsRStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "cci",
    "momentum",
    period(20),
    (b, p) => I.cci(b.high, b.low, b.close, num(p, "period")),
    (p) => {
      const s = new I.CciStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "roc",
    "momentum",
    period(10),
    (b, p) => I.roc(b.close, num(p, "period")),
    (p) => {
      const s = new I.RocStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "mom",
    "momentum",
    period(10),
    (b, p) => I.momentum(b.close, num(p, "period")),
    (p) => {
      const s = new I.MomentumStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "tsi",
    "momentum",
    [int("long", 25), int("short", 13)],
    (b, p) => I.tsi(b.close, num(p, "long"), num(p, "short")),
    (p) => {
      const s = new I.TsiStream(num(p, "long"), num(p, "short"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "ultosc",
    "momentum",
    [int("p1", 7), int("p2", 14), int("p3", 28)],
    (b, p) => I.ultimateOscillator(b.high, b.low, b.close, num(p, "p1"), num(p, "p2"), num(p, "p3")),
    (p) => {
      const s = new I.UltimateOscillatorStream(num(p, "p1"), num(p, "p2"), num(p, "p3"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "mfi",
    "momentum",
    period(14),
    (b, p) => I.mfi(b.high, b.low, b.close, volumeOf("mfi", b), num(p, "period")),
    (p) => {
      const s = new I.MfiStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
    true,
  ),
  // volatility
  single(
    "atr",
    "volatility",
    period(14),
    (b, p) => I.atr(b.high, b.low, b.close, num(p, "period")),
    (p) => {
      const s = new I.AtrStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "natr",
    "volatility",
    period(14),
    (b, p) => I.natr(b.high, b.low, b.close, num(p, "period")),
    (p) => {
      const s = new I.NatrStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  multi(
    "bollinger",
    "volatility",
    [int("period", 20, 2), real("multiplier", 2, 0, 100)],
    ["upper", "middle", "lower", "width", "percentB"],
    (b, p) => {
      const bands = I.bollinger(b.close, num(p, "period"), num(p, "multiplier"));
      return { ...bands, ...I.bollingerPosition(b.close, bands) };
    },
    (p) => new I.BollingerStream(num(p, "period"), num(p, "multiplier")),
  ),
  channel(
    "keltner",
    [int("period", 20), int("atr_period", 10), real("multiplier", 2, 0, 100)],
    (b, p) =>
      I.keltner(b.high, b.low, b.close, {
        period: num(p, "period"),
        atrPeriod: num(p, "atr_period"),
        multiplier: num(p, "multiplier"),
      }),
    (p) =>
      new I.KeltnerStream({
        period: num(p, "period"),
        atrPeriod: num(p, "atr_period"),
        multiplier: num(p, "multiplier"),
      }),
  ),
  channel(
    "donchian",
    period(20),
    (b, p) => I.donchian(b.high, b.low, num(p, "period")),
    (p) => new I.DonchianStream(num(p, "period")),
  ),
  single(
    "volatility_cc",
    "volatility",
    period(20, 2),
    (b, p) => I.closeToCloseVolatility(b.close, num(p, "period"), 252),
    (p) => {
      const s = new I.CloseToCloseVolatilityStream(num(p, "period"), 252);
      return (bar) => s.update(bar);
    },
  ),
  single(
    "volatility_parkinson",
    "volatility",
    period(20),
    (b, p) => I.parkinsonVolatility(b.high, b.low, num(p, "period"), 252),
    (p) => {
      const s = new I.ParkinsonVolatilityStream(num(p, "period"), 252);
      return (bar) => s.update(bar);
    },
  ),
  single(
    "volatility_gk",
    "volatility",
    period(20),
    (b, p) => I.garmanKlassVolatility(b.open, b.high, b.low, b.close, num(p, "period"), 252),
    (p) => {
      const s = new I.GarmanKlassVolatilityStream(num(p, "period"), 252);
      return (bar) => s.update(bar);
    },
  ),
  single(
    "volatility_yz",
    "volatility",
    period(20, 2),
    (b, p) => I.yangZhangVolatility(b.open, b.high, b.low, b.close, num(p, "period"), 252),
    (p) => {
      const s = new I.YangZhangVolatilityStream(num(p, "period"), 252);
      return (bar) => s.update(bar);
    },
  ),
  // volume
  single(
    "obv",
    "volume",
    [],
    (b) => I.obv(b.close, volumeOf("obv", b)),
    () => {
      const s = new I.ObvStream();
      return (bar) => s.update(bar);
    },
    true,
  ),
  single(
    "ad",
    "volume",
    [],
    (b) => I.accumulationDistribution(b.high, b.low, b.close, volumeOf("ad", b)),
    () => {
      const s = new I.AccumulationDistributionStream();
      return (bar) => s.update(bar);
    },
    true,
  ),
  single(
    "cmf",
    "volume",
    period(20),
    (b, p) => I.chaikinMoneyFlow(b.high, b.low, b.close, volumeOf("cmf", b), num(p, "period")),
    (p) => {
      const s = new I.ChaikinMoneyFlowStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
    true,
  ),
  // Session VWAP: on daily bars a session is one bar, so it is intraday only (vwap_rolling for daily).
  {
    ...multi(
      "vwap",
      "volume",
      [],
      ["vwap", "distancePct", "distanceSigma", "upper1", "lower1", "upper2", "lower2"],
      (b) => I.vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap", b), "session"),
      () => new I.VwapStream("session"),
      true,
    ),
    intradayOnly: true,
  },
  multi(
    "vwap_rolling",
    "volume",
    period(20),
    ["vwap", "distancePct", "distanceSigma", "upper1", "lower1", "upper2", "lower2"],
    (b, p) => I.vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap_rolling", b), { period: num(p, "period") }),
    (p) => new I.VwapStream({ period: num(p, "period") }),
    true,
  ),
  single(
    "volume_zscore",
    "volume",
    period(20, 2),
    (b, p) => I.rollingZScore(volumeOf("volume_zscore", b), num(p, "period")),
    (p) => {
      const s = new I.RollingZScoreStream(num(p, "period"));
      return (bar) => s.next(bar.volume);
    },
    true,
  ),
  single(
    "relative_volume",
    "volume",
    [int("sessions", 20)],
    (b, p) => I.relativeVolume(b.ts, volumeOf("relative_volume", b), num(p, "sessions")),
    (p) => {
      const s = new I.RelativeVolumeStream(num(p, "sessions"));
      return (bar) => s.update(bar);
    },
    true,
  ),
  // return statistics
  single(
    "ret",
    "returns",
    period(1),
    (b, p) => logReturnOver(b.close, num(p, "period")),
    (p) => {
      const s = new LogReturnOverStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "close_zscore",
    "returns",
    period(20, 2),
    (b, p) => I.rollingZScore(b.close, num(p, "period")),
    (p) => {
      const s = new I.RollingZScoreStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  ofReturns(
    "skew",
    period(60, 3),
    (r, p) => I.rollingSkew(r, num(p, "period")),
    (p) => new I.RollingSkewStream(num(p, "period")),
  ),
  ofReturns(
    "kurtosis",
    period(60, 4),
    (r, p) => I.rollingKurtosis(r, num(p, "period")),
    (p) => new I.RollingKurtosisStream(num(p, "period")),
  ),
  ofReturns(
    "autocorrelation",
    [int("period", 60, 3), int("lag", 1)],
    (r, p) => I.autocorrelation(r, num(p, "period"), num(p, "lag")),
    (p) => new I.AutocorrelationStream(num(p, "period"), num(p, "lag")),
  ),
  ofReturns(
    "hurst",
    [int("period", 128, 16), int("min_chunk", 8, 2)],
    (r, p) => I.hurstExponent(r, num(p, "period"), num(p, "min_chunk")),
    (p) => new I.HurstExponentStream(num(p, "period"), num(p, "min_chunk")),
  ),
  single(
    "percentile_rank",
    "returns",
    period(252, 2),
    (b, p) => I.percentileRank(b.close, num(p, "period")),
    (p) => {
      const s = new I.PercentileRankStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  /** The close itself: a context series' level (`VIX/close`). */
  single(
    "close",
    "returns",
    [],
    (b) => Float64Array.from(b.close),
    () => (bar) => bar.close,
  ),
  // microstructure
  single(
    "corwin_schultz",
    "microstructure",
    period(20),
    (b, p) => I.corwinSchultzSpread(b.high, b.low, b.close, num(p, "period")),
    (p) => {
      const s = new I.CorwinSchultzSpreadStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "roll_spread",
    "microstructure",
    period(20, 2),
    (b, p) => I.rollSpread(b.close, num(p, "period")),
    (p) => {
      const s = new I.RollSpreadStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  single(
    "range_compression",
    "microstructure",
    period(20),
    (b, p) => I.rangeCompression(b.high, b.low, num(p, "period")),
    (p) => {
      const s = new I.RangeCompressionStream(num(p, "period"));
      return (bar) => s.update(bar);
    },
  ),
  multi(
    "pre_breakout",
    "microstructure",
    [int("short", 5), int("long", 20)],
    ["score", "rangeRatio", "volumeRatio", "edge", "side", "flag"],
    (b, p) =>
      I.preBreakout(b.high, b.low, b.close, volumeOf("pre_breakout", b), {
        short: num(p, "short"),
        long: num(p, "long"),
      }),
    (p) => new I.PreBreakoutStream({ short: num(p, "short"), long: num(p, "long") }),
    true,
  ),
  define({
    name: "bar_shape",
    family: "microstructure",
    params: [],
    outputs: BAR_SHAPE,
    batch: (b) =>
      perBar(BAR_SHAPE, b.close.length, (i, row) =>
        barShapeAt(b.open[i], b.high[i], b.low[i], b.close[i], i > 0 ? b.close[i - 1] : Number.NaN, row),
      ),
    stream: () => {
      let prev = Number.NaN;
      return rowStep(BAR_SHAPE, (bar, row) => {
        barShapeAt(bar.open, bar.high, bar.low, bar.close, prev, row);
        prev = bar.close;
      });
    },
  }),
  // cross-asset
  define({
    name: "beta",
    family: "cross_asset",
    params: [ticker("benchmark", "SPY"), int("period", 60, 2)],
    outputs: ["value"],
    needsBenchmark: true,
    batch: (b, p, env) => ({ value: I.rollingBeta(b.close, benchmarkOf("beta", env.benchmark), num(p, "period")) }),
    stream: (p) => {
      const s = new I.RollingBetaStream(num(p, "period"));
      return (bar, bench) => ({ value: s.update(bar.close, bench) });
    },
  }),
  define({
    name: "correlation",
    family: "cross_asset",
    params: [ticker("benchmark", "SPY"), int("period", 60, 2)],
    outputs: ["value"],
    needsBenchmark: true,
    batch: (b, p, env) => ({
      value: I.rollingCorrelation(b.close, benchmarkOf("correlation", env.benchmark), num(p, "period")),
    }),
    stream: (p) => {
      const s = new I.RollingCorrelationStream(num(p, "period"));
      return (bar, bench) => ({ value: s.update(bar.close, bench) });
    },
  }),
  define({
    name: "relative_strength",
    family: "cross_asset",
    params: [ticker("benchmark", "SPY"), int("period", 20)],
    outputs: ["ratio", "roc"],
    needsBenchmark: true,
    batch: (b, p, env) => ({
      ...I.relativeStrength(b.close, benchmarkOf("relative_strength", env.benchmark), num(p, "period")),
    }),
    stream: (p) => {
      const s = new I.RelativeStrengthStream(num(p, "period"));
      return (bar, bench) => ({ ...s.update(bar.close, bench) });
    },
  }),
  // calendar
  define({
    name: "calendar",
    family: "calendar",
    params: [],
    outputs: CALENDAR,
    baseOnly: true,
    batch: (b) => {
      const cal = new CalendarOf(isIntraday(b.timeframe));
      return perBar(CALENDAR, b.ts.length, (i, row) => cal.fill(b.ts[i], row));
    },
    stream: (_p, tf) => {
      const cal = new CalendarOf(isIntraday(tf));
      return rowStep(CALENDAR, (bar, row) => cal.fill(bar.ts, row));
    },
  }),
  define({
    name: "clock",
    family: "calendar",
    params: [],
    outputs: CLOCK,
    baseOnly: true,
    intradayOnly: true,
    batch: (b) => {
      const clock = new ClockOf(stepOf(b.timeframe));
      return perBar(CLOCK, b.ts.length, (i, row) => clock.fill(b.ts[i], row));
    },
    stream: (_p, tf) => {
      const clock = new ClockOf(stepOf(tf));
      return rowStep(CLOCK, (bar, row) => clock.fill(bar.ts, row));
    },
  }),
  // breadth
  define({
    name: "breadth",
    family: "breadth",
    params: period(50),
    outputs: ["aboveShare", "advanceDeclineNet", "proxy"],
    needsUniverse: true,
    baseOnly: true,
    batch: (b, p, env) => {
      if (b.timeframe !== "1d") throw new I.IndicatorError("breadth", `needs daily bars, got ${b.timeframe}`);
      const br = breadth(
        b.ts,
        { universe: env.universe ?? undefined, proxies: env.proxies },
        { period: num(p, "period") },
      );
      const net = new Float64Array(b.ts.length);
      for (let i = 0; i < net.length; i++) net[i] = netAdvancers(br.advancers[i], br.decliners[i]);
      return { aboveShare: br.aboveShare, advanceDeclineNet: net, proxy: br.proxy };
    },
    stream: null,
    crossSection: (p) => {
      const s = new BreadthStream({ period: num(p, "period") });
      return {
        pushUniverse: (t, ts, price) => s.pushUniverse(t, ts, price),
        pushProxy: (t, ts, price) => s.pushProxy(t, ts, price),
        at: (ts) => {
          const row = s.at(ts);
          return {
            aboveShare: row.aboveShare,
            advanceDeclineNet: netAdvancers(row.advancers, row.decliners),
            proxy: row.proxy,
          };
        },
      };
    },
  }),
];

const BY_NAME = new Map<string, FeatureIndicator>(INDICATORS.map((d) => [d.name, d]));

export function featureIndicator(name: string): FeatureIndicator | undefined {
  return BY_NAME.get(name);
}

/** Names a spec may use, sorted. */
export function featureIndicatorNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
