/** The inputs of `simulate`, checked and prepared: one place for what the engine may assume. */
import type { Bars } from "../data";
import { atr as atrSeries } from "./atr";
import { riskNeeds } from "./barRisk";
import type { EngineConfig } from "./config";
import { rollingVolatility } from "./rollingVolatility";
import { checkAligned, checkBars, checkRange, checkSameTimestamps, checkSignalValues } from "./validateInputs";

/** One asset's bars and what trades it: the input of `simulate` per asset. */
export interface AssetInput {
  bars: Bars;
  /** Per bar: +1 long, -1 short (an exit when long-only), 0 no signal. */
  signal: Int8Array;
  /** Calibrated probability of the signalled side, per bar (needed by Kelly sizing). */
  probability?: Float64Array;
  /** Explicit size per signal bar as a fraction of equity (overrides the sizing kind; still capped). */
  size?: Float64Array;
  /** Cash dividend per share, on its ex-date bar. Overrides dividends implied by `bars.adjClose`. */
  dividends?: Float64Array;
  /** 1 where the bar is in a volatile regime: stop distances widen by `stops.volatile_widen`. */
  volatile?: Uint8Array;
}

export type ReturnBasis = "price" | "total_return_dividends" | "total_return_adjusted";

/** Implied cash dividend per share from an adjusted close: close[t-1] * adj[t]/adj[t-1] - close[t]. */
export function impliedDividends(close: Float64Array, adjClose: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++)
    out[t] = impliedDividendAt(close[t - 1], close[t], adjClose[t - 1], adjClose[t]);
  return out;
}

/** One bar's implied dividend from its and the previous bar's close and adjusted close. */
export function impliedDividendAt(prevClose: number, close: number, prevAdj: number, adj: number): number {
  const d = prevClose * (adj / prevAdj) - close;
  // Rounded source prices leave noise of ~1e-6 relative; only real distributions count.
  return d > 1e-4 * close ? d : 0;
}

/** One asset's validated inputs and the series derived from them once. */
export interface PreparedAsset {
  bars: Bars;
  signal: Int8Array;
  probability: Float64Array | null;
  size: Float64Array | null;
  dividends: Float64Array | null;
  volatile: Uint8Array | null;
  atr: Float64Array | null;
  sigma: Float64Array | null;
}

/** Validates every input against its bars and derives ATR, volatility and dividends. */
export function prepareAssets(
  assets: AssetInput[],
  cfg: EngineConfig,
): { prepared: PreparedAsset[]; basis: ReturnBasis } {
  if (assets.length === 0) throw new Error("backtest: no assets given");
  for (const a of assets) {
    checkBars(a.bars);
    const label = a.bars.ticker;
    checkAligned("signal", label, a.signal.length, a.bars);
    checkSignalValues(a.signal, label, a.bars.ts);
    if (a.probability) {
      checkAligned("probability", label, a.probability.length, a.bars);
      checkRange("probability", label, a.probability, a.bars.ts, 0, 1, true);
    }
    if (a.size) {
      checkAligned("size", label, a.size.length, a.bars);
      checkRange("size", label, a.size, a.bars.ts, 0, Number.POSITIVE_INFINITY, true);
    }
    if (a.dividends) {
      checkAligned("dividends", label, a.dividends.length, a.bars);
      checkRange("dividends", label, a.dividends, a.bars.ts, 0, Number.POSITIVE_INFINITY, false);
    }
    if (a.volatile) checkAligned("volatile", label, a.volatile.length, a.bars);
    if (cfg.sizing.kind === "kelly" && !a.probability && !a.size) {
      throw new Error(`sizing.kind = kelly needs a probability column for ${label}`);
    }
  }
  checkSameTimestamps(assets.map((a) => a.bars));
  const st = cfg.backtest.stops;
  const needs = riskNeeds({ sizing: cfg.sizing, costs: cfg.costs, stops: st });
  let basis: ReturnBasis = "price";
  const prepared = assets.map((a): PreparedAsset => {
    const b = a.bars;
    let dividends: Float64Array | null = null;
    if (a.dividends) {
      dividends = a.dividends;
      basis = "total_return_dividends";
    } else if (b.adjClose && cfg.backtest.use_adjusted) {
      dividends = impliedDividends(b.close, b.adjClose);
      if (basis === "price") basis = "total_return_adjusted";
    }
    return {
      bars: b,
      signal: a.signal,
      probability: a.probability ?? null,
      size: a.size ?? null,
      dividends,
      volatile: a.volatile ?? null,
      atr: needs.atr ? atrSeries(b.high, b.low, b.close, st.atr_period) : null,
      sigma: needs.sigma ? rollingVolatility(b.close, cfg.sizing.vol_lookback) : null,
    };
  });
  return { prepared, basis };
}
