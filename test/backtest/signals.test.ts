import { describe, expect, it } from "vitest";
import { sideProbabilities, signalsFromProbabilities } from "../../src/backtest";

describe("signals from calibrated probabilities", () => {
  const pUp = Float64Array.from([0.7, 0.55, 0.5, 0.45, 0.3, Number.NaN]);

  it("long at P(up) >= long_above, short at P(down) >= short_above, else none; NaN gives none", () => {
    const s = signalsFromProbabilities(pUp, { long_above: 0.55, short_above: 0.55 });
    expect(Array.from(s)).toEqual([1, 1, 0, -1, -1, 0]);
    expect(Array.from(sideProbabilities(s, pUp).subarray(0, 5))).toEqual([0.7, 0.55, Number.NaN, 0.55, 0.7]);
  });

  it("an explicit P(down) column; when both fire the larger wins", () => {
    const pDown = Float64Array.from([0.2, 0.6, 0.1, 0.45, 0.3, 0.5]);
    const s = signalsFromProbabilities(pUp, { long_above: 0.4, short_above: 0.4 }, pDown);
    expect(Array.from(s)).toEqual([1, -1, 1, 0, 0, 0]);
  });

  it("thresholds outside [0, 1] and probabilities outside [0, 1] are errors naming them", () => {
    expect(() => signalsFromProbabilities(pUp, { long_above: 1.2, short_above: 0.5 })).toThrow(
      /signals\.long_above.*1\.2/,
    );
    expect(() => signalsFromProbabilities(pUp, { long_above: 0.5, short_above: -0.1 })).toThrow(/short_above/);
    expect(() =>
      signalsFromProbabilities(Float64Array.from([0.5, 1.5]), { long_above: 0.5, short_above: 0.5 }),
    ).toThrow(/pUp\[1\] = 1\.5/);
  });
});
