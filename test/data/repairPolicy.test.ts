import { describe, expect, it } from "vitest";
import {
  ALLOWED_ACTIONS,
  type Bars,
  DataValidationError,
  FINDING_KINDS,
  RESEARCH_POLICY,
  applyPolicy,
  dayMsOf,
  isoDate,
  loadBundled,
  parseBarsCsv,
  repairPolicy,
  validateBars,
} from "../../src/data";

const daily = (rows: string[]): Bars =>
  parseBarsCsv(Buffer.from(`date,open,high,low,close,volume\n${rows.join("\n")}\n`), {
    ticker: "T",
    timeframe: "1d",
    checkOrder: false,
  });

describe("repair policy", () => {
  it("research default: fails on errors, flags anomalies", () => {
    for (const k of FINDING_KINDS) {
      expect(RESEARCH_POLICY[k]).toBe(
        ["duplicate", "non_increasing", "nan", "non_positive_price"].includes(k) ? "fail" : "flag",
      );
      expect(ALLOWED_ACTIONS[k]).toContain(RESEARCH_POLICY[k]);
    }
    const bars = daily(["2025-09-15,10,11,9,10,100", "2025-09-16,10,11,9,NaN,100"]);
    const report = validateBars(bars);
    expect(() => applyPolicy(bars, report)).toThrow(DataValidationError);
    expect(() => applyPolicy(bars, report)).toThrow(/T 1d: validation failed: 1 nan \(first: 2025-09-16 close/);
  });

  it("keeps a real file with anomalies unchanged under the default, listing what it flagged", () => {
    const vix = loadBundled("VIX");
    const report = validateBars(vix);
    const { bars, touched, flagged } = applyPolicy(vix, report);
    expect(touched).toEqual([]);
    expect(flagged.length).toBe(report.anomalies);
    expect(Array.from(bars.close)).toEqual(Array.from(vix.close));
  });

  it("drops VIX's holiday rows when asked and reports which", () => {
    const vix = loadBundled("VIX");
    const { bars, touched } = applyPolicy(vix, validateBars(vix), repairPolicy({ non_session_row: "drop" }));
    expect(bars.ts.length).toBe(vix.ts.length - 33);
    expect(touched).toEqual([expect.objectContaining({ kind: "non_session_row", action: "drop" })]);
    expect(touched[0].timestamps).toContain("2024-07-04");
    expect(validateBars(bars).counts.non_session_row).toBe(0);
  });

  it("drops duplicates (keeping the first) and unordered rows", () => {
    const bars = daily([
      "2025-09-15,10,11,9,10,100",
      "2025-09-16,10,11,9,10.5,100",
      "2025-09-16,10,11,9,10.7,100",
      "2025-09-15,10,11,9,10,100",
      "2025-09-17,10,11,9,10,100",
    ]);
    const policy = repairPolicy({ duplicate: "drop", non_increasing: "drop" });
    const { bars: out, touched } = applyPolicy(bars, validateBars(bars), policy);
    expect(Array.from(out.ts, (t) => isoDate(t))).toEqual(["2025-09-15", "2025-09-16", "2025-09-17"]);
    expect(out.close[1]).toBe(10.5);
    expect(touched.map((t) => t.kind).sort()).toEqual(["duplicate", "non_increasing"]);
    expect(validateBars(out).errors).toBe(0);
  });

  it("forward-fills NaN and non-positive values from the previous close, volume with 0", () => {
    const bars = daily(["2025-09-15,10,11,9,10.2,100", "2025-09-16,10,11,0,NaN,NaN"]);
    const { bars: out } = applyPolicy(
      bars,
      validateBars(bars),
      repairPolicy({ nan: "forward_fill", non_positive_price: "forward_fill" }),
    );
    expect([out.low[1], out.close[1], out.volume![1]]).toEqual([10.2, 10.2, 0]);
    expect(bars.low[1]).toBe(0);
  });

  it("drops a first row that has nothing to forward-fill from", () => {
    const bars = daily(["2025-09-15,10,11,9,NaN,100", "2025-09-16,10,11,9,10,100"]);
    const { bars: out, touched } = applyPolicy(bars, validateBars(bars), repairPolicy({ nan: "forward_fill" }));
    expect(out.ts.length).toBe(1);
    expect(touched).toEqual([{ kind: "nan", action: "drop", timestamps: ["2025-09-15"] }]);
  });

  it("forward-fills missing sessions and bars with flat bars at the previous close", () => {
    const bars = daily(["2025-09-15,10,11,9,10.2,100", "2025-09-18,10,11,9,10,100"]);
    const { bars: out, touched } = applyPolicy(
      bars,
      validateBars(bars),
      repairPolicy({ missing_session: "forward_fill" }),
    );
    expect(Array.from(out.ts)).toEqual(["2025-09-15", "2025-09-16", "2025-09-17", "2025-09-18"].map((d) => dayMsOf(d)));
    expect([out.open[1], out.high[2], out.volume![2]]).toEqual([10.2, 10.2, 0]);
    expect(touched[0].timestamps).toEqual(["2025-09-16", "2025-09-17"]);

    const spy = loadBundled("SPY", "1m");
    const r = validateBars(spy);
    const fixed = applyPolicy(spy, r, repairPolicy({ missing_bar: "forward_fill", outside_regular_hours: "drop" }));
    expect(fixed.bars.ts.length).toBe(127 * 390 + 2 * 210);
    const again = validateBars(fixed.bars);
    expect(again.counts.missing_bar + again.counts.outside_regular_hours).toBe(0);
  });

  it("rejects an action a kind does not allow", () => {
    expect(() => repairPolicy({ outlier_move: "forward_fill" })).toThrow(
      /not allowed for outlier_move; allowed: flag, drop, fail/,
    );
  });
});
