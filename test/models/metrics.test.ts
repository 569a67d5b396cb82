/**
 * The project's one log-loss against scikit-learn's `log_loss`, computed here by the venv's
 * Python on the same inputs: real SPY predictions (the calibration fixture's binary and 3-class
 * sets), with and without sample weights, and probabilities of exactly 0 and 1 that only the
 * clipping keeps finite.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logLoss } from "../../src/models/metrics";

const ROOT = join(import.meta.dirname, "../..");
const PYTHON = join(ROOT, ".venv", "bin", "python");

/** Written by scripts/fixtures/calibration_metrics.py from real SPY predictions. */
const fx = JSON.parse(readFileSync(join(ROOT, "test/fixtures/calibration/spy_predictions.json"), "utf8")) as {
  y: number[];
  binary: { name: string; p: number[] }[];
  multiclass: { y: number[]; probs: number[][] | number[] };
};

interface Case {
  name: string;
  y: number[];
  /** P(class 1) per row (binary) or n·K row-major. */
  probs: number[];
  k: number;
  weight: number[] | null;
}

/** Uneven positive weights, a few of them zero, as uniqueness weights can be. */
const weightsFor = (n: number) =>
  Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : 0.25 + ((i * 7919) % 13) / 4));

const multiProbs = (fx.multiclass.probs as (number | number[])[]).flat();
const kMulti = multiProbs.length / fx.multiclass.y.length;
const cases: Case[] = [];
for (const b of fx.binary) {
  cases.push({ name: `binary ${b.name}`, y: fx.y, probs: b.p, k: 2, weight: null });
  cases.push({ name: `binary ${b.name}, weighted`, y: fx.y, probs: b.p, k: 2, weight: weightsFor(fx.y.length) });
}
cases.push({ name: "3 classes", y: fx.multiclass.y, probs: multiProbs, k: kMulti, weight: null });
cases.push({
  name: "3 classes, weighted",
  y: fx.multiclass.y,
  probs: multiProbs,
  k: kMulti,
  weight: weightsFor(fx.multiclass.y.length),
});
cases.push({ name: "certain and wrong (clipped)", y: [1, 0, 1, 0, 1], probs: [0, 1, 1, 0, 0.7], k: 2, weight: null });
cases.push({
  name: "certain and wrong, weighted",
  y: [1, 0, 1, 0, 1],
  probs: [0, 1, 1, 0, 0.7],
  k: 2,
  weight: [2, 0.5, 1, 1, 3],
});

/** scikit-learn's log_loss of every case, from the venv's Python. */
function sklearnLogLoss(all: readonly Case[]): number[] {
  const script = `
import json, sys
import numpy as np
from sklearn.metrics import log_loss
out = []
for c in json.load(sys.stdin):
    p = np.asarray(c["probs"], dtype=np.float64)
    if c["k"] > 2 or len(p) != len(c["y"]):
        p = p.reshape(len(c["y"]), c["k"])
    w = None if c["weight"] is None else np.asarray(c["weight"], dtype=np.float64)
    try:
        v = log_loss(c["y"], y_proba=p, sample_weight=w, labels=list(range(c["k"])))
    except TypeError:  # scikit-learn before 1.9 names it y_pred
        v = log_loss(c["y"], p, sample_weight=w, labels=list(range(c["k"])))
    out.append(v)
print(json.dumps(out))
`;
  const stdout = execFileSync(PYTHON, ["-c", script], { input: JSON.stringify(all), encoding: "utf8" });
  return JSON.parse(stdout) as number[];
}

describe("logLoss", () => {
  const expected = sklearnLogLoss(cases);

  it.each(cases.map((c, i) => [c.name, i] as const))("%s: equal to scikit-learn", (_name, i) => {
    const c = cases[i];
    const got = logLoss(c.y, Float64Array.from(c.probs), c.weight && Float64Array.from(c.weight));
    expect(Number.isFinite(expected[i])).toBe(true);
    // docs/architecture.md "equal": |a − b| ≤ 1e-9 · max(1, |b|).
    expect(Math.abs(got - expected[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i])));
  });

  it("weights change the value (the weighted cases are not the plain ones again)", () => {
    for (let i = 0; i < cases.length; i += 2) {
      if (cases[i + 1]?.weight) expect(Math.abs(expected[i] - expected[i + 1])).toBeGreaterThan(1e-6);
    }
  });

  it("bad input is an error naming what is wrong", () => {
    expect(() => logLoss([], new Float64Array(0))).toThrow(/^logLoss: no rows$/);
    expect(() => logLoss([0, 1], new Float64Array([0.5]))).toThrow(/logLoss: probabilities have length 1/);
    expect(() => logLoss([0, 2], new Float64Array([0.5, 0.5]))).toThrow(
      /logLoss: y\[1\] = 2 is not a class code in \[0, 1\]/,
    );
    expect(() => logLoss([0, 1], new Float64Array([0.5, 0.5]), [1])).toThrow(
      /logLoss: weight has length 1, expected 2/,
    );
    expect(() => logLoss([0, 1], new Float64Array([0.5, 0.5]), [0, 0])).toThrow(/logLoss: the weights sum to 0/);
  });
});
