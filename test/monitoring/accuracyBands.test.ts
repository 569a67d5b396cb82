/** The accuracy bands against the baseline, and the two-check hysteresis, table-driven. */
import { describe, expect, it } from "vitest";
import { type AccuracyBand, type BandState, bandOf, INITIAL_BAND_STATE, nextBandState } from "../../src/monitoring";

describe("accuracy bands", () => {
  it.each([
    [0.6, 0.55, "normal"], // above the baseline
    [0.55, 0.55, "normal"],
    [0.5, 0.55, "normal"], // exactly −5 points is still normal (monitor is *below* −5)
    [0.4999, 0.55, "monitor"],
    [0.4, 0.55, "monitor"], // exactly −15
    [0.3999, 0.55, "drift"],
    [0.3, 0.55, "drift"], // exactly −25
    [0.2999, 0.55, "emergency"],
    [0, 0.55, "emergency"],
  ] as const)("accuracy %f against baseline %f is %s", (accuracy, baseline, band) => {
    expect(bandOf(accuracy, baseline)).toBe(band);
  });

  it("refuses a missing accuracy or baseline", () => {
    expect(() => bandOf(Number.NaN, 0.55)).toThrow(/finite/);
  });
});

describe("band hysteresis", () => {
  const s = (confirmed: AccuracyBand, pending?: AccuracyBand, count = 1): BandState =>
    pending ? { confirmed, pending, count } : { confirmed, pending: null };

  it.each<[string, BandState, AccuracyBand | null, BandState]>([
    ["agreeing with the confirmed band changes nothing", s("normal"), "normal", s("normal")],
    ["one check below starts a pending band", s("normal"), "drift", s("normal", "drift")],
    ["a second agreeing check confirms it", s("normal", "drift"), "drift", s("drift")],
    ["a different band restarts the count", s("normal", "drift"), "emergency", s("normal", "emergency")],
    ["a return to the confirmed band drops the pending one", s("normal", "drift"), "normal", s("normal")],
    ["recovery needs two checks as well", s("emergency"), "normal", s("emergency", "normal")],
    ["and is then confirmed", s("emergency", "normal"), "normal", s("normal")],
    ["no accuracy (under 100 matured) leaves the state as it was", s("normal", "drift"), null, s("normal", "drift")],
  ])("%s", (_, prev, observed, next) => {
    expect(nextBandState(prev, observed)).toEqual(next);
  });

  it("takes two consecutive emergency checks from a fresh version to emergency", () => {
    const once = nextBandState(INITIAL_BAND_STATE, "emergency");
    expect(once.confirmed).toBe("normal");
    expect(nextBandState(once, "emergency").confirmed).toBe("emergency");
    // Alternating bands never confirm anything.
    let st = INITIAL_BAND_STATE;
    for (const b of ["drift", "monitor", "drift", "monitor"] as const) st = nextBandState(st, b);
    expect(st.confirmed).toBe("normal");
  });
});
