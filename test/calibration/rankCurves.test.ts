/**
 * The report's ROC and precision-recall curves and confusion matrices equal scikit-learn's
 * (`roc_curve`, `roc_auc_score`, `precision_recall_curve`, `average_precision_score`,
 * `confusion_matrix`) on real SPY predictions, tied scores and three classes included.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  confusionMatrix,
  precisionRecallCurve,
  predictClasses,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from "../../src/calibration";

/** Written by scripts/fixtures/report_curves.py (scikit-learn) from spy_predictions.json. */
const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/report_curves.json"), "utf8"));
const source = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));

interface Curves {
  roc: { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
  auc: number;
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  average_precision: number;
}

/** docs/architecture.md "equal": |a - b| <= tol·max(1, |b|), elementwise. */
function expectEqual(actual: ArrayLike<number>, expected: readonly (number | null)[], tol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(e)) expect(actual[i]).toBe(e);
    else expect(Math.abs(actual[i] - e) / Math.max(1, Math.abs(e))).toBeLessThanOrEqual(tol);
  }
}

function expectCurves(y: ArrayLike<number>, p: ArrayLike<number>, c: Curves) {
  const roc = rocCurve(y, p);
  const pr = precisionRecallCurve(y, p);
  if (!roc || !pr) throw new Error("both classes are present: curves expected");
  expectEqual(roc.fpr, c.roc.fpr);
  expectEqual(roc.tpr, c.roc.tpr);
  expectEqual(roc.thresholds, c.roc.thresholds);
  expectEqual([rocAuc(y, p)], [c.auc]);
  // The curve's trapezoidal area is the AUC.
  let area = 0;
  for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
  expectEqual([area], [c.auc]);
  expectEqual(pr.precision, c.pr.precision);
  expectEqual(pr.recall, c.pr.recall);
  expectEqual(pr.thresholds, c.pr.thresholds);
  expectEqual([pr.averagePrecision], [c.average_precision]);
}

describe("ROC and precision-recall curves: equal to scikit-learn", () => {
  it("a small case with ties and a collinear run", () => {
    expectCurves(fx.small.y, fx.small.p, fx.small);
  });

  const blocks: [string, unknown][] = fx.binary.map((b: { name: string }) => [b.name, b]);
  it.each(blocks)("binary SPY predictions %s, and the confusion matrix at 0.5", (name: string, b: unknown) => {
    const block = b as Curves & { confusion: number[] };
    const p = Float64Array.from(source.binary.find((s: { name: string }) => s.name === name).p as number[]);
    const y = Float64Array.from(fx.y as number[]);
    expectCurves(y, p, block);
    expect(Array.from(confusionMatrix(y, predictClasses(p, p.length), 2))).toEqual(block.confusion);
  });

  it("three classes: one-vs-rest curves per class, macro AUC and the arg-max confusion matrix", () => {
    const y = Float64Array.from(source.multiclass.y as number[]);
    const probs = Float64Array.from(source.multiclass.probs as number[]);
    const k = probs.length / y.length;
    expect(k).toBe(3);
    fx.multiclass.per_class.forEach((c: Curves, cls: number) => {
      const yc = Float64Array.from(y, (v) => (v === cls ? 1 : 0));
      const pc = Float64Array.from({ length: y.length }, (_, i) => probs[i * k + cls]);
      expectCurves(yc, pc, c);
    });
    expectEqual([rocAucOvr(y, probs)], [fx.multiclass.auc_ovr]);
    expect(Array.from(confusionMatrix(y, predictClasses(probs, y.length), 3))).toEqual(fx.multiclass.confusion);
  });

  it("no curve when a class is absent; a NaN score or a non-0/1 label is an error", () => {
    expect(rocCurve([1, 1], [0.2, 0.3])).toBeNull();
    expect(precisionRecallCurve([0, 0], [0.2, 0.3])).toBeNull();
    expect(() => rocCurve([0, 1], [0.2, Number.NaN])).toThrow("rocCurve: score[1] is NaN");
    expect(() => precisionRecallCurve([0, 2], [0.2, 0.3])).toThrow(
      "precisionRecallCurve: y[1] = 2 is not a class code",
    );
  });
});
