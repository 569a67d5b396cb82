/** Phase `labels`: every ticker's labels from the `labels:` block (they look forward; splits purge). */
import { type Bars, isIntraday, newYorkDayOf } from "../../data";
import { type LabelInputs, type LabelsConfig, labelsFromConfig, primaryRuleSide } from "../../labels";
import { barrierRegimes } from "../barrierRegimes";
import { primaryModelSides } from "../primaryModelSide";
import { labelCoverageNote } from "../runNotes";
import { featureInputOf, type FeaturesPhase } from "./buildFeatures";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";

export interface LabelsPhase {
  /** One label set per ticker, in `DataPhase.tickerBars` order. */
  sets: ReturnType<typeof labelsFromConfig>[];
  /** Class names by label code. */
  classes: readonly string[];
  /** Probabilities per label row: 1 (P(class 1)) for binary labels, else one per class. */
  width: number;
  /**
   * Meta labels: the primary side per ticker's bar (+1 long, −1 short, 0 or NaN none), which the
   * backtest trades when the model says TAKE; null for direction labels.
   */
  primarySide: Float64Array[] | null;
  notes: string[];
}

export async function buildLabels(ctx: PhaseContext, data: DataPhase, features: FeaturesPhase): Promise<LabelsPhase> {
  const { config, hooks, timer } = ctx;
  const { tickerBars, tickers } = data;
  const labels = config.labels;
  const notes: string[] = [];
  const barriers = labels.kind === "fixed_horizon" ? null : labels.barriers;
  const regime =
    barriers?.scale === "regime" && barriers.regimes
      ? barrierRegimes(barriers.regimes, config, tickerBars, data.context, hooks.dataDir)
      : null;
  let primarySide: Float64Array[] | null = null;
  if (labels.kind === "meta") {
    const { primary } = labels;
    if (!("model" in primary)) {
      primarySide = tickerBars.map((_, k) => primaryRuleSide(primary, featureInputOf(data, k, undefined)));
    } else {
      const sides = await primaryModelSides(ctx, data, features, primary, labels.horizon);
      primarySide = sides.side;
      notes.push(sides.note);
    }
  }
  const sets = await timer.run("labels", tickerBars.length, () =>
    tickerBars.map((bars, k) => tickerLabels(labels, bars, { regime: regime?.[k], side: primarySide?.[k] })),
  );
  const classes = sets[0].classes;
  return {
    sets,
    classes,
    width: classes.length === 2 ? 1 : classes.length,
    primarySide,
    notes: [labelCoverageNote(sets.map((l, k) => ({ ticker: tickers[k], y: l.y, lostToNaN: l.lostToNaN }))), ...notes],
  };
}

/**
 * One ticker's labels as the run computed them: intraday labels stay within their New York
 * session; `inputs` carries the regime ids and primary side the labels block asks for. The
 * evaluation of served signals (pipeline/monitoring) labels the stored bars with this same call,
 * so a signal's outcome is the label training would have given its bar.
 */
export function tickerLabels(
  labels: LabelsConfig,
  bars: Bars,
  inputs: Pick<LabelInputs, "regime" | "side"> = {},
): ReturnType<typeof labelsFromConfig> {
  return labelsFromConfig(bars, labels, {
    ...inputs,
    session: isIntraday(bars.timeframe) ? Float64Array.from(bars.ts, newYorkDayOf) : undefined,
  });
}
