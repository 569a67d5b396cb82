/**
 * What the backtest trades for meta labels: the primary side where the model says TAKE, the
 * model's P(TAKE) as that side's probability (Kelly sizes by it), nothing without a side.
 */
import { describe, expect, it } from "vitest";
import { sideProbabilities, signalsFromProbabilities } from "../../src/backtest";
import { downProbability, upProbability } from "../../src/pipeline/sideProbabilities";

describe("meta labels: the primary side times TAKE", () => {
  it("routes P(TAKE) to the primary's side and gives a signal only past the threshold", () => {
    const pTake = [0.7, 0.7, 0.4, 0.4, 0.9, 0.8, Number.NaN];
    const side = [1, -1, 1, -1, 0, Number.NaN, 1];
    const up = Float64Array.from(pTake, (_, r) => upProbability(pTake, r, 1, side[r]));
    const down = Float64Array.from(pTake, (_, r) => downProbability(pTake, r, 1, side[r]));
    expect(Array.from(up)).toEqual([0.7, 0, 0.4, 0, Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(down)).toEqual([0, 0.7, 0, 0.4, Number.NaN, Number.NaN, Number.NaN]);
    const signal = signalsFromProbabilities(up, { long_above: 0.55, short_above: 0.55 }, down);
    expect(Array.from(signal)).toEqual([1, -1, 0, 0, 0, 0, 0]);
    expect(Array.from(sideProbabilities(signal, up, down)).slice(0, 2)).toEqual([0.7, 0.7]);
  });

  it("direction labels read P(up) and P(down) as before", () => {
    expect(upProbability([0.3], 0, 1)).toBe(0.3);
    expect(downProbability([0.3], 0, 1)).toBeCloseTo(0.7, 15);
    expect(upProbability([0.2, 0.3, 0.5], 0, 3)).toBe(0.5);
    expect(downProbability([0.2, 0.3, 0.5], 0, 3)).toBe(0.2);
  });
});
