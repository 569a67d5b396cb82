import { describe, expect, it } from "vitest";
import { dema } from "../../../src/features/indicators/dema";
import { emaRun } from "../../../src/features/indicators/ema";
import { t3 } from "../../../src/features/indicators/t3";
import { tema } from "../../../src/features/indicators/tema";
import { trix } from "../../../src/features/indicators/trix";

/**
 * The fused EMA cascade against the plain one it replaced: each level a full array from one
 * emaRun per clean run, the indicator's formula over the levels. Bit for bit (Object.is), over
 * series longer than the cascade's 2048-bar blocks, with NaN gaps, for odd and even periods
 * (levels whose two-bar steps are in or out of phase).
 */
function levelsOf(x: Float64Array, period: number, depth: number, start: number, end: number): Float64Array[] {
  const k = 2 / (period + 1);
  const levels: Float64Array[] = [];
  for (let d = 0; d < depth; d++) {
    const level = new Float64Array(x.length).fill(Number.NaN);
    emaRun(d === 0 ? x : levels[d - 1], start + d * (period - 1), end, period, k, level);
    levels.push(level);
  }
  return levels;
}

function reference(
  x: Float64Array,
  period: number,
  depth: number,
  extra: number,
  formula: (e: Float64Array[], i: number) => number,
): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  const lag = depth * (period - 1) + extra;
  let i = 0;
  while (i < x.length) {
    while (i < x.length && Number.isNaN(x[i])) i++;
    const s = i;
    while (i < x.length && !Number.isNaN(x[i])) i++;
    if (s + lag >= i) continue;
    const e = levelsOf(x, period, depth, s, i);
    for (let j = s + lag; j < i; j++) out[j] = formula(e, j);
  }
  return out;
}

function series(n: number, seed: number): Float64Array {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const x = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * 0.02;
    x[i] = p;
  }
  x.fill(Number.NaN, 2500, 2503);
  x[4100] = Number.NaN;
  return x;
}

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differing: number[] = [];
  for (let i = 0; i < actual.length && differing.length < 5; i++)
    if (!Object.is(actual[i], expected[i])) differing.push(i);
  expect(differing).toEqual([]);
}

describe("fused EMA cascade", () => {
  const x = series(6000, 7);
  for (const period of [2, 5, 14, 20, 31]) {
    it(`dema, tema, trix and t3 equal one emaRun per level bit for bit (period ${period})`, () => {
      expectSameBits(
        dema(x, period),
        reference(x, period, 2, 0, (e, i) => 2 * e[0][i] - e[1][i]),
      );
      expectSameBits(
        tema(x, period),
        reference(x, period, 3, 0, (e, i) => e[2][i] + (3 * e[0][i] - 3 * e[1][i])),
      );
      const roc = (e: Float64Array[], i: number) => (e[2][i - 1] !== 0 ? (e[2][i] / e[2][i - 1] - 1) * 100 : 0);
      expectSameBits(trix(x, period), reference(x, period, 3, 1, roc));
      const v = 0.7;
      const v2 = v * v;
      const c1 = -v2 * v;
      const c2 = 3 * (v2 - c1);
      const c3 = -6 * v2 - 3 * (v - c1);
      const c4 = 1 + 3 * v - c1 + 3 * v2;
      const t3Of = (e: Float64Array[], i: number) => c1 * e[5][i] + c2 * e[4][i] + c3 * e[3][i] + c4 * e[2][i];
      expectSameBits(t3(x, period, v), reference(x, period, 6, 0, t3Of));
    });
  }
});
