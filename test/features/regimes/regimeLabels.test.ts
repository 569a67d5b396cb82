import { describe, expect, it } from "vitest";
import { dayMsOf } from "../../../src/data";
import { formatRegimeShares, type RegimeLabels, regimeSharesByYear } from "../../../src/features/regimes";

const labels: RegimeLabels = {
  scheme: "regime_test",
  ts: Float64Array.from(["2019-12-30", "2019-12-31", "2020-01-02", "2020-01-03", "2020-01-06"], dayMsOf),
  ids: Int32Array.of(-1, 1, 0, 1, 1),
  names: ["up", "down"],
};

describe("regimeSharesByYear", () => {
  it("counts defined sessions per UTC year and leaves undefined ones out of the shares", () => {
    const rows = regimeSharesByYear(labels);
    expect(rows.map((r) => r.year)).toEqual([2019, 2020]);
    expect(rows[0]).toEqual({ year: 2019, sessions: 1, undefinedSessions: 1, counts: [0, 1], shares: [0, 1] });
    expect(rows[1].counts).toEqual([1, 2]);
    expect(rows[1].shares[0]).toBeCloseTo(1 / 3, 15);
  });

  it("gives NaN shares for a year with no defined session", () => {
    const rows = regimeSharesByYear({ ...labels, ids: Int32Array.of(-1, -1, 0, 0, 0) });
    expect(rows[0].sessions).toBe(0);
    expect(rows[0].shares.every(Number.isNaN)).toBe(true);
  });
});

describe("formatRegimeShares", () => {
  it("prints one line per year with percentages, counts, and optional short headers and legend", () => {
    const text = formatRegimeShares(labels);
    expect(text.split("\n")).toEqual([
      "regime_test: share of sessions per regime and year (%)",
      "year    up  down      n  undef",
      "2019   0.0 100.0      1      1",
      "2020  33.3  66.7      3      0",
    ]);
    const short = formatRegimeShares(labels, { headers: ["U", "D"], legend: "U: up, D: down" });
    expect(short.split("\n").slice(1, 3)).toEqual(["U: up, D: down", "year     U     D      n  undef"]);
    expect(() => formatRegimeShares(labels, { headers: ["U"] })).toThrow(/1 headers for 2 regimes/);
  });
});
