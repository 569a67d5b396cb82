/**
 * One ticker's live state for a served model: its features from the streaming path, the trend
 * regime, and what the backtest reads at a bar to size and stop a position, all advanced bar by
 * bar as the store grows. A base bar is streamed only once every context series it reads has its
 * bar for that time: a feature row, once emitted, is what batch computes on the same bars, and a
 * late VIX close must not leave a row that batch would compute differently.
 */
import { type Bars, barsBetween, isIntraday, nextSession, sessionClose } from "../../data";
import { FeatureFeed, type FeatureInput } from "../../features";
import { FeatureRow } from "./featureRow";
import type { ServedModel } from "./servedModel";

/** The last base-bar time whose context is complete: bars after it wait for their context. */
function contextWatermark(input: FeatureInput): number {
  let until = Number.POSITIVE_INFINITY;
  for (const c of Object.values(input.context ?? {})) {
    const n = c.ts.length;
    if (n === 0) return Number.NEGATIVE_INFINITY;
    const last = c.ts[n - 1];
    // A daily context bar is carried onto intraday bars once its session has closed: the next
    // session's intraday bars are the last it can serve.
    const reach =
      c.timeframe === "1d" && isIntraday(input.bars.timeframe) ? sessionClose(nextSession(last)) : last;
    until = Math.min(until, reach);
  }
  return until;
}

export class TickerFeed {
  readonly ticker: string;
  private readonly features: FeatureFeed;
  private readonly row: FeatureRow;
  private input: FeatureInput;

  constructor(
    private readonly served: ServedModel,
    input: FeatureInput,
    private readonly keep: number,
  ) {
    this.ticker = input.bars.ticker;
    this.input = input;
    const spec = served.loaded.config.features;
    this.features = new FeatureFeed(spec, this.visible(input), { keep });
    this.row = new FeatureRow(served, this.features.names);
  }

  private visible(input: FeatureInput): FeatureInput {
    return { ...input, bars: barsBetween(input.bars, Number.NEGATIVE_INFINITY, contextWatermark(input) + 1) };
  }

  /** Streams the bars `input` adds to the one seen so far (the same series, extended). */
  advance(input: FeatureInput): void {
    this.input = input;
    this.features.advance(this.visible(input));
  }

  /** The bars streamed so far. */
  get bars(): Bars {
    return barsBetween(this.input.bars, Number.NEGATIVE_INFINITY, this.features.lastTs + 1);
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
      { keep: 1 },
    );
    return this.row.pick(replay.rowAt(ts) as Float64Array);
  }
}
