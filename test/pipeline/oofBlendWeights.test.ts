/** Ensemble weights fitted on out-of-fold log-loss: on the simplex, favouring the informative member. */
import { describe, expect, it } from "vitest";
import { logLoss } from "../../src/calibration";
import { blendProbabilities, fitOofBlendWeights } from "../../src/pipeline/oofBlendWeights";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe("fitOofBlendWeights", () => {
  const rand = rng(3);
  const n = 3000;
  const y = new Float64Array(n);
  const good = new Float64Array(n);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = 0.2 + 0.6 * rand();
    y[i] = rand() < p ? 1 : 0;
    good[i] = p;
    noise[i] = 0.2 + 0.6 * rand();
  }

  it("puts the weight on the member that knows the probabilities, and beats both members", () => {
    const w = fitOofBlendWeights(y, [noise, good], 1, "weighted");
    expect(w[0] + w[1]).toBeCloseTo(1, 12);
    expect(w[0]).toBeGreaterThanOrEqual(0);
    expect(w[1]).toBeGreaterThan(0.85);
    const mixed = blendProbabilities([noise, good], w);
    expect(logLoss(y, mixed)).toBeLessThanOrEqual(logLoss(y, good) + 1e-6);
    expect(logLoss(y, mixed)).toBeLessThan(logLoss(y, noise));
  });

  it("gives equal weights for kind mean and ignores rows a member lacks", () => {
    expect(Array.from(fitOofBlendWeights(y, [noise, good], 1, "mean"))).toEqual([0.5, 0.5]);
    const gappy = Float64Array.from(good, (v, i) => (i % 3 === 0 ? Number.NaN : v));
    const w = fitOofBlendWeights(y, [noise, gappy], 1, "weighted");
    expect(w[1]).toBeGreaterThan(0.85);
    expect(Number.isNaN(blendProbabilities([noise, gappy], w)[0])).toBe(true);
  });
});
