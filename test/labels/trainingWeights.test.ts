/**
 * `labels.class_weight` per fold: `balanced` is scikit-learn's compute_class_weight("balanced"),
 * n_samples / (n_classes · count_c), on the training rows given; `uniqueness` is AFML's average
 * uniqueness among the training rows' own label windows, scaled to mean 1.
 */
import { describe, expect, it } from "vitest";
import { trainingWeights } from "../../src/labels";

const noSpans = { series: [], startIdx: [], endIdx: [] };

describe("trainingWeights", () => {
  it("balanced: n_samples / (n_classes · count_c) per row's class, as scikit-learn computes it", () => {
    // sklearn: compute_class_weight("balanced", classes=[0, 1], y=[0, 0, 0, 1]) == [2/3, 2].
    const y = Float64Array.of(0, 0, 0, 1);
    expect(Array.from(trainingWeights("balanced", y, 2, noSpans))).toEqual([4 / 6, 4 / 6, 4 / 6, 2]);
    // Three classes: counts 5, 3, 2 of 10 rows give 10/15, 10/9, 10/6.
    const y3 = Float64Array.of(0, 0, 0, 0, 0, 1, 1, 1, 2, 2);
    const w3 = trainingWeights("balanced", y3, 3, noSpans);
    const want = [10 / 15, 10 / 9, 10 / 6];
    y3.forEach((k, i) => {
      expect(w3[i]).toBeCloseTo(want[k], 12);
    });
    // Every class then carries the same total weight: n_samples / n_classes.
    for (const k of [0, 1, 2]) {
      const total = Array.from(w3).reduce((s, w, i) => s + (y3[i] === k ? w : 0), 0);
      expect(total).toBeCloseTo(10 / 3, 12);
    }
  });

  it("balanced: a class missing from the fold leaves the others' weights n / (K · count)", () => {
    const w = trainingWeights("balanced", Float64Array.of(0, 0, 2), 3, noSpans);
    expect(Array.from(w)).toEqual([3 / 6, 3 / 6, 3 / 3]);
  });

  it("uniqueness: windows overlapping only other training rows' windows, by series, mean 1", () => {
    // Series 0: rows at bars 0, 1, 5 with windows [0,2], [1,3], [5,6]; series 1: one row [0,2].
    // Concurrency on series 0: bar 0:1, 1:2, 2:2, 3:1, 5:1, 6:1. Uniqueness: (1+½+½)/3 = 2/3,
    // (½+½+1)/3 = 2/3, 1, and 1 for the lone row of series 1: mean 5/6, scaled to mean 1.
    const w = trainingWeights("uniqueness", Float64Array.of(1, 0, 1, 0), 2, {
      series: [0, 0, 0, 1],
      startIdx: [0, 1, 5, 0],
      endIdx: [2, 3, 6, 2],
    });
    const raw = [2 / 3, 2 / 3, 1, 1];
    const scale = 4 / raw.reduce((a, b) => a + b, 0);
    raw.forEach((u, i) => {
      expect(w[i]).toBeCloseTo(u * scale, 12);
    });
  });
});
