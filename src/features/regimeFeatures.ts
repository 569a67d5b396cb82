/**
 * `features.regimes`: regime schemes as feature columns (names and encodings in
 * regimeFeatureNames.ts), from bars ≤ t only: the trend regime is built from causal indicators,
 * the grid from an expanding VIX percentile, breadth of dates ≤ t and a trailing ATR median.
 * Their settings are the experiment's top-level `regimes:` block, which also labels the run's
 * report splits: the same function gives the columns and the labels, so they cannot disagree.
 */
import type { Bars, Timeframe } from "../data";
import { BREADTH_PROXY_TICKERS, BreadthStream, breadth } from "./breadth";
import { FeatureSpecError } from "./featureSpecError";
import type { FeatureInput } from "./featureResult";
import type { FeaturesConfig } from "./featuresConfig";
import type { OhlcvBar } from "./indicators";
import type { CrossSectionStep } from "./indicators/descriptor";
import { REGIME_COLUMNS, type RegimeFeature } from "./regimeFeatureNames";
import {
  type GridRegime,
  GridRegimeStream,
  gridRegime,
  type RegimeLabels,
  type RegimesConfig,
  regimeColumns,
  regimesConfigSchema,
  TREND_REGIMES,
  TrendRegimeStream,
  trendRegime,
} from "./regimes";

/** The `regimes:` block's defaults, for callers outside an experiment. */
export const DEFAULT_REGIME_SETTINGS: RegimesConfig = regimesConfigSchema.parse({});

/** The breadth proxy ETFs among the bars and the context. */
function proxiesOf(input: FeatureInput): Bars[] {
  return BREADTH_PROXY_TICKERS.map((t) => (input.bars.ticker === t ? input.bars : input.context?.[t])).filter(
    (b): b is Bars => b !== undefined,
  );
}

/**
 * The grid's labels for the bars. `vix` names the context series holding the VIX
 * (`features.vix`); `path` names the config entry in errors.
 */
function gridLabels(input: FeatureInput, settings: RegimesConfig, vix: string, path: string) {
  const { bars } = input;
  if (bars.timeframe !== "1d") {
    throw new FeatureSpecError(path, `grid12 is defined on daily sessions, the bars are ${bars.timeframe}`);
  }
  const vixBars = input.context?.[vix];
  if (!vixBars)
    throw new FeatureSpecError(path, `grid12 needs the VIX: context series ${vix} (features.vix) not given`);
  const proxies = proxiesOf(input);
  if ((input.universe === undefined || input.universe.size === 0) && proxies.length === 0) {
    throw new FeatureSpecError(
      path,
      `grid12 needs breadth: the universe (universe: bundled) or the proxy ETFs (${BREADTH_PROXY_TICKERS.join(", ")}) as context`,
    );
  }
  const br = breadth(bars.ts, { universe: input.universe, proxies }, { period: settings.grid.breadthPeriod });
  try {
    return gridRegime(bars, { vix: vixBars, breadth: br }, settings.grid);
  } catch (err) {
    throw new FeatureSpecError(path, err instanceof Error ? err.message : String(err));
  }
}

/** One scheme's labels on the bars: an id per bar (−1 undefined) and the regime names. */
export function regimeLabelsOf(
  scheme: RegimeFeature,
  input: FeatureInput,
  settings: RegimesConfig,
  vix: string,
  path = `features.regimes (${scheme})`,
): RegimeLabels {
  return scheme === "trend3" ? trendRegime(input.bars, settings.trend) : gridLabels(input, settings, vix, path);
}

/** Every column of a scheme, named as REGIME_COLUMNS. */
function columnsOf(scheme: RegimeFeature, labels: RegimeLabels): { names: string[]; columns: Float64Array[] } {
  if (scheme === "trend3") return regimeColumns(labels, { oneHot: true });
  const g = labels as GridRegime;
  return {
    names: [...REGIME_COLUMNS.grid12],
    columns: [regimeColumns(g).columns[0], g.vixTercile, g.breadthAbove, g.atrAbove],
  };
}

/** The regime columns of a config, less the excluded ones, in REGIME_COLUMNS order. */
export function regimeFeatureColumns(
  config: FeaturesConfig,
  input: FeatureInput,
  settings: RegimesConfig,
  excluded: ReadonlyMap<string, number>,
): { names: string[]; columns: Float64Array[] } {
  const out = { names: [] as string[], columns: [] as Float64Array[] };
  config.regimes.forEach((scheme, i) => {
    const wanted = REGIME_COLUMNS[scheme].filter((name) => !excluded.has(name));
    if (wanted.length === 0) return;
    const labels = regimeLabelsOf(scheme, input, settings, config.vix, `features.regimes[${i}]`);
    const made = columnsOf(scheme, labels);
    for (const name of wanted) {
      out.names.push(name);
      out.columns.push(made.columns[made.names.indexOf(name)]);
    }
  });
  return out;
}

