/** PSI by hand: the bins at the reference's deciles, the 1e-4 floor, ties, open outer bins, NaNs. */
import { describe, expect, it } from "vitest";
import { binnedReference, binOf, binShares, decileEdges, psi, psiOfShares, quantileSorted } from "../../src/monitoring";

const eq = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
const range = (n: number, f: (i: number) => number = (i) => i) => Float64Array.from({ length: n }, (_, i) => f(i));

describe("PSI", () => {
  it("cuts at the reference's deciles (numpy's linear quantiles) and closes bins on the right", () => {
    const sorted = range(101); // 0 … 100: decile k/10 is 10k exactly
    expect(decileEdges(sorted)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    eq(quantileSorted([1, 2, 3, 4], 0.1), 1.3); // numpy.quantile([1,2,3,4], 0.1)
    const edges = decileEdges(sorted);
    expect(binOf(edges, 10)).toBe(0);
    expect(binOf(edges, 10.0001)).toBe(1);
    expect(binOf(edges, -1e9)).toBe(0); // open-ended outer bins
    expect(binOf(edges, 1e9)).toBe(9);
  });

  it("is Σ (a − e)·ln(a/e) with each share floored at 1e-4", () => {
    const e = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const a = [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0];
    // Bin 0: 0.1·ln 2; bin 9: the empty share counts as 1e-4.
    eq(psiOfShares(e, a), 0.1 * Math.log(2) + (1e-4 - 0.1) * Math.log(1e-4 / 0.1));
    eq(psiOfShares(e, e), 0);
  });

  it("scores a live sample of the reference's own values 0, and all of it beyond the range as drift", () => {
    const ref = binnedReference(range(1000, (i) => i / 1000));
    expect(ref.shares.every((s) => Math.abs(s - 0.1) < 2e-3)).toBe(true);
    eq(
      psi(
        ref,
        range(1000, (i) => i / 1000),
      ).psi,
      0,
    );
    const beyond = psi(
      ref,
      range(50, () => 7),
    ); // every value above the reference's maximum: bin 9
    const expected =
      (1 - ref.shares[9]) * Math.log(1 / ref.shares[9]) +
      ref.shares.slice(0, 9).reduce((s, e) => s + (1e-4 - e) * Math.log(1e-4 / e), 0);
    eq(beyond.psi, expected);
    expect(beyond.psi).toBeGreaterThan(0.2);
  });

  it("measures the reference's shares under ties, so a discrete feature matched by its own values scores 0", () => {
    // A 0/1 flag, 30 % ones: every decile edge is 0 or 1, bins repeat, most are empty.
    const flag = range(100, (i) => (i < 70 ? 0 : 1));
    const ref = binnedReference(flag);
    // The 0.7 decile interpolates between the last 0 (row 69) and the first 1: 0.3.
    expect(ref.edges.map((x) => Number(x.toFixed(12)))).toEqual([0, 0, 0, 0, 0, 0, 0.3, 1, 1]);
    expect(ref.shares).toEqual([0.7, 0, 0, 0, 0, 0, 0, 0.3, 0, 0]);
    eq(
      psi(
        ref,
        range(10, (i) => (i < 7 ? 0 : 1)),
      ).psi,
      0,
    );
    // Half ones live: (0.5 − 0.7)·ln(0.5/0.7) + (0.5 − 0.3)·ln(0.5/0.3).
    eq(
      psi(
        ref,
        range(10, (i) => i % 2),
      ).psi,
      -0.2 * Math.log(0.5 / 0.7) + 0.2 * Math.log(0.5 / 0.3),
    );
  });

  it("excludes NaNs from the shares and counts them; no value present has no PSI", () => {
    const ref = binnedReference(range(1000, (i) => i / 1000));
    const live = range(1000, (i) => (i % 4 === 0 ? Number.NaN : i / 1000));
    const withNan = psi(ref, live);
    expect(withNan).toMatchObject({ n: 750, missing: 250 });
    eq(
      withNan.psi,
      psi(
        ref,
        live.filter((x) => !Number.isNaN(x)),
      ).psi,
    );
    expect(binShares(ref.edges, live).shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const none = psi(ref, [Number.NaN, Number.NaN]);
    expect(none).toMatchObject({ n: 0, missing: 2 });
    expect(none.psi).toBeNaN();
  });
});
