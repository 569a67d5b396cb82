/**
 * What the backtest trades: every ticker's bars on the timestamps all of them share, from the
 * first out-of-sample prediction on, the benchmark over the same bars, and the signals a
 * variant's probabilities give on them (out-of-fold where present, else holdout).
 */
import { type AssetInput, assetFromProbabilities, type ProbabilityInput } from "../../backtest";
import { type Bars, loadDataBlock } from "../../data";
import type { ExperimentConfig } from "../config";
import { downProbability, upProbability } from "../sideProbabilities";
import type { RunHooks } from "../experimentResult";
import type { LabelsPhase } from "./buildLabels";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";
import type { RowsPhase } from "./assembleRows";
import type { SplitsPhase } from "./planSplits";

export interface TradedMarket {
  /** Every traded ticker's bars on the shared timestamps. */
  bars: Bars[];
  /** Per ticker, the index of each shared bar in its own bars. */
  index: Int32Array[];
  /** Buy-and-hold of `backtest.benchmark` over the same bars; null without bars there. */
  benchmark: Bars | null;
  /** The assets a variant trades, from its out-of-fold and holdout probabilities. */
  assetsOf(oof: Float64Array, holdout: Float64Array): AssetInput[];
  /** Per ticker, the probabilities behind `assetsOf`'s signals (a threshold grid makes its own). */
  probabilitiesOf(oof: Float64Array, holdout: Float64Array): ProbabilityInput[];
  /** The signal, sizing, cost and backtest blocks (what `simulate` takes). */
  engine: Pick<ExperimentConfig, "signals" | "sizing" | "costs" | "backtest">;
}

export async function tradedMarket(
  ctx: PhaseContext,
  data: DataPhase,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
): Promise<TradedMarket> {
  const { plan } = splits;
  const first = plan.splits.length > 0 ? plan.splits[0].test[0] : plan.holdout[0];
  return tradedMarketFrom(ctx, data, labels, rows, rows.panel.ts[first]);
}

/**
 * The traded market from bar time `from` on: the run's from its first out-of-sample prediction,
 * a registered model's backtest (backtestModel.ts) from its period's start.
 */
export async function tradedMarketFrom(
  { config, hooks }: PhaseContext,
  data: DataPhase,
  labels: LabelsPhase,
  rows: RowsPhase,
  from: number,
): Promise<TradedMarket> {
  const { tickerBars, tickers } = data;
  const { panel, trend } = rows;
  const engine = { signals: config.signals, sizing: config.sizing, costs: config.costs, backtest: config.backtest };
  const traded = commonBars(tickerBars, from);
  const benchmark = tickers.includes(config.backtest.benchmark)
    ? (traded.bars[tickers.indexOf(config.backtest.benchmark)] ?? null)
    : await loadBenchmark(config, traded.bars[0], hooks);
  const n = panel.ts.length;
  const probabilitiesOf = (oof: Float64Array, holdout: Float64Array): ProbabilityInput[] => {
    const primary = labels.primarySide;
    const rowSide = primary ? Float64Array.from(panel.rowTicker, (k, r) => primary[k][panel.rowBar[r]]) : undefined;
    const sides = sideProbs(mergeOutOfSample(oof, holdout), labels.width, n, rowSide);
    const up = tickerBars.map((b) => new Float64Array(b.ts.length).fill(Number.NaN));
    const down = tickerBars.map((b) => new Float64Array(b.ts.length).fill(Number.NaN));
    for (let r = 0; r < n; r++) {
      up[panel.rowTicker[r]][panel.rowBar[r]] = sides.up[r];
      down[panel.rowTicker[r]][panel.rowBar[r]] = sides.down[r];
    }
    return traded.bars.map((bars, k) => ({
      bars,
      pUp: takeAt(up[k], traded.index[k]),
      pDown: takeAt(down[k], traded.index[k]),
      volatile: Uint8Array.from(traded.index[k], (i) => (trend[k].names[trend[k].ids[i]] === "volatile" ? 1 : 0)),
    }));
  };
  const assetsOf = (oof: Float64Array, holdout: Float64Array): AssetInput[] =>
    probabilitiesOf(oof, holdout).map((p) => assetFromProbabilities(p, engine));
  return { bars: traded.bars, index: traded.index, benchmark, assetsOf, probabilitiesOf, engine };
}

async function loadBenchmark(config: ExperimentConfig, bars: Bars, hooks: RunHooks): Promise<Bars | null> {
  const name = config.backtest.benchmark;
  if (name === bars.ticker) return bars;
  const loaded = await loadDataBlock(
    { ...config.data, tickers: [name], context: [] },
    { dataDir: hooks.dataDir, fromStore: hooks.fromStore },
  );
  const b = loaded.tickers[0].bars;
  if (b.ts.length !== bars.ts.length || b.ts.some((t, i) => t !== bars.ts[i])) return null;
  return b;
}

/** P(up) and P(down) per label row from probabilities of `width` per row (meta labels: and the primary side per row). */
function sideProbs(
  probs: Float64Array,
  width: number,
  n: number,
  side?: Float64Array,
): { up: Float64Array; down: Float64Array } {
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    up[i] = upProbability(probs, i, width, side?.[i]);
    down[i] = downProbability(probs, i, width, side?.[i]);
  }
  return { up, down };
}

/** Out-of-sample probabilities: OOF where present, else holdout. */
function mergeOutOfSample(oof: Float64Array, holdout: Float64Array): Float64Array {
  const out = Float64Array.from(oof);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = holdout[i];
  return out;
}

/** Every ticker's bars on the timestamps all of them have, from `from` on, and where each came from. */
function commonBars(all: readonly Bars[], from: number): { bars: Bars[]; index: Int32Array[] } {
  let shared = Array.from(all[0].ts).filter((t) => t >= from);
  for (const b of all.slice(1)) {
    const own = new Set(b.ts);
    shared = shared.filter((t) => own.has(t));
  }
  const index = all.map((b) => {
    const at = new Map<number, number>();
    b.ts.forEach((t, i) => {
      at.set(t, i);
    });
    return Int32Array.from(shared, (t) => at.get(t) as number);
  });
  const bars = all.map((b, k) => {
    const take = (c: Float64Array) => takeAt(c, index[k]);
    return {
      ticker: b.ticker,
      timeframe: b.timeframe,
      ts: take(b.ts),
      open: take(b.open),
      high: take(b.high),
      low: take(b.low),
      close: take(b.close),
      volume: b.volume ? take(b.volume) : null,
      adjClose: b.adjClose ? take(b.adjClose) : null,
    };
  });
  return { bars, index };
}

function takeAt(values: Float64Array, index: Int32Array): Float64Array {
  return Float64Array.from(index, (i) => values[i]);
}
