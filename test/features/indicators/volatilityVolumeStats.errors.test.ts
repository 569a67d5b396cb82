import { describe, expect, it } from "vitest";
import { accumulationDistribution } from "../../../src/features/indicators/accumulationDistribution";
import { atr } from "../../../src/features/indicators/atr";
import { autocorrelation } from "../../../src/features/indicators/autocorrelation";
import { bollinger } from "../../../src/features/indicators/bollinger";
import { volatilityVolumeStatsCatalog } from "../../../src/features/indicators/catalog";
import { chaikinMoneyFlow } from "../../../src/features/indicators/chaikinMoneyFlow";
import { ChaikinOscillatorStream, chaikinOscillator } from "../../../src/features/indicators/chaikinOscillator";
import { closeToCloseVolatility } from "../../../src/features/indicators/closeToCloseVolatility";
import { corwinSchultzSpread } from "../../../src/features/indicators/corwinSchultzSpread";
import { donchian } from "../../../src/features/indicators/donchian";
import { garmanKlassVolatility } from "../../../src/features/indicators/garmanKlassVolatility";
import { HurstExponentStream, hurstExponent } from "../../../src/features/indicators/hurstExponent";
import { IndicatorError } from "../../../src/features/indicators/indicator";
import { keltner } from "../../../src/features/indicators/keltner";
import { logReturns } from "../../../src/features/indicators/logReturns";
import { natr } from "../../../src/features/indicators/natr";
import { obv } from "../../../src/features/indicators/obv";
import { parkinsonVolatility } from "../../../src/features/indicators/parkinsonVolatility";
import { percentileRank } from "../../../src/features/indicators/percentileRank";
import { preBreakout } from "../../../src/features/indicators/preBreakout";
import { rangeCompression } from "../../../src/features/indicators/rangeCompression";
import { relativeStrength } from "../../../src/features/indicators/relativeStrength";
import { relativeVolume } from "../../../src/features/indicators/relativeVolume";
import { rollSpread } from "../../../src/features/indicators/rollSpread";
import { rollingBeta } from "../../../src/features/indicators/rollingBeta";
import { rollingCorrelation } from "../../../src/features/indicators/rollingCorrelation";
import { rollingKurtosis } from "../../../src/features/indicators/rollingKurtosis";
import { rollingSkew } from "../../../src/features/indicators/rollingSkew";
import { RollingZScoreStream, rollingZScore } from "../../../src/features/indicators/rollingZScore";
import { StandardDeviationStream, standardDeviation } from "../../../src/features/indicators/standardDeviation";
import { VwapStream, vwap } from "../../../src/features/indicators/vwap";
import { yangZhangVolatility } from "../../../src/features/indicators/yangZhangVolatility";
import { SPY_DAILY, tail } from "./_volatilityVolumeStatsData";

const b = tail(SPY_DAILY, 400);
const { ts, open: o, high: h, low: l, close: c } = b;
const v = b.volume!;
const short = c.subarray(0, 399);

