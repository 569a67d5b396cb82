/**
 * decide() against the backtest engine on real daily SPY: at every bar the signal
 * signalsFromProbabilities gives, and at every entry the engine makes the fraction it used and
 * the stop levels it set (shifted by the fill's gap from the signal bar's close).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  assetFromProbabilities,
  BarRiskStream,
  EXIT,
  type EngineConfigInput,
  parseEngineConfig,
  signalsFromProbabilities,
  simulate,
} from "../../../src/backtest";
import { atr as engineAtr } from "../../../src/backtest/atr";
import { type Bars, loadBundled } from "../../../src/data";
import { TREND_REGIMES, trendRegime, TrendRegimeStream } from "../../../src/features";
import { type Decision, decide } from "../../../src/pipeline/forecast/decision";
import { rng } from "../../backtest/_helpers";

let spy: Bars;
let regimeIds: Int32Array;
const VOLATILE = TREND_REGIMES.indexOf("volatile");

beforeAll(() => {
  spy = loadBundled("SPY", "1d");
  regimeIds = trendRegime(spy).ids;
});

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** A seeded random walk reflected into [0, 1]: long runs above and below the thresholds. */
function probabilityWalk(n: number, seed: number, step = 0.08): Float64Array {
  const u = rng(seed);
  const out = new Float64Array(n);
  let p = 0.5;
  for (let t = 0; t < n; t++) {
    p += step * (u() - 0.5);
    if (p < 0) p = -p;
    if (p > 1) p = 2 - p;
    out[t] = p;
  }
  return out;
}

/** Three classes (down, flat, up) per bar: softmax of three seeded walks. */
function threeClassWalk(n: number, seed: number): Float64Array[] {
  const logits = [0, 1, 2].map((k) => probabilityWalk(n, seed + k, 0.15).map((p) => 4 * p));
  return Array.from({ length: n }, (_, t) => {
    const e = logits.map((l) => Math.exp(l[t]));
    const z = e[0] + e[1] + e[2];
    return Float64Array.from(e, (x) => x / z);
  });
}

interface Case {
  name: string;
  engine: EngineConfigInput;
  /** Per bar, the model's probabilities: [P(up)] or [down, flat, up]. */
  probs: (n: number) => number[][];
}

const binary = (seed: number, step?: number) => (n: number) => Array.from(probabilityWalk(n, seed, step), (p) => [p]);
const threeClass = (seed: number) => (n: number) => threeClassWalk(n, seed).map((r) => Array.from(r));

const CASES: Case[] = [
  {
    name: "fixed, stop and target",
    engine: {
      signals: { hold_bars: 5 },
      sizing: { kind: "fixed", fraction: 0.5 },
      backtest: { guards: null, stops: { stop_loss_atr: 1, take_profit_atr: 1.5 } },
    },
    probs: binary(11),
  },
  {
    name: "vol_target, gross cap below the position cap, stop only",
    engine: {
      signals: { hold_bars: 10 },
      sizing: { kind: "vol_target", target: 0.15, max_position: 2, max_gross: 1.5 },
      backtest: { guards: null, stops: { stop_loss_atr: 1.5 } },
    },
    probs: binary(12),
  },
  {
    name: "kelly on three classes, payoff from the stops, both thresholds below 0.5",
    engine: {
      signals: { long_above: 0.4, short_above: 0.4, hold_bars: 5 },
      sizing: { kind: "kelly", kelly_fraction: 0.5 },
      // Payoff 0.5: an edge only above P = 2/3, so many signals get no Kelly size.
      backtest: { guards: null, stops: { stop_loss_atr: 2, take_profit_atr: 1, volatile_widen: 2 } },
    },
    probs: threeClass(13),
  },
  {
    name: "long-only, fixed, no stops, held to the next opposite signal",
    engine: {
      signals: { long_only: true },
      sizing: { kind: "fixed", fraction: 1 },
      backtest: { guards: null },
    },
    probs: binary(14, 0.3),
  },
];

