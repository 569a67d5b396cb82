import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  applyIsotonic,
  applyPlatt,
  applyTemperature,
  balancedAccuracy,
  brierScore,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  fitTemperature,
  logLoss,
  precisionRecallF1,
  predictClasses,
  reliabilityTable,
  rocAuc,
  rocAucOvr,
} from "../../src/calibration";

/** Written by scripts/fixtures/calibration_metrics.py (scikit-learn) from real SPY predictions. */
const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));

/** docs/architecture.md "equal": |a - b| <= tol·max(1, |b|), elementwise. */
function expectEqual(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}
const eq = (a: number, b: number, tol = 1e-9) => expectEqual([a], [b], tol);

const y = Float64Array.from(fx.y as number[]);
const nCal: number = fx.cal_rows;

const blocks: [string, unknown][] = fx.binary.map((b: { name: string }) => [b.name, b]);
describe.each(blocks)("binary predictions %s: equal to scikit-learn", (_name: string, block: unknown) => {
  const b = block as {
    p: number[];
    metrics: Record<string, number>;
    reliability: Record<string, { edges: number[]; prob_true: number[]; prob_pred: number[]; ece: number }>;
    isotonic: { predicted: number[] };
    platt: { sklearn: number[]; exact: number[]; exact_ab: [number, number] };
  };
  const p = Float64Array.from(b.p);
  const pred = predictClasses(p, p.length);

  it("accuracy, balanced accuracy, precision / recall / F1", () => {
    eq(accuracy(y, pred), b.metrics.accuracy);
    eq(balancedAccuracy(y, pred, 2), b.metrics.balanced_accuracy);
    const prf = precisionRecallF1(y, pred, 2);
    eq(prf.precision, b.metrics.precision);
    eq(prf.recall, b.metrics.recall);
    eq(prf.f1, b.metrics.f1);
  });

  it("ROC-AUC (ties as sklearn), log-loss, Brier", () => {
    eq(rocAuc(y, p), b.metrics.roc_auc);
    eq(logLoss(y, p), b.metrics.log_loss);
    eq(brierScore(y, p), b.metrics.brier);
  });

  it("reliability bins and ECE, equal-width and equal-mass", () => {
    for (const strategy of ["uniform", "quantile"] as const) {
      const ref = b.reliability[strategy];
      const t = reliabilityTable(y, p, 10, strategy);
      expectEqual(t.edges, ref.edges);
      const nonEmpty = [...t.count.keys()].filter((i) => t.count[i] > 0);
      expectEqual(
        nonEmpty.map((i) => t.observed[i]),
        ref.prob_true,
      );
      expectEqual(
        nonEmpty.map((i) => t.meanPredicted[i]),
        ref.prob_pred,
      );
      eq(expectedCalibrationError(y, p, 10, strategy), ref.ece);
    }
  });

  it("isotonic calibration (PAV) equals IsotonicRegression", () => {
    const iso = fitIsotonic(p.subarray(0, nCal), y.subarray(0, nCal));
    expectEqual(applyIsotonic(iso, p.subarray(nCal)), b.isotonic.predicted);
  });

  it("Platt scaling: the exact optimum to 1e-9, sklearn's L-BFGS stop to 1e-5", () => {
    const params = fitPlatt(p.subarray(0, nCal), y.subarray(0, nCal));
    eq(params.a, b.platt.exact_ab[0], 1e-7);
    eq(params.b, b.platt.exact_ab[1], 1e-7);
    const out = applyPlatt(params, p.subarray(nCal));
    expectEqual(out, b.platt.exact);
    // sklearn's optimiser stops at gtol 1e-6 (documented in platt.ts).
    expectEqual(out, b.platt.sklearn, 1e-5);
  });
});

describe("3-class predictions: equal to scikit-learn", () => {
  const mc = fx.multiclass;
  const y3 = Float64Array.from(mc.y as number[]);
  const probs = Float64Array.from(mc.probs as number[]);
  const pred = predictClasses(probs, y3.length);

  it("accuracy, balanced accuracy, macro precision / recall / F1", () => {
    eq(accuracy(y3, pred), mc.metrics.accuracy);
    eq(balancedAccuracy(y3, pred, 3), mc.metrics.balanced_accuracy);
    const prf = precisionRecallF1(y3, pred, 3);
    eq(prf.precision, mc.metrics.precision_macro);
    eq(prf.recall, mc.metrics.recall_macro);
    eq(prf.f1, mc.metrics.f1_macro);
  });

  it("one-vs-rest macro ROC-AUC, log-loss, multiclass Brier, top-label ECE", () => {
    eq(rocAucOvr(y3, probs), mc.metrics.roc_auc_ovr);
    eq(logLoss(y3, probs), mc.metrics.log_loss);
    eq(brierScore(y3, probs), mc.metrics.brier);
    eq(expectedCalibrationError(y3, probs, 10, "uniform"), mc.top_label.uniform.ece);
    eq(expectedCalibrationError(y3, probs, 10, "quantile"), mc.top_label.quantile.ece);
  });

  it("temperature scaling: the exact optimum to 1e-9, sklearn's bounded Brent stop to 1e-5", () => {
    const k = 3;
    const cal = probs.subarray(0, nCal * k);
    const t = fitTemperature(cal, y3.subarray(0, nCal));
    eq(1 / t.temperature, mc.temperature.exact_beta);
    const out = applyTemperature(t, probs.subarray(nCal * k), y3.length - nCal);
    expectEqual(out, mc.temperature.exact);
    expectEqual(out, mc.temperature.sklearn, 1e-5);
  });
});
