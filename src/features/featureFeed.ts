/**
 * The one object a service keeps per ticker to hold its features current: a {@link FeatureStream}
 * fed from whole series. It is given the same input as {@link computeFeatures} (bars, context,
 * universe) and later the same series extended; it pushes every context and universe bar into
 * the stream in the batch's visibility order (visibility.ts) and streams the new base bars, so
 * its rows equal the batch frame's row for row:
 * - a context bar on the base timeframe with the base bar of the same or a later timestamp;
 * - a context bar of another timeframe (daily VIX under intraday bars) under the first base bar
 *   opening at or after its close;
 * - a universe bar of a date before the base bar of that date (breadth counts rows dated ≤ d).
 * It keeps the last `keep` rows for `rowAt`.
 */
import { type Bars, isIntraday, isoDate, isoNewYork } from "../data";
import { availabilityOf, parseFeaturesConfig } from "./computeFeatures";
import { checkCoverage } from "./stepColumns";
import type { FeatureInput } from "./featureResult";
import { FeatureStream } from "./featureStream";
import type { FeaturesConfig, FeaturesConfigInput } from "./featuresConfig";
import type { OhlcvBar } from "./indicators";
import type { RegimesConfig } from "./regimes";
import { BarCloseClock } from "./visibility";

export interface FeatureFeedOptions {
  /** Rows kept for `rowAt` (the last `keep` base bars; default 512). */
  keep?: number;
  /** Settings of `features.regimes` columns: the experiment's `regimes:` block (default its defaults). */
  regimes?: RegimesConfig;
}

/** A context series and the next of its bars to push. */
interface ContextFeed {
  ticker: string;
  bars: Bars;
  next: number;
  /** Close times of a series on another timeframe than the base's (null: same timeframe, compared by timestamp). */
  clock: BarCloseClock | null;
  /** When bar `next` becomes visible: its timestamp, or its close on another timeframe (NaN: not yet computed). */
  nextVisible: number;
}

interface MemberFeed {
  ticker: string;
  bars: Bars;
  next: number;
}

