/**
 * Catalog entries of the trend and momentum families (part A of the indicator library), each
 * with its default parameters. Output keys are the field names of the batch result (`value` for
 * single-output indicators), identical between `batch` and `stream`.
 */
import type { Bars } from "../../../data/bars";
import { adx, AdxStream } from "../adx";
import { aroon, AroonStream } from "../aroon";
import type { CatalogEntry, IndicatorFamily } from "../catalogEntry";
import { cci, CciStream } from "../cci";
import { dema, DemaStream } from "../dema";
import { ema, EmaStream } from "../ema";
import { hma, HmaStream } from "../hma";
import { ichimoku, IchimokuStream } from "../ichimoku";
import { IndicatorError, type OhlcvBar } from "../indicator";
import { kama, KamaStream } from "../kama";
import { linRegSlope, LinRegSlopeStream } from "../linRegSlope";
import { macd, MacdStream } from "../macd";
import { mfi, MfiStream } from "../mfi";
import { momentum, MomentumStream } from "../momentum";
import { parabolicSar, ParabolicSarStream } from "../parabolicSar";
import { roc, RocStream } from "../roc";
import { rsi, RsiStream } from "../rsi";
import { sma, SmaStream } from "../sma";
import { stochastic, StochasticStream } from "../stochastic";
import { stochRsi, StochRsiStream } from "../stochRsi";
import { tema, TemaStream } from "../tema";
import { tsi, TsiStream } from "../tsi";
import { ultimateOscillator, UltimateOscillatorStream } from "../ultimateOscillator";
import { williamsR, WilliamsRStream } from "../williamsR";
import { wma, WmaStream } from "../wma";

type Stream = ReturnType<CatalogEntry["stream"]>;

function single(
  name: string,
  family: IndicatorFamily,
  batch: (bars: Bars) => Float64Array,
  make: () => { update(bar: OhlcvBar): number },
): CatalogEntry {
  return {
    name,
    family,
    needsVolume: false,
    needsBenchmark: false,
    batch: (bars) => ({ value: batch(bars) }),
    stream: (): Stream => {
      const s = make();
      return { update: (bar) => ({ value: s.update(bar) }) };
    },
  };
}

function multi<T extends object>(
  name: string,
  family: IndicatorFamily,
  batch: (bars: Bars) => { [K in keyof T]: Float64Array },
  make: () => { update(bar: OhlcvBar): T },
): CatalogEntry {
  return {
    name,
    family,
    needsVolume: false,
    needsBenchmark: false,
    batch: (bars) => ({ ...batch(bars) }) as Record<string, Float64Array>,
    stream: (): Stream => {
      const s = make();
      return { update: (bar) => ({ ...s.update(bar) }) as Record<string, number> };
    },
  };
}

function volumeOf(bars: Bars, indicator: string): Float64Array {
  if (!bars.volume) throw new IndicatorError(indicator, `needs a volume column; ${bars.ticker} has none`);
  return bars.volume;
}

export const trendMomentumCatalog: readonly CatalogEntry[] = [
  single(
    "sma_20",
    "trend",
    (b) => sma(b.close, 20),
    () => new SmaStream(20),
  ),
  single(
    "ema_20",
    "trend",
    (b) => ema(b.close, 20),
    () => new EmaStream(20),
  ),
  single(
    "wma_20",
    "trend",
    (b) => wma(b.close, 20),
    () => new WmaStream(20),
  ),
  single(
    "dema_20",
    "trend",
    (b) => dema(b.close, 20),
    () => new DemaStream(20),
  ),
  single(
    "tema_20",
    "trend",
    (b) => tema(b.close, 20),
    () => new TemaStream(20),
  ),
  single(
    "kama_10",
    "trend",
    (b) => kama(b.close, 10),
    () => new KamaStream(10),
  ),
  single(
    "hma_20",
    "trend",
    (b) => hma(b.close, 20),
    () => new HmaStream(20),
  ),
  multi(
    "macd_12_26_9",
    "trend",
    (b) => macd(b.close, 12, 26, 9),
    () => new MacdStream(12, 26, 9),
  ),
  multi(
    "adx_14",
    "trend",
    (b) => adx(b.high, b.low, b.close, 14),
    () => new AdxStream(14),
  ),
  multi(
    "aroon_14",
    "trend",
    (b) => aroon(b.high, b.low, 14),
    () => new AroonStream(14),
  ),
  single(
    "psar_0.02_0.2",
    "trend",
    (b) => parabolicSar(b.high, b.low, 0.02, 0.2),
    () => new ParabolicSarStream(0.02, 0.2),
  ),
  multi(
    "ichimoku_9_26_52",
    "trend",
    (b) => ichimoku(b.high, b.low, 9, 26, 52),
    () => new IchimokuStream(9, 26, 52),
  ),
  single(
    "linreg_slope_14",
    "trend",
    (b) => linRegSlope(b.close, 14),
    () => new LinRegSlopeStream(14),
  ),
  single(
    "rsi_14",
    "momentum",
    (b) => rsi(b.close, 14),
    () => new RsiStream(14),
  ),
  multi(
    "stoch_14_3_3",
    "momentum",
    (b) => stochastic(b.high, b.low, b.close, 14, 3, 3),
    () => new StochasticStream(14, 3, 3),
  ),
  multi(
    "stochrsi_14_14_3",
    "momentum",
    (b) => stochRsi(b.close, 14, 14, 3),
    () => new StochRsiStream(14, 14, 3),
  ),
  single(
    "willr_14",
    "momentum",
    (b) => williamsR(b.high, b.low, b.close, 14),
    () => new WilliamsRStream(14),
  ),
  single(
    "cci_20",
    "momentum",
    (b) => cci(b.high, b.low, b.close, 20),
    () => new CciStream(20),
  ),
  single(
    "roc_10",
    "momentum",
    (b) => roc(b.close, 10),
    () => new RocStream(10),
  ),
  single(
    "mom_10",
    "momentum",
    (b) => momentum(b.close, 10),
    () => new MomentumStream(10),
  ),
  single(
    "tsi_25_13",
    "momentum",
    (b) => tsi(b.close, 25, 13),
    () => new TsiStream(25, 13),
  ),
  single(
    "ultosc_7_14_28",
    "momentum",
    (b) => ultimateOscillator(b.high, b.low, b.close, 7, 14, 28),
    () => new UltimateOscillatorStream(7, 14, 28),
  ),
  {
    ...single(
      "mfi_14",
      "momentum",
      (b) => mfi(b.high, b.low, b.close, volumeOf(b, "mfi"), 14),
      () => new MfiStream(14),
    ),
    needsVolume: true,
  },
];
