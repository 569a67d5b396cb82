/**
 * The simulation fed one bar at a time, as bars close (a paper run): the same kernel, trade log
 * and result as `simulate` (simulate.ts `buildSimulation`), over input arrays of a fixed
 * capacity that each `push` writes bar t into before stepping it. The risk columns come from the
 * batch functions' streaming twins (AtrStream, RollingVolatilityStream: bit for bit the batch
 * values over the same bars from the same first bar), so a feed given the bars, signals and
 * probabilities `simulate` is given ends with its positions, trades and equity. The last bar is
 * named as it comes (`push(steps, true)`): what is open closes at its close, as at the end of a
 * backtest.
 */
import type { Timeframe } from "../data";
import { AtrStream } from "./atr";
import { riskNeeds } from "./barRisk";
import { type EngineConfigInput, parseEngineConfig } from "./config";
import { buildSimulation, type SimulationResult } from "./simulate";
import { impliedDividendAt, type PreparedAsset, type ReturnBasis } from "./simulationInputs";
import { RollingVolatilityStream } from "./rollingVolatility";

/** One asset's bar as it closes. */
export interface FeedBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** NaN when the series has none. */
  readonly volume: number;
  /** The adjusted close, when the series has one (dividends are implied from it, as `simulate` does). */
  readonly adjClose?: number;
}

/** One asset at one bar: the bar, and what was decided at its close. */
export interface FeedStep {
  readonly bar: FeedBar;
  /** +1 long, −1 short (an exit when long-only), 0 no signal. */
  readonly signal: -1 | 0 | 1;
  /** Calibrated probability of the signalled side (Kelly sizing); NaN without a signal. */
  readonly probability: number;
  /** The bar is in a volatile regime: stop distances widen by `stops.volatile_widen`. */
  readonly volatile: boolean;
}

export interface SimulationFeedOptions {
  /** The assets, in the order of each push's steps; they share one cash account. */
  tickers: readonly string[];
  timeframe: Timeframe;
  /** The most bars the feed takes: its arrays are allocated once, at this length. */
  capacity: number;
  /** The bars carry `adjClose`: with `backtest.use_adjusted` the feed pays the dividends it implies. */
  adjusted?: boolean;
}

export interface SimulationFeed {
  /** Bars stepped so far. */
  readonly stepped: number;
  /** Steps the next bar (one step per asset, same time); `last` closes what is open at its close. */
  push(steps: readonly FeedStep[], last: boolean): void;
  /** Shares of asset `a` held at the last stepped bar's close (negative: short). */
  position(a: number): number;
  /** Cash at the last stepped bar's close. */
  readonly cash: number;
  /** Equity marked at the last stepped bar's close. */
  readonly equity: number;
  /** What `simulate` returns, over the bars stepped so far. */
  result(): SimulationResult;
}

