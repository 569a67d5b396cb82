/** Bad input to the trend/momentum indicators: errors name the indicator, the parameter and the allowed range. */
import { describe, expect, it } from "vitest";
import { adx, AdxStream } from "../../../src/features/indicators/adx";
import { apo, ApoStream } from "../../../src/features/indicators/apo";
import { aroon } from "../../../src/features/indicators/aroon";
import { trendMomentumCatalog } from "../../../src/features/indicators/catalog";
import { cci } from "../../../src/features/indicators/cci";
import { cmo, CmoStream } from "../../../src/features/indicators/cmo";
import { dema } from "../../../src/features/indicators/dema";
import { ema, EmaStream } from "../../../src/features/indicators/ema";
import { hma } from "../../../src/features/indicators/hma";
import { ichimoku } from "../../../src/features/indicators/ichimoku";
import { IndicatorError } from "../../../src/features/indicators/indicator";
import { kama } from "../../../src/features/indicators/kama";
import { linRegSlope } from "../../../src/features/indicators/linRegSlope";
import { macd, MacdStream } from "../../../src/features/indicators/macd";
import { mfi } from "../../../src/features/indicators/mfi";
import { momentum } from "../../../src/features/indicators/momentum";
import { ParabolicSarStream, parabolicSar } from "../../../src/features/indicators/parabolicSar";
import { ppo, PpoStream } from "../../../src/features/indicators/ppo";
import { roc } from "../../../src/features/indicators/roc";
import { rsi, RsiStream } from "../../../src/features/indicators/rsi";
import { sma } from "../../../src/features/indicators/sma";
import { stochastic } from "../../../src/features/indicators/stochastic";
import { stochRsi } from "../../../src/features/indicators/stochRsi";
import { t3, T3Stream } from "../../../src/features/indicators/t3";
import { tema } from "../../../src/features/indicators/tema";
import { trix, TrixStream } from "../../../src/features/indicators/trix";
import { tsi } from "../../../src/features/indicators/tsi";
import { ultimateOscillator } from "../../../src/features/indicators/ultimateOscillator";
import { williamsR } from "../../../src/features/indicators/williamsR";
import { wma } from "../../../src/features/indicators/wma";
import { DATASETS } from "./_trendMomentumData";

const bars = DATASETS[0].bars;
const c = bars.close.slice(0, 200);
const h = bars.high.slice(0, 200);
const l = bars.low.slice(0, 200);
const v = bars.volume!.slice(0, 200);
const short = (x: Float64Array, n: number) => x.subarray(0, n);

function throwsWith(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(IndicatorError);
  expect((err as Error).message).toMatch(pattern);
}

