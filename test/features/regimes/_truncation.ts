/** Helpers of the truncation-invariance tests: data as it stood at the close of a given session. */
import { type Bars, lowerBound, sliceBars } from "../../../src/data";

/** The rows of `bars` dated ≤ `dayMs` (views, no copy). */
export function upTo(bars: Bars, dayMs: number): Bars {
  return sliceBars(bars, 0, lowerBound(bars.ts, dayMs + 1));
}

export function universeUpTo(universe: Map<string, Bars>, dayMs: number): Map<string, Bars> {
  const out = new Map<string, Bars>();
  for (const [t, b] of universe) out.set(t, upTo(b, dayMs));
  return out;
}

/** Deterministic cut indices in [from, to): a fixed-seed LCG, so a failure reproduces. */
export function cutPoints(count: number, from: number, to: number, seed = 12345): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(from + (s % (to - from)));
  }
  return out.sort((a, b) => a - b);
}

/** Equal as docs/architecture.md defines it, with NaN equal to NaN. */
export function same(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
