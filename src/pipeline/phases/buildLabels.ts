/** Phase `labels`: every ticker's labels from the `labels:` block (they look forward; splits purge). */
import { primaryRuleSide } from "../../labels";
import { barrierRegimes } from "../barrierRegimes";
import { primaryModelSides } from "../primaryModelSide";
import { labelCoverageNote } from "../runNotes";
import { featureInputOf, type FeaturesPhase } from "./buildFeatures";
import { tickerLabels } from "../tickerLabels";
import type { PhaseContext } from "./context";
import type { LabelsPhase } from "./labelsPhase";
import type { DataPhase } from "./loadData";

// Where the phases and the monitoring import them from.
export type { LabelsPhase } from "./labelsPhase";
export { tickerLabels } from "../tickerLabels";

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
