/**
 * Outcomes of stored signals by the other labellers, on real bars: triple-barrier labels with
 * fixed widths on SPY's daily bars (each outcome recomputed here by walking the bars to the first
 * barrier, the stop first when one bar spans both), and intraday fixed-horizon labels on SPY's
 * 5-minute bars, whose signals near the close mature without a label (the window would cross the
 * session, as in training).
 */
import { describe, expect, it } from "vitest";
import { type Bars, loadBundled, newYorkDayOf } from "../../../src/data";
import { labelsFromConfig, labelsConfigSchema } from "../../../src/labels";
import { versionOutcomes } from "../../../src/pipeline";
import type { SignalRecord } from "../../../src/store";

const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const EVALUATED = Date.UTC(2026, 11, 7);

/** A stored signal at bar i as the forecast service keeps it; P(up) varies with i. */
function signalAt(bars: Bars, i: number, classes: readonly string[]): SignalRecord {
  const up = 0.25 + 0.5 * (((i * 7919) % 97) / 97);
  const probabilities: Record<string, number> =
    classes.length === 2 ? { down: 1 - up, up } : { down: (1 - up) * 0.7, flat: 0.3, up: up * 0.7 };
  return {
    id: i + 1,
    symbol: bars.ticker,
    signalType: "none",
    confidence: 0.5,
    targetPrice: null,
    stopLoss: null,
    positionSize: 0,
    reasoning: "",
    modelName: "m",
    modelVersion: "1",
    barTs: bars.ts[i],
    features: {},
    featureHash: "0".repeat(64),
    probabilities,
    regime: null,
    expiresAt: bars.ts[i] + 1,
    createdAt: bars.ts[i],
    executed: false,
    expiredAt: null,
    performance: null,
    status: "open",
  };
}

/** The forecast's direction from its probabilities (decision.ts: the most probable, flat on a tie). */
function direction(p: Record<string, number>): string {
  if (!("flat" in p)) return p.up > 0.5 ? "up" : p.up < 0.5 ? "down" : "flat";
  if (p.up > p.down && p.up > p.flat) return "up";
  if (p.down > p.up && p.down > p.flat) return "down";
  return "flat";
}

describe("outcomes by the version's labeller", () => {
  it("triple barrier with fixed widths: the first barrier touched, or the close at the horizon", () => {
    const bars = loadBundled("SPY", "1d");
    const horizon = 10;
    const [upper, lower] = [0.02, 0.015];
    const config = labelsConfigSchema.parse({
      kind: "triple_barrier",
      horizon,
      barriers: { upper, lower, scale: "fixed" },
    });
    const classes = ["down", "flat", "up"];
    const n = bars.ts.length;
    const signals = Array.from({ length: 80 }, (_, k) => signalAt(bars, n - 80 + k, classes));
    const labels = labelsFromConfig(bars, config);
    const got = versionOutcomes(signals, new Map([["SPY", { bars, labels }]]), { horizon, classes }, EVALUATED);
    expect(got.pending).toBe(horizon);
    expect(got.unmatched).toEqual([]);
    expect(got.outcomes).toHaveLength(80 - horizon);
    const seen = new Set<string>();
    for (const o of got.outcomes) {
      const t = o.signalId - 1;
      const c = bars.close[t];
      let expected = { className: "flat", return: bars.close[t + horizon] / c - 1, end: t + horizon };
      for (let j = t + 1; j <= t + horizon; j++) {
        if (bars.low[j] <= c * (1 - lower)) {
          expected = { className: "down", return: -lower, end: j };
          break;
        }
        if (bars.high[j] >= c * (1 + upper)) {
          expected = { className: "up", return: upper, end: j };
          break;
        }
      }
      const where = `bar ${t}: ${JSON.stringify(o)}`;
      expect(o.realized?.className, where).toBe(expected.className);
      expect(equal(o.realized?.return as number, expected.return), where).toBe(true);
      expect(o.horizonEndTs, where).toBe(bars.ts[expected.end]);
      expect(o.predictedClass, where).toBe(direction(signals[t - (n - 80)].probabilities));
      expect(o.evaluatedAt).toBe(EVALUATED);
      seen.add(expected.className);
    }
    // Every barrier ends some window here, so each branch above was compared.
    expect([...seen].sort()).toEqual(["down", "flat", "up"]);
  });

  it("intraday fixed horizon: a window crossing the session matures without a label", () => {
    const all = loadBundled("SPY", "5m");
    const horizon = 12;
    const config = labelsConfigSchema.parse({ kind: "fixed_horizon", horizon });
    const session = Float64Array.from(all.ts, newYorkDayOf);
    const labels = labelsFromConfig(all, config, { session });
    const classes = ["down", "up"];
    const n = all.ts.length;
    const signals = Array.from({ length: 200 }, (_, k) => signalAt(all, n - 200 + k, classes));
    const got = versionOutcomes(signals, new Map([["SPY", { bars: all, labels }]]), { horizon, classes }, EVALUATED);
    expect(got.pending).toBe(horizon);
    let unlabelled = 0;
    for (const o of got.outcomes) {
      const t = o.signalId - 1;
      const crosses = session[t + horizon] !== session[t];
      const where = `bar ${t}: ${JSON.stringify(o)}`;
      expect(o.horizonEndTs, where).toBe(all.ts[t + horizon]);
      if (crosses) {
        unlabelled++;
        expect(o.realized, where).toBeNull();
      } else {
        const r = all.close[t + horizon] / all.close[t] - 1;
        expect(o.realized, where).toEqual({ className: r > 0 ? "up" : "down", return: r });
      }
    }
    expect(unlabelled).toBeGreaterThan(0);
    expect(unlabelled).toBeLessThan(got.outcomes.length);
    // A signal at a bar the version's bars lack, or of a ticker it was not trained on, is reported.
    const odd = [
      { ...signals[0], barTs: signals[0].barTs + 1 },
      { ...signals[1], symbol: "QQQ" },
    ];
    const none = versionOutcomes(odd, new Map([["SPY", { bars: all, labels }]]), { horizon, classes }, EVALUATED);
    expect(none.outcomes).toEqual([]);
    expect(none.unmatched.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^no stored SPY 5m bar opens at /),
      "QQQ is not one of the model's tickers",
    ]);
  });
});
