/**
 * The event-accurate backtest engine: signals → orders → fills → equity, for one ticker or a
 * portfolio of tickers sharing one cash account and the same rules.
 *
 * Timing (a signal never trades on the bar that produced it):
 *   signal read at bar t's close → order filled at bar t+1's open (`next_open`, default) or at
 *   bar t+1's close (`close_delay`). Sizes, stop distances and cost inputs use values known at
 *   bar t (equity, ATR, volatility, volume of bar t).
 * Per bar, in order: dividends for positions carried into the bar → (next_open) pending fills
 * at the open → stop-loss / take-profit inside the bar's range (a gap through a level fills at
 * the open; a bar touching both assumes the stop-loss) → (close_delay) pending fills at the
 * close → short borrow fee → mark to market at the close → guard rails → next decisions.
 * Holding: a position is held for `hold_bars` bars (or until the next opposite signal when
 * null); a same-direction signal restarts the clock; an opposite signal reverses (exits only
 * when long-only). Open positions are closed at the last bar's close with costs ("end").
 * Shares are fractional: size = fraction × equity at the signal bar / raw fill price.
 *
 * The bar-by-bar rules live in the kernel (barStep.ts), which `sweep` shares; this file adds
 * what only the event engine does: several assets in one account, explicit and Kelly sizes,
 * dividends, the trade log and the guard-rail event list.
 *
 * Guard rails (`backtest.guards`, checked at each close, portfolio-wide): a breach closes all
 * positions at the next fill and blocks new entries. Resume rules: drawdown beyond
 * `max_drawdown` → resume after `cooldown_bars` bars with the high-water mark reset to the
 * equity at resumption; win rate of the last `win_rate_trades` trades below `min_win_rate` →
 * resume after `cooldown_bars` bars with the trade window emptied; loss beyond
 * `max_daily_loss` against the previous session's last close → resume at the first bar of the
 * next session (UTC date; US sessions never straddle midnight UTC). Signals seen while
 * paused are dropped, not queued. Every pause and resume is in `guardEvents`.
 */
import { enginePeriodsPerYear } from "./barRisk";
import { BarStepKernel } from "./barStep";
import { signalMatrix } from "./barStepSpec";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config";
import { type AssetInput, type PreparedAsset, prepareAssets, type ReturnBasis } from "./simulationInputs";
import { entryFraction, riskReady } from "./entrySize";
import { type TradeLog, TradeLogBuilder } from "./tradeLog";

export { type AssetInput, impliedDividends, type ReturnBasis } from "./simulationInputs";

export interface GuardEvent {
  index: number;
  ts: number;
  kind: "win_rate" | "drawdown" | "daily_loss";
  action: "pause" | "resume";
}

export interface SimulationResult {
  ts: Float64Array;
  /** Marked at each bar's close. */
  equity: Float64Array;
  /** equity[t] / equity[t-1] - 1; returns[0] against the initial capital. */
  returns: Float64Array;
  /** equity / running peak - 1 (<= 0). */
  drawdown: Float64Array;
  /** Sum of |position value| / equity at each close. */
  grossExposure: Float64Array;
  trades: TradeLog;
  guardEvents: GuardEvent[];
  /** Sum over fills of traded notional / equity at the signal bar. */
  tradedFraction: number;
  initialCapital: number;
  periodsPerYear: number;
  returnBasis: ReturnBasis;
  config: EngineConfig;
}

/** A simulation stepped bar by bar: `step(t)` for t = 0, 1, ..., n-1, then `result()`. */
export interface SimulationStepper {
  readonly bars: number;
  step(t: number): void;
  result(): SimulationResult;
}

/** Runs the backtest. One asset or several (a portfolio with one cash account). */
export function simulate(input: AssetInput | AssetInput[], config: EngineConfigInput = {}): SimulationResult {
  const sim = batchSimulation(input, config);
  // Without dividends nothing happens between bars: the kernel runs the series in one call.
  if (sim.hasDividends) for (let t = 0; t < sim.stepper.bars; t++) sim.stepper.step(t);
  else sim.kernel.advance(0, 0, sim.stepper.bars);
  return sim.stepper.result();
}

/** The simulation as a bar-by-bar stepper; `simulate` runs the same kernel over the whole series. */
export function simulationStepper(input: AssetInput | AssetInput[], config: EngineConfigInput = {}): SimulationStepper {
  return batchSimulation(input, config).stepper;
}

function batchSimulation(input: AssetInput | AssetInput[], config: EngineConfigInput) {
  const cfg = parseEngineConfig(config);
  const { prepared, basis } = prepareAssets(Array.isArray(input) ? input : [input], cfg);
  const sim = buildSimulation(prepared, basis, cfg, signalMatrix(prepared.map((p) => p.signal)), true);
  return { ...sim, stepper: { ...sim.stepper, result: () => sim.resultOf(sim.stepper.bars) } };
}

/**
 * The kernel over prepared assets, with the trade log and guard events, for `simulate` (every
 * input array full) and for a feed (simulationFeed.ts: arrays of a capacity, written bar by bar
 * before each step, the last bar named as it comes). `signals` is the column-major matrix the
 * kernel reads; `endsAtLast`: the last array slot is the "end" bar.
 */
