/**
 * One ticker's live state for a served model: its features from the streaming path, the trend
 * regime, and what the backtest reads at a bar to size and stop a position, all advanced bar by
 * bar as the store grows. A base bar is streamed only once every context series it reads has its
 * bar for that time: a feature row, once emitted, is what batch computes on the same bars, and a
 * late VIX close must not leave a row that batch would compute differently.
 */
import { type BarRisk, BarRiskStream } from "../../backtest";
import {
  type Bars,
  barsBetween,
  DAY_MS,
  INTRADAY_TIMEFRAME_MS,
  isIntraday,
  lowerBound,
  nextSession,
  sessionClose,
} from "../../data";
import { barAt, contextReadBy, FeatureFeed, type FeatureInput, TREND_REGIMES, TrendRegimeStream } from "../../features";
import { FeatureRow } from "./featureRow";
import type { ServedModel } from "./servedModel";

/** What the decision at a bar reads besides the probabilities. */
export interface BarState {
  readonly close: number;
  readonly risk: BarRisk;
  /** The trend regime (the runner's `regime_trend`): id −1 and name null while it warms up. */
  readonly regime: { readonly scheme: "regime_trend"; readonly id: number; readonly name: string | null };
}

/** The per-bar streams beside the features, and the states they gave for the bars kept. */
class BarStates {
  private readonly regime: TrendRegimeStream;
  private readonly risk: BarRiskStream;
  private readonly kept = new Map<number, BarState>();

  constructor(
    served: ServedModel,
    timeframe: Bars["timeframe"],
    private readonly keep: number,
  ) {
    const config = served.loaded.config;
    this.regime = new TrendRegimeStream(config.regimes.trend);
    this.risk = new BarRiskStream(config, timeframe);
  }

  /** Feeds bars [from, to) of `bars`. */
  feed(bars: Bars, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const bar = barAt(bars, i);
      const id = this.regime.update(bar);
      this.kept.set(bar.ts, {
        close: bar.close,
        risk: this.risk.update(bar),
        regime: { scheme: "regime_trend", id, name: id < 0 ? null : TREND_REGIMES[id] },
      });
      if (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value as number);
    }
  }

  at(ts: number): BarState | undefined {
    return this.kept.get(ts);
  }
}

/**
 * The last base-bar time whose context is complete: bars after it wait for their context. Only
 * the series the features read count: another ticker of the model that stopped trading holds
 * nothing back.
 */
function contextWatermark(input: FeatureInput, read: readonly string[]): number {
  let until = Number.POSITIVE_INFINITY;
  for (const t of read) {
    const c = input.context?.[t] as Bars;
    const n = c.ts.length;
    if (n === 0) return Number.NEGATIVE_INFINITY;
    const last = c.ts[n - 1];
    // A daily context bar is carried onto intraday bars once its session has closed: the next
    // session's intraday bars are the last it can serve.
    const reach = c.timeframe === "1d" && isIntraday(input.bars.timeframe) ? sessionClose(nextSession(last)) : last;
    until = Math.min(until, reach);
  }
  return until;
}

export class TickerFeed {
  readonly ticker: string;
  private readonly features: FeatureFeed;
  private readonly row: FeatureRow;
  private readonly states: BarStates;
  /** The context series the features read: the watermark's. */
  private readonly read: readonly string[];
  private input: FeatureInput;
  /** Base bars streamed so far. */
  private streamed = 0;

  constructor(
    private readonly served: ServedModel,
    input: FeatureInput,
    keep: number,
  ) {
    this.ticker = input.bars.ticker;
    this.input = input;
    const spec = served.loaded.config.features;
    this.read = contextReadBy(spec, input);
    const visible = this.visible(input);
    this.features = new FeatureFeed(spec, visible, { keep, regimes: served.loaded.config.regimes });
    this.row = new FeatureRow(served, this.features.names);
    this.states = new BarStates(served, input.bars.timeframe, keep);
    this.states.feed(visible.bars, 0, visible.bars.ts.length);
    this.streamed = visible.bars.ts.length;
  }

  private visible(input: FeatureInput): FeatureInput {
    return {
      ...input,
      bars: barsBetween(input.bars, Number.NEGATIVE_INFINITY, contextWatermark(input, this.read) + 1),
    };
  }

  /** Streams the bars `input` adds to the one seen so far (the same series, extended). */
  advance(input: FeatureInput): void {
    const visible = this.visible(input);
    this.features.advance(visible);
    this.states.feed(visible.bars, this.streamed, visible.bars.ts.length);
    this.input = input;
    this.streamed = visible.bars.ts.length;
  }

  /** Open time of the last streamed bar (−∞ before any). */
  get lastTs(): number {
    return this.streamed > 0 ? this.input.bars.ts[this.streamed - 1] : Number.NEGATIVE_INFINITY;
  }

  /** The latest streamed bar at or before `asof`, or null when `asof` precedes them all. */
  barAtOrBefore(asof: number): number | null {
    const i = Math.min(lowerBound(this.input.bars.ts, asof + 1), this.streamed) - 1;
    return i >= 0 ? this.input.bars.ts[i] : null;
  }

  /** The decision inputs at streamed bar `ts`: kept, else from the bars through `ts` (an old asof). */
  stateAt(ts: number): BarState {
    const kept = this.states.at(ts);
    if (kept) return kept;
    const bars = barsBetween(this.input.bars, Number.NEGATIVE_INFINITY, ts + 1);
    const replay = new BarStates(this.served, bars.timeframe, 1);
    replay.feed(bars, 0, bars.ts.length);
    return replay.at(ts) as BarState;
  }

  /**
   * When a signal at bar `ts` stops being actionable: the close of the `hold`-th bar after it
   * (daily: sessions by the NYSE calendar; intraday and weekly: bars of the timeframe, by the clock).
   */
  expiryOf(ts: number, hold: number): number {
    const tf = this.input.bars.timeframe;
    if (isIntraday(tf)) return ts + (hold + 1) * INTRADAY_TIMEFRAME_MS[tf];
    if (tf === "1w") return ts + (hold + 1) * 7 * DAY_MS;
    let day = ts;
    for (let k = 0; k < hold; k++) day = nextSession(day);
    return sessionClose(day);
  }

  /**
   * The model's feature vector at bar time `ts` (a streamed bar): from the rows kept, else by
   * replaying the stream over the bars through `ts` (an old `asof`, rare and slower).
   */
  modelRowAt(ts: number): Float64Array {
    const kept = this.features.rowAt(ts);
    if (kept) return this.row.pick(kept);
    const replay = new FeatureFeed(
      this.served.loaded.config.features,
      { ...this.input, bars: barsBetween(this.input.bars, Number.NEGATIVE_INFINITY, ts + 1) },
      { keep: 1, regimes: this.served.loaded.config.regimes },
    );
    return this.row.pick(replay.rowAt(ts) as Float64Array);
  }
}
