/**
 * The holdout ledger's storage: how many promotion decisions each final-holdout window has served
 * for a registered model (the reuse rule is src/promotion/holdout.ts). The run carries its window
 * as the tags `wsp.holdout.start` / `wsp.holdout.end` (ISO times of its first and last holdout
 * rows); the registered model carries one tag per window and promoted run,
 * `wsp.holdout.<start>_<end>.<run id>` = decisions that run's promotions took on the window (dates,
 * or `YYYY-MM-DDTHHMM` for intraday bars); a window has served the sum. Each promotion rewrites
 * only its own run's key, so promotions of different runs at the same moment (jobs) lose no
 * count; only the same run promoted twice at once could count one short.
 */
import { type HoldoutRecord, type HoldoutWindow, windowStamp } from "../promotion";
import type { ModelRegistry } from "./registry";

export const HOLDOUT_START_TAG = "wsp.holdout.start";
export const HOLDOUT_END_TAG = "wsp.holdout.end";
const WINDOW_PREFIX = "wsp.holdout.";

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

function parseStamp(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2})(\d{2}))?$/.exec(s);
  if (!m) return Number.NaN;
  return Date.parse(m[2] ? `${m[1]}T${m[2]}:${m[3]}:00Z` : `${m[1]}T00:00:00Z`);
}

/** The registered-model tag counting the decisions `runId`'s promotions took on window `w`. */
export function holdoutDecisionKey(w: HoldoutWindow, runId: string): string {
  return `${WINDOW_PREFIX}${windowStamp(w.start)}_${windowStamp(w.end)}.${runId}`;
}

/** The decisions a registered model's tags record, per window and promoted run. */
export function holdoutLedgerOf(tags: Record<string, string>): HoldoutRecord[] {
  const out: HoldoutRecord[] = [];
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
