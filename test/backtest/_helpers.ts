/** Test helpers: small hand-written bar series for hand-computed cases, and real bundled bars. */
import { expect } from "vitest";
import type { Bars } from "../../src/data/bars";
import { loadBundled } from "../../src/data";

export const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Rows of [open, high, low, close] (volume 1000 each unless given) on consecutive days from 2024-01-01. */
export function handBars(
  rows: number[][],
  opts: { volume?: number[]; adjClose?: number[]; ticker?: string } = {},
): Bars {
  const n = rows.length;
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    ticker: opts.ticker ?? "HAND",
    timeframe: "1d",
    ts: Float64Array.from({ length: n }, (_, i) => T0 + i * DAY),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: Float64Array.from(opts.volume ?? rows.map(() => 1000)),
    adjClose: opts.adjClose ? Float64Array.from(opts.adjClose) : null,
  };
}

/** Six gently rising bars used by most hand cases. */
export const RISING = [
  [100, 101, 99, 100],
  [101, 103, 100, 102],
  [102, 104, 101, 103],
  [103, 106, 102, 105],
  [105, 107, 104, 106],
  [106, 108, 105, 107],
];

export function signalAt(n: number, marks: Record<number, number>): Int8Array {
  const s = new Int8Array(n);
  for (const [i, v] of Object.entries(marks)) s[Number(i)] = v;
  return s;
}

/** Deterministic uniform [0, 1) generator (LCG) so tests are repeatable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function randomSignals(n: number, seed: number, rate = 0.05): Int8Array {
  const r = rng(seed);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    out[i] = u < rate ? 1 : u < 2 * rate ? -1 : 0;
  }
  return out;
}

let spyCache: Bars | null = null;
/** Real SPY daily bars from data/daily/SPY.csv (price-only closes). */
export function spy(): Bars {
  spyCache ??= loadBundled("SPY", "1d");
  return spyCache;
}

/** Asserts |a - b| <= tol * max(1, |b|) (docs/architecture.md tolerance 1e-9 by default). */
export function expectEqual(a: number, b: number, tol = 1e-9): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}
