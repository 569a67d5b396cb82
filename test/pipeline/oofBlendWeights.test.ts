/**
 * The run's blend kinds fitted on out-of-fold predictions: log-loss simplex weights favouring the
 * informative member; ridge coefficients equal to scikit-learn's `Ridge(alpha=1)` (closed form
 * when unconstrained, `positive=True` when a member is clamped at zero); the stacking meta-model
 * equal to scikit-learn's `LogisticRegression` on standardised inputs (binary and multinomial);
 * the dominance warning; and cross-fitting, whose fold k blend never sees fold k's rows.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logLoss } from "../../src/calibration";
import {
  combineMembers,
  fitRidgeCoefficients,
  fitStackingMeta,
  logisticParamsSchema,
  ridgeBlendWeights,
} from "../../src/models";
import type { EnsembleConfig } from "../../src/pipeline/config";
import { crossFitBlend, fitBlendCombiner } from "../../src/pipeline/oofBlendWeights";
import { findRepoRoot } from "../../src/services";
import type { Split, SplitPlan } from "../../src/validation";

const python = join(findRepoRoot(), ".venv", "bin", "python");

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Runs `script` in the project venv with `input` as JSON on stdin; returns its JSON stdout. */
function py<T>(script: string, input: unknown): T {
  const r = spawnSync(python, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr.slice(-2000));
  return JSON.parse(r.stdout) as T;
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);
const weighted: EnsembleConfig = { kind: "weighted", fit_on: "oof" };
const ridge: EnsembleConfig = { kind: "ridge", fit_on: "oof", alpha: 1 };
const meta = logisticParamsSchema.parse({});
const stacking: EnsembleConfig = { kind: "stacking", fit_on: "oof", meta };

/** Binary labels from p, a member that knows p, one that is noise, and one that knows p roughly. */
function binaryMarket(n: number, seed: number) {
  const rand = rng(seed);
  const y = new Float64Array(n);
  const good = new Float64Array(n);
  const noise = new Float64Array(n);
  const rough = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = 0.2 + 0.6 * rand();
    y[i] = rand() < p ? 1 : 0;
    good[i] = p;
    noise[i] = 0.2 + 0.6 * rand();
    rough[i] = Math.min(0.95, Math.max(0.05, p + 0.25 * (rand() - 0.5)));
  }
  return { y, good, noise, rough };
}

describe("fitBlendCombiner", () => {
  const { y, good, noise } = binaryMarket(3000, 3);

  it("weighted: puts the weight on the member that knows the probabilities, and beats both members", () => {
    const c = fitBlendCombiner(weighted, ["noise", "good"], y, [noise, good], 1, all(y.length));
    if (c?.kind !== "linear") throw new Error("expected linear weights");
    const w = c.weights;
    expect(w[0] + w[1]).toBeCloseTo(1, 12);
    expect(w[0]).toBeGreaterThanOrEqual(0);
    expect(w[1]).toBeGreaterThan(0.85);
    const mixed = combineMembers(c, [noise, good], 1);
    expect(logLoss(y, mixed)).toBeLessThanOrEqual(logLoss(y, good) + 1e-6);
    expect(logLoss(y, mixed)).toBeLessThan(logLoss(y, noise));
  });

  it("mean gives equal weights, fixed the config's normalised, and rows a member lacks are ignored", () => {
    const mean = fitBlendCombiner({ kind: "mean", fit_on: "oof" }, ["a", "b"], y, [noise, good], 1, []);
    expect(mean?.kind === "linear" && Array.from(mean.weights)).toEqual([0.5, 0.5]);
    const fixed = fitBlendCombiner({ kind: "fixed", weights: { b: 3, a: 1 } }, ["a", "b"], y, [noise, good], 1, []);
    expect(fixed?.kind === "linear" && Array.from(fixed.weights)).toEqual([0.25, 0.75]);
    const gappy = Float64Array.from(good, (v, i) => (i % 3 === 0 ? Number.NaN : v));
    const c = fitBlendCombiner(weighted, ["a", "b"], y, [noise, gappy], 1, all(y.length));
    if (c?.kind !== "linear") throw new Error("expected linear weights");
    expect(c.weights[1]).toBeGreaterThan(0.85);
    expect(Number.isNaN(combineMembers(c, [noise, gappy], 1)[0])).toBe(true);
    // Too few rows to fit: null (the caller's equal-weight fallback).
    expect(fitBlendCombiner(weighted, ["a", "b"], y, [noise, good], 1, all(50))).toBeNull();
  });
});

