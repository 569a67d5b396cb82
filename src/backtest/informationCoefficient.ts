/**
 * The information coefficient by date, as Qlib's `calc_ic` reports it: IC is the Pearson
 * correlation between the scores and the forward returns across the names of one date; rank IC
 * the Spearman correlation (Pearson on average ranks, ties sharing their mean rank). A date with
 * fewer than `minNames` usable names, or with constant scores or returns, has no IC (NaN) and is
 * left out of the summary.
 */
import { type CrossSectionRows, sectionsByDate } from "./crossSectionRows";

export interface IcSummary {
  mean: number;
  std: number;
  /** mean / std: Qlib's ICIR (per date, not annualised). */
  ir: number;
  /** mean / (std / √dates): how far the mean IC is from 0 in standard errors (dates assumed independent). */
  tStat: number;
  /** Share of dates with a positive IC. */
  positiveShare: number;
  /** Dates with an IC. */
  dates: number;
}

export interface InformationCoefficients {
  dates: number[];
  ic: Float64Array;
  rankIc: Float64Array;
  icSummary: IcSummary;
  rankIcSummary: IcSummary;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Ranks 1..n, tied values sharing the mean of their ranks. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman rank correlation: Pearson on average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** The summary of a per-date series, NaN dates left out. */
export function icSummary(series: ArrayLike<number>): IcSummary {
  const values = Array.from(series).filter(Number.isFinite);
  const n = values.length;
  const mean = n > 0 ? values.reduce((s, v) => s + v, 0) / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return {
    mean,
    std,
    ir: mean / std,
    tStat: mean / (std / Math.sqrt(n)),
    positiveShare: n > 0 ? values.filter((v) => v > 0).length / n : Number.NaN,
    dates: n,
  };
}

export function informationCoefficients(
  panel: CrossSectionRows,
  opts: { minNames?: number } = {},
): InformationCoefficients {
  const minNames = opts.minNames ?? 3;
  const sections = sectionsByDate(panel);
  const ic = new Float64Array(sections.length);
  const rankIc = new Float64Array(sections.length);
  sections.forEach((section, d) => {
    if (section.rows.length < minNames) {
      ic[d] = Number.NaN;
      rankIc[d] = Number.NaN;
      return;
    }
    const score = section.rows.map((i) => panel.score[i]);
    const forward = section.rows.map((i) => panel.forward[i]);
    ic[d] = pearson(score, forward);
    rankIc[d] = spearman(score, forward);
  });
  return {
    dates: sections.map((s) => s.date),
    ic,
    rankIc,
    icSummary: icSummary(ic),
    rankIcSummary: icSummary(rankIc),
  };
}