export function buildSimulation(
  prepared: PreparedAsset[],
  basis: ReturnBasis,
  cfg: EngineConfig,
  signals: Int8Array,
  endsAtLast: boolean,
) {
  const ts = prepared[0].bars.ts;
  const n = ts.length;
  const ppy = enginePeriodsPerYear(cfg.backtest, prepared[0].bars.timeframe);
  const log = new TradeLogBuilder(prepared.map((p) => p.bars.ticker));
  const events: GuardEvent[] = [];
  const record = { equity: new Float64Array(n), returns: new Float64Array(n), gross: new Float64Array(n) };
  const kernel: BarStepKernel = new BarStepKernel({
    config: cfg,
    periodsPerYear: ppy,
    ts,
    markets: prepared.map((p) => ({
      ...p.bars,
      volume: p.bars.volume ?? null,
      atr: p.atr,
      sigma: p.sigma,
      volatile: p.volatile,
    })),
    signals,
    accountSizes: [prepared.length],
    entryFraction: assetSizer(prepared, cfg, ppy),
    lastBar: endsAtLast ? n - 1 : null,
    record,
    hooks: {
      onExit: (a, t, exitPrice, costs, impact, grossPnl, reason) => {
        const q = kernel.qty[a];
        const entry = kernel.entryIndex[a];
        const notional = Math.abs(q * kernel.entryRaw[a]);
        const dividends = kernel.tradeDividends[a];
        const shares = Math.abs(q);
        const exec = kernel.entryExec[a];
        log.push(
          a,
          q > 0 ? 1 : -1,
          entry,
          t,
          ts[entry],
          ts[t],
          exec,
          exitPrice,
          shares,
          costs,
          impact,
          dividends,
          grossPnl,
          notional,
          reason,
        );
      },
      onGuard: (_g, t, kind, action) => events.push({ index: t, ts: ts[t], kind, action }),
    },
    ruinMessage: (_g, t, eq) => `backtest: equity ${eq} at index ${t} (${new Date(ts[t]).toISOString()}): ruin`,
    signalMessage: (a, t, raw) => `signal for ${prepared[a].bars.ticker}: value at index ${t} is ${raw}`,
  });
  const hasDividends = prepared.some((p) => p.dividends !== null);
  /** The result over the first `bars` bars (a feed's arrays are longer than what it stepped). */
  const resultOf = (bars: number): SimulationResult => {
    const equity = record.equity.subarray(0, bars);
    return {
      ts: ts.subarray(0, bars),
      equity,
      returns: record.returns.subarray(0, bars),
      drawdown: drawdownSeries(equity, cfg.backtest.initial_capital),
      grossExposure: record.gross.subarray(0, bars),
      trades: log.build(),
      guardEvents: events,
      tradedFraction: kernel.traded[0],
      initialCapital: cfg.backtest.initial_capital,
      periodsPerYear: ppy,
      returnBasis: basis,
      config: cfg,
    };
  };
  const stepper = {
    bars: n,
    step: (t: number) => {
      if (hasDividends) payDividends(kernel, prepared, t);
      kernel.step(t);
    },
  };
  return { stepper, kernel, hasDividends, resultOf };
}

/** Entry size per asset and bar: explicit size, else the sizing kind; 0 during ATR/volatility warm-up. */
function assetSizer(prepared: PreparedAsset[], cfg: EngineConfig, ppy: number) {
  const sizeConfig = { sizing: cfg.sizing, costs: cfg.costs, stops: cfg.backtest.stops };
  const sqrtPpy = Math.sqrt(ppy);
  return (a: number, t: number): number => {
    const p = prepared[a];
    const risk = {
      sigmaAnnual: p.sigma ? p.sigma[t] * sqrtPpy : Number.NaN,
      atr: p.atr ? p.atr[t] : Number.NaN,
    };
    if (!p.size) return entryFraction(sizeConfig, risk, p.probability ? p.probability[t] : Number.NaN);
    return riskReady(sizeConfig, risk) ? Math.min(p.size[t], cfg.sizing.max_position) : 0;
  };
}

/** Dividends for positions carried into bar t, credited before anything else happens in the bar. */
function payDividends(kernel: BarStepKernel, prepared: PreparedAsset[], t: number): void {
  if (kernel.openPositions[0] === 0) return;
  for (let a = 0; a < prepared.length; a++) {
    const dv = prepared[a].dividends;
    if (dv && kernel.qty[a] !== 0 && dv[t] !== 0) kernel.credit(a, kernel.qty[a] * dv[t]);
  }
}

/** equity / running peak - 1; the last bar (the "end" close) does not raise the peak. */
function drawdownSeries(equity: Float64Array, initialCapital: number): Float64Array {
  const n = equity.length;
  const out = new Float64Array(n);
  let peak = initialCapital;
  for (let t = 0; t < n; t++) {
    const eq = equity[t];
    if (eq > peak && t < n - 1) peak = eq;
    out[t] = eq / Math.max(eq, peak) - 1;
  }
  return out;
}
