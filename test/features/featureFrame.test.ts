/** FeatureFrame helpers and the NaN policies (with the counts the report gives). */
import { describe, expect, it } from "vitest";
import {
  type FeatureFrame,
  applyNanPolicy,
  column,
  computeFeatures,
  selectColumns,
  sliceRows,
  toRowMajor,
} from "../../src/features";
import { bundled } from "./_data";

function frame(): FeatureFrame {
  const N = Number.NaN;
  return {
    ts: Float64Array.from([1, 2, 3, 4, 5]),
    names: ["a", "b"],
    columns: [Float64Array.from([N, 1, N, 3, N]), Float64Array.from([N, N, 2, 2, 7])],
  };
}

describe("FeatureFrame", () => {
  it("selects columns by name, slices rows, and lays rows out for models", () => {
    const f = frame();
    const s = selectColumns(f, ["b", "a"]);
    expect(s.names).toEqual(["b", "a"]);
    expect(s.columns[0]).toBe(f.columns[1]);
    expect(() => column(f, "c")).toThrow(/no column c/);
    expect([...sliceRows(f, 2, 4).columns[1]]).toEqual([2, 2]);
    const m = toRowMajor(selectColumns(f, ["b", "a"]));
    expect([m.rows, m.cols]).toEqual([5, 2]);
    expect([...m.data.subarray(6, 8)]).toEqual([2, 3]);
  });

  it("nan policies: keep counts, ffill fills after the first value only, drop_rows drops any row with a NaN", () => {
    expect(applyNanPolicy(frame(), "keep").report).toEqual({
      policy: "keep",
      nanValues: null,
      valuesTouched: 0,
      rowsDropped: 0,
    });
    const ff = applyNanPolicy(frame(), "ffill");
    expect(ff.report).toEqual({ policy: "ffill", nanValues: 5, valuesTouched: 2, rowsDropped: 0 });
    expect([...ff.frame.columns[0]]).toEqual([Number.NaN, 1, 1, 3, 3]);
    expect([...ff.frame.columns[1]]).toEqual([Number.NaN, Number.NaN, 2, 2, 7]);
    const dr = applyNanPolicy(frame(), "drop_rows");
    expect(dr.report).toEqual({ policy: "drop_rows", nanValues: 5, valuesTouched: 8, rowsDropped: 4 });
    expect([...dr.frame.ts]).toEqual([4]);
    expect(dr.frame.columns.map((c) => [...c])).toEqual([[3], [2]]);
  });

  it("the config's nan policy applies to computed frames and the report says how many values it touched", () => {
    const { spy, vix } = bundled();
    const keep = computeFeatures({ set: "default" }, { bars: spy, context: { VIX: vix } });
    const drop = computeFeatures({ set: "default", nan: "drop_rows" }, { bars: spy, context: { VIX: vix } });
    const ffill = computeFeatures({ set: "default", nan: "ffill" }, { bars: spy, context: { VIX: vix } });
    const nanCount = (cols: readonly Float64Array[]) => cols.reduce((a, c) => a + c.filter(Number.isNaN).length, 0);
    const nans = nanCount(keep.frame.columns);
    expect(drop.report.nan.nanValues).toBe(nans);
    expect(ffill.report.nan.nanValues).toBe(nans);
    expect(ffill.report.nan.valuesTouched).toBe(nans - nanCount(ffill.frame.columns));
    expect(ffill.report.nan.valuesTouched).toBeGreaterThan(0);
    expect(drop.report.nan.rowsDropped).toBe(keep.frame.ts.length - drop.frame.ts.length);
    expect(drop.report.nan.rowsDropped).toBeGreaterThan(252);
    for (const c of drop.frame.columns) expect(c.some(Number.isNaN)).toBe(false);
  });
});