/** [call, indicator, text the message must contain] */
const CASES: [() => unknown, string, string][] = [
  [() => atr(h, l, c, 0), "atr", "parameter period must be an integer in [1, 100000], got 0"],
  [() => atr(h, l, short, 14), "atr", "series close has length 399, expected 400"],
  [
    () => atr(h.subarray(0, 10), l.subarray(0, 10), c.subarray(0, 10), 14),
    "atr",
    "needs at least 15 bars for the warm-up of period=14 (first value at index 14), got 10",
  ],
  [() => natr(h, l, c, 1.5), "natr", "parameter period must be an integer in [1, 100000], got 1.5"],
  [() => natr(h, short, c), "natr", "series low has length 399"],
  [() => bollinger(c, 1), "bollinger", "parameter period must be an integer in [2, 100000], got 1"],
  [() => bollinger(c, 20, -2), "bollinger", "parameter multiplier must be a number in (0, 100], got -2"],
  [
    () => bollinger(c.subarray(0, 5), 20),
    "bollinger",
    "needs at least 20 bars for the warm-up of period=20 (first value at index 19), got 5",
  ],
  [() => keltner(h, l, c, { atrPeriod: 0 }), "keltner", "parameter atrPeriod must be an integer in [1, 100000], got 0"],
  [
    () => keltner(h, l, c, { multiplier: Number.NaN }),
    "keltner",
    "parameter multiplier must be a number in (0, 100], got NaN",
  ],
  [() => donchian(h, short), "donchian", "series low has length 399, expected 400 (same as high)"],
  [
    () => closeToCloseVolatility(c, 20, 0),
    "closeToCloseVolatility",
    "parameter annualization must be a number in (0, 10000000], got 0",
  ],
  [
    () => parkinsonVolatility(h, l, 200_000),
    "parkinsonVolatility",
    "parameter period must be an integer in [1, 100000]",
  ],
  [() => garmanKlassVolatility(o, h, l, short), "garmanKlassVolatility", "series close has length 399"],
  [
    () => yangZhangVolatility(o, h, l, c, 1),
    "yangZhangVolatility",
    "parameter period must be an integer in [2, 100000], got 1",
  ],
  [() => obv(c, v.subarray(0, 3)), "obv", "series volume has length 3, expected 400"],
  [() => vwap(ts, h, l, c, v, { period: 0 }), "vwap", "parameter period must be an integer in [1, 100000], got 0"],
  [() => new VwapStream({ period: -1 }), "vwap", "parameter period must be an integer"],
  [() => accumulationDistribution(h, l, c, v.subarray(1)), "accumulationDistribution", "series volume has length 399"],
  [
    () => chaikinMoneyFlow(h, l, c, v, 0),
    "chaikinMoneyFlow",
    "parameter period must be an integer in [1, 100000], got 0",
  ],
  [
    () => chaikinOscillator(h, l, c, v, 1, 10),
    "chaikinOscillator",
    "parameter fast must be an integer in [2, 100000], got 1",
  ],
  [() => new ChaikinOscillatorStream(3, 2.5), "chaikinOscillator", "parameter slow must be an integer in [2, 100000]"],
  [() => chaikinOscillator(h, l, short, v), "chaikinOscillator", "series close has length 399, expected 400"],
  [
    () => chaikinOscillator(h.subarray(0, 5), l.subarray(0, 5), c.subarray(0, 5), v.subarray(0, 5)),
    "chaikinOscillator",
    "needs at least 10 bars for the warm-up of fast=3, slow=10 (first value at index 9), got 5",
  ],
  [() => relativeVolume(ts, v, 0), "relativeVolume", "parameter sessions must be an integer in [1, 1000], got 0"],
  [
    () => relativeVolume(ts.subarray(0, 5), v.subarray(0, 5), 20),
    "relativeVolume",
    "needs at least 21 bars for the warm-up of sessions=20 (first value at index 20), got 5",
  ],
  [() => logReturns(c.subarray(0, 1)), "logReturns", "needs at least 2 bars for the warm-up of one-bar returns"],
  [() => standardDeviation(c, 1), "standardDeviation", "parameter period must be an integer in [2, 100000], got 1"],
  [() => new StandardDeviationStream(5, 0), "standardDeviation", "parameter nbDev must be a number in (0, 100], got 0"],
  [
    () => standardDeviation(c.subarray(0, 3)),
    "standardDeviation",
    "needs at least 5 bars for the warm-up of period=5 (first value at index 4), got 3",
  ],
  [() => rollingZScore(c, 1), "rollingZScore", "parameter period must be an integer in [2, 100000], got 1"],
  [() => new RollingZScoreStream(0), "rollingZScore", "parameter period must be an integer in [2, 100000], got 0"],
  [() => rollingSkew(c, 2), "rollingSkew", "parameter period must be an integer in [3, 100000], got 2"],
  [() => rollingKurtosis(c, 3), "rollingKurtosis", "parameter period must be an integer in [4, 100000], got 3"],
  [() => autocorrelation(c, 60, 0), "autocorrelation", "parameter lag must be an integer in [1, 10000], got 0"],
  [
    () => autocorrelation(c, 350, 60),
    "autocorrelation",
    "needs at least 410 bars for the warm-up of period=350, lag=60 (first value at index 409), got 400",
  ],
  [() => hurstExponent(c, 10, 8), "hurstExponent", "parameter period must be an integer in [16, 100000], got 10"],
  [
    () => new HurstExponentStream(128, 2),
    "hurstExponent",
    "parameter minChunk must be an integer in [4, 50000], got 2",
  ],
  [
    () => percentileRank(c, 1000),
    "percentileRank",
    "needs at least 1000 bars for the warm-up of period=1000 (first value at index 999), got 400",
  ],
  [
    () => corwinSchultzSpread(h, l, c, 0),
    "corwinSchultzSpread",
    "parameter period must be an integer in [1, 100000], got 0",
  ],
  [() => rollSpread(c, 2), "rollSpread", "parameter period must be an integer in [3, 100000], got 2"],
  [() => rangeCompression(h, short), "rangeCompression", "series low has length 399"],
  [
    () => preBreakout(h, l, c, v, { short: 20, long: 20 }),
    "preBreakout",
    "parameter long must be an integer in [21, 100000], got 20",
  ],
  [() => preBreakout(h, l, c, v, { minEdge: 2 }), "preBreakout", "parameter minEdge must be in [0, 1], got 2"],
  [() => rollingBeta(c, short), "rollingBeta", "series benchmarkClose has length 399, expected 400"],
  [
    () => rollingCorrelation(c, c, 1),
    "rollingCorrelation",
    "parameter period must be an integer in [2, 100000], got 1",
  ],
  [
    () => relativeStrength(c, c, 400),
    "relativeStrength",
    "needs at least 401 bars for the warm-up of period=400 (first value at index 400), got 400",
  ],
];

describe("bad input raises IndicatorError naming indicator, parameter and allowed range (part B)", () => {
  for (const [call, indicator, text] of CASES) {
    it(`${indicator}: ${text}`, () => {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(IndicatorError);
      expect((caught as Error).message.startsWith(`${indicator}: `)).toBe(true);
      expect((caught as Error).message).toContain(text);
    });
  }

  it("entries not flagged needsVolume give the same values without a volume column", () => {
    const noVolume = { ...b, volume: null };
    for (const e of volatilityVolumeStatsCatalog) {
      if (e.needsVolume || e.needsBenchmark) continue;
      const withV = e.batch(b);
      const without = e.batch(noVolume);
      for (const key of Object.keys(withV))
        expect(Array.from(without[key]), `${e.name}.${key}`).toEqual(Array.from(withV[key]));
    }
  });

  it("volume and benchmark entries refuse bars without them", () => {
    const noVolume = { ...b, volume: null };
    for (const e of volatilityVolumeStatsCatalog) {
      if (e.needsVolume) expect(() => e.batch(noVolume), e.name).toThrow(/needs a volume column; SPY has none/);
      if (e.needsBenchmark) {
        expect(() => e.batch(b), e.name).toThrow(/needs a benchmark close series/);
        expect(() => e.stream().update({ ts: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }), e.name).toThrow(
          /needs the benchmark close of each bar/,
        );
      }
    }
  });
});
