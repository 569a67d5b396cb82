/**
 * Calibration of out-of-fold predictions, forward in time: fold k is calibrated only by folds
 * before it (the first fold, with nothing earlier, stays raw), the holdout by all OOF rows; with
 * per_regime each regime gets its own calibrator.
 */
import { describe, expect, it } from "vitest";
import type { CalibrationConfig } from "../../src/calibration";
import { calibrateOutOfFold } from "../../src/pipeline/calibrate";
import type { Split, SplitPlan } from "../../src/validation";

const N = 1200;
const FOLD = 200;

/** Five test blocks of 200 rows over rows 0..999; rows 1000..1199 are the holdout. */
function plan(): SplitPlan {
  const splits: Split[] = Array.from({ length: 5 }, (_, k) => ({
    fold: k,
    train: Int32Array.from({ length: k * FOLD }, (_, i) => i),
    test: Int32Array.from({ length: FOLD }, (_, i) => k * FOLD + i),
    trainFrom: 0,
    trainTo: 0,
    testFrom: 0,
    testTo: 0,
    purged: 0,
    embargoed: 0,
  }));
  return {
    kind: "walk_forward",
    rows: Int32Array.from({ length: 1000 }, (_, i) => i),
    splits,
    holdout: Int32Array.from({ length: 200 }, (_, i) => 1000 + i),
    holdoutFrom: 1000,
    embargo: { bars: 0 },
  };
}

// Regime 0 (even rows) is up 80 % of the time, regime 1 (odd rows) 20 %; the raw model says 0.5.
const regimes = Float64Array.from({ length: N }, (_, i) => i % 2);
const y = Float64Array.from({ length: N }, (_, i) => ((i >> 1) % 5 < 4 ? 1 - (i % 2) : i % 2));
const raw = new Float64Array(N).fill(0.5);
const oof = Float64Array.from(raw, (v, i) => (i < 1000 ? v : Number.NaN));
const holdout = Float64Array.from(raw, (v, i) => (i >= 1000 ? v : Number.NaN));

function config(per_regime: boolean): CalibrationConfig {
  return { method: "platt", per_regime, min_regime_rows: 150 };
}

describe("calibrateOutOfFold", () => {
  it("calibrates each fold from earlier folds only; the first stays raw", () => {
    const c = calibrateOutOfFold(config(false), plan(), y, oof, holdout, 1);
    expect(c.calibratedFolds).toBe(4);
    for (let i = 0; i < FOLD; i++) expect(c.oof[i]).toBe(0.5);
    // Pooled: the base rate (0.5 overall), whatever the regime.
    for (let i = FOLD; i < N; i++) {
      const v = i < 1000 ? c.oof[i] : c.holdout[i];
      expect(Math.abs(v - 0.5)).toBeLessThan(0.02);
    }
  });

  it("fits one calibrator per regime with per_regime", () => {
    const c = calibrateOutOfFold(config(true), plan(), y, oof, holdout, 1, regimes);
    for (let i = 2 * FOLD; i < N; i++) {
      const v = i < 1000 ? c.oof[i] : c.holdout[i];
      expect(Math.abs(v - (i % 2 === 0 ? 0.8 : 0.2))).toBeLessThan(0.03);
    }
  });

  it("leaves predictions alone with method none", () => {
    const c = calibrateOutOfFold(
      { method: "none", per_regime: false, min_regime_rows: 200 },
      plan(),
      y,
      oof,
      holdout,
      1,
    );
    expect(c.oof).toBe(oof);
    expect(c.calibratedFolds).toBe(0);
  });
});
