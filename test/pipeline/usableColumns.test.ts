/**
 * Which feature columns the models see is decided on the rows before the final holdout only:
 * missing values in the holdout neither drop a column nor save one.
 */
import { describe, expect, it } from "vitest";
import { parseConfig, runExperiment } from "../../src/pipeline";
import { usableColumns } from "../../src/pipeline/usableColumns";

/** 100 rows, 80 before the holdout; NaN at the given rows. */
function column(nanRows: number[]): Float64Array {
  const c = Float64Array.from({ length: 100 }, (_, i) => i);
  for (const r of nanRows) c[r] = Number.NaN;
  return c;
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("usableColumns", () => {
  it("keeps a column whose values are missing only in the holdout", () => {
    // 15 of 100 rows missing (> 10 % of all rows), none of the 80 before the holdout.
    const r = usableColumns(["late"], [column(range(85, 100))], 80);
    expect(r.names).toEqual(["late"]);
    expect(r.dropped).toEqual([]);
  });

  it("drops a column missing on > 10 % of the pre-holdout rows, however complete the holdout", () => {
    // 9 of 100 rows (< 10 % of all rows) but 9 of the 80 before the holdout (11 %).
    const r = usableColumns(["early", "fine"], [column(range(0, 9)), column(range(0, 8))], 80);
    expect(r.names).toEqual(["fine"]);
    expect(r.dropped).toEqual([{ name: "early", missing: 9 }]);
  });
});

describe("the runner's usable columns", () => {
  it("drops a warm-up column on its pre-holdout share (SPY, percentile_rank over 300 bars)", async () => {
    // ~3,140 bars, the last two years (~500) the holdout: the 299 warm-up NaNs are under 10 % of
    // every row but over 10 % of the rows before the holdout.
    const loaded = parseConfig(
      `name: usable-columns
tracking: { experiment: usable-columns }
data: { tickers: [SPY], timeframe: 1d, start: 2012-07-02, end: 2024-12-31 }
features:
  set:
    - { indicator: ret, params: { period: 1 } }
    - { indicator: percentile_rank, params: { period: 300 } }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P2Y }
models: [{ kind: logistic }]
controls: { shuffled_labels: false }
`,
      "usable-columns.yaml",
    );
    const r = await runExperiment(loaded, { progress: false });
    const before = r.plan.holdout[0];
    const missingShare = 299 / before;
    expect(missingShare).toBeGreaterThan(0.1);
    expect(299 / r.panel.ts.length).toBeLessThan(0.1);
    expect(r.features.dropped.map((d) => d.name)).toEqual(["percentile_rank_300"]);
    expect(r.features.names).toEqual(["ret_1"]);
    expect(r.notes.join("\n")).toContain("missing on > 10 % of the rows before the final holdout");
  }, 60_000);
});
