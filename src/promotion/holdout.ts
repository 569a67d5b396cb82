/**
 * The holdout reuse rule. Every challenger is compared with the champion on its final holdout, so
 * a window that has judged many decisions has been selected on: it is no longer out of sample for
 * the model that survived them. Past `promotion.holdout_reuse_limit` decisions a promotion needs a
 * forward window: a holdout that starts after the used-up window ends. An earlier window will not
 * do, even one that overlaps nothing recorded: the runs judged on the used-up holdout trained and
 * selected on the data before it. Windows that overlap share their decisions: a holdout shifted by
 * a few bars is still mostly the same data. The counts are stored by tracking/holdoutLedger.ts.
 */

export interface HoldoutWindow {
  /** Epoch ms of the first and last holdout rows. */
  start: number;
  end: number;
}

/** Decisions recorded for one window (and one promoted run). */
export interface HoldoutRecord {
  window: HoldoutWindow;
  decisions: number;
}

/** A window bound as a date, or `YYYY-MM-DDTHHMM` for intraday bars. */
export function windowStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z")
    ? iso.slice(0, 10)
    : `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** "2024-07-24..2026-07-23" */
export function describeWindow(w: HoldoutWindow): string {
  return `${windowStamp(w.start)}..${windowStamp(w.end)}`;
}

export interface HoldoutUse {
  window: HoldoutWindow;
  /** Decisions the window (and the windows it overlaps) served before this one. */
  served: number;
  limit: number;
  /** The latest end among the recorded windows it overlaps (its own end when none): a forward window starts after it. */
  overlapEnd: number;
  /** The latest-ending recorded window that has served the limit (with the windows it overlaps); null when none has. */
  usedUp: { window: HoldoutWindow; served: number } | null;
}

/** Decisions served by `w` and every recorded window it overlaps, and the latest end among those. */
function servedBy(ledger: readonly HoldoutRecord[], w: HoldoutWindow) {
  let served = 0;
  let overlapEnd = Number.NEGATIVE_INFINITY;
  for (const r of ledger) {
    if (r.window.start <= w.end && w.start <= r.window.end) {
      served += r.decisions;
      overlapEnd = Math.max(overlapEnd, r.window.end);
    }
  }
  return { served, overlapEnd: Number.isFinite(overlapEnd) ? overlapEnd : w.end };
}

/** How much `w` has served already, counting every recorded window it overlaps, and the latest used-up window. */
export function holdoutUse(ledger: readonly HoldoutRecord[], w: HoldoutWindow, limit: number): HoldoutUse {
  let usedUp: HoldoutUse["usedUp"] = null;
  for (const r of ledger) {
    const { served } = servedBy(ledger, r.window);
    if (served >= limit && (usedUp === null || r.window.end > usedUp.window.end)) usedUp = { window: r.window, served };
  }
  return { window: w, ...servedBy(ledger, w), limit, usedUp };
}

/** Null when the window may serve one more decision, else why not and what to do. */
export function holdoutRefusal(name: string, use: HoldoutUse): string | null {
  const limit = `the limit (promotion.holdout_reuse_limit = ${use.limit})`;
  if (use.served >= use.limit) {
    return `the final holdout ${describeWindow(use.window)} (with the windows it overlaps) has served ${use.served} promotion decisions for ${name}, ${limit}: it has become a selection set. Promote a run with a forward window, a final holdout that starts after ${windowStamp(use.overlapEnd)} (run the experiment again once data.end reaches past it)`;
  }
  if (use.usedUp && use.window.start <= use.usedUp.window.end) {
    return `the final holdout ${describeWindow(use.window)} starts before the end of the final holdout ${describeWindow(use.usedUp.window)}, which has served ${use.usedUp.served} promotion decisions for ${name}, ${limit}: past it only later data is a holdout (earlier data trained the runs judged on it). Promote a run with a forward window, a final holdout that starts after ${windowStamp(use.usedUp.window.end)}`;
  }
  return null;
}

/** The description's line on the holdout window this decision used. */
export function holdoutLine(name: string, use: HoldoutUse | null): string {
  return use
    ? `Final holdout ${describeWindow(use.window)}: promotion decision ${use.served + 1} of at most ${use.limit} it may serve for ${name}.`
    : "Final holdout: the run records no window (wsp.holdout.start/end), so its reuse is not counted.";
}
