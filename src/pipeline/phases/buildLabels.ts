/** Phase `labels`: every ticker's labels from the `labels:` block (they look forward; splits purge). */
import { isIntraday, newYorkDayOf } from "../../data";
import { labelsFromConfig } from "../../labels";
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
    tickerBars.map((bars) =>
      labelsFromConfig(bars, config.labels, {
        session: isIntraday(bars.timeframe) ? Float64Array.from(bars.ts, newYorkDayOf) : undefined,
      }),
    ),
  );
  const classes = sets[0].classes;
  return {
    sets,
    classes,
    width: classes.length === 2 ? 1 : classes.length,
    notes: [labelCoverageNote(sets.map((l, k) => ({ ticker: tickers[k], y: l.y, lostToNaN: l.lostToNaN })))],
  };
}
