import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backtestSchema, costsSchema, parseEngineConfig, signalsSchema, sizingSchema } from "../../src/backtest";

describe("config blocks", () => {
  it("parse a complete experiment sketch", () => {
    const doc = parse(`
signals: { long_above: 0.55, short_above: 0.55, long_only: false }
sizing: { kind: vol_target, target: 0.15, kelly_fraction: 0.25, max_position: 1.0 }
costs: { commission_bps: 1, slippage_bps: 2, impact: sqrt, max_participation: 0.01 }
backtest:
  benchmark: SPY
  stress: [covid_2020, rates_2022h1]
`);
    const cfg = parseEngineConfig(doc);
    expect(cfg.signals.long_above).toBe(0.55);
    expect(cfg.sizing.kind).toBe("vol_target");
    expect(cfg.costs.impact).toBe("sqrt");
    expect(cfg.backtest.stress).toEqual(["covid_2020", "rates_2022h1"]);
    expect(cfg.backtest.execution).toBe("next_open");
    expect(cfg.backtest.risk_free).toBe(0);
    expect(cfg.backtest.guards).toEqual({
      min_win_rate: 0.45,
      win_rate_trades: 20,
      max_drawdown: 0.2,
      max_daily_loss: 0.05,
      cooldown_bars: 20,
    });
  });

  it("each block exports its own schema with defaults", () => {
    expect(signalsSchema.parse({}).hold_bars).toBeNull();
    expect(sizingSchema.parse({}).kelly_fraction).toBe(0.25);
    expect(costsSchema.parse({}).commission_bps).toBe(0);
    expect(backtestSchema.parse({ guards: null }).guards).toBeNull();
  });

  it("unknown keys, unknown stress windows and bad enums are errors naming the path", () => {
    expect(() => parseEngineConfig({ costs: { comission_bps: 1 } as never })).toThrow(/costs/);
    expect(() => parseEngineConfig({ backtest: { stress: ["dotcom_2000" as never] } })).toThrow(/backtest\.stress\.0/);
    expect(() => parseEngineConfig({ backtest: { execution: "same_bar" as never } })).toThrow(/backtest\.execution/);
  });
});
