/**
 * Live metrics against hand counts, on outcomes made from SPY's real daily bars: a forecast of
 * the 5-day direction from the 20-day return, judged by the realised 5-day return. The window,
 * a partial window, binary and three-class scores, and the hit rate by regime.
 */
import { describe, expect, it } from "vitest";
import { loadBundled } from "../../src/data";
import { type LiveOutcome, liveMetrics } from "../../src/monitoring";

const spy = loadBundled("SPY", "1d");
const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Outcomes of the last `n` labelled bars, latest first. */
function binaryOutcomes(n: number): LiveOutcome[] {
  const out: LiveOutcome[] = [];
  for (let t = spy.ts.length - 6; out.length < n; t--) {
    const momentum = spy.close[t] / spy.close[t - 20] - 1;
    const up = 1 / (1 + Math.exp(-15 * momentum));
    const realized = spy.close[t + 5] / spy.close[t] - 1 > 0 ? "up" : "down";
    out.push({
      probabilities: { down: 1 - up, up },
      predictedClass: up > 0.5 ? "up" : "down",
      realizedClass: realized,
      regime: momentum > 0.02 ? "trend" : momentum < -0.02 ? "slump" : null,
    });
  }
  return out;
}

/** Σ over 10 equal-width bins of P(up): (n_b / n)·|share of ups − mean P(up)|, a prediction on an inner edge in the lower bin. */
function handEce(rows: LiveOutcome[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  for (const o of rows) {
    const p = o.probabilities.up;
    const b = Math.min(9, Math.max(0, Math.ceil(p * 10) - 1));
    bins[b].n++;
    bins[b].p += p;
    bins[b].y += o.realizedClass === "up" ? 1 : 0;
  }
  return bins.reduce((e, b) => (b.n === 0 ? e : e + (b.n / rows.length) * Math.abs(b.y / b.n - b.p / b.n)), 0);
}

describe("live metrics", () => {
  it("scores the last 100 outcomes as a hand count does", () => {
    const outcomes = binaryOutcomes(130);
    const baseline = { accuracy: 0.55, ece: 0.03, brier: null };
    const m = liveMetrics(outcomes, { classes: ["down", "up"], baseline });
    const last = outcomes.slice(0, 100);
    const hits = last.filter((o) => o.predictedClass === o.realizedClass).length;
    expect(m).toMatchObject({ window: 100, n: 100, rollingAccuracy: hits / 100, accuracy: hits / 100, baseline });
    const brier = last.reduce((s, o) => s + (o.probabilities.up - (o.realizedClass === "up" ? 1 : 0)) ** 2, 0) / 100;
    expect(equal(m.brier as number, brier)).toBe(true);
    expect(equal(m.ece as number, handEce(last))).toBe(true);
    // Both kinds of days occur in the window, so the counts below are not vacuous.
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(100);

    const regimes = [...new Set(last.map((o) => o.regime))];
    expect(regimes.length).toBeGreaterThan(1);
    for (const regime of regimes) {
      const rows = last.filter((o) => o.regime === regime);
      const h = rows.filter((o) => o.predictedClass === o.realizedClass).length;
      expect(m.byRegime.find((r) => r.regime === regime)).toEqual({
        regime,
        n: rows.length,
        hits: h,
        hitRate: h / rows.length,
      });
    }
    expect(m.byRegime.reduce((s, r) => s + r.n, 0)).toBe(100);
    expect(m.byRegime[m.byRegime.length - 1].regime).toBeNull();
  });

  it("reports a partial window as accuracy over what has matured, and no rolling accuracy", () => {
    const outcomes = binaryOutcomes(40);
    const m = liveMetrics(outcomes, { classes: ["down", "up"] });
    const hits = outcomes.filter((o) => o.predictedClass === o.realizedClass).length;
    expect(m).toMatchObject({ n: 40, rollingAccuracy: null, accuracy: hits / 40 });
    expect(m.baseline).toEqual({ accuracy: null, ece: null, brier: null });
    expect(liveMetrics([], { classes: ["down", "up"] })).toMatchObject({
      n: 0,
      rollingAccuracy: null,
      accuracy: null,
      ece: null,
      brier: null,
      byRegime: [],
    });
  });

  it("scores three classes with the one-hot Brier and names a bad outcome", () => {
    const outcomes: LiveOutcome[] = binaryOutcomes(100).map((o, i) => {
      const up = o.probabilities.up;
      const flat = 0.2;
      const probabilities = { down: (1 - up) * 0.8, flat, up: up * 0.8 };
      return { ...o, probabilities, realizedClass: i % 7 === 0 ? "flat" : o.realizedClass };
    });
    const m = liveMetrics(outcomes, { classes: ["down", "flat", "up"] });
    const brier =
      outcomes.reduce(
        (s, o) =>
          s +
          ["down", "flat", "up"].reduce((t, c) => t + (o.probabilities[c] - (o.realizedClass === c ? 1 : 0)) ** 2, 0),
        0,
      ) / 100;
    expect(equal(m.brier as number, brier)).toBe(true);
    expect(m.rollingAccuracy).toBe(outcomes.filter((o) => o.predictedClass === o.realizedClass).length / 100);
    const bad = [...outcomes];
    bad[3] = { ...bad[3], realizedClass: "sideways" };
    expect(() => liveMetrics(bad, { classes: ["down", "flat", "up"] })).toThrow(
      /outcomes\[3\]\.realizedClass sideways is not one of down, flat, up/,
    );
  });
});