const RIDGE_PY = `
import json, sys
import numpy as np
from sklearn.linear_model import Ridge
d = json.load(sys.stdin)
out = {}
for case in d:
    X = np.array(case["X"]); t = np.array(case["t"])
    m = Ridge(alpha=1.0, fit_intercept=False, positive=case["positive"], tol=1e-12, max_iter=100000).fit(X, t)
    out[case["name"]] = m.coef_.tolist()
print(json.dumps(out))
`;

describe("ridge blend weights", () => {
  it("equal scikit-learn's Ridge(alpha=1, fit_intercept=False) and its independent closed form", () => {
    const { y, good, rough } = binaryMarket(2000, 11);
    const coef = fitRidgeCoefficients([good, rough], y, 1, 1);
    expect(coef.every((v) => v > 0)).toBe(true);
    // Closed form (XᵀX + I)⁻¹Xᵀy for two columns, computed here.
    let a = 1;
    let b = 0;
    let d = 1;
    let u = 0;
    let v = 0;
    for (let i = 0; i < y.length; i++) {
      a += good[i] * good[i];
      b += good[i] * rough[i];
      d += rough[i] * rough[i];
      u += good[i] * y[i];
      v += rough[i] * y[i];
    }
    const det = a * d - b * b;
    const closed = [(d * u - b * v) / det, (a * v - b * u) / det];
    expect(Math.abs(coef[0] - closed[0])).toBeLessThan(1e-10);
    expect(Math.abs(coef[1] - closed[1])).toBeLessThan(1e-10);
    // Three classes: one weight per member over the stacked one-hot columns.
    const rand = rng(5);
    const n3 = 1500;
    const y3 = new Float64Array(n3);
    const A = new Float64Array(n3 * 3);
    const B = new Float64Array(n3 * 3);
    const C = new Float64Array(n3 * 3);
    for (let i = 0; i < n3; i++) {
      const p = [0.2 + rand(), 0.2 + rand(), 0.2 + rand()];
      const s = p[0] + p[1] + p[2];
      const u3 = rand() * s;
      y3[i] = u3 < p[0] ? 0 : u3 < p[0] + p[1] ? 1 : 2;
      for (let c = 0; c < 3; c++) {
        A[i * 3 + c] = p[c] / s;
        B[i * 3 + c] = (p[c] / s + 1 / 3) / 2;
        C[i * 3 + c] = (1 - p[c] / s) / 2; // anti-informative; rows still sum to one
      }
    }
    const coef3 = fitRidgeCoefficients([A, B, C], y3, 3, 1);
    expect(coef3[2]).toBe(0);
    const stackedRows = (P: Float64Array[], yy: Float64Array, width: number) => {
      const X: number[][] = [];
      const t: number[] = [];
      for (let i = 0; i < yy.length; i++)
        for (let c = 0; c < width; c++) {
          X.push(P.map((p) => p[i * width + c]));
          t.push(width === 1 ? yy[i] : yy[i] === c ? 1 : 0);
        }
      return { X, t };
    };
    const sk = py<Record<string, number[]>>(RIDGE_PY, [
      { name: "binary", positive: false, ...stackedRows([good, rough], y, 1) },
      { name: "three", positive: true, ...stackedRows([A, B, C], y3, 3) },
    ]);
    sk.binary.forEach((w, i) => {
      expect(Math.abs(coef[i] - w)).toBeLessThan(1e-9);
    });
    sk.three.forEach((w, i) => {
      expect(Math.abs(coef3[i] - w)).toBeLessThan(1e-6);
    });
    // The blend's weights are the coefficients normalised.
    const w3 = ridgeBlendWeights(coef3);
    expect(w3[0] + w3[1] + w3[2]).toBeCloseTo(1, 12);
    expect(w3[0] / w3[1]).toBeCloseTo(coef3[0] / coef3[1], 12);
  });

  it("warns when one member takes more than 80 % of the weight", () => {
    const { y, good, noise } = binaryMarket(3000, 3);
    const plan = walkForward(y.length, 3);
    const fit = crossFitBlend(ridge, ["noise", "good"], plan, y, [noise, good], 1);
    const w = fit.combiner.kind === "linear" ? fit.combiner.weights : new Float64Array(0);
    expect(w[1]).toBeGreaterThan(0.8);
    expect(fit.notes.filter((n) => n.includes("takes"))).toEqual([
      expect.stringMatching(
        /^ensemble member good takes \d+\.\d % of the ensemble weight \(> 80 %\): the ensemble is close to that single model$/,
      ),
    ]);
    // Fixed weights are the researcher's choice: no warning.
    expect(
      crossFitBlend({ kind: "fixed", weights: { noise: 0.1, good: 0.9 } }, ["noise", "good"], plan, y, [noise, good], 1)
        .notes,
    ).toEqual([]);
  });
});

