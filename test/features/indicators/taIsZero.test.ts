/**
 * Where TA-Lib guards a computed deviation, range or denominator with TA_IS_ZERO /
 * TA_IS_ZERO_OR_NEG (|x| < 1e-8), the indicator does too, in batch and streaming alike. The
 * reference values follow TA-Lib's C code by hand (ta_CCI.c, ta_NATR.c, ta_BBANDS.c): each
 * input below is flat to within that band, where an exact `=== 0` test divides rounding residue.
 */
import { describe, expect, it } from "vitest";
import {
  BollingerStream,
  bollinger,
  bollingerPosition,
  CciStream,
  cci,
  NatrStream,
  natr,
  type OhlcvBar,
} from "../../../src/features/indicators";

function bars(high: number[], low: number[], close: number[]): OhlcvBar[] {
  return close.map((c, i) => ({ ts: i * 86_400_000, open: c, high: high[i], low: low[i], close: c, volume: 1 }));
}

describe("TA-Lib's zero tests", () => {
  it("cci: typical prices one ulp apart are a flat window, CCI 0 as in TA-Lib (was 133.33)", () => {
    const high = [10.2, 10.3];
    const low = [10.1, 10.0];
    const close = [10.15, 10.15];
    // The two typical prices differ by rounding only: an exact test sees a deviation.
    expect((high[0] + low[0] + close[0]) / 3).not.toBe((high[1] + low[1] + close[1]) / 3);
    const out = cci(Float64Array.from(high), Float64Array.from(low), Float64Array.from(close), 2);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBe(0);
    const s = new CciStream(2);
    const streamed = bars(high, low, close).map((b) => s.update(b));
    expect(streamed[1]).toBe(0);
  });

  it("cci: a real deviation is still measured (TA-Lib: 66.67 on a 2-bar window that moved)", () => {
    const out = cci(Float64Array.of(10, 11), Float64Array.of(9, 10), Float64Array.of(9.5, 10.5), 2);
    // tp = 9.5, 10.5; mean 10; dev 0.5; mean |dev| 0.5 → 0.5 / (0.015·0.5) = 66.67
    expect(out[1]).toBeCloseTo(66.6666666667, 9);
  });

  it("natr: a close within 1e-8 of zero gives 0 as in TA-Lib (was ±Infinity or 1e9-scale)", () => {
    const high = [2, 2, 2, 1e-8];
    const low = [1, 1, 1, 0];
    for (const last of [0, 5e-9]) {
      const close = [1.5, 1.5, 1.5, last];
      const out = natr(Float64Array.from(high), Float64Array.from(low), Float64Array.from(close), 2);
      expect(Number.isNaN(out[1])).toBe(true);
      expect(out[2]).toBeCloseTo((100 * 1) / 1.5, 12);
      expect(out[3]).toBe(0);
      const s = new NatrStream(2);
      const streamed = bars(high, low, close).map((b) => s.update(b));
      expect(Number.isNaN(streamed[1])).toBe(true);
      expect(streamed[3]).toBe(0);
    }
  });

  it("bollinger: a population variance below 1e-8 gives σ = 0, bands at the mean and %b NaN", () => {
    // Closes 100 and 100.00001: variance (5e-6)² = 2.5e-11 < 1e-8, so TA-Lib's σ is 0.
    const close = Float64Array.of(100, 100.00001, 100, 100.00001);
    const b = bollinger(close, 2, 2);
    const pos = bollingerPosition(close, b);
    const s = new BollingerStream(2, 2);
    const streamed = bars([...close], [...close], [...close]).map((x) => s.update(x));
    for (let i = 1; i < 4; i++) {
      expect(b.upper[i]).toBe(b.middle[i]);
      expect(b.lower[i]).toBe(b.middle[i]);
      expect(b.middle[i]).toBeCloseTo(100.000005, 9);
      expect(Number.isNaN(pos.percentB[i])).toBe(true);
      expect(streamed[i].upper).toBe(streamed[i].middle);
      expect(streamed[i].lower).toBe(streamed[i].middle);
      expect(Number.isNaN(streamed[i].percentB)).toBe(true);
    }
    // Above the threshold the band is the usual 2σ: closes 100 and 100.001, σ = 5e-4.
    const wide = bollinger(Float64Array.of(100, 100.001), 2, 2);
    expect(wide.upper[1] - wide.middle[1]).toBeCloseTo(1e-3, 9);
  });
});
