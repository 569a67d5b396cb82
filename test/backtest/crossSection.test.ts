/**
 * IC, rank IC, quantile returns and turnover against pandas on a real panel: 30 names of the
 * bundled universe over 2019H1, the 20-day return as the score and the 5-day forward return as
 * the label (scripts/fixtures/cross_section_metrics.py wrote the reference with pandas' Pearson
 * and Spearman correlations and Qlib's grouping rules).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  averageRanks,
  type CrossSectionRows,
  informationCoefficients,
  quantileReturns,
  scoreTurnover,
} from "../../src/backtest/index";
import { isoDate, loadUniverse } from "../../src/data/index";

interface Case {
  dates: string[];
  ic: (number | null)[];
  rank_ic: (number | null)[];
  ic_mean: number;
  ic_std: number;
  groups: (number | null)[][];
  long_short: (number | null)[];
  long_average: (number | null)[];
  turnover_top: number[];
  turnover_bottom: number[];
}
const reference = JSON.parse(
  readFileSync(join(process.cwd(), "test/fixtures/backtest/cross_section_reference.json"), "utf8"),
) as { tickers: string[]; groups: number; momentum: Case; rounded_momentum: Case };

/** numpy's round to 2 decimals: half to even on x · 100. */
function round2(x: number): number {
  const y = x * 100;
  const r = Math.abs(y % 1) === 0.5 ? 2 * Math.round(y / 2) : Math.round(y);
  return r / 100;
}

function panel(rounded: boolean): CrossSectionRows {
  const universe = loadUniverse();
  const date: number[] = [];
  const name: string[] = [];
  const score: number[] = [];
  const forward: number[] = [];
  const from = Date.UTC(2019, 0, 2);
  const to = Date.UTC(2019, 5, 28);
  for (const ticker of reference.tickers) {
    const bars = universe.get(ticker);
    if (!bars) throw new Error(`universe has no ${ticker}`);
    for (let t = 20; t + 5 < bars.ts.length; t++) {
      if (bars.ts[t] < from || bars.ts[t] > to) continue;
      const s = bars.close[t] / bars.close[t - 20] - 1;
      date.push(bars.ts[t]);
      name.push(ticker);
      score.push(rounded ? round2(s) : s);
      forward.push(bars.close[t + 5] / bars.close[t] - 1);
    }
  }
  return { date, name, score, forward };
}

const nan = (v: number | null) => (v === null ? Number.NaN : v);
function expectClose(actual: ArrayLike<number>, expected: (number | null)[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = nan(expected[i]);
    if (Number.isNaN(e)) expect(actual[i]).toBeNaN();
    else expect(actual[i]).toBeCloseTo(e, 10);
  }
}

describe.each([
  ["momentum", false],
  ["rounded_momentum", true],
] as const)("cross-sectional metrics equal pandas on the universe (%s)", (key, rounded) => {
  const expected = reference[key];
  const rows = panel(rounded);

  it("IC and rank IC by date", () => {
    const ics = informationCoefficients(rows);
    expect(ics.dates.map(isoDate)).toEqual(expected.dates);
    expectClose(ics.ic, expected.ic);
    expectClose(ics.rankIc, expected.rank_ic);
    expect(ics.icSummary.mean).toBeCloseTo(expected.ic_mean, 12);
    expect(ics.icSummary.std).toBeCloseTo(expected.ic_std, 12);
  });

  it("group returns, long-short and long-average as Qlib groups them", () => {
    const q = quantileReturns(rows, { groups: reference.groups });
    expect(q.dates.map(isoDate)).toEqual(expected.dates);
    for (const [i, g] of q.groups.entries()) expectClose(g, expected.groups[i]);
    expectClose(q.longShort, expected.long_short);
    expectClose(q.longAverage, expected.long_average);
  });

  it("top and bottom group turnover", () => {
    const t = scoreTurnover(rows, { groups: reference.groups });
    expect(t.dates.map(isoDate)).toEqual(expected.dates.slice(1));
    expectClose(t.top, expected.turnover_top);
    expectClose(t.bottom, expected.turnover_bottom);
  });
});

describe("cross-sectional edge cases", () => {
  it("ties share their mean rank", () => {
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });

  it("leaves out non-finite rows and dates too small to rank", () => {
    const rows: CrossSectionRows = {
      date: [1, 1, 1, 2, 2, 2],
      name: ["a", "b", "c", "a", "b", "c"],
      score: [1, 2, 3, 1, Number.NaN, 3],
      forward: [0.1, 0.2, 0.3, 0.1, 0.2, 0.3],
    };
    const ics = informationCoefficients(rows);
    expect(ics.ic[0]).toBeCloseTo(1, 12);
    expect(ics.ic[1]).toBeNaN();
    expect(ics.icSummary.dates).toBe(1);
  });

  it("refuses columns of different lengths, naming the column", () => {
    expect(() => informationCoefficients({ date: [1, 2], name: ["a"], score: [1, 2], forward: [1, 2] })).toThrow(
      "cross-section: name has 1 rows, date has 2",
    );
    expect(() => quantileReturns({ date: [], name: [], score: [], forward: [] }, { groups: 1 })).toThrow(
      "groups must be an integer ≥ 2",
    );
  });
});
