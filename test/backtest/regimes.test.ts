import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest";
import { TREND_REGIMES, trendRegime } from "../../src/features/regimes";
import { expectEqual, randomSignals, spy } from "./_helpers";

describe("regime labels from the feature module drive breakdowns and stop widening (real SPY)", () => {
  const b = spy();
  const n = b.ts.length;
  const regimes = trendRegime(b);
  const volatileId = regimes.names.indexOf("volatile");
  const volatile = Uint8Array.from(regimes.ids, (id) => (id === volatileId ? 1 : 0));
  const signal = randomSignals(n, 11, 0.03);
  const config = {
    signals: { hold_bars: 20 },
    backtest: { guards: null, stops: { stop_loss_atr: 1.5, take_profit_atr: 2, volatile_widen: 2 } },
  };

  it("per-regime rows partition the labeled bars and compound, with the unlabeled ones, to the total", () => {
    const { simulation, report } = runBacktest({ bars: b, signal, volatile }, config, { regimes });
    expect(report.byRegime.map((r) => r.name)).toEqual([...TREND_REGIMES]);
    let labeled = 0;
    let unlabeledGrowth = 1;
    for (let t = 1; t < n; t++) {
      if (regimes.ids[t] >= 0) labeled++;
      else unlabeledGrowth *= 1 + simulation.returns[t];
    }
    expect(report.byRegime.reduce((s, r) => s + r.bars, 0)).toBe(labeled);
    const growth = report.byRegime.reduce((g, r) => g * (1 + r.totalReturn), unlabeledGrowth);
    expectEqual(growth - 1, report.returns.totalReturn);
    for (const r of report.byRegime) expect(r.bars).toBeGreaterThan(100);
  });

  it("stops entered on volatile bars sit volatile_widen times further away", () => {
    const wide = runBacktest({ bars: b, signal, volatile }, config).simulation.trades;
    const plain = runBacktest({ bars: b, signal }, config).simulation.trades;
    // Same first entry; whichever trade first starts on a volatile bar is where the paths part.
    let i = 0;
    while (i < plain.length && i < wide.length && !volatile[plain.entryIndex[i] - 1]) {
      expect(wide.exitIndex[i]).toBe(plain.exitIndex[i]);
      i++;
    }
    expect(i).toBeLessThan(plain.length);
    expect(wide.exitIndex[i]).toBeGreaterThanOrEqual(plain.exitIndex[i]);
  });
});
