/**
 * TA-Lib STDDEV's guard (TA_IS_ZERO_OR_NEG on the variance in ta_STDDEV.c): a window whose
 * population variance is below 1e-8 reads exactly 0, and the first wider window reads σ again.
 * The fixture (real SPY closes) never holds such a window, so it is made here from SPY closes.
 */
import { describe, expect, it } from "vitest";
import { StandardDeviationStream, standardDeviation } from "../../../src/features/indicators/standardDeviation";
import { SPY_DAILY, barAt, equal, tail } from "./_volatilityVolumeStatsData";

const spy = tail(SPY_DAILY, 400);

function twoPassSigma(w: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < w.length; i++) mean += w[i];
  mean /= w.length;
  let m2 = 0;
  for (let i = 0; i < w.length; i++) m2 += (w[i] - mean) ** 2;
  return Math.sqrt(m2 / w.length);
}

describe("standardDeviation (TA-Lib STDDEV)", () => {
  const close = spy.close.slice();
  // Bars 100..104 flat at close[100] but bar 104 one ten-thousandth higher: variance 1.6e-9.
  close.fill(close[100], 100, 105);
  close[104] += 1e-4;
  const bars = { ...spy, close };

  it("reads 0 on a window flat to within 1e-8 variance, σ·nbDev elsewhere", () => {
    const out = standardDeviation(close, 5, 2);
    expect(out[104]).toBe(0);
    for (const i of [4, 103, 105, 399]) {
      const sigma = twoPassSigma(close.subarray(i - 4, i + 1));
      expect(sigma).toBeGreaterThan(1e-4);
      expect(equal(out[i], 2 * sigma), `at ${i}: ${out[i]} vs ${2 * sigma}`).toBe(true);
    }
  });

  it("the stream applies the same guard", () => {
    const batch = standardDeviation(close, 5, 2);
    const stream = new StandardDeviationStream(5, 2);
    for (let i = 0; i < close.length; i++) {
      const got = stream.update(barAt(bars, i));
      if (!equal(got, batch[i])) expect.fail(`at ${i}: stream ${got} vs batch ${batch[i]}`);
    }
  });
});
