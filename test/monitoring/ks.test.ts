/**
 * The two-sample KS test against scipy.stats.ks_2samp (the project venv's scipy, run here) on
 * real SPY feature columns, at the sizes the drift check uses (a 2,000-value profile sample
 * against live windows up to 10,000 values, equal sizes, ties), and against hand-counted cases.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bonferroniLevel, ksTwoSample, sortedPresent } from "../../src/monitoring";
import { rowsBetween, spyFeatures, take } from "./_spyFeatures";

const eq = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

const python = join(process.cwd(), ".venv", "bin", "python");

/** scipy's (statistic, pvalue) for each pair, default method. */
function scipyKs(pairs: { a: number[]; b: number[] }[]): { statistic: number; pvalue: number }[] {
  const script = [
    "import json, sys",
    "from scipy.stats import ks_2samp",
    "pairs = json.load(sys.stdin)",
    "out = [ks_2samp(p['a'], p['b']) for p in pairs]",
    "print(json.dumps([{'statistic': float(r.statistic), 'pvalue': float(r.pvalue)} for r in out]))",
  ].join("\n");
  const r = spawnSync(python, ["-c", script], { input: JSON.stringify(pairs), encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`scipy ks_2samp failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** An evenly thinned sample of the profile's kind (referenceProfile.ts): `size` order statistics. */
function thinned(values: ArrayLike<number>, size: number): number[] {
  const s = sortedPresent(values);
  if (s.length <= size) return Array.from(s);
  return Array.from({ length: size }, (_, k) => s[Math.floor(((k + 0.5) * s.length) / size)]);
}

describe("two-sample KS", () => {
  it("counts the lattice paths by hand on small samples", () => {
    // Disjoint samples: D = 1; the only paths as extreme are the two that never mix: 2 / C(6, 3).
    const disjoint = ksTwoSample([1, 2, 3], [4, 5, 6]);
    expect(disjoint.statistic).toBe(1);
    eq(disjoint.pValue, 2 / 20);
    eq(ksTwoSample([1, 2], [3, 4, 5]).pValue, 2 / 10);
    // Two against two: D = 1/2 here, and every ordering reaches 1/2 at its first value, so p = 1.
    const straddle = ksTwoSample([2, 3], [1, 4]);
    expect(straddle.statistic).toBe(0.5);
    eq(straddle.pValue, 1);
    // Identical samples: D = 0, p = 1.
    expect(ksTwoSample([1, 2, 2, 3], [1, 2, 2, 3])).toMatchObject({ statistic: 0, pValue: 1 });
    // NaNs are left out of both samples.
    const withNan = ksTwoSample([1, Number.NaN, 2, 3], [4, 5, Number.NaN, 6]);
    expect(withNan).toMatchObject({ n1: 3, n2: 3, statistic: 1 });
    eq(withNan.pValue, 0.1);
    expect(() => ksTwoSample([Number.NaN], [1])).toThrow(/empty/);
  });

  it("equals scipy's ks_2samp on real SPY feature columns (D to 1e-9, p to 1e-12 relative)", () => {
    const { ts, names, columns } = spyFeatures();
    const train = rowsBetween(ts, "2004-01-01", "2014-01-01");
    const windows = [
      rowsBetween(ts, "2014-01-01", "2015-01-01"), // ~250 live rows
      rowsBetween(ts, "2014-01-01", "2022-01-01"), // ~2,000 rows, close to the sample's size
      rowsBetween(ts, "2010-01-01", "2020-01-01").slice(0, 2000), // exactly 2,000: the equal-sizes formula
      rowsBetween(ts, "1994-01-01", "2026-01-01").slice(0, 7919), // a prime size against 2,000
    ];
    const features = ["ret_1", "rsi_14", "calendar_day_of_week", "VIX/close", "natr_14", "zscore_20(ret_1)"];
    const pairs: { a: number[]; b: number[]; label: string }[] = [];
    for (const name of features) {
      const j = names.indexOf(name);
      expect(j, name).toBeGreaterThanOrEqual(0);
      const ref = thinned(take(columns[j], train), 2000);
      for (const w of windows) {
        const live = Array.from(take(columns[j], w)).filter((x) => !Number.isNaN(x));
        pairs.push({ a: ref, b: live, label: `${name} vs ${live.length} rows` });
      }
    }
    const expected = scipyKs(pairs);
    let worstP = 0;
    pairs.forEach((p, i) => {
      const ours = ksTwoSample(p.a, p.b);
      const want = expected[i];
      expect(Math.abs(ours.statistic - want.statistic), p.label).toBeLessThanOrEqual(1e-9);
      const rel = Math.abs(ours.pValue - want.pvalue) / Math.max(want.pvalue, 1e-300);
      worstP = Math.max(worstP, rel);
      expect(rel, `${p.label}: p ${ours.pValue} vs scipy ${want.pvalue}`).toBeLessThanOrEqual(1e-12);
    });
    // The columns cover both verdicts: some pairs far from the null, some well inside it.
    expect(expected.some((e) => e.pvalue < 1e-10)).toBe(true);
    expect(expected.some((e) => e.pvalue > 0.05)).toBe(true);
  });

  it("splits the level 0.01 over the features tested", () => {
    expect(bonferroniLevel(1)).toBe(0.01);
    expect(bonferroniLevel(200)).toBe(0.00005);
    expect(() => bonferroniLevel(0)).toThrow(/tests/);
  });
});
