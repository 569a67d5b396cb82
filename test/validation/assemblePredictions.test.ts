import { describe, expect, it } from "vitest";
import { fixedHorizonLabels } from "../../src/labels";
import { combinatorialPurgedCV, outOfFold, pathPredictions, purgedKFold } from "../../src/validation";
import { loadDaily } from "../labels/realBars";

describe("assembling predictions from splits (real SPY daily labels)", () => {
  const spy = loadDaily("SPY");
  const labels = fixedHorizonLabels(spy.ts, spy.close, { horizon: 5, classes: 2 });
  const n = labels.y.length;

  it("outOfFold scatters each fold's test predictions to its rows", () => {
    const plan = purgedKFold(labels, { folds: 5, embargo: 5, finalHoldout: "P1Y" });
    // Prediction = split id · 1000 + row, so every value says who predicted which row.
    const per = plan.splits.map((s, i) => Float64Array.from(s.test, (r) => i * 1000 + r));
    const oof = outOfFold(plan, per, n);
    let filled = 0;
    plan.splits.forEach((s, i) => {
      for (const r of s.test) {
        expect(oof[r]).toBe(i * 1000 + r);
        filled++;
      }
    });
    expect(oof.filter((v) => !Number.isNaN(v)).length).toBe(filled);
    for (const r of plan.holdout) expect(Number.isNaN(oof[r])).toBe(true);
    const wide = outOfFold(
      plan,
      per.map((p) => Float64Array.from({ length: p.length * 3 }, (_, j) => p[Math.floor(j / 3)])),
      n,
      3,
    );
    expect(wide[plan.splits[2].test[0] * 3 + 2]).toBe(2000 + plan.splits[2].test[0]);
  });

  it("pathPredictions gives every usable row one prediction per path, from a split that tested it", () => {
    const plan = combinatorialPurgedCV(labels, { groups: 6, testGroups: 2, embargo: 5 });
    const per = plan.splits.map((s, i) => Float64Array.from(s.test, () => i));
    const paths = pathPredictions(plan, per, n);
    expect(paths.length).toBe(5);
    const usable = plan.groups!.flatMap((g) => Array.from(g));
    for (const path of paths) {
      for (const r of usable) {
        const s = path[r];
        expect(plan.splits[s].test.includes(r)).toBe(true);
        expect(plan.splits[s].train.includes(r)).toBe(false);
      }
      expect(path.filter((v) => !Number.isNaN(v)).length).toBe(usable.length);
    }
    // Paths differ: each uses different splits for the same group.
    expect(paths[0][usable[0]]).not.toBe(paths[1][usable[0]]);
    expect(() => outOfFold(plan, per, n)).toThrow(/row \d+ is tested by more than one split/);
  });

  it("rejects predictions of the wrong shape, naming the split", () => {
    const plan = purgedKFold(labels, { folds: 3 });
    const per = plan.splits.map((s) => new Float64Array(s.test.length));
    per[1] = new Float64Array(3);
    expect(() => outOfFold(plan, per, n)).toThrow(/outOfFold: split 1 has 3 prediction values, expected \d+/);
    expect(() => pathPredictions(plan, per, n)).toThrow(/only cpcv plans/);
  });
});
