/**
 * Turnover of the top and bottom score groups, as Qlib's model performance report measures it:
 * on each date the top group is the ⌊n / groups⌋ names with the highest scores (the bottom
 * group the lowest), and its turnover is the share of them that were not in the group on the
 * previous date, 1 − |top_t ∩ top_{t−1}| / |top_t|. High turnover means a long-short portfolio
 * on the score pays its costs often; the first date has none.
 */
import { type CrossSectionRows, sectionsByDate } from "./crossSectionRows";

export interface ScoreTurnover {
  /** Dates from the second on (each compared with the date before it). */
  dates: number[];
  top: Float64Array;
  bottom: Float64Array;
  meanTop: number;
  meanBottom: number;
}

function changed(now: readonly string[], before: ReadonlySet<string>): number {
  let kept = 0;
  for (const name of now) if (before.has(name)) kept++;
  return 1 - kept / now.length;
}

export function scoreTurnover(panel: CrossSectionRows, opts: { groups?: number } = {}): ScoreTurnover {
  const count = opts.groups ?? 10;
  if (!Number.isInteger(count) || count < 2)
    throw new Error(`scoreTurnover: groups must be an integer ≥ 2, got ${count}`);
  const sections = sectionsByDate(panel).filter((s) => s.rows.length >= count);
  const dates: number[] = [];
  const top: number[] = [];
  const bottom: number[] = [];
  let previous: { top: Set<string>; bottom: Set<string> } | null = null;
  for (const section of sections) {
    const size = Math.floor(section.rows.length / count);
    const names = section.rows.map((i) => panel.name[i]);
    const now = { top: names.slice(0, size), bottom: names.slice(names.length - size) };
    if (previous) {
      dates.push(section.date);
      top.push(changed(now.top, previous.top));
      bottom.push(changed(now.bottom, previous.bottom));
    }
    previous = { top: new Set(now.top), bottom: new Set(now.bottom) };
  }
  const avg = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN);
  return {
    dates,
    top: Float64Array.from(top),
    bottom: Float64Array.from(bottom),
    meanTop: avg(top),
    meanBottom: avg(bottom),
  };
}