describe("period out of range", () => {
  it.each([
    ["sma", () => sma(c, 0), /^sma: parameter period must be an integer in \[1, 100000\], got 0$/],
    ["ema", () => ema(c, 2.5), /^ema: parameter period must be an integer in \[1, 100000\], got 2.5$/],
    ["wma", () => wma(c, -3), /^wma: parameter period must be an integer in \[1, 100000\], got -3$/],
    ["dema", () => dema(c, 0), /^dema: parameter period/],
    ["tema", () => tema(c, 100_001), /^tema: parameter period must be an integer in \[1, 100000\], got 100001$/],
    ["kama", () => kama(c, 1), /^kama: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["hma", () => hma(c, 1), /^hma: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["macd fast", () => macd(c, 1, 26, 9), /^macd: parameter fastPeriod must be an integer in \[2, 100000\], got 1$/],
    ["macd order", () => macd(c, 26, 12, 9), /^macd: parameter fastPeriod must be < slowPeriod \(12\), got 26$/],
    [
      "macd signal",
      () => macd(c, 12, 26, 0),
      /^macd: parameter signalPeriod must be an integer in \[1, 100000\], got 0$/,
    ],
    ["adx", () => adx(h, l, c, 1), /^adx: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["aroon", () => aroon(h, l, 0), /^aroon: parameter period must be an integer in \[2, 100000\], got 0$/],
    [
      "psar accel",
      () => parabolicSar(h, l, 0, 0.2),
      /^psar: parameter acceleration must be a number in \(0, 1\], got 0$/,
    ],
    [
      "psar order",
      () => parabolicSar(h, l, 0.3, 0.2),
      /^psar: parameter acceleration must be <= maximum \(0.2\), got 0.3$/,
    ],
    [
      "psar max",
      () => parabolicSar(h, l, 0.02, Number.NaN),
      /^psar: parameter maximum must be a number in \(0, 1\], got NaN$/,
    ],
    [
      "ichimoku",
      () => ichimoku(h, l, 30, 26, 52),
      /^ichimoku: parameter tenkanPeriod must be <= kijunPeriod \(26\), got 30$/,
    ],
    [
      "ichimoku B",
      () => ichimoku(h, l, 9, 26, 0),
      /^ichimoku: parameter senkouBPeriod must be an integer in \[1, 100000\]/,
    ],
    ["linreg", () => linRegSlope(c, 1), /^linreg_slope: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["rsi", () => rsi(c, 1), /^rsi: parameter period must be an integer in \[2, 100000\], got 1$/],
    [
      "stoch",
      () => stochastic(h, l, c, 14, 0, 3),
      /^stoch: parameter kSmoothing must be an integer in \[1, 100000\], got 0$/,
    ],
    [
      "stochrsi",
      () => stochRsi(c, 14, 0, 3),
      /^stochrsi: parameter kPeriod must be an integer in \[1, 100000\], got 0$/,
    ],
    ["willr", () => williamsR(h, l, c, 1), /^willr: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["cci", () => cci(h, l, c, 1), /^cci: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["roc", () => roc(c, 0), /^roc: parameter period must be an integer in \[1, 100000\], got 0$/],
    ["mom", () => momentum(c, 0), /^mom: parameter period must be an integer in \[1, 100000\], got 0$/],
    ["tsi", () => tsi(c, 25, 0), /^tsi: parameter shortPeriod must be an integer in \[1, 100000\], got 0$/],
    [
      "ultosc",
      () => ultimateOscillator(h, l, c, 14, 7, 28),
      /^ultosc: parameters must satisfy period1 < period2 < period3, got 14, 7, 28$/,
    ],
    ["mfi", () => mfi(h, l, c, v, 1), /^mfi: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["stream rsi", () => new RsiStream(0), /^rsi: parameter period/],
    ["stream ema", () => new EmaStream(0), /^ema: parameter period/],
    ["stream macd", () => new MacdStream(12, 12, 9), /^macd: parameter fastPeriod must be < slowPeriod/],
    ["stream adx", () => new AdxStream(1), /^adx: parameter period/],
    ["stream psar", () => new ParabolicSarStream(-1), /^psar: parameter acceleration/],
    ["trix", () => trix(c, 0), /^trix: parameter period must be an integer in \[1, 100000\], got 0$/],
    ["t3 period", () => t3(c, 1), /^t3: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["t3 vFactor", () => t3(c, 5, 1.5), /^t3: parameter vFactor must be a number in \[0, 1\], got 1.5$/],
    ["cmo", () => cmo(c, 1), /^cmo: parameter period must be an integer in \[2, 100000\], got 1$/],
    ["apo fast", () => apo(c, 1, 26), /^apo: parameter fastPeriod must be an integer in \[2, 100000\], got 1$/],
    ["apo order", () => apo(c, 26, 12), /^apo: parameter fastPeriod must be < slowPeriod \(12\), got 26$/],
    ["ppo order", () => ppo(c, 12, 12), /^ppo: parameter fastPeriod must be < slowPeriod \(12\), got 12$/],
    ["stream trix", () => new TrixStream(0), /^trix: parameter period/],
    ["stream t3", () => new T3Stream(5, Number.NaN), /^t3: parameter vFactor must be a number in \[0, 1\], got NaN$/],
    ["stream cmo", () => new CmoStream(1), /^cmo: parameter period/],
    ["stream apo", () => new ApoStream(26, 12), /^apo: parameter fastPeriod must be < slowPeriod/],
    [
      "stream ppo",
      () => new PpoStream(12, 1),
      /^ppo: parameter slowPeriod must be an integer in \[2, 100000\], got 1$/,
    ],
  ] as const)("%s", (_label, fn, pattern) => throwsWith(fn, pattern));
});

describe("series of different lengths", () => {
  it.each([
    ["adx", () => adx(h, short(l, 150), c), /^adx: series low has length 150, expected 200 \(same as high\)$/],
    ["aroon", () => aroon(h, short(l, 10)), /^aroon: series low has length 10, expected 200/],
    ["psar", () => parabolicSar(short(h, 5), l), /^psar: series low has length 200, expected 5/],
    ["ichimoku", () => ichimoku(h, short(l, 100)), /^ichimoku: series low has length 100/],
    ["stoch", () => stochastic(h, l, short(c, 100)), /^stoch: series close has length 100, expected 200/],
    ["willr", () => williamsR(h, l, short(c, 100)), /^willr: series close has length 100/],
    ["cci", () => cci(h, short(l, 100), c), /^cci: series low has length 100/],
    ["ultosc", () => ultimateOscillator(h, l, short(c, 100)), /^ultosc: series close has length 100/],
    ["mfi", () => mfi(h, l, c, short(v, 100)), /^mfi: series volume has length 100, expected 200/],
  ] as const)("%s", (_label, fn, pattern) => throwsWith(fn, pattern));
});

describe("too few bars for the warm-up", () => {
  it.each([
    [
      "sma",
      () => sma(short(c, 19), 20),
      /^sma: needs at least 20 bars for the warm-up of period=20 \(first value at index 19\), got 19$/,
    ],
    ["ema", () => ema(short(c, 5), 20), /^ema: needs at least 20 bars .* got 5$/],
    ["wma", () => wma(short(c, 0), 20), /^wma: needs at least 20 bars .* got 0$/],
    ["dema", () => dema(short(c, 38), 20), /^dema: needs at least 39 bars .* got 38$/],
    ["tema", () => tema(short(c, 57), 20), /^tema: needs at least 58 bars .* got 57$/],
    ["kama", () => kama(short(c, 10), 10), /^kama: needs at least 11 bars .* got 10$/],
    ["hma", () => hma(short(c, 22), 20), /^hma: needs at least 23 bars .* got 22$/],
    [
      "macd",
      () => macd(short(c, 33)),
      /^macd: needs at least 34 bars for the warm-up of slowPeriod=26, signalPeriod=9/,
    ],
    ["adx", () => adx(short(h, 27), short(l, 27), short(c, 27)), /^adx: needs at least 28 bars .* got 27$/],
    ["aroon", () => aroon(short(h, 14), short(l, 14)), /^aroon: needs at least 15 bars .* got 14$/],
    ["psar", () => parabolicSar(short(h, 1), short(l, 1)), /^psar: needs at least 2 bars .* got 1$/],
    ["ichimoku", () => ichimoku(short(h, 51), short(l, 51)), /^ichimoku: needs at least 52 bars .* got 51$/],
    ["linreg", () => linRegSlope(short(c, 13)), /^linreg_slope: needs at least 14 bars .* got 13$/],
    [
      "rsi",
      () => rsi(short(c, 14)),
      /^rsi: needs at least 15 bars for the warm-up of period=14 \(first value at index 14\), got 14$/,
    ],
    ["stoch", () => stochastic(short(h, 17), short(l, 17), short(c, 17)), /^stoch: needs at least 18 bars/],
    ["stochrsi", () => stochRsi(short(c, 29)), /^stochrsi: needs at least 30 bars/],
    ["willr", () => williamsR(short(h, 13), short(l, 13), short(c, 13)), /^willr: needs at least 14 bars/],
    ["cci", () => cci(short(h, 19), short(l, 19), short(c, 19)), /^cci: needs at least 20 bars/],
    ["roc", () => roc(short(c, 10)), /^roc: needs at least 11 bars/],
    ["mom", () => momentum(short(c, 10)), /^mom: needs at least 11 bars/],
    ["tsi", () => tsi(short(c, 37)), /^tsi: needs at least 38 bars/],
    ["ultosc", () => ultimateOscillator(short(h, 28), short(l, 28), short(c, 28)), /^ultosc: needs at least 29 bars/],
    ["mfi", () => mfi(short(h, 14), short(l, 14), short(c, 14), short(v, 14)), /^mfi: needs at least 15 bars/],
    ["trix", () => trix(short(c, 88)), /^trix: needs at least 89 bars for the warm-up of period=30 .* got 88$/],
    ["t3", () => t3(short(c, 24)), /^t3: needs at least 25 bars for the warm-up of period=5 .* got 24$/],
    ["cmo", () => cmo(short(c, 14)), /^cmo: needs at least 15 bars .* got 14$/],
    ["apo", () => apo(short(c, 25)), /^apo: needs at least 26 bars for the warm-up of slowPeriod=26 .* got 25$/],
    ["ppo", () => ppo(short(c, 25)), /^ppo: needs at least 26 bars .* got 25$/],
  ] as const)("%s", (_label, fn, pattern) => throwsWith(fn, pattern));

  it("the smallest allowed input gives exactly one value", () => {
    const out = rsi(short(c, 15));
    expect(Number.isNaN(out[13])).toBe(true);
    expect(Number.isNaN(out[14])).toBe(false);
  });
});

describe("catalog", () => {
  it("mfi on bars without volume names the missing column", () => {
    const entry = trendMomentumCatalog.find((e) => e.name === "mfi_14")!;
    throwsWith(
      () => entry.batch({ ...bars, ticker: "VIX", volume: null }),
      /^mfi: needs a volume column; VIX has none$/,
    );
  });
});
