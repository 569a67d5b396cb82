/**
 * `features.regimes`: regime schemes as feature columns (names and encodings in
 * regimeFeatureNames.ts), from bars ≤ t only: the trend regime is built from causal indicators,
 * the grid from an expanding VIX percentile, breadth of dates ≤ t and a trailing ATR median.
 * Their settings are the experiment's top-level `regimes:` block, which also labels the run's
 * report splits: the same function gives the columns and the labels, so they cannot disagree.
 */
import type { Bars } from "../data";
import { BREADTH_PROXY_TICKERS, breadth } from "./breadth";
import { FeatureSpecError } from "./featureSpecError";
import type { FeatureInput } from "./featureResult";
import type { FeaturesConfig } from "./featuresConfig";
import type { OhlcvBar } from "./indicators";
import { REGIME_COLUMNS, type RegimeFeature } from "./regimeFeatureNames";
import {
  type GridRegime,
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

/**
 * The streaming twin of {@link regimeFeatureColumns}: trend3 from TrendRegimeStream (equal to
 * the batch by its contract). grid12 has no twin yet (its expanding VIX percentile and breadth
 * would need the feed's context and universe pushes): a stream refuses it, naming the entry,
 * so a served model can never silently forecast with the column missing.
 */
export class RegimeFeatureStream {
  readonly names: string[];
  private trend: TrendRegimeStream | null = null;
  private readonly wanted: string[] = [];
  private readonly values = new Map<string, number>();

  constructor(config: FeaturesConfig, settings: RegimesConfig, excluded: ReadonlyMap<string, number>) {
    config.regimes.forEach((scheme, i) => {
      const wanted = REGIME_COLUMNS[scheme].filter((name) => !excluded.has(name));
      if (wanted.length === 0) return;
      if (scheme === "grid12") {
        throw new FeatureSpecError(
          `features.regimes[${i}]`,
          "grid12 has no streaming twin: a served model (forecast, paper trading) cannot compute it; serve a model without it (trend3 streams)",
        );
      }
      this.trend = new TrendRegimeStream(settings.trend);
      this.wanted.push(...wanted);
    });
    this.names = [...this.wanted];
  }

  /** The regime columns at the next base bar, in `names` order, into `row` from `offset`. */
  update(bar: OhlcvBar, row: Float64Array, offset: number): void {
    if (this.trend === null) return;
    const id = this.trend.update(bar);
    this.values.set("regime_trend", id < 0 ? Number.NaN : id);
    for (const [k, r] of TREND_REGIMES.entries()) {
      this.values.set(`regime_trend_${r}`, id < 0 ? Number.NaN : id === k ? 1 : 0);
    }
    for (let j = 0; j < this.wanted.length; j++) row[offset + j] = this.values.get(this.wanted[j]) as number;
  }
}