/** What a stream will be given, for the same checks as the batch's. */
export interface RegimeStreamInput {
  ticker: string;
  timeframe: Timeframe;
  /** Context tickers that will be pushed. */
  context: readonly string[];
  universe: boolean;
}

/**
 * The streaming twin of {@link regimeFeatureColumns}: trend3 from TrendRegimeStream, grid12 from
 * GridRegimeStream with the VIX pushed as a context series and breadth from BreadthStream (the
 * twin of breadth()), which the feature stream feeds as it feeds its breadth columns
 * (`crossSection`). Each twin equals its batch function, so the rows equal the batch frame's.
 */
export class RegimeFeatureStream {
  readonly names: string[] = [];
  /** The grid's breadth, fed with the universe and proxy bars by the feature stream (null without grid12). */
  readonly crossSection: CrossSectionStep | null = null;
  private readonly breadth: BreadthStream | null = null;
  private readonly trend: TrendRegimeStream | null = null;
  private readonly grid: GridRegimeStream | null = null;
  private readonly vix: string;
  private readonly values = new Map<string, number>();

  constructor(
    config: FeaturesConfig,
    settings: RegimesConfig,
    excluded: ReadonlyMap<string, number>,
    input: RegimeStreamInput,
  ) {
    this.vix = config.vix;
    for (const [i, scheme] of config.regimes.entries()) {
      const wanted = REGIME_COLUMNS[scheme].filter((name) => !excluded.has(name));
      if (wanted.length === 0) continue;
      this.names.push(...wanted);
      if (scheme === "trend3") {
        this.trend = new TrendRegimeStream(settings.trend);
        continue;
      }
      const path = `features.regimes[${i}]`;
      if (input.timeframe !== "1d") {
        throw new FeatureSpecError(path, `grid12 is defined on daily sessions, the bars are ${input.timeframe}`);
      }
      if (!input.context.includes(config.vix)) {
        throw new FeatureSpecError(path, `grid12 needs the VIX: context series ${config.vix} (features.vix) not given`);
      }
      const proxies = BREADTH_PROXY_TICKERS.some((t) => t === input.ticker || input.context.includes(t));
      if (!input.universe && !proxies) {
        throw new FeatureSpecError(
          path,
          `grid12 needs breadth: the universe (universe: bundled) or the proxy ETFs (${BREADTH_PROXY_TICKERS.join(", ")}) as context`,
        );
      }
      this.grid = new GridRegimeStream(settings.grid);
      const breadth = new BreadthStream({ period: settings.grid.breadthPeriod });
      this.breadth = breadth;
      this.crossSection = {
        pushUniverse: (t, ts, price) => breadth.pushUniverse(t, ts, price),
        pushProxy: (t, ts, price) => breadth.pushProxy(t, ts, price),
        at: () => ({}),
      };
    }
  }

  /** Whether the regimes read this context series (the grid's VIX). */
  readsContext(ticker: string): boolean {
    return this.grid !== null && ticker === this.vix;
  }

  /** A context bar once visible (each once, in order). */
  pushContext(ticker: string, bar: OhlcvBar): void {
    if (this.grid !== null && ticker === this.vix) this.grid.pushVix(bar.ts, bar.close);
  }

  /** The regime columns at the next base bar, in `names` order, into `row` from `offset`. */
  update(bar: OhlcvBar, row: Float64Array, offset: number): void {
    const v = this.values;
    if (this.trend !== null) {
      const id = this.trend.update(bar);
      v.set("regime_trend", id < 0 ? Number.NaN : id);
      for (const [k, r] of TREND_REGIMES.entries()) v.set(`regime_trend_${r}`, id < 0 ? Number.NaN : id === k ? 1 : 0);
    }
    if (this.grid !== null) {
      const g = this.grid.update(bar, (this.breadth as BreadthStream).at(bar.ts).aboveShare);
      v.set("regime_grid", g.id < 0 ? Number.NaN : g.id);
      v.set("regime_grid_vix_tercile", g.vixTercile);
      v.set("regime_grid_breadth_above", g.breadthAbove);
      v.set("regime_grid_atr_above", g.atrAbove);
    }
    for (let j = 0; j < this.names.length; j++) row[offset + j] = v.get(this.names[j]) as number;
  }
}