export function simulationFeed(options: SimulationFeedOptions, config: EngineConfigInput = {}): SimulationFeed {
  const cfg = parseEngineConfig(config);
  const { tickers, timeframe, capacity } = options;
  if (tickers.length === 0) throw new Error("simulation feed: no tickers given");
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`simulation feed: capacity must be a positive integer, got ${capacity}`);
  }
  const needs = riskNeeds({ sizing: cfg.sizing, costs: cfg.costs, stops: cfg.backtest.stops });
  const paysDividends = (options.adjusted ?? false) && cfg.backtest.use_adjusted;
  const column = () => new Float64Array(capacity).fill(Number.NaN);
  const ts = new Float64Array(capacity);
  const prepared: PreparedAsset[] = tickers.map((ticker) => ({
    bars: {
      ticker,
      timeframe,
      ts,
      open: column(),
      high: column(),
      low: column(),
      close: column(),
      volume: column(),
      adjClose: paysDividends ? column() : null,
    },
    signal: new Int8Array(0),
    probability: column(),
    size: null,
    dividends: paysDividends ? new Float64Array(capacity) : null,
    volatile: new Uint8Array(capacity),
    atr: needs.atr ? column() : null,
    sigma: needs.sigma ? column() : null,
  }));
  const basis: ReturnBasis = paysDividends ? "total_return_adjusted" : "price";
  const signals = new Int8Array(capacity * tickers.length);
  const sim = buildSimulation(prepared, basis, cfg, signals, false);
  const atr = tickers.map(() => new AtrStream(cfg.backtest.stops.atr_period));
  const sigma = tickers.map(() => new RollingVolatilityStream(cfg.sizing.vol_lookback));
  let stepped = 0;
  let ended = false;

  const write = (a: number, t: number, step: FeedStep) => {
    const p = prepared[a];
    const b = step.bar;
    const label = `simulation feed: ${p.bars.ticker} at ${new Date(b.ts).toISOString()}`;
    if (
      !(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0) ||
      ![b.open, b.high, b.low, b.close].every(Number.isFinite)
    ) {
      throw new Error(
        `${label}: prices must be finite and > 0 (open ${b.open}, high ${b.high}, low ${b.low}, close ${b.close})`,
      );
    }
    if (b.high < b.low) throw new Error(`${label}: high ${b.high} is below low ${b.low}`);
    if (step.signal !== 0 && step.signal !== 1 && step.signal !== -1) {
      throw new Error(`${label}: signal ${step.signal}, expected -1, 0 or 1`);
    }
    if (!Number.isNaN(step.probability) && !(step.probability >= 0 && step.probability <= 1)) {
      throw new Error(`${label}: probability ${step.probability} is not within [0, 1]`);
    }
    const bars = p.bars;
    bars.open[t] = b.open;
    bars.high[t] = b.high;
    bars.low[t] = b.low;
    bars.close[t] = b.close;
    (bars.volume as Float64Array)[t] = b.volume;
    signals[a * capacity + t] = step.signal;
    (p.probability as Float64Array)[t] = step.probability;
    (p.volatile as Uint8Array)[t] = step.volatile ? 1 : 0;
    if (p.atr) p.atr[t] = atr[a].update(b.high, b.low, b.close);
    if (p.sigma) p.sigma[t] = sigma[a].update(b.close);
    if (bars.adjClose && p.dividends) {
      if (!(b.adjClose !== undefined && b.adjClose > 0))
        throw new Error(`${label}: adjClose ${b.adjClose}, expected > 0`);
      bars.adjClose[t] = b.adjClose;
      if (t > 0) p.dividends[t] = impliedDividendAt(bars.close[t - 1], b.close, bars.adjClose[t - 1], b.adjClose);
    }
  };

  return {
    get stepped() {
      return stepped;
    },
    push(steps, last) {
      if (ended) throw new Error("simulation feed: the last bar was stepped already");
      if (steps.length !== tickers.length) {
        throw new Error(`simulation feed: ${steps.length} steps, expected one per ticker (${tickers.join(", ")})`);
      }
      const t = stepped;
      if (t >= capacity) throw new Error(`simulation feed: more than its capacity of ${capacity} bars`);
      const time = steps[0].bar.ts;
      if (t > 0 && !(time > ts[t - 1])) {
        throw new Error(
          `simulation feed: bar at ${new Date(time).toISOString()} is not after the last one (${new Date(ts[t - 1]).toISOString()})`,
        );
      }
      steps.forEach((s, a) => {
        if (s.bar.ts !== time) {
          throw new Error(
            `simulation feed: ${tickers[a]}'s bar is at ${new Date(s.bar.ts).toISOString()}, ${tickers[0]}'s at ${new Date(time).toISOString()}: align the tickers first`,
          );
        }
        write(a, t, s);
      });
      ts[t] = time;
      if (last) {
        sim.kernel.endAt(t);
        ended = true;
      }
      sim.stepper.step(t);
      stepped = t + 1;
    },
    position: (a) => sim.kernel.qty[a],
    get cash() {
      return sim.kernel.cash[0];
    },
    get equity() {
      return sim.kernel.equity[0];
    },
    result: () => sim.resultOf(stepped),
  };
}