const LOGIT_PY = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
out = {}
for case in d:
    X = np.array(case["X"]); y = np.array(case["y"], dtype=int)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(Z, y)
    out[case["name"]] = {"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(), "p": m.predict_proba(Z).tolist()}
print(json.dumps(out))
`;

describe("stacking meta-model", () => {
  it("equals scikit-learn's LogisticRegression(C=1) on the members' standardised probabilities", () => {
    const { y, good, noise, rough } = binaryMarket(1500, 21);
    const bin = fitStackingMeta([good, noise, rough], y, 1, meta);
    const rand = rng(9);
    const n3 = 1200;
    const y3 = new Float64Array(n3);
    const A = new Float64Array(n3 * 3);
    const B = new Float64Array(n3 * 3);
    for (let i = 0; i < n3; i++) {
      const p = [0.2 + rand(), 0.2 + rand(), 0.2 + rand()];
      const s = p[0] + p[1] + p[2];
      const u = rand() * s;
      y3[i] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
      const q = [rand() + 0.1, rand() + 0.1, rand() + 0.1];
      const sq = q[0] + q[1] + q[2];
      for (let c = 0; c < 3; c++) {
        A[i * 3 + c] = p[c] / s;
        B[i * 3 + c] = q[c] / sq;
      }
    }
    const multi = fitStackingMeta([A, B], y3, 3, meta);
    const cols = (P: Float64Array[], n: number, width: number) =>
      Array.from({ length: n }, (_, i) => P.flatMap((p) => Array.from(p.subarray(i * width, (i + 1) * width))));
    const sk = py<Record<string, { coef: number[][]; intercept: number[]; p: number[][] }>>(LOGIT_PY, [
      { name: "binary", X: cols([good, noise, rough], y.length, 1), y: Array.from(y) },
      { name: "three", X: cols([A, B], n3, 3), y: Array.from(y3) },
    ]);
    sk.binary.coef[0].forEach((c, j) => {
      expect(Math.abs(bin.coef[j] - c)).toBeLessThan(1e-6);
    });
    expect(Math.abs(bin.intercept[0] - sk.binary.intercept[0])).toBeLessThan(1e-6);
    const pb = combineMembers({ kind: "stacking", meta: bin }, [good, noise, rough], 1);
    sk.binary.p.forEach((row, i) => {
      expect(Math.abs(pb[i] - row[1])).toBeLessThan(1e-7);
    });
    // Multinomial: probabilities are identifiable (coefficients only up to the collinear columns).
    const p3 = combineMembers({ kind: "stacking", meta: multi }, [A, B], 3);
    let worst = 0;
    sk.three.p.forEach((row, i) => {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(p3[i * 3 + c] - row[c]));
    });
    expect(worst).toBeLessThan(1e-6);
    expect(multi.nClasses).toBe(3);
  });
});

/** A walk-forward plan over n rows: `folds` test blocks after a first training block, expanding. */
function walkForward(n: number, folds: number): SplitPlan {
  const block = Math.floor(n / (folds + 1));
  const splits: Split[] = [];
  for (let k = 0; k < folds; k++) {
    const lo = (k + 1) * block;
    const hi = k === folds - 1 ? n : lo + block;
    splits.push({
      fold: k,
      train: Int32Array.from({ length: lo }, (_, i) => i),
      test: Int32Array.from({ length: hi - lo }, (_, i) => lo + i),
      trainFrom: 0,
      trainTo: 0,
      testFrom: 0,
      testTo: 0,
      purged: 0,
      embargoed: 0,
    });
  }
  return {
    kind: "walk_forward",
    rows: Int32Array.from({ length: n }, (_, i) => i),
    splits,
    holdout: new Int32Array(0),
    holdoutFrom: Number.NaN,
    embargo: { bars: 0 },
  };
}

describe("crossFitBlend", () => {
  it("blends each fold with a combiner fitted on its training rows' OOF predictions only", () => {
    // Member a knows the labels in the last fold only, member b everywhere else: fitted in sample
    // the blend would lean on a there; cross-fitted, the last fold's blend has never seen it.
    const n = 4000;
    const { y, good, noise } = binaryMarket(n, 17);
    const plan = walkForward(n, 3);
    const last = plan.splits[2];
    // OOF predictions exist on tested rows only (the first block is training-only).
    const oofOf = (p: Float64Array) => Float64Array.from(p, (v, i) => (i < plan.splits[0].test[0] ? Number.NaN : v));
    const a = oofOf(Float64Array.from(noise, (v, i) => (i >= last.test[0] ? good[i] : v)));
    const b = oofOf(Float64Array.from(good, (v, i) => (i >= last.test[0] ? noise[i] : v)));
    for (const kind of [weighted, ridge, stacking]) {
      const fit = crossFitBlend(kind, ["a", "b"], plan, y, [a, b], 1);
      // Fold 0 has no OOF rows in its training set: equal weights.
      expect(fit.crossFitted).toEqual({ fitted: 2, folds: 3 });
      expect(fit.notes).toContain(
        `ensemble (${kind.kind}): out of fold, 1 of 3 folds had fewer than 100 out-of-fold training rows to fit the blend on (walk-forward's first has none) and are blended with equal weights`,
      );
      const r0 = plan.splits[0].test[0];
      expect(fit.oofProbs[r0]).toBeCloseTo((a[r0] + b[r0]) / 2, 14);
      // The last fold: exactly the blend fitted on its training rows, which favours b.
      const fold = fitBlendCombiner(kind, ["a", "b"], y, [a, b], 1, last.train);
      if (!fold) throw new Error("expected a fitted fold combiner");
      const want = combineMembers(fold, [a, b], 1);
      for (const r of last.test) expect(fit.oofProbs[r]).toBe(want[r]);
      const lastRows = Array.from(last.test);
      const yl = Float64Array.from(lastRows, (r) => y[r]);
      const crossLoss = logLoss(
        yl,
        Float64Array.from(lastRows, (r) => fit.oofProbs[r]),
      );
      const inSample = combineMembers(fit.combiner, [a, b], 1);
      const inSampleLoss = logLoss(
        yl,
        Float64Array.from(lastRows, (r) => inSample[r]),
      );
      // Honest: the cross-fitted score on the last fold is worse than the in-sample one.
      expect(crossLoss).toBeGreaterThan(inSampleLoss);
    }
    // Kinds that fit nothing are not cross-fitted.
    expect(crossFitBlend({ kind: "mean", fit_on: "oof" }, ["a", "b"], plan, y, [a, b], 1).crossFitted).toBeNull();
  });
});
