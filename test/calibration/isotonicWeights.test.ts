/**
 * Weighted isotonic calibration equals scikit-learn's IsotonicRegression (increasing,
 * out_of_bounds="clip") when some scores' rows all weigh 0: scikit-learn drops zero-weight rows
 * before pooling, so such a score is simply absent from the fit. Real SPY walk-forward
 * predictions (the sklearnParity fixture), scores rounded to two decimals so that scores repeat,
 * and the reference computed by the project venv's scikit-learn at test time.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyIsotonic, CalibrationError, fitIsotonic } from "../../src/calibration";

const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));
const nCal: number = fx.cal_rows;
const y = Float64Array.from((fx.y as number[]).slice(0, nCal));
const p = Float64Array.from((fx.binary[0].p as number[]).slice(0, nCal), (v) => Math.round(v * 100) / 100);
const grid = Float64Array.from({ length: 101 }, (_, i) => i / 100);

/** Every row of each score in `zeroScores` weighs 0; the others weigh 0.5, 1 or 1.5 by row. */
function weights(zeroScores: Set<number>): Float64Array {
  return Float64Array.from(p, (v, i) => (zeroScores.has(v) ? 0 : 0.5 * (1 + (i % 3))));
}

function sklearnIsotonic(w: Float64Array): number[] {
  const code = [
    "import json, sys",
    "import numpy as np",
    "from sklearn.isotonic import IsotonicRegression",
    "d = json.load(sys.stdin)",
    "m = IsotonicRegression(out_of_bounds='clip').fit(np.array(d['p']), np.array(d['y']), sample_weight=np.array(d['w']))",
    "print(json.dumps(m.predict(np.array(d['grid'])).tolist()))",
  ].join("\n");
  const res = spawnSync(join(process.cwd(), ".venv", "bin", "python"), ["-c", code], {
    input: JSON.stringify({ p: [...p], y: [...y], w: [...w], grid: [...grid] }),
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

describe("isotonic calibration with zero-weight rows", () => {
  const distinct = [...new Set(p)].sort((a, b) => a - b);
  // The lowest, a middle and the highest score: the ends move the clip bounds, the middle
  // one sits between two pooled blocks.
  const zero = new Set([distinct[0], distinct[Math.floor(distinct.length / 2)], distinct[distinct.length - 1]]);

  it("drops them as scikit-learn does (was NaN everywhere)", () => {
    const w = weights(zero);
    const got = applyIsotonic(fitIsotonic(p, y, w), grid);
    const ref = sklearnIsotonic(w);
    expect(got.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < grid.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-12);
  });

  it("with no zero weight the weighted fit still equals scikit-learn", () => {
    const w = weights(new Set());
    const got = applyIsotonic(fitIsotonic(p, y, w), grid);
    const ref = sklearnIsotonic(w);
    for (let i = 0; i < grid.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-12);
  });

  it("refuses all-zero, negative and NaN weights, naming the row", () => {
    expect(() => fitIsotonic(p, y, new Float64Array(p.length))).toThrow(/all \d+ rows have weight 0/);
    const neg = weights(new Set());
    neg[7] = -1;
    expect(() => fitIsotonic(p, y, neg)).toThrow(CalibrationError);
    expect(() => fitIsotonic(p, y, neg)).toThrow(/row 7 has weight -1/);
    const nan = weights(new Set());
    nan[9] = Number.NaN;
    expect(() => fitIsotonic(p, y, nan)).toThrow(/row 9 has weight NaN/);
  });
});
