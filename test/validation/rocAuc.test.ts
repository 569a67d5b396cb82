import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rocAuc as calibrationRocAuc } from "../../src/calibration";
import { rocAuc } from "../../src/validation";

/** Real SPY predictions and labels (scikit-learn's fixture for the calibration metrics). */
const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));
const y = Float64Array.from(fx.y as number[]);

/** The AUC by definition: over every (positive, negative) pair, 1 if the positive scores higher, 1/2 on a tie. */
function pairCount(labels: ArrayLike<number>, score: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (score[i] > score[j]) wins++;
      else if (score[i] === score[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

describe("rocAuc (labels first, one implementation for every stage)", () => {
  it("equals the pair count on real predictions, with and without ties", () => {
    for (const b of fx.binary as { name: string; p: number[] }[]) {
      const p = Float64Array.from(b.p);
      // sharp_rounded has many tied scores.
      expect(Math.abs(rocAuc(y, p) - pairCount(y, p))).toBeLessThanOrEqual(1e-12);
    }
  });

  it("is the function calibration's metric report exports", () => {
    expect(calibrationRocAuc).toBe(rocAuc);
  });

  it("refuses the old (score, y) order instead of scoring it: scores are not class codes", () => {
    const p = Float64Array.from(fx.binary[0].p as number[]);
    expect(() => rocAuc(p, y)).toThrow(/^rocAuc: y\[0\] = 0\.\d+ is not a class code in \[0, 1\]$/);
  });

  it("is NaN when the labels hold one class; a NaN score or a length mismatch is an error", () => {
    const ones = y.filter((v) => v === 1);
    expect(
      rocAuc(
        ones,
        Float64Array.from(ones, (_, i) => i),
      ),
    ).toBeNaN();
    const p = Float64Array.from(fx.binary[0].p as number[]);
    p[7] = Number.NaN;
    expect(() => rocAuc(y, p)).toThrow(/^rocAuc: score\[7\] is NaN$/);
    expect(() => rocAuc(y, p.subarray(1))).toThrow(/^rocAuc: score has length 2012, expected 2013$/);
  });
});
