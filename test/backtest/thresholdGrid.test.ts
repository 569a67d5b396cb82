/**
 * The threshold/sizing grid on real SPY bars with seeded probabilities: every point is the event
 * engine's backtest of its thresholds and sizing (the sweep and `simulate` agree column by
 * column), the holdout's probabilities change no choice (best point, PBO) but only the best
 * point's holdout figures, and Kelly sizing, which the sweep cannot take, is refused by path.
 */
import { describe, expect, it } from "vitest";
import { assetFromProbabilities, probabilityOfBacktestOverfitting, simulate, thresholdGrid } from "../../src/backtest";
import { expectEqual, rng, spy } from "./_helpers";

const bars = spy();
const n = bars.ts.length;
const holdoutStart = n - 500;

/** P(up) with a little skill: tilted toward the next bar's move, plus noise. */
function probabilities(seed: number, from = 0): Float64Array {
  const r = rng(seed);
  const p = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const next = t + 1 < n ? Math.sign(bars.close[t + 1] - bars.close[t]) : 0;
    p[t] = t < from ? Number.NaN : Math.min(0.95, Math.max(0.05, 0.5 + 0.02 * next + 0.12 * (r() - 0.5)));
  }
  return p;
}

const engine = {
  signals: { long_above: 0.55, short_above: 0.55, hold_bars: 5 },
  sizing: { kind: "vol_target" as const, target: 0.15 },
  costs: { commission_bps: 1, slippage_bps: 2 },
  backtest: { use_adjusted: false },
};

describe("thresholdGrid", () => {
  const pUp = probabilities(11);
  const pDown = Float64Array.from(pUp, (p) => 1 - p);
  const grid = {
    long_above: [0.52, 0.56],
    short_above: "same" as const,
    sizing: [{}, { kind: "fixed" as const, fraction: 0.5 }],
    pbo_blocks: 8,
  };
  const study = thresholdGrid({ bars, pUp, pDown, engine, grid, holdoutStart });

  it("trades each point as simulate does, sizing laid over the run's", () => {
    expect(study.points.map((p) => p.point.name)).toEqual([
      "long_above=0.52,short_above=0.52",
      "long_above=0.56,short_above=0.56",
      "long_above=0.52,short_above=0.52,sizing=fraction:0.5;kind:fixed",
      "long_above=0.56,short_above=0.56,sizing=fraction:0.5;kind:fixed",
    ]);
    study.points.forEach((p, c) => {
      const cfg = {
        ...engine,
        signals: { ...engine.signals, long_above: p.point.long_above, short_above: p.point.short_above },
        sizing: { ...engine.sizing, ...(p.point.sizing ?? {}) },
      };
      const sim = simulate(assetFromProbabilities({ bars, pUp, pDown }, cfg), cfg);
      const column = study.oosReturns.matrix.subarray(c * study.oosReturns.rows, (c + 1) * study.oosReturns.rows);
      sim.returns.subarray(1, holdoutStart).forEach((r, i) => {
        expectEqual(column[i], r, 1e-12);
      });
      expect(p.trades).toBe(sim.trades.length);
    });
    const again = probabilityOfBacktestOverfitting(study.oosReturns.matrix, study.oosReturns.rows, 4, 8);
    expect(study.pbo?.pbo).toBe(again.pbo);
    expect(study.pbo?.splits).toBe(70);
  });

  it("never selects on the holdout: other holdout probabilities change only the holdout figures", () => {
    const other = probabilities(99);
    const pUp2 = Float64Array.from(pUp, (p, t) => (t < holdoutStart ? p : other[t]));
    const study2 = thresholdGrid({
      bars,
      pUp: pUp2,
      pDown: Float64Array.from(pUp2, (p) => 1 - p),
      engine,
      grid,
      holdoutStart,
    });
    expect(study2.best).toBe(study.best);
    expect(study2.pbo?.pbo).toBe(study.pbo?.pbo);
    expect(study2.points.map((p) => p.oos.sharpe)).toEqual(study.points.map((p) => p.oos.sharpe));
    expect(study2.bestHoldout.sharpe).not.toBe(study.bestHoldout.sharpe);
  });

  it("refuses Kelly sizing without grid sizings, naming backtest.grid.sizing", () => {
    expect(() =>
      thresholdGrid({
        bars,
        pUp,
        pDown,
        engine: { ...engine, sizing: { kind: "kelly" } },
        grid: { long_above: [0.55], pbo_blocks: 16 },
        holdoutStart,
      }),
    ).toThrow(/^backtest\.grid\.sizing: sizing\.kind kelly needs each column's probabilities/);
  });
});