/** The run the engine makes on the case's probabilities and decide() at every bar. */
function run(c: Case) {
  const cfg = parseEngineConfig(c.engine);
  const n = spy.ts.length;
  const probs = c.probs(n);
  const pUp = Float64Array.from(probs, (p) => p[p.length - 1]);
  const pDown = Float64Array.from(probs, (p) => (p.length === 1 ? 1 - p[0] : p[0]));
  const volatile = Uint8Array.from(regimeIds, (id) => (id === VOLATILE ? 1 : 0));
  const sim = simulate(assetFromProbabilities({ bars: spy, pUp, pDown, volatile }, cfg), cfg);
  const risk = new BarRiskStream(cfg, spy.timeframe);
  const regimes = new TrendRegimeStream();
  const config = {
    signals: cfg.signals,
    sizing: cfg.sizing,
    stops: cfg.backtest.stops,
    costs: cfg.costs,
    labelsHorizon: 5,
  };
  const decisions: Decision[] = [];
  const streamedRegimes = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const bar = {
      ts: spy.ts[t],
      open: spy.open[t],
      high: spy.high[t],
      low: spy.low[t],
      close: spy.close[t],
      volume: spy.volume![t],
    };
    streamedRegimes[t] = regimes.update(bar);
    decisions.push(decide(config, probs[t], risk.update(bar), streamedRegimes[t], bar.close));
  }
  return { cfg, sim, decisions, pUp, pDown, streamedRegimes };
}

const code = (d: Decision) => (d.signal === "long" ? 1 : d.signal === "short" ? -1 : 0);

describe("decide against the backtest on daily SPY", () => {
  for (const c of CASES) {
    it(`${c.name}: the engine's signal at every bar, its size at every entry, its stops`, () => {
      const { cfg, sim, decisions, pUp, pDown, streamedRegimes } = run(c);
      const n = spy.ts.length;
      expect(Array.from(streamedRegimes)).toEqual(Array.from(regimeIds));
      const signal = signalsFromProbabilities(pUp, cfg.signals, pDown);
      for (let t = 0; t < n; t++) {
        if (code(decisions[t]) !== signal[t])
          throw new Error(`bar ${t}: decide ${decisions[t].signal}, engine ${signal[t]}`);
      }

      // Position held at each close, from the trade log.
      const trades = sim.trades;
      const held = new Int8Array(n);
      for (let k = 0; k < trades.length; k++) {
        held.fill(trades.direction[k], trades.entryIndex[k], trades.exitIndex[k]);
      }
      // The engine enters at t + 1 exactly when decide says enter at t and it does not already
      // hold that side; the fraction is the entry notional over the equity at t's close.
      const entries = new Map<number, number>();
      for (let k = 0; k < trades.length; k++) entries.set(trades.entryIndex[k], k);
      let checked = 0;
      let cut = 0;
      for (let t = 0; t < n - 1; t++) {
        const d = decisions[t];
        const expectEntry = d.action === "enter" && held[t] !== code(d);
        const k = entries.get(t + 1);
        if (expectEntry !== (k !== undefined)) {
          throw new Error(
            `bar ${t}: decide ${d.action} ${d.signal}, holding ${held[t]}; engine entry at ${t + 1}: ${k}`,
          );
        }
        if (k === undefined || d.action !== "enter") continue;
        expect(trades.direction[k]).toBe(code(d));
        const fraction = (trades.shares[k] * trades.entryPrice[k]) / sim.equity[t];
        if (same(d.positionSize, fraction)) checked++;
        // The one cut decide cannot know: shares beyond max_participation of the signal bar's
        // volume (a count of shares, so it depends on the account's equity in currency).
        else if (same(trades.shares[k], cfg.costs.max_participation * spy.volume![t]) && fraction < d.positionSize)
          cut++;
        else throw new Error(`bar ${t}: size ${d.positionSize} vs engine ${fraction}`);
      }
      expect(checked).toBeGreaterThan(40);
      expect(cut).toBeLessThan(checked / 20);

      // Stops: close ∓ k·ATR (widened on volatile bars), the engine's ATR column.
      const st = cfg.backtest.stops;
      const atrCol = engineAtr(spy.high, spy.low, spy.close, st.atr_period);
      let widened = 0;
      for (let t = 0; t < n; t++) {
        const d = decisions[t];
        if (d.action !== "enter") {
          expect(d.positionSize).toBe(0);
          expect(d.stopLoss).toBeNull();
          expect(d.takeProfit).toBeNull();
          continue;
        }
        const dir = code(d);
        const widen = regimeIds[t] === VOLATILE ? st.volatile_widen : 1;
        if (widen > 1) widened++;
        const distance = (k: number | null) => (k === null ? null : k * widen * atrCol[t]);
        const sl = distance(st.stop_loss_atr);
        const tp = distance(st.take_profit_atr);
        expect(d.stopLoss === null ? null : same(d.stopLoss, spy.close[t] - dir * sl!)).toBe(sl === null ? null : true);
        expect(d.takeProfit === null ? null : same(d.takeProfit, spy.close[t] + dir * tp!)).toBe(
          tp === null ? null : true,
        );
      }
      if (st.stop_loss_atr !== null) expect(widened).toBeGreaterThan(10);

      // The engine's stop exits happen at decide's levels moved by the fill's gap (open[t+1] − close[t]),
      // or at the open when a carried position gaps through.
      let atLevel = 0;
      for (let k = 0; k < trades.length; k++) {
        const reason = trades.exitReason[k];
        if (reason !== EXIT.stop_loss && reason !== EXIT.take_profit) continue;
        const e = trades.entryIndex[k];
        const d = decisions[e - 1];
        const level = reason === EXIT.stop_loss ? d.stopLoss : d.takeProfit;
        expect(level).not.toBeNull();
        const shifted = level! + (spy.open[e] - spy.close[e - 1]);
        const x = trades.exitIndex[k];
        if (same(trades.exitPrice[k], shifted)) atLevel++;
        else expect(x > e && trades.exitPrice[k] === spy.open[x]).toBe(true);
      }
      if (st.stop_loss_atr !== null) expect(atLevel).toBeGreaterThan(10);
    });
  }

  it("reports a short signal of a long-only config as an exit without size or stops", () => {
    const { sim, decisions } = run(CASES[3]);
    const exits = decisions.filter((d) => d.action === "exit" && d.reason === "long_only");
    expect(exits.length).toBeGreaterThan(100);
    for (const d of exits) expect(d).toMatchObject({ signal: "short", positionSize: 0, stopLoss: null });
    expect(Array.from(sim.trades.direction).every((x) => x === 1)).toBe(true);
    expect(sim.trades.length).toBeGreaterThan(40);
  });

  it("reports no entry while the risk inputs warm up, and no Kelly entry without an edge", () => {
    const { decisions } = run(CASES[1]);
    // vol_target waits for 20 returns: bars 0..19 size nothing.
    for (let t = 0; t < 20; t++)
      if (decisions[t].signal !== "none") expect(decisions[t]).toMatchObject({ action: "exit", reason: "warm_up" });
    const kelly = run(CASES[2]).decisions;
    expect(kelly.some((d) => d.action === "exit" && d.reason === "no_size")).toBe(true);
  });
});

