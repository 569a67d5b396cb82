/**
 * Catalog entries of the volatility, volume, return-statistics, microstructure and
 * cross-asset families, with their default parameters. Volatility estimators are annualised
 * with 252 bars a year (daily bars); call the functions directly for another factor.
 * Return statistics other than z-score and percentile rank take one-bar log returns of the
 * close as their series (a distribution of prices means little).
 */
import type { Bars } from "../../../data/bars";
import { AccumulationDistributionStream, accumulationDistribution } from "../accumulationDistribution";
import { AtrStream, atr } from "../atr";
import { AutocorrelationStream, autocorrelation } from "../autocorrelation";
import { BollingerStream, bollinger, bollingerPosition } from "../bollinger";
import type { CatalogEntry, IndicatorFamily } from "../catalogEntry";
import { ChaikinMoneyFlowStream, chaikinMoneyFlow } from "../chaikinMoneyFlow";
import { CloseToCloseVolatilityStream, closeToCloseVolatility } from "../closeToCloseVolatility";
import { CorwinSchultzSpreadStream, corwinSchultzSpread } from "../corwinSchultzSpread";
import { DonchianStream, donchian } from "../donchian";
import { GarmanKlassVolatilityStream, garmanKlassVolatility } from "../garmanKlassVolatility";
import { HurstExponentStream, hurstExponent } from "../hurstExponent";
import { IndicatorError, type OhlcvBar } from "../indicator";
import { KeltnerStream, keltner } from "../keltner";
import { LogReturnsStream, logReturns } from "../logReturns";
import { NatrStream, natr } from "../natr";
import { ObvStream, obv } from "../obv";
import { ParkinsonVolatilityStream, parkinsonVolatility } from "../parkinsonVolatility";
import { PercentileRankStream, percentileRank } from "../percentileRank";
import { PreBreakoutStream, preBreakout } from "../preBreakout";
import { RangeCompressionStream, rangeCompression } from "../rangeCompression";
import { RelativeStrengthStream, relativeStrength } from "../relativeStrength";
import { RelativeVolumeStream, relativeVolume } from "../relativeVolume";
import { RollSpreadStream, rollSpread } from "../rollSpread";
import { RollingBetaStream, rollingBeta } from "../rollingBeta";
import { RollingCorrelationStream, rollingCorrelation } from "../rollingCorrelation";
import { RollingKurtosisStream, rollingKurtosis } from "../rollingKurtosis";
import { RollingSkewStream, rollingSkew } from "../rollingSkew";
import { RollingZScoreStream, rollingZScore } from "../rollingZScore";
import { VwapStream, vwap } from "../vwap";
import { YangZhangVolatilityStream, yangZhangVolatility } from "../yangZhangVolatility";

type Outputs = Record<string, number>;

function volumeOf(name: string, bars: Bars): Float64Array {
  if (bars.volume === null) throw new IndicatorError(name, `needs a volume column; ${bars.ticker} has none`);
  return bars.volume;
}

function benchmarkOf(name: string, benchmarkClose: Float64Array | undefined): Float64Array {
  if (benchmarkClose === undefined)
    throw new IndicatorError(name, "needs a benchmark close series aligned to the bars");
  return benchmarkClose;
}

function benchmarkAt(name: string, benchmarkClose: number | undefined): number {
  if (benchmarkClose === undefined) throw new IndicatorError(name, "needs the benchmark close of each bar");
  return benchmarkClose;
}

/** An entry with one output, `value`. */
function single(
  name: string,
  family: IndicatorFamily,
  needsVolume: boolean,
  batch: (bars: Bars) => Float64Array,
  stream: () => (bar: OhlcvBar) => number,
): CatalogEntry {
  return {
    name,
    family,
    needsVolume,
    needsBenchmark: false,
    batch: (bars) => ({ value: batch(bars) }),
    stream: () => {
      const next = stream();
      return { update: (bar) => ({ value: next(bar) }) };
    },
  };
}

