/**
 * The holdout ledger of a registered model: how many promotion decisions each final-holdout
 * window has served. Every challenger is compared with the champion on its holdout, so a window
 * that has judged many decisions has been selected on: it is no longer out of sample for the
 * model that survived them. Past `promotion.holdout_reuse_limit` decisions, `wsp promote` needs
 * a forward window: a run whose holdout starts after the used-up window ends. An earlier window
 * will not do, even one that overlaps nothing recorded: the runs judged on the used-up holdout
 * trained and selected on the data before it.
 *
 * Storage: the run carries its window as the tags `wsp.holdout.start` / `wsp.holdout.end` (ISO
 * times of its first and last holdout rows); the registered model carries one tag per window,
 * `wsp.holdout.<start>_<end>` = decisions served (dates, or `YYYY-MM-DDTHHMM` for intraday
 * bars). Windows that overlap share their decisions: a holdout shifted by a few bars is still
 * mostly the same data. The count is read-modify-written; two promotions of the same model at
 * the same instant could count one decision short, which a one-person registry does not meet.
 */
import type { ModelRegistry } from "./registry";

export const HOLDOUT_START_TAG = "wsp.holdout.start";
export const HOLDOUT_END_TAG = "wsp.holdout.end";
const WINDOW_PREFIX = "wsp.holdout.";

export interface HoldoutWindow {
  /** Epoch ms of the first and last holdout rows. */
  start: number;
  end: number;
}

/** The run tags that record its holdout window. */
export function holdoutWindowTags(w: HoldoutWindow): Record<string, string> {
  return { [HOLDOUT_START_TAG]: new Date(w.start).toISOString(), [HOLDOUT_END_TAG]: new Date(w.end).toISOString() };
}

/** The run's holdout window from its tags; null when it records none (runs made before the ledger). */
export function holdoutWindowOf(tags: Record<string, string>): HoldoutWindow | null {
  const start = Date.parse(tags[HOLDOUT_START_TAG] ?? "");
  const end = Date.parse(tags[HOLDOUT_END_TAG] ?? "");
  return Number.isFinite(start) && Number.isFinite(end) ? { start, end } : null;
}

function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z")
    ? iso.slice(0, 10)
    : `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

function parseStamp(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2})(\d{2}))?$/.exec(s);
  if (!m) return Number.NaN;
  return Date.parse(m[2] ? `${m[1]}T${m[2]}:${m[3]}:00Z` : `${m[1]}T00:00:00Z`);
}

/** "2024-07-24..2026-07-23" */
export function describeWindow(w: HoldoutWindow): string {
  return `${stamp(w.start)}..${stamp(w.end)}`;
}

export function holdoutWindowKey(w: HoldoutWindow): string {
  return `${WINDOW_PREFIX}${stamp(w.start)}_${stamp(w.end)}`;
}

/** The windows a registered model's tags record, with the decisions each served. */
export function holdoutLedgerOf(tags: Record<string, string>): { window: HoldoutWindow; decisions: number }[] {
  const out: { window: HoldoutWindow; decisions: number }[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(WINDOW_PREFIX)) continue;
    const [a, b, ...rest] = key.slice(WINDOW_PREFIX.length).split("_");
    const window = { start: parseStamp(a), end: parseStamp(b ?? "") };
    const decisions = Number(value);
    if (rest.length === 0 && Number.isFinite(window.start) && Number.isFinite(window.end) && decisions >= 0) {
      out.push({ window, decisions });
    }
  }
  return out;
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
function servedBy(ledger: { window: HoldoutWindow; decisions: number }[], w: HoldoutWindow) {
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
export function holdoutUse(tags: Record<string, string>, w: HoldoutWindow, limit: number): HoldoutUse {
  const ledger = holdoutLedgerOf(tags);
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
    return `the final holdout ${describeWindow(use.window)} (with the windows it overlaps) has served ${use.served} promotion decisions for ${name}, ${limit}: it has become a selection set. Promote a run with a forward window, a final holdout that starts after ${stamp(use.overlapEnd)} (run the experiment again once data.end reaches past it)`;
  }
  if (use.usedUp && use.window.start <= use.usedUp.window.end) {
    return `the final holdout ${describeWindow(use.window)} starts before the end of the final holdout ${describeWindow(use.usedUp.window)}, which has served ${use.usedUp.served} promotion decisions for ${name}, ${limit}: past it only later data is a holdout (earlier data trained the runs judged on it). Promote a run with a forward window, a final holdout that starts after ${stamp(use.usedUp.window.end)}`;
  }
  return null;
}

/** Counts one more decision for the run's own window; returns the window's new count. */
export async function countHoldoutDecision(
  registry: ModelRegistry,
  name: string,
  tags: Record<string, string>,
  w: HoldoutWindow,
): Promise<number> {
  const key = holdoutWindowKey(w);
  const count = Number(tags[key] ?? 0) + 1;
  await registry.setRegisteredModelTag(name, key, String(count));
  return count;
}
