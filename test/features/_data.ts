/** Bundled bars shared by the feature tests: daily SPY cut to the end of VIX (the context series), VIX, 1-minute SPY. */
import { type Bars, dayMsOf, loadBundled, lowerBound, sliceBars } from "../../src/data";

let cache: { spy: Bars; vix: Bars; spy1m: Bars } | null = null;

export function bundled(): { spy: Bars; vix: Bars; spy1m: Bars } {
  if (cache) return cache;
  const vix = loadBundled("VIX", "1d");
  const spyAll = loadBundled("SPY", "1d");
  const spy = sliceBars(spyAll, 0, lowerBound(spyAll.ts, vix.ts[vix.ts.length - 1] + 1));
  cache = { spy, vix, spy1m: loadBundled("SPY", "1m") };
  return cache;
}

/** Rows of `bars` with ts ≤ t (views). */
export function upTo(bars: Bars, t: number): Bars {
  return sliceBars(bars, 0, lowerBound(bars.ts, t + 1));
}

export { dayMsOf };

/** "Equal" of docs/architecture.md, NaN equal to NaN; returns a description of the first difference or null. */
export function firstDifference(a: Float64Array, b: Float64Array, n = Math.min(a.length, b.length)): string | null {
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)))) return `row ${i}: ${x} vs ${y}`;
  }
  return null;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