/** An entry with several named outputs. */
function multi<T extends object>(
  name: string,
  family: IndicatorFamily,
  needsVolume: boolean,
  batch: (bars: Bars) => T,
  stream: () => (bar: OhlcvBar) => object,
): CatalogEntry {
  return {
    name,
    family,
    needsVolume,
    needsBenchmark: false,
    batch: (bars) => batch(bars) as unknown as Record<string, Float64Array>,
    stream: () => {
      const next = stream();
      return { update: (bar) => next(bar) as Outputs };
    },
  };
}

/** A statistic of the log-return series: batch over logReturns(close), stream chained after LogReturnsStream. */
function ofReturns(
  name: string,
  batch: (returns: Float64Array) => Float64Array,
  stream: () => { next(x: number): number },
): CatalogEntry {
  return single(
    name,
    "returns",
    false,
    (b) => batch(logReturns(b.close)),
    () => {
      const r = new LogReturnsStream();
      const s = stream();
      return (bar) => s.next(r.next(bar.close));
    },
  );
}

function crossAsset(
  name: string,
  batch: (close: Float64Array, bench: Float64Array) => Record<string, Float64Array>,
  stream: () => (close: number, bench: number) => Outputs,
): CatalogEntry {
  return {
    name,
    family: "cross_asset",
    needsVolume: false,
    needsBenchmark: true,
    batch: (bars, benchmarkClose) => batch(bars.close, benchmarkOf(name, benchmarkClose)),
    stream: () => {
      const next = stream();
      return { update: (bar, benchmarkClose) => next(bar.close, benchmarkAt(name, benchmarkClose)) };
    },
  };
}

function via<S extends { update(bar: OhlcvBar): number }>(s: S): (bar: OhlcvBar) => number {
  return (bar) => s.update(bar);
}

function viaMulti<S extends { update(bar: OhlcvBar): object }>(s: S): (bar: OhlcvBar) => object {
  return (bar) => s.update(bar);
}

