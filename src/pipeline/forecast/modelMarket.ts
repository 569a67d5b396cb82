/**
 * The bars a served model reads, from the operational store, and one warm feed per ticker it
 * was trained on. Loaded through the runner's own data phase (the config read back, with
 * `data.source: store` and no end), so the feeds start where the run's features started and
 * every cumulative indicator has the run's value. `refresh` reads the bars stored since and
 * streams them into the feeds; the bars were validated when they were ingested.
 */
import { appendBars, type Bars } from "../../data";
import { type SeriesInfo, type Store, StoreError } from "../../store";
import type { LoadedConfig } from "../config";
import { featureInputOf, universeOf } from "../phases/buildFeatures";
import type { DataPhase } from "../phases/loadData";
import { runPhases } from "../runExperiment";
import { storeQuery } from "../storeSource";
import { ForecastError } from "./forecastTypes";
import type { ServedModel } from "./servedModel";
import { TickerFeed } from "./tickerFeed";

export interface MarketOptions {
  /** Where `universe: bundled` is read (default: found from the working directory). */
  dataDir?: string;
  /** Feature rows kept per ticker for `asof` requests without a replay (default 512). */
  keep?: number;
}

/** The run's config as the service reads it: the store's bars, through the latest one. */
export function servingConfig(loaded: LoadedConfig): LoadedConfig {
  const { end: _end, ...data } = loaded.config.data;
  return { ...loaded, config: { ...loaded.config, data: { ...data, source: "store" } } };
}

function storeProblem(err: unknown, served: ServedModel): unknown {
  if (!(err instanceof StoreError)) return err;
  const what = `${served.id.name}/${served.id.version}`;
  if (err.code === "unknown_series" || err.code === "empty_range") {
    return new ForecastError(
      "unavailable",
      `${what} reads series the store does not hold (${err.message}); ingest them with \`wsp ingest\``,
    );
  }
  return new ForecastError("unavailable", `the store cannot be read for ${what}: ${err.message}`);
}

export class ModelMarket {
  private constructor(
    private readonly store: Store,
    private data: Pick<DataPhase, "tickerBars" | "context">,
    private readonly universe: Map<string, Bars> | undefined,
    private readonly feeds: Map<string, TickerFeed>,
  ) {}

  /** Loads the model's series from the store and warms a feed per ticker. */
  static async open(served: ServedModel, store: Store, opts: MarketOptions = {}): Promise<ModelMarket> {
    const loaded = servingConfig(served.loaded);
    let data: DataPhase;
    try {
      ({ data } = await runPhases(loaded, "data", {
        progress: false,
        dataDir: opts.dataDir,
        fromStore: storeQuery(store),
      }));
    } catch (err) {
      throw storeProblem(err, served);
    }
    const universe = universeOf(loaded.config, opts.dataDir);
    const feeds = new Map<string, TickerFeed>();
    data.tickerBars.forEach((bars, k) => {
      feeds.set(bars.ticker, new TickerFeed(served, featureInputOf(data, k, universe), opts.keep ?? 512));
    });
    return new ModelMarket(store, data, universe, feeds);
  }

  get tickers(): string[] {
    return [...this.feeds.keys()];
  }

  feedOf(ticker: string): TickerFeed | undefined {
    return this.feeds.get(ticker);
  }

  /**
   * Streams the bars stored after each series' last one into the feeds; `series` is the store's
   * catalog (one `listSeries` call serves every model). Returns the number of new bars.
   */
  async refresh(series: readonly SeriesInfo[]): Promise<number> {
    const lastOf = new Map(series.map((s) => [`${s.ticker}/${s.timeframe}`, s.last]));
    let added = 0;
    const extend = async (bars: Bars): Promise<Bars> => {
      const n = bars.ts.length;
      const last = n > 0 ? bars.ts[n - 1] : Number.NEGATIVE_INFINITY;
      if (!((lastOf.get(`${bars.ticker}/${bars.timeframe}`) ?? last) > last)) return bars;
      const later = await this.store.query(bars.ticker, bars.timeframe, { from: last + 1 });
      added += later.ts.length;
      return appendBars(bars, later);
    };
    const tickerBars = await Promise.all(this.data.tickerBars.map(extend));
    const context = await Promise.all(this.data.context.map(extend));
    if (added === 0) return 0;
    this.data = { tickerBars, context };
    tickerBars.forEach((bars, k) => {
      this.feeds.get(bars.ticker)?.advance(featureInputOf(this.data, k, this.universe));
    });
    return added;
  }
}
