import { describe, expect, it } from "vitest";
import { millionBars } from "../../../bench/_millionBars";
import { bollinger } from "../../../src/features/indicators/bollinger";
import { closeLocation } from "../../../src/features/indicators/accumulationDistribution";
import { chaikinMoneyFlow } from "../../../src/features/indicators/chaikinMoneyFlow";
import { rollingBeta } from "../../../src/features/indicators/rollingBeta";
import { rollingKurtosis } from "../../../src/features/indicators/rollingKurtosis";
import { rollingSkew } from "../../../src/features/indicators/rollingSkew";
import { rollingZScore } from "../../../src/features/indicators/rollingZScore";
import { vwap } from "../../../src/features/indicators/vwap";

/**
 * Rolling statistics keep running sums over a million bars: their last values must still
 * equal a two-pass computation over the last window. The close is also tested shifted up by
 * 1e5, where Σx² − (Σx)²/n would lose every digit of a one-minute variance.
 */
const bars = millionBars();
const n = bars.ts.length;

function windowOf(x: Float64Array, end: number, period: number): Float64Array {
  return x.subarray(end - period + 1, end + 1);
}

function twoPass(w: Float64Array): { mean: number; m2: number; m3: number; m4: number } {
  let mean = 0;
  for (const x of w) mean += x;
  mean /= w.length;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of w) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  return { mean, m2: m2 / w.length, m3: m3 / w.length, m4: m4 / w.length };
}

function close(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

const LAST = [n - 1, n - 2, n - 1000, n - 77_777];

describe("numerical stability at the end of the million-bar series", () => {
  it("has a million bars", () => {
    expect(n).toBe(1_000_000);
  });

  for (const [label, offset] of [
    ["close", 0],
    ["close + 1e5", 1e5],
  ] as const) {
    const x = bars.close.map((c) => c + offset);
    it(`Bollinger(20, 2) and z-score(20) of ${label}`, () => {
      const bb = bollinger(x, 20, 2);
      const z = rollingZScore(x, 20);
      for (const t of LAST) {
        const { mean, m2 } = twoPass(windowOf(x, t, 20));
        const sd = Math.sqrt(m2);
        expect(close(bb.middle[t], mean), `middle at ${t}`).toBe(true);
        // The band half-width relative to itself, not to the price: the hard part.
        expect(close(bb.upper[t] - bb.middle[t], 2 * sd, 1e-7), `band at ${t}`).toBe(true);
        expect(close(z[t], (x[t] - mean) / Math.sqrt((m2 * 20) / 19), 1e-7), `z at ${t}`).toBe(true);
      }
    });
  }

  it("skew(60) and kurtosis(60) of one-minute log returns", () => {
    const r = new Float64Array(n);
    r[0] = Number.NaN;
    for (let i = 1; i < n; i++) r[i] = Math.log(bars.close[i] / bars.close[i - 1]);
    const skew = rollingSkew(r, 60);
    const kurt = rollingKurtosis(r, 60);
    for (const t of LAST) {
      const { m2, m3, m4 } = twoPass(windowOf(r, t, 60));
      const k = 60;
      const g1 = ((Math.sqrt(k * (k - 1)) / (k - 2)) * m3) / m2 ** 1.5;
      const g2 = ((k * k - 1) * (m4 / (m2 * m2)) - 3 * (k - 1) ** 2) / ((k - 2) * (k - 3));
      expect(close(skew[t], g1), `skew at ${t}: ${skew[t]} vs ${g1}`).toBe(true);
      expect(close(kurt[t], g2), `kurt at ${t}: ${kurt[t]} vs ${g2}`).toBe(true);
    }
  });

  it("beta(60) of the series against itself lagged by a session is a two-pass OLS slope", () => {
    const lagged = new Float64Array(n);
    lagged.set(bars.close.subarray(0, n - 390), 390);
    lagged.fill(bars.close[0], 0, 390);
    const beta = rollingBeta(bars.close, lagged, 60);
    for (const t of LAST) {
      let sx = 0;
      let sy = 0;
      for (let i = t - 59; i <= t; i++) {
        sx += Math.log(bars.close[i] / bars.close[i - 1]);
        sy += Math.log(lagged[i] / lagged[i - 1]);
      }
      sx /= 60;
      sy /= 60;
      let cxy = 0;
      let cyy = 0;
      for (let i = t - 59; i <= t; i++) {
        const dx = Math.log(bars.close[i] / bars.close[i - 1]) - sx;
        const dy = Math.log(lagged[i] / lagged[i - 1]) - sy;
        cxy += dx * dy;
        cyy += dy * dy;
      }
      expect(close(beta[t], cxy / cyy), `beta at ${t}`).toBe(true);
    }
  });

  it("rolling VWAP(390) and Chaikin money flow(20), volume-weighted", () => {
    const v = bars.volume!;
    const w = vwap(bars.ts, bars.high, bars.low, bars.close, v, { period: 390 });
    const cmf = chaikinMoneyFlow(bars.high, bars.low, bars.close, v, 20);
    for (const t of LAST) {
      let sw = 0;
      let swp = 0;
      for (let i = t - 389; i <= t; i++) {
        sw += v[i];
        swp += v[i] * ((bars.high[i] + bars.low[i] + bars.close[i]) / 3);
      }
      const mean = swp / sw;
      let ss = 0;
      for (let i = t - 389; i <= t; i++) ss += v[i] * ((bars.high[i] + bars.low[i] + bars.close[i]) / 3 - mean) ** 2;
      expect(close(w.vwap[t], mean), `vwap at ${t}`).toBe(true);
      expect(close(w.upper1[t] - w.vwap[t], Math.sqrt(ss / sw), 1e-7), `σ at ${t}`).toBe(true);
      let num = 0;
      let den = 0;
      for (let i = t - 19; i <= t; i++) {
        num += closeLocation(bars.high[i], bars.low[i], bars.close[i]) * v[i];
        den += v[i];
      }
      expect(close(cmf[t], num / den), `cmf at ${t}`).toBe(true);
    }
  });
});
