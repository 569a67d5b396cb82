/**
 * Mean forward return by score group and date, as Qlib's model performance report groups them:
 * each date's names sorted by score descending and cut into `groups` groups of ⌊n / groups⌋
 * names each (Group 1 the highest scores; the few names left over at the bottom belong to no
 * group). The long-short spread is Group 1 less the last group; long-average is Group 1 less the
 * mean of every usable name that date. A date with fewer names than groups has no row.
 */
import { type CrossSectionRows, sectionsByDate } from "./crossSectionRows";

export interface QuantileReturns {
  dates: number[];
  /** `groups[g][d]`: mean forward return of group g + 1 on dates[d]. */
  groups: Float64Array[];
  longShort: Float64Array;
  longAverage: Float64Array;
  /** Mean over dates of each group's return. */
  groupMeans: number[];
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

export function quantileReturns(panel: CrossSectionRows, opts: { groups?: number } = {}): QuantileReturns {
  const count = opts.groups ?? 10;
  if (!Number.isInteger(count) || count < 2)
    throw new Error(`quantileReturns: groups must be an integer ≥ 2, got ${count}`);
  const sections = sectionsByDate(panel).filter((s) => s.rows.length >= count);
  const groups = Array.from({ length: count }, () => new Float64Array(sections.length));
  const longShort = new Float64Array(sections.length);
  const longAverage = new Float64Array(sections.length);
  sections.forEach((section, d) => {
    const size = Math.floor(section.rows.length / count);
    const forward = section.rows.map((i) => panel.forward[i]);
    for (let g = 0; g < count; g++) groups[g][d] = mean(forward.slice(g * size, (g + 1) * size));
    longShort[d] = groups[0][d] - groups[count - 1][d];
    longAverage[d] = groups[0][d] - mean(forward);
  });
  return {
    dates: sections.map((s) => s.date),
    groups,
    longShort,
    longAverage,
    groupMeans: groups.map((g) => mean(g)),
  };
}
