import { describe, expect, it } from "vitest";
import {
  fitOof,
  foldWeighted,
  groupImportance,
  matrixOf,
  type OofFits,
  oofPermutationImportance,
  oofShapImportance,
  permutationImportance,
  shuffledLabelNull,
} from "../../src/explain";
import { takeRows } from "../../src/models";
import { explainData, makeGbm } from "./_spy";

const d = explainData();
let base: OofFits | null = null;
async function fitted(): Promise<OofFits> {
  base ??= await fitOof(makeGbm, matrixOf(d, d.names), d.y, d.plan);
  return base;
}

const importanceOf = (imp: { names: readonly string[]; values: Float64Array }, name: string) =>
  imp.values[imp.names.indexOf(name)];

describe("importance on out-of-fold rows (SPY daily, purged 5-fold)", () => {
  it("permutation importance ranks a planted look-ahead column first, far ahead of the rest", async () => {
    const fits = await fitted();
    expect(fits.score.auc).toBeGreaterThan(0.7);
    const perm = oofPermutationImportance(fits, { metric: "auc", repeats: 3, seed: 7 });
    const order = [...perm.names].sort((a, b) => importanceOf(perm, b) - importanceOf(perm, a));
    expect(order[0]).toBe("leak_fwd_ret");
    expect(importanceOf(perm, "leak_fwd_ret")).toBeGreaterThan(0.2);
    expect(importanceOf(perm, order[1])).toBeLessThan(0.02);
  }, 120_000);

  it("group importance sums the per-feature values of each group, and the groups partition the columns", async () => {
    const fits = await fitted();
    for (const imp of [oofShapImportance(fits), oofPermutationImportance(fits, { repeats: 1, seed: 3 })]) {
      const byGroup = groupImportance(imp, d.groups);
      for (const g of byGroup) {
        expect(g.columns.every((n) => d.groups.get(n) === g.group)).toBe(true);
        const sum = g.columns.reduce((s, n) => s + importanceOf(imp, n), 0);
        expect(g.value).toBeCloseTo(sum, 12);
      }
      expect(byGroup.flatMap((g) => g.columns).sort()).toEqual([...imp.names].sort());
      const total = imp.values.reduce((s, v) => s + v, 0);
      expect(byGroup.reduce((s, g) => s + g.value, 0)).toBeCloseTo(total, 12);
      expect(byGroup.map((g) => g.value)).toEqual(byGroup.map((g) => g.value).sort((a, b) => b - a));
    }
    expect(groupImportance(oofShapImportance(fits), d.groups)[0].group).toBe("leak");
  }, 120_000);

  it("fold weighting counts every tested row once: weights ∝ test rows", () => {
    const names = ["a", "b"];
    const w = foldWeighted(
      [
        { names, values: Float64Array.of(1, 0) },
        { names, values: Float64Array.of(4, 3) },
      ],
      [300, 100],
    );
    expect(Array.from(w.values)).toEqual([(1 * 300 + 4 * 100) / 400, (3 * 100) / 400]);
    expect(() => foldWeighted([{ names, values: Float64Array.of(1, 0) }], [1, 2])).toThrow(
      "1 importances for 2 splits",
    );
  });

  it("shuffled-label null: OOF AUC ≈ 0.5, and OOF permutation drops ≈ 0 where in-sample ones are not", async () => {
    const fits = await fitted();
    const nul = await shuffledLabelNull(fits, 2005);
    expect(Math.abs(nul.z)).toBeLessThan(5);
    expect(Math.abs(nul.fits.score.auc - 0.5)).toBeLessThan(0.05);
    const oof = oofPermutationImportance(nul.fits, { repeats: 3, seed: 7 });
    // With no relation left, the planted column is worth nothing out of fold...
    expect(Math.abs(importanceOf(oof, "leak_fwd_ret"))).toBeLessThan(0.01);
    const meanOof = oof.values.reduce((s, v) => s + v, 0) / oof.values.length;
    expect(Math.abs(meanOof)).toBeLessThan(0.003);
    // ...while the same models scored on their own training rows show the noise they fitted.
    const s = d.plan.splits[0];
    const inSample = permutationImportance(
      nul.fits.models[0],
      takeRows(nul.fits.X, s.train),
      Float64Array.from(s.train, (r) => nul.fits.y[r]),
      { repeats: 3, seed: 7 },
    );
    const meanIn = inSample.values.reduce((s, v) => s + v, 0) / inSample.values.length;
    expect(meanIn).toBeGreaterThan(5 * Math.abs(meanOof) + 0.003);
  }, 120_000);
});
