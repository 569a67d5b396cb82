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
 * times of its first and last holdout rows); the registered model carries one tag per window and
 * promoted run, `wsp.holdout.<start>_<end>.<run id>` = decisions that run's promotions took on
 * the window (dates, or `YYYY-MM-DDTHHMM` for intraday bars); a window has served the sum. Each
 * promotion rewrites only its own run's key, so promotions of different runs at the same moment
 * (jobs) lose no count; only the same run promoted twice at once could count one short. Windows
 * that overlap share their decisions: a holdout shifted by a few bars is still mostly the same data.
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

/** The registered-model tag counting the decisions `runId`'s promotions took on window `w`. */
export function holdoutDecisionKey(w: HoldoutWindow, runId: string): string {
  return `${WINDOW_PREFIX}${stamp(w.start)}_${stamp(w.end)}.${runId}`;
}

/** The decisions a registered model's tags record, per window and promoted run. */
export function holdoutLedgerOf(tags: Record<string, string>): { window: HoldoutWindow; decisions: number }[] {
  const out: { window: HoldoutWindow; decisions: number }[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const m = /^(\d[\dT-]*)_(\d[\dT-]*)\.\w+$/.exec(
      key.startsWith(WINDOW_PREFIX) ? key.slice(WINDOW_PREFIX.length) : "",
    );
    if (!m) continue;
    const window = { start: parseStamp(m[1]), end: parseStamp(m[2]) };
    const decisions = Number(value);
    if (Number.isFinite(window.start) && Number.isFinite(window.end) && decisions >= 0) out.push({ window, decisions });
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

/** Counts one more decision of `runId` on its window `w` (`tags`: the registered model's, read before). */
export async function countHoldoutDecision(
  registry: ModelRegistry,
  name: string,
  tags: Record<string, string>,
  w: HoldoutWindow,
  runId: string,
): Promise<void> {
  const key = holdoutDecisionKey(w, runId);
  await registry.setRegisteredModelTag(name, key, String(Number(tags[key] ?? 0) + 1));
}
