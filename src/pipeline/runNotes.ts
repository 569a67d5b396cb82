/**
 * The one-line notes a run prints beside its tables: what the feature presets skipped, which
 * label rows are absent and why, and a final-holdout score that disagrees with walk-forward
 * beyond chance. Each is one line however many entries it covers, so the summary stays
 * readable on the default feature set.
 */
import { aucNullStd } from "../validation";
import type { Scores } from "./classificationMetrics";

/**
 * Preset entries the input lacks something for, grouped by reason:
 * `features (SPY): 6 preset entries skipped: vwap, clock (needs intraday bars, the bars are 1d); …`.
 * Null when nothing was skipped.
 */
export function skippedFeaturesNote(
  ticker: string,
  skipped: readonly { path: string; reason: string }[],
): string | null {
  if (skipped.length === 0) return null;
  const byReason = new Map<string, string[]>();
  for (const s of skipped) {
    // Paths end in "(<indicator>)"; reasons often start with the same name.
    const name = /\(([^()]+)\)$/.exec(s.path)?.[1] ?? s.path;
    const reason = s.reason.startsWith(`${name} `) ? s.reason.slice(name.length + 1) : s.reason;
    byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
  }
  const groups = [...byReason].map(([reason, names]) => `${countedNames(names)} (${reason})`);
  const entries = skipped.length === 1 ? "1 preset entry" : `${skipped.length} preset entries`;
  return `features (${ticker}): ${entries} skipped: ${groups.join("; ")}`;
}

/** "beta, correlation ×2" */
function countedNames(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n)).join(", ");
}

/**
 * Label rows without a label, by cause: the warm-up at the start (a rolling volatility not yet
 * defined), the end (the horizon runs past the data), NaN inputs (the label set's own count,
 * `lostToNaN`), and other rows inside a series (a window crossing a session end, no primary
 * signal for meta labels). One line over every ticker: `labels (SPY): 6,432 of 6,462 rows
 * labelled; 30 without a label (20 warm-up, 10 past the end, 0 removed by NaN inputs)`.
 */
export function labelCoverageNote(series: readonly { ticker: string; y: Float64Array; lostToNaN: number }[]): string {
  let total = 0;
  let lead = 0;
  let tail = 0;
  let inside = 0;
  let lost = 0;
  for (const { y, lostToNaN } of series) {
    const n = y.length;
    let a = 0;
    while (a < n && Number.isNaN(y[a])) a++;
    let b = 0;
    while (b < n - a && Number.isNaN(y[n - 1 - b])) b++;
    for (let i = a; i < n - b; i++) if (Number.isNaN(y[i])) inside++;
    total += n;
    lead += a;
    tail += b;
    lost += lostToNaN;
  }
  const absent = lead + tail + inside;
  // A NaN input near either end is counted by the label set and also lies in the lead or tail run.
  const other = Math.max(0, inside - lost);
  const fmt = (x: number) => x.toLocaleString("en-US");
  const tickers = series.map((s) => s.ticker).join(", ");
  const otherText = other > 0 ? `, ${fmt(other)} other (a session end inside the window, no primary signal)` : "";
  return `labels (${tickers}): ${fmt(total - absent)} of ${fmt(total)} rows labelled; ${fmt(absent)} without a label (${fmt(lead)} warm-up, ${fmt(tail)} past the end, ${fmt(lost)} removed by NaN inputs${otherText})`;
}

/** Class counts of the rows a score was computed on: positives among all of them. */
export interface ClassCounts {
  positives: number;
  rows: number;
}

/** Rows of `rows` with a label and a prediction (as scored), and how many are of class `positive`. */
export function classCounts(
  y: Float64Array,
  probs: Float64Array,
  width: number,
  rows: ArrayLike<number>,
  positive: number,
): ClassCounts {
  let scored = 0;
  let positives = 0;
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    if (Number.isNaN(y[r]) || Number.isNaN(probs[r * width])) continue;
    scored++;
    if (y[r] === positive) positives++;
  }
  return { positives, rows: scored };
}

/** How far apart the final-holdout and walk-forward AUCs are, in null standard deviations of their difference. */
export function holdoutGap(
  oos: Scores,
  holdout: Scores,
  oosCounts: ClassCounts,
  holdoutCounts: ClassCounts,
): { gap: number; nullSd: number; z: number } {
  const sd = (c: ClassCounts) => aucNullStd(c.positives, c.rows - c.positives);
  const nullSd = Math.hypot(sd(oosCounts), sd(holdoutCounts));
  const gap = holdout.auc - oos.auc;
  return { gap, nullSd, z: gap / nullSd };
}

/** Beyond this many null standard deviations the holdout and walk-forward disagree. */
export const HOLDOUT_GAP_LIMIT = 2;

/**
 * A line when a variant's holdout AUC differs from its walk-forward AUC beyond chance (null
 * when it does not): either direction says the two periods do not measure the same model.
 */
export function holdoutGapNote(
  variant: string,
  oos: Scores,
  holdout: Scores,
  oosCounts: ClassCounts,
  holdoutCounts: ClassCounts,
): string | null {
  const g = holdoutGap(oos, holdout, oosCounts, holdoutCounts);
  if (!(Math.abs(g.z) > HOLDOUT_GAP_LIMIT)) return null;
  const side = g.gap > 0 ? "above" : "below";
  return `holdout gap: ${variant} holdout AUC ${holdout.auc.toFixed(4)} is ${Math.abs(g.z).toFixed(2)} null sd ${side} its walk-forward AUC ${oos.auc.toFixed(4)} (beyond ${HOLDOUT_GAP_LIMIT}): the holdout period behaves unlike the folds; read the headline with care`;
}
