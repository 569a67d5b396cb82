/** Phase `features`: every ticker's feature frame, from bars ≤ t only (computeFeatures). */
import { type Bars, isIntraday, loadUniverse } from "../../data";
import {
  type computeFeatures,
  computeFeaturesMany,
  type FeatureInput,
  featurePlan,
  parseFeaturesConfig,
  REGIME_FEATURES,
  type RegimeFeature,
  type RegimeLabels,
  regimeLabelsOf,
} from "../../features";
import { skippedFeaturesNote } from "../runNotes";
import type { ExperimentConfig } from "../config";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";

export interface FeaturesPhase {
  /** One result per ticker, in `DataPhase.tickerBars` order. */
  results: ReturnType<typeof computeFeatures>[];
  /**
   * The report splits: per scheme, per ticker, the regime of each bar (causal, from the
   * `regimes:` block's settings, the same labels as the `features.regimes` columns). trend3
   * always (calibration and the backtest split by it), grid12 when `features.regimes` lists it.
   */
  splits: { scheme: RegimeFeature; labels: RegimeLabels[] }[];
  notes: string[];
}

/** The schemes a run splits its report by: trend3 and those `features.regimes` adds. */
export function splitSchemes(config: Pick<ExperimentConfig, "features">): RegimeFeature[] {
  return REGIME_FEATURES.filter((s) => s === "trend3" || config.features.regimes.includes(s));
}

/** The stock universe the config asks for (`universe: bundled`), or none. */
export function universeOf(
  config: Pick<ExperimentConfig, "universe">,
  dataDir?: string,
): Map<string, Bars> | undefined {
  return config.universe === "bundled" ? loadUniverse(dataDir) : undefined;
}

/**
 * What ticker `k`'s features are computed from: its bars, the context series and the other
 * tickers (benchmark-relative features; daily ones only, as context is carried onto bars once
 * its bar has closed), and the universe. The forecast service builds its feeds from the same.
 */
export function featureInputOf(
  data: Pick<DataPhase, "tickerBars" | "context">,
  k: number,
  universe: Map<string, Bars> | undefined,
): FeatureInput {
  const bars = data.tickerBars[k];
  const context = Object.fromEntries([
    ...data.context.map((c) => [c.ticker, c] as const),
    ...data.tickerBars.filter((b) => b !== bars && !isIntraday(b.timeframe)).map((b) => [b.ticker, b] as const),
  ]);
  return { bars, context, universe };
}

export async function buildFeatures({ config, hooks, timer }: PhaseContext, data: DataPhase): Promise<FeaturesPhase> {
  const notes: string[] = [];
  const universe = universeOf(config, hooks.dataDir);
  if (universe) {
    notes.push(
      `universe: ${universe.size} stocks that were S&P 500 members when the file was pulled (Jan 2020): survivorship-biased (names that left the index are missing), so breadth and cross-sectional features look healthier than they were`,
    );
  }
  const { tickerBars } = data;
  const inputs = tickerBars.map((_, k) => featureInputOf(data, k, universe));
  const results = await timer.run("features", tickerBars.length, (h) =>
    computeFeaturesMany(config.features, inputs, { regimes: config.regimes, onEach: () => h.tick() }),
  );
  for (const [k, fr] of results.entries()) {
    const skipped = skippedFeaturesNote(data.tickers[k], fr.report.skipped);
    if (skipped) notes.push(skipped);
  }
  const { excluded } = featurePlan(parseFeaturesConfig(config.features), data.tickerBars[0].timeframe);
  if (excluded.size > 0) {
    const names = [...excluded.keys()];
    notes.push(
      `features.exclude: ${names.length} columns left out (${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""})`,
    );
  }
  const splits = splitSchemes(config).map((scheme) => ({
    scheme,
    labels: tickerBars.map((_, k) =>
      regimeLabelsOf(scheme, featureInputOf(data, k, universe), config.regimes, config.features.vix),
    ),
  }));
  return { results, splits, notes };
}
