/**
 * The stationary bootstrap: blocks of geometric length with the asked mean, seeded determinism,
 * and on a synthetic AR(1) (φ = 0.5, autocorrelated like overlapping labels) the 90 % interval of
 * the mean covers the true mean about 90 % of the time (measured 0.89 over 200 series of 2,000),
 * where the iid bootstrap (block 1) undercovers (0.65): it takes the autocorrelated rows as independent.
 */
import { describe, expect, it } from "vitest";
import { percentileInterval, stationaryBootstrap } from "../../src/validation/index";

function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function ar1(n: number, phi: number, mean: number, seed: number): Float64Array {
  const z = normals(seed);
  const x = new Float64Array(n);
  let prev = z() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    prev = phi * prev + z();
    x[i] = mean + prev;
  }
  return x;
}

function coverage(meanBlock: number): number {
  const trials = 200;
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const x = ar1(2000, 0.5, 1, 1000 + t);
    const means = stationaryBootstrap(x.length, { meanBlock, resamples: 200, seed: t }).map(
      (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length,
    );
    const { lo, hi } = percentileInterval(means, 0.9);
    if (lo <= 1 && 1 <= hi) covered++;
  }
  return covered / trials;
}

describe("stationaryBootstrap", () => {
  it("draws blocks of the asked mean length, wrapping around the end", () => {
    const [idx] = stationaryBootstrap(200_000, { meanBlock: 10, resamples: 1, seed: 7 });
    let blocks = 1;
    for (let i = 1; i < idx.length; i++) if (idx[i] !== (idx[i - 1] + 1) % idx.length) blocks++;
    // A new block also starts on a draw that happens to continue the previous one (prob 1/n).
    expect(idx.length / blocks).toBeGreaterThan(9.7);
    expect(idx.length / blocks).toBeLessThan(10.3);
    expect(idx.every((i) => i >= 0 && i < idx.length)).toBe(true);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = stationaryBootstrap(100, { meanBlock: 5, resamples: 3, seed: 42 });
    const b = stationaryBootstrap(100, { meanBlock: 5, resamples: 3, seed: 42 });
    const c = stationaryBootstrap(100, { meanBlock: 5, resamples: 3, seed: 43 });
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it("covers an AR(1)'s true mean about 90 % of the time with blocks, less without", () => {
    const blocked = coverage(40);
    expect(blocked).toBeGreaterThan(0.84);
    expect(blocked).toBeLessThan(0.95);
    // iid resampling ignores the autocorrelation: its interval is about half as wide as it should be.
    const iid = coverage(1);
    expect(iid).toBeLessThan(0.78);
  }, 30_000);

  it("names the bad option", () => {
    expect(() => stationaryBootstrap(10, { meanBlock: 0.5, resamples: 10, seed: 1 })).toThrow(/meanBlock must be ≥ 1/);
    expect(() => stationaryBootstrap(10, { meanBlock: 2, resamples: 0, seed: 1 })).toThrow(/resamples must be/);
    expect(() => stationaryBootstrap(0, { meanBlock: 2, resamples: 1, seed: 1 })).toThrow(/at least 1 row/);
    expect(() => percentileInterval([1, 2], 1.5)).toThrow(/level must be in/);
  });

  it("takes interval bounds as percentiles and skips NaN", () => {
    const v = Array.from({ length: 101 }, (_, i) => i);
    const { lo, hi } = percentileInterval([...v, Number.NaN], 0.9);
    expect(lo).toBeCloseTo(5, 9);
    expect(hi).toBeCloseTo(95, 9);
  });
});
