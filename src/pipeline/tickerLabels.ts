import { type Bars, isIntraday, newYorkDayOf } from "../data";
import { type LabelInputs, type LabelSet, type LabelsConfig, labelsFromConfig } from "../labels";

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
): LabelSet {
  return labelsFromConfig(bars, labels, {
    ...inputs,
    session: isIntraday(bars.timeframe) ? Float64Array.from(bars.ts, newYorkDayOf) : undefined,
  });
}
