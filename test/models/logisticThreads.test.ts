import { describe, expect, it } from "vitest";
import { LogisticModel } from "../../src/models/logistic";
import { featureMatrix } from "../../src/models/matrix";
import { logisticPassRunner } from "../../src/models/logisticThreads";

/** Features sharing one factor (an ill-conditioned problem: enough iterations to start workers). */
function testData(n: number, F: number, K: number) {
  let s = 20261207;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const d = new Float64Array(n * F);
  const u = Float64Array.from({ length: n }, () => rnd() - 0.5);
  for (let i = 0; i < d.length; i++) d[i] = u[i % n] + 0.05 * (rnd() - 0.5) * (1 + (i % 5));
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < F; j++) z += ((j % 3) - 1) * 0.3 * d[j * n + i];
    y[i] = K === 2 ? (rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0) : Math.floor(rnd() * K);
    w[i] = 0.5 + rnd();
  }
  return {
    X: featureMatrix(
      Array.from({ length: F }, (_, j) => `f${j}`),
      n,
      d,
    ),
    y,
    w,
  };
}

/** FNV-1a over the doubles' bytes. */
function fnv(v: Float64Array): string {
  const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

// Pinned bits: the fits' coefficients and intercepts as the one-thread objective computed them
// before the passes were cut into chunks (2026-12-07). A change of summation order anywhere in
// the objective or L-BFGS moves them.
const CASES = [
  { n: 4000, F: 100, K: 2, C: 0.05, weighted: false, iterations: 64, hash: "e9de93c3" },
  { n: 3000, F: 60, K: 3, C: 1, weighted: true, iterations: 162, hash: "c96b9ac1" },
];

describe("logistic on worker threads", () => {
  for (const c of CASES) {
    it(`${c.K === 2 ? "binary" : "multinomial"} ${c.n} × ${c.F}: the same bits on one thread and two, as pinned`, () => {
      const { X, y, w } = testData(c.n, c.F, c.K);
      const fits = [1, 2].map((n_threads) => {
        const m = new LogisticModel({ C: c.C, n_threads });
        const r = m.fitSync(X, y, c.weighted ? { sampleWeight: w } : {});
        return { r, v: Float64Array.from([...m.coef, ...m.intercept]) };
      });
      for (const f of fits) {
        expect(f.r.iterations).toBe(c.iterations);
        expect(fnv(f.v)).toBe(c.hash);
      }
    });
  }

  it("a worker takes chunks of the passes (its functions run from their source text)", () => {
    const n = 4000;
    const F = 100;
    const r = logisticPassRunner(n, F, 1, 2, false);
    try {
      const s = r.shared;
      for (let i = 0; i < s.Z.length; i++) s.Z[i] = ((i * 7919) % 1000) / 1000 - 0.5;
      s.wSum[0] = n;
      const t0 = performance.now();
      while (Atomics.load(s.ctl, 7) === 0 && performance.now() - t0 < 20_000) r.pass(0);
      expect(Atomics.load(s.ctl, 7)).toBeGreaterThan(0);
    } finally {
      r.close();
    }
  });
});