/** Bar `i` of a series as the streaming twins take it (no volume: NaN). */
export function barAt(b: Bars, i: number): OhlcvBar {
  return {
    ts: b.ts[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume ? b.volume[i] : Number.NaN,
  };
}

function showTime(b: Bars, t: number): string {
  return isIntraday(b.timeframe) ? isoNewYork(t) : isoDate(t);
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * Throws unless `next` holds every bar of `before`, unchanged, followed by zero or more bars.
 * Reads the whole prefix (every field) unless it is the same memory: a rewritten bar anywhere
 * would make the rows kept so far differ from what the batch computes on the new series. That is
 * O(history) per advance (about 15 ms for 480 universe members × 1,259 days), not per bar.
 */
function checkExtends(what: string, before: Bars, next: Bars): void {
  if (next.ticker !== before.ticker || next.timeframe !== before.timeframe) {
    throw new RangeError(
      `FeatureFeed.advance: ${what} is ${next.ticker} ${next.timeframe}, it was ${before.ticker} ${before.timeframe}`,
    );
  }
  const n = before.ts.length;
  if (next.ts.length < n) {
    throw new RangeError(
      `FeatureFeed.advance: ${what} (${before.ticker}) has ${next.ts.length} bars, fewer than the ${n} given before: series must be extended, not cut`,
    );
  }
  if ((before.volume === null) !== (next.volume === null) || (before.adjClose === null) !== (next.adjClose === null)) {
    throw new RangeError(
      `FeatureFeed.advance: ${what} (${before.ticker}) gained or lost its volume or adjClose column`,
    );
  }
  const fields = ["ts", "open", "high", "low", "close", "volume", "adjClose"] as const;
  for (const f of fields) {
    const a = before[f];
    const b = next[f];
    // The same memory (the caller's views of one growing buffer) cannot differ: no need to read it.
    if (a === null || b === null || (a.buffer === b.buffer && a.byteOffset === b.byteOffset)) continue;
    for (let i = 0; i < n; i++) {
      if (!same(a[i], b[i])) {
        throw new RangeError(
          `FeatureFeed.advance: ${before.ticker} ${before.timeframe} bar ${i} (${showTime(before, before.ts[i])}) was rewritten: ${f} ${a[i]} → ${b[i]}; series must extend the ones given before`,
        );
      }
    }
  }
}

function streamFor(
  spec: FeaturesConfigInput | FeaturesConfig,
  input: FeatureInput,
  regimes?: RegimesConfig,
): FeatureStream {
  const av = availabilityOf(input);
  return new FeatureStream(parseFeaturesConfig(spec), {
    ticker: av.baseTicker,
    timeframe: av.timeframe,
    hasVolume: av.hasVolume,
    context: Object.fromEntries(av.context),
    universe: av.hasUniverse,
    regimes,
  });
}

/** The context series of `input` the features of `spec` read (a feed walks only these). */
export function contextReadBy(spec: FeaturesConfigInput | FeaturesConfig, input: FeatureInput): string[] {
  const stream = streamFor(spec, input);
  return Object.keys(input.context ?? {}).filter((t) => stream.readsContext(t));
}

export class FeatureFeed {
  readonly names: readonly string[];
  readonly skipped: readonly { path: string; reason: string }[];
  private readonly stream: FeatureStream;
  private bars: Bars;
  private readonly contexts: ContextFeed[];
  /** The context series given when the feed was built: `advance` must give the same. */
  private readonly given: Set<string>;
  private readonly members: MemberFeed[];
  private readonly keep: number;
  private readonly rows: Float64Array;
  /** Base bars streamed so far. */
  private count = 0;

  constructor(spec: FeaturesConfigInput | FeaturesConfig, input: FeatureInput, opts: FeatureFeedOptions = {}) {
    const keep = opts.keep ?? 512;
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`FeatureFeed: opts.keep must be an integer ≥ 1, got ${keep}`);
    this.stream = streamFor(spec, input, opts.regimes);
    this.checkCoverage(input);
    this.names = this.stream.names;
    this.skipped = this.stream.skipped;
    this.bars = input.bars;
    this.given = new Set(Object.keys(input.context ?? {}));
    // Only the series the features read are walked: a multi-ticker model gives every ticker the
    // others as context, and walking them all costs the square of the ticker count.
    this.contexts = Object.entries(input.context ?? {})
      .filter(([ticker]) => this.stream.readsContext(ticker))
      .map(([ticker, bars]) => ({
        ticker,
        bars,
        next: 0,
        clock: bars.timeframe === input.bars.timeframe ? null : new BarCloseClock(bars.timeframe),
        nextVisible: Number.NaN,
      }));
    this.members = availabilityOf(input).hasUniverse
      ? [...(input.universe as Map<string, Bars>)].map(([ticker, bars]) => ({ ticker, bars, next: 0 }))
      : [];
    this.keep = keep;
    this.rows = new Float64Array(keep * this.names.length);
    this.streamNew();
  }

  /** Timestamp of the last base bar streamed (NaN before any). */
  get lastTs(): number {
    return this.count === 0 ? Number.NaN : this.bars.ts[this.count - 1];
  }

  /** Continues with series that extend the ones given before; streams the new base bars. */
  advance(next: FeatureInput): void {
    checkExtends("input.bars", this.bars, next.bars);
    const given = next.context ?? {};
    for (const c of this.contexts) {
      const b = given[c.ticker];
      if (!b) throw new RangeError(`FeatureFeed.advance: context series ${c.ticker} was given before, not now`);
      checkExtends(`input.context.${c.ticker}`, c.bars, b);
    }
    for (const t of Object.keys(given)) {
      if (!this.given.has(t)) {
        throw new RangeError(`FeatureFeed.advance: context series ${t} was not given when the feed was built`);
      }
    }
    const universe = next.universe ?? new Map<string, Bars>();
    if (universe.size !== this.members.length) {
      throw new RangeError(
        `FeatureFeed.advance: input.universe has ${universe.size} members, the feed was built with ${this.members.length}`,
      );
    }
    for (const m of this.members) {
      const b = universe.get(m.ticker);
      if (!b) throw new RangeError(`FeatureFeed.advance: universe member ${m.ticker} was given before, not now`);
      checkExtends(`input.universe ${m.ticker}`, m.bars, b);
    }
    this.checkCoverage(next);
    // Only once every series is checked: a refused input leaves the feed as it was.
    this.bars = next.bars;
    for (const c of this.contexts) c.bars = given[c.ticker];
    for (const m of this.members) m.bars = universe.get(m.ticker) as Bars;
    this.streamNew();
  }

  /**
   * The batch's refusal of a context series that does not reach the bars (a live VIX lagging
   * SPY): streamed on, those rows would hold stale values the batch never gives.
   */
  private checkCoverage(input: FeatureInput): void {
    for (const { path, ticker } of this.stream.contextNeeds) {
      const ctx = input.context?.[ticker];
      if (ctx) checkCoverage(path, ctx, input.bars);
    }
  }

  /** The row at base bar time `ts` if it is among the last `keep` streamed, else null (a copy). */
  rowAt(ts: number): Float64Array | null {
    const first = Math.max(0, this.count - this.keep);
    const { ts: all } = this.bars;
    // Binary search over the kept base bars' timestamps.
    let lo = first;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.count || all[lo] !== ts) return null;
    const slot = lo % this.keep;
    const w = this.names.length;
    return this.rows.slice(slot * w, (slot + 1) * w);
  }

  private streamNew(): void {
    const bars = this.bars;
    const w = this.names.length;
    for (let i = this.count; i < bars.ts.length; i++) {
      const t = bars.ts[i];
      for (const c of this.contexts) {
        const cts = c.bars.ts;
        while (c.next < cts.length) {
          if (Number.isNaN(c.nextVisible)) c.nextVisible = c.clock ? c.clock.closeOf(cts[c.next]) : cts[c.next];
          if (c.nextVisible > t) break;
          this.stream.pushContext(c.ticker, barAt(c.bars, c.next));
          c.next++;
          c.nextVisible = Number.NaN;
        }
      }
      for (const m of this.members) {
        const mts = m.bars.ts;
        const price = m.bars.adjClose ?? m.bars.close;
        for (; m.next < mts.length && mts[m.next] <= t; m.next++) {
          this.stream.pushUniverse(m.ticker, barAt(m.bars, m.next), price[m.next]);
        }
      }
      const row = this.stream.update(barAt(bars, i));
      this.rows.set(row, (i % this.keep) * w);
      this.count = i + 1;
    }
  }
}