describe("decide's inputs", () => {
  const cfg = parseEngineConfig({});
  const config = {
    signals: cfg.signals,
    sizing: cfg.sizing,
    stops: cfg.backtest.stops,
    costs: cfg.costs,
    labelsHorizon: 5,
  };
  const risk = { sigmaAnnual: 0.2, atr: 1 };

  it("maps three classes as the pipeline does and names the most probable", () => {
    expect(decide(config, [0.1, 0.2, 0.7], risk, 0, 100)).toMatchObject({
      direction: "up",
      signal: "long",
      positionSize: 1,
    });
    expect(decide(config, [0.6, 0.3, 0.1], risk, 0, 100)).toMatchObject({ direction: "down", signal: "short" });
    expect(decide(config, [0.3, 0.4, 0.3], risk, 0, 100)).toMatchObject({ direction: "flat", signal: "none" });
    expect(decide(config, [0.5], risk, 0, 100)).toMatchObject({ direction: "flat", holdBars: 5 });
  });

  it("rejects malformed inputs, naming them", () => {
    expect(() => decide(config, [0.2, 0.8], risk, 0, 100)).toThrow(/probs has 2 values/);
    expect(() => decide(config, [1.2], risk, 0, 100)).toThrow(/probs\[0\] = 1.2/);
    expect(() => decide(config, [Number.NaN], risk, 0, 100)).toThrow(/probs\[0\] = NaN/);
    expect(() => decide(config, [0.7], risk, 3, 100)).toThrow(/regimeId 3/);
    expect(() => decide(config, [0.7], risk, 0, 0)).toThrow(/close 0/);
    expect(() => decide({ ...config, labelsHorizon: 0 }, [0.7], risk, 0, 100)).toThrow(/labelsHorizon 0/);
  });
});
