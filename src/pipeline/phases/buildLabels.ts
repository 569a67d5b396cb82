/** Phase `labels`: every ticker's labels from the `labels:` block (they look forward; splits purge). */
import { type Bars, isIntraday, newYorkDayOf } from "../../data";
import { type LabelsConfig, labelsFromConfig } from "../../labels";
import { labelCoverageNote } from "../runNotes";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";

export interface LabelsPhase {
  /** One label set per ticker, in `DataPhase.tickerBars` order. */
  sets: ReturnType<typeof labelsFromConfig>[];
  /** Class names by label code. */
  classes: readonly string[];
  /** Probabilities per label row: 1 (P(class 1)) for binary labels, else one per class. */
  width: number;
  notes: string[];
}

export async function buildLabels({ config, timer }: PhaseContext, data: DataPhase): Promise<LabelsPhase> {
  const { tickerBars, tickers } = data;
  const sets = await timer.run("labels", tickerBars.length, () =>
    tickerBars.map((bars) => tickerLabels(config.labels, bars)),
  );
  const classes = sets[0].classes;
  return {
    sets,
    classes,
    width: classes.length === 2 ? 1 : classes.length,
    notes: [labelCoverageNote(sets.map((l, k) => ({ ticker: tickers[k], y: l.y, lostToNaN: l.lostToNaN })))],
  };
}

/**
 * One ticker's labels as the run computed them: intraday labels stay within their New York
 * session. The evaluation of served signals (pipeline/monitoring) labels the stored bars with
 * this same call, so a signal's outcome is the label training would have given its bar.
 */
export function tickerLabels(labels: LabelsConfig, bars: Bars): ReturnType<typeof labelsFromConfig> {
  return labelsFromConfig(bars, labels, {
    session: isIntraday(bars.timeframe) ? Float64Array.from(bars.ts, newYorkDayOf) : undefined,
  });
}
