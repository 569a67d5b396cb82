import { describe, expect, it } from "vitest";
import { type Bars, loadBundled, sliceBars } from "../../src/data";
import { BarRiskStream, type EngineConfigInput, parseEngineConfig } from "../../src/backtest";
import { periodsPerYear } from "../../src/backtest/annualization";
import { prepareAssets } from "../../src/backtest/simulationInputs";

/** Equal as docs/architecture.md defines it, NaN equal only to NaN; the first difference or null. */
function firstDifference(label: string, got: Float64Array, want: Float64Array): string | null {
  for (let i = 0; i < want.length; i++) {
    const x = got[i];
    const y = want[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)))) return `${label} bar ${i}: stream ${x} vs engine ${y}`;
  }
  return null;
}

/**
 * The engine's own columns (prepareAssets: what simulate sizes and stops entries with) and the
 * stream's values bar by bar.
 */
function compare(bars: Bars, input: EngineConfigInput): { sigma: Float64Array; atr: Float64Array } {
  const cfg = parseEngineConfig(input);
  const { prepared } = prepareAssets([{ bars, signal: new Int8Array(bars.ts.length) }], cfg);
  const engineAtr = prepared[0].atr!;
  const ppy = cfg.backtest.periods_per_year ?? periodsPerYear(bars.timeframe);
  const engineSigma = prepared[0].sigma!.map((s) => s * Math.sqrt(ppy));
  const stream = new BarRiskStream(cfg, bars.timeframe);
  const sigma = new Float64Array(bars.ts.length);
  const atr = new Float64Array(bars.ts.length);
  for (let t = 0; t < bars.ts.length; t++) {
    const risk = stream.update({ high: bars.high[t], low: bars.low[t], close: bars.close[t] });
    sigma[t] = risk.sigmaAnnual;
    atr[t] = risk.atr;
  }
  expect(firstDifference("sigmaAnnual", sigma, engineSigma)).toBeNull();
  expect(firstDifference("atr", atr, engineAtr)).toBeNull();
  return { sigma, atr };
}

const NEEDS_BOTH = { sizing: { kind: "vol_target" as const }, backtest: { stops: { stop_loss_atr: 2 } } };

describe("BarRiskStream", () => {
  it("equals the engine's volatility and ATR columns at every bar of daily SPY", () => {
    const spy = loadBundled("SPY", "1d");
    const { sigma, atr } = compare(spy, NEEDS_BOTH);
    // Warm-up as the engine's: 20 returns need 21 closes; ATR(14) starts at bar 13.
    expect(Number.isNaN(sigma[19])).toBe(true);
    expect(sigma[20]).toBeGreaterThan(0.01);
    expect(Number.isNaN(atr[12])).toBe(true);
    expect(atr[13]).toBeGreaterThan(0);
    // Daily SPY's annualised volatility is mostly 5 % to 80 %.
    const median = Float64Array.from(sigma.subarray(20)).sort()[Math.floor((sigma.length - 20) / 2)];
    expect(median).toBeGreaterThan(0.05);
    expect(median).toBeLessThan(0.3);
  });

  it("follows the lookback, ATR period and annualisation of the config, on 5-minute SPY", () => {
    const spy5 = loadBundled("SPY", "5m");
    compare(spy5, NEEDS_BOTH);
    const { sigma } = compare(spy5, {
      sizing: { kind: "vol_target", vol_lookback: 63 },
      backtest: { stops: { take_profit_atr: 3, atr_period: 5 }, periods_per_year: 1000 },
    });
    expect(Number.isNaN(sigma[62])).toBe(true);
    expect(sigma[63]).toBeGreaterThan(0);
  });

  it("equals the engine's columns on a history shorter than both warm-ups", () => {
    const { sigma, atr } = compare(sliceBars(loadBundled("SPY", "1d"), 0, 10), NEEDS_BOTH);
    expect(sigma.every(Number.isNaN)).toBe(true);
    expect(atr.every(Number.isNaN)).toBe(true);
  });
});
