/**
 * The outcome of each stored signal of one model version whose label horizon has passed in the
 * stored bars: the label the labels stage gives the signal's bar (computed over the same bars
 * the run's data phase loads, by the run's `labels:` block), against the forecast's direction.
 * Maturity is read off the bars, not the clock: a signal at bar t matures once bar t + horizon
 * is stored, the vertical barrier every labeller waits for (a triple-barrier label touched
 * earlier is still absent until then, so the last labels are not biased towards big moves).
 */
import type { Bars } from "../../data";
import type { LabelSet } from "../../labels";
import type { NewSignalOutcome, SignalRecord } from "../../store";
import { directionOf } from "../forecast/decision";

/** A ticker's stored bars and their labels by the version's `labels:` block. */
export interface LabelledBars {
  readonly bars: Bars;
  readonly labels: LabelSet;
}

/** A signal the evaluation cannot place: it stays without an outcome, and is reported. */
export interface UnmatchedSignal {
  readonly signalId: number;
  readonly reason: string;
}

export interface VersionOutcomes {
  readonly outcomes: NewSignalOutcome[];
  /** Signals whose horizon has not passed in the stored bars yet. */
  readonly pending: number;
  readonly unmatched: UnmatchedSignal[];
}

/** Index of `ts` in the increasing `times`, or −1. */
function indexOf(times: Float64Array, ts: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] === ts) return mid;
    if (times[mid] < ts) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The probabilities as the model gives them to `directionOf`: P(up) alone for two classes. */
function modelProbs(probabilities: Readonly<Record<string, number>>, classes: readonly string[]): number[] {
  return classes.length === 2 ? [probabilities[classes[1]]] : classes.map((c) => probabilities[c]);
}

/**
 * `signals` of one model version; `byTicker` its tickers' labelled bars; `classes` the names
 * its forecasts report by label code; `horizon` its labels' horizon in bars.
 */
export function versionOutcomes(
  signals: readonly SignalRecord[],
  byTicker: ReadonlyMap<string, LabelledBars>,
  model: { readonly horizon: number; readonly classes: readonly string[] },
  evaluatedAt: number,
): VersionOutcomes {
  const outcomes: NewSignalOutcome[] = [];
  const unmatched: UnmatchedSignal[] = [];
  let pending = 0;
  for (const s of signals) {
    const ticker = byTicker.get(s.symbol);
    if (ticker === undefined) {
      unmatched.push({ signalId: s.id, reason: `${s.symbol} is not one of the model's tickers` });
      continue;
    }
    const { bars, labels } = ticker;
    const t = indexOf(bars.ts, s.barTs);
    if (t < 0) {
      const at = new Date(s.barTs).toISOString();
      unmatched.push({ signalId: s.id, reason: `no stored ${s.symbol} ${bars.timeframe} bar opens at ${at}` });
      continue;
    }
    const end = t + model.horizon;
    if (end >= bars.ts.length) {
      pending++;
      continue;
    }
    const y = labels.y[t];
    const labelled = !Number.isNaN(y);
    outcomes.push({
      signalId: s.id,
      horizonEndTs: labelled ? labels.endTime[t] : bars.ts[end],
      realized: labelled ? { className: model.classes[y], return: labels.ret[t] } : null,
      predictedClass: directionOf(modelProbs(s.probabilities, model.classes)),
      evaluatedAt,
    });
  }
  return { outcomes, pending, unmatched };
}