export const volatilityVolumeStatsCatalog: readonly CatalogEntry[] = [
  // volatility
  single(
    "atr_14",
    "volatility",
    false,
    (b) => atr(b.high, b.low, b.close, 14),
    () => via(new AtrStream(14)),
  ),
  single(
    "natr_14",
    "volatility",
    false,
    (b) => natr(b.high, b.low, b.close, 14),
    () => via(new NatrStream(14)),
  ),
  multi(
    "bollinger_20_2",
    "volatility",
    false,
    (b) => {
      const bands = bollinger(b.close, 20, 2);
      return { ...bands, ...bollingerPosition(b.close, bands) };
    },
    () => viaMulti(new BollingerStream(20, 2)),
  ),
  multi(
    "keltner_20_10_2",
    "volatility",
    false,
    (b) => keltner(b.high, b.low, b.close, { period: 20, atrPeriod: 10, multiplier: 2 }),
    () => viaMulti(new KeltnerStream({ period: 20, atrPeriod: 10, multiplier: 2 })),
  ),
  multi(
    "donchian_20",
    "volatility",
    false,
    (b) => donchian(b.high, b.low, 20),
    () => viaMulti(new DonchianStream(20)),
  ),
  single(
    "volatility_close_to_close_20",
    "volatility",
    false,
    (b) => closeToCloseVolatility(b.close, 20, 252),
    () => via(new CloseToCloseVolatilityStream(20, 252)),
  ),
  single(
    "volatility_parkinson_20",
    "volatility",
    false,
    (b) => parkinsonVolatility(b.high, b.low, 20, 252),
    () => via(new ParkinsonVolatilityStream(20, 252)),
  ),
  single(
    "volatility_garman_klass_20",
    "volatility",
    false,
    (b) => garmanKlassVolatility(b.open, b.high, b.low, b.close, 20, 252),
    () => via(new GarmanKlassVolatilityStream(20, 252)),
  ),
  single(
    "volatility_yang_zhang_20",
    "volatility",
    false,
    (b) => yangZhangVolatility(b.open, b.high, b.low, b.close, 20, 252),
    () => via(new YangZhangVolatilityStream(20, 252)),
  ),
  // volume
  single(
    "obv",
    "volume",
    true,
    (b) => obv(b.close, volumeOf("obv", b)),
    () => via(new ObvStream()),
  ),
  multi(
    "vwap_session",
    "volume",
    true,
    (b) => vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap_session", b), "session"),
    () => viaMulti(new VwapStream("session")),
  ),
  multi(
    "vwap_rolling_20",
    "volume",
    true,
    (b) => vwap(b.ts, b.high, b.low, b.close, volumeOf("vwap_rolling_20", b), { period: 20 }),
    () => viaMulti(new VwapStream({ period: 20 })),
  ),
  single(
    "accumulation_distribution",
    "volume",
    true,
    (b) => accumulationDistribution(b.high, b.low, b.close, volumeOf("accumulation_distribution", b)),
    () => via(new AccumulationDistributionStream()),
  ),
  single(
    "chaikin_money_flow_20",
    "volume",
    true,
    (b) => chaikinMoneyFlow(b.high, b.low, b.close, volumeOf("chaikin_money_flow_20", b), 20),
    () => via(new ChaikinMoneyFlowStream(20)),
  ),
  single(
    "volume_zscore_20",
    "volume",
    true,
    (b) => rollingZScore(volumeOf("volume_zscore_20", b), 20),
    () => {
      const s = new RollingZScoreStream(20);
      return (bar) => s.next(bar.volume);
    },
  ),
  single(
    "relative_volume_tod_20",
    "volume",
    true,
    (b) => relativeVolume(b.ts, volumeOf("relative_volume_tod_20", b), 20),
    () => via(new RelativeVolumeStream(20)),
  ),
  // return statistics
  single(
    "log_return",
    "returns",
    false,
    (b) => logReturns(b.close),
    () => via(new LogReturnsStream()),
  ),
  single(
    "zscore_20",
    "returns",
    false,
    (b) => rollingZScore(b.close, 20),
    () => via(new RollingZScoreStream(20)),
  ),
  ofReturns(
    "skew_60",
    (r) => rollingSkew(r, 60),
    () => new RollingSkewStream(60),
  ),
  ofReturns(
    "kurtosis_60",
    (r) => rollingKurtosis(r, 60),
    () => new RollingKurtosisStream(60),
  ),
  ofReturns(
    "autocorrelation_60_1",
    (r) => autocorrelation(r, 60, 1),
    () => new AutocorrelationStream(60, 1),
  ),
  ofReturns(
    "hurst_128",
    (r) => hurstExponent(r, 128, 8),
    () => new HurstExponentStream(128, 8),
  ),
  single(
    "percentile_rank_252",
    "returns",
    false,
    (b) => percentileRank(b.close, 252),
    () => via(new PercentileRankStream(252)),
  ),
  // microstructure
  single(
    "corwin_schultz_20",
    "microstructure",
    false,
    (b) => corwinSchultzSpread(b.high, b.low, b.close, 20),
    () => via(new CorwinSchultzSpreadStream(20)),
  ),
  single(
    "roll_spread_20",
    "microstructure",
    false,
    (b) => rollSpread(b.close, 20),
    () => via(new RollSpreadStream(20)),
  ),
  single(
    "range_compression_20",
    "microstructure",
    false,
    (b) => rangeCompression(b.high, b.low, 20),
    () => via(new RangeCompressionStream(20)),
  ),
  multi(
    "pre_breakout_5_20",
    "microstructure",
    true,
    (b) => preBreakout(b.high, b.low, b.close, volumeOf("pre_breakout_5_20", b), { short: 5, long: 20 }),
    () => viaMulti(new PreBreakoutStream({ short: 5, long: 20 })),
  ),
  // cross-asset
  crossAsset(
    "beta_60",
    (c, bench) => ({ value: rollingBeta(c, bench, 60) }),
    () => {
      const s = new RollingBetaStream(60);
      return (c, bench) => ({ value: s.update(c, bench) });
    },
  ),
  crossAsset(
    "correlation_60",
    (c, bench) => ({ value: rollingCorrelation(c, bench, 60) }),
    () => {
      const s = new RollingCorrelationStream(60);
      return (c, bench) => ({ value: s.update(c, bench) });
    },
  ),
  crossAsset(
    "relative_strength_20",
    (c, bench) => ({ ...relativeStrength(c, bench, 20) }),
    () => {
      const s = new RelativeStrengthStream(20);
      return (c, bench) => ({ ...s.update(c, bench) });
    },
  ),
];
