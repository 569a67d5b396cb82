import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  brierScore,
  CALIBRATION_METHODS,
  calibrationConfigSchema,
  crossFitCalibration,
  expectedCalibrationError,
  fitCalibrator,
  logLoss,
  rocAuc,
} from "../../src/calibration";
import { fixedHorizonLabels, rollingVolatility } from "../../src/labels";
import { purgedKFold } from "../../src/validation";
import { loadDaily } from "../labels/realBars";
import { logReturn } from "../labels/realFeatures";

const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));

describe("calibration lowers ECE on held-out rows of real-data predictions", () => {
  const y = Float64Array.from(fx.y as number[]);
  const p = Float64Array.from(fx.binary.find((b: { name: string }) => b.name === "sharp").p as number[]);
  const half = fx.cal_rows as number;

  it.each(CALIBRATION_METHODS)("%s fitted on 2010-2013 predictions improves 2014-2017", (method) => {
    const cal = fitCalibrator(method, p.subarray(0, half), y.subarray(0, half));
    const heldP = p.subarray(half);
    const heldY = y.subarray(half);
    const out = cal.apply(heldP);
    for (const strategy of ["uniform", "quantile"] as const) {
      const before = expectedCalibrationError(heldY, heldP, 10, strategy);
      const after = expectedCalibrationError(heldY, out, 10, strategy);
      expect(before).toBeGreaterThan(0.2);
      expect(after).toBeLessThan(before / 2);
    }
    expect(logLoss(heldY, out)).toBeLessThan(logLoss(heldY, heldP));
    expect(brierScore(heldY, out)).toBeLessThan(brierScore(heldY, heldP));
  });

  it("temperature on 3-class predictions improves top-label ECE and log-loss on held-out rows", () => {
    const y3 = Float64Array.from(fx.multiclass.y as number[]);
    const probs = Float64Array.from(fx.multiclass.probs as number[]);
    const cal = fitCalibrator("temperature", probs.subarray(0, half * 3), y3.subarray(0, half));
    const heldP = probs.subarray(half * 3);
    const heldY = y3.subarray(half);
    const out = cal.apply(heldP);
    expect(expectedCalibrationError(heldY, out)).toBeLessThan(expectedCalibrationError(heldY, heldP) / 2);
    expect(logLoss(heldY, out)).toBeLessThan(logLoss(heldY, heldP));
    // One-vs-rest isotonic and Platt renormalise each row.
    for (const method of ["isotonic", "platt"] as const) {
      const ovr = fitCalibrator(method, probs.subarray(0, half * 3), y3.subarray(0, half)).apply(heldP);
      for (let i = 0; i < heldY.length; i += 97)
        expect(Math.abs(ovr[3 * i] + ovr[3 * i + 1] + ovr[3 * i + 2] - 1)).toBeLessThan(1e-12);
      expect(expectedCalibrationError(heldY, ovr)).toBeLessThan(expectedCalibrationError(heldY, heldP) / 2);
    }
  });
});

describe("cross-fitted calibration over purged folds, on SPY 1993-2026 rule-based predictions", () => {
  // An over-confident momentum forecaster: P(up over 5 days) = sigmoid(3 · z-scored 20-day return).
  const spy = loadDaily("SPY");
  const labels = fixedHorizonLabels(spy.ts, spy.close, { horizon: 5, classes: 2 });
  const mom = logReturn(spy.close, 20);
  const vol = rollingVolatility(spy.close, 20);
  const rows: number[] = [];
  for (let i = 0; i < spy.ts.length; i++)
    if (!Number.isNaN(labels.y[i]) && !Number.isNaN(mom[i]) && !Number.isNaN(vol[i])) rows.push(i);
  const n = rows.length;
  const y = Float64Array.from(rows, (r) => labels.y[r]);
  const z = Float64Array.from(rows, (r) => mom[r] / (vol[r] * Math.sqrt(20)));
  const p = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-3 * v)));
  const spans = {
    startIdx: Int32Array.from(rows, (r) => labels.startIdx[r]),
    endIdx: Int32Array.from(rows, (r) => labels.endIdx[r]),
    startTime: Float64Array.from(rows, (r) => labels.startTime[r]),
    endTime: Float64Array.from(rows, (r) => labels.endTime[r]),
    y,
  };
  const plan = purgedKFold(spans, { folds: 5, embargo: 5 });

  it("every method lowers ECE on rows its calibrator never saw", () => {
    const before = expectedCalibrationError(y, p);
    expect(before).toBeGreaterThan(0.1);
    for (const method of CALIBRATION_METHODS) {
      const out = crossFitCalibration(method, p, y, plan.splits);
      for (let i = 0; i < n; i++) expect(Number.isNaN(out[i])).toBe(false);
      expect(expectedCalibrationError(y, out)).toBeLessThan(before / 2);
    }
  });

  it("per regime (volatility terciles): own calibrators where regimes are large enough", () => {
    const sorted = Float64Array.from(rows, (r) => vol[r]).sort();
    const t1 = sorted[Math.floor(n / 3)];
    const t2 = sorted[Math.floor((2 * n) / 3)];
    // Tercile cut-offs from the whole sample only label rows; the calibrator sees no outcome through them.
    const regimes = Float64Array.from(rows, (r) => (vol[r] < t1 ? 0 : vol[r] < t2 ? 1 : 2));
    const cal = fitCalibrator("isotonic", p, y, { regimes, minRegimeRows: 500 });
    expect(cal.regimes).toEqual([0, 1, 2]);
    expect(() => cal.apply(p)).toThrow(/fitted per regime: pass one regime id per row/);
    const out = crossFitCalibration("isotonic", p, y, plan.splits, { regimes, minRegimeRows: 500 });
    for (let g = 0; g < 3; g++) {
      const idx = [...regimes.keys()].filter((i) => regimes[i] === g);
      const yy = Float64Array.from(idx, (i) => y[i]);
      const before = expectedCalibrationError(
        yy,
        Float64Array.from(idx, (i) => p[i]),
      );
      const after = expectedCalibrationError(
        yy,
        Float64Array.from(idx, (i) => out[i]),
      );
      expect(after).toBeLessThan(before);
    }
    const tiny = fitCalibrator("platt", p, y, { regimes, minRegimeRows: 100_000 });
    expect(tiny.regimes).toEqual([]);
  });
});

describe("calibration bad input and config", () => {
  it("names the parameter and row", () => {
    const p = new Float64Array([0.2, 0.7, 0.9]);
    expect(() => fitCalibrator("platt", p, [0, 1, 2])).toThrow(
      /fitCalibrator: y\[2\] = 2 is not a class code in \[0, 1\]/,
    );
    expect(() => fitCalibrator("isotonic", new Float64Array(5), [0, 1, 0])).toThrow(
      /probabilities have length 5; expected 3/,
    );
    expect(() => fitCalibrator("platt", p, [1, 1, 1])).toThrow(/fitPlatt: needs both classes/);
    expect(() => logLoss([0, 1], new Float64Array([0.5]))).toThrow(/logLoss: probabilities have length 1/);
    expect(() => rocAuc([0, 1, 1], new Float64Array([0.1, Number.NaN, 0.3]))).toThrow(/rocAuc: score\[1\] is NaN/);
  });

  it("parses the calibration: block", () => {
    expect(calibrationConfigSchema.parse({ method: "isotonic", per_regime: false })).toEqual({
      method: "isotonic",
      per_regime: false,
      min_regime_rows: 200,
    });
    expect(calibrationConfigSchema.safeParse({ method: "beta" }).success).toBe(false);
  });
});
