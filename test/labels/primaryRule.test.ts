/**
 * A rule's primary side: the crossing of two indicators of the features catalog, or the sign of
 * one around a centre, from bars ≤ t only.
 */
import { describe, expect, it } from "vitest";
import { type Bars, loadBundled } from "../../src/data";
import { labelsConfigSchema, type PrimaryRule, primaryRuleSide } from "../../src/labels";

function sma(close: Float64Array, p: number): Float64Array {
  return Float64Array.from(close, (_, t) => {
    if (t + 1 < p) return Number.NaN;
    let s = 0;
    for (let i = t + 1 - p; i <= t; i++) s += close[i];
    return s / p;
  });
}

function head(bars: Bars, m: number): Bars {
  const cut = (c: Float64Array) => c.slice(0, m);
  return {
    ...bars,
    ts: cut(bars.ts),
    open: cut(bars.open),
    high: cut(bars.high),
    low: cut(bars.low),
    close: cut(bars.close),
    volume: bars.volume ? cut(bars.volume) : null,
  };
}

function ruleOf(primary: unknown): PrimaryRule {
  const c = labelsConfigSchema.parse({
    kind: "meta",
    horizon: 5,
    barriers: { upper: 1, lower: 1, scale: "vol_20" },
    primary,
  });
  if (c.kind !== "meta" || "model" in c.primary) throw new Error("expected a rule");
  return c.primary;
}

describe("primaryRuleSide", () => {
  const spy = head(loadBundled("SPY", "1d"), 3000);

  it("cross: long while SMA(10) > SMA(50), short while below, none in the warm-up", () => {
    const rule = ruleOf({
      rule: "cross",
      fast: { indicator: "sma", params: { period: 10 } },
      slow: { indicator: "sma", params: { period: 50 } },
    });
    const side = primaryRuleSide(rule, { bars: spy });
    const fast = sma(spy.close, 10);
    const slow = sma(spy.close, 50);
    let longs = 0;
    let shorts = 0;
    for (let t = 0; t < side.length; t++) {
      if (t < 49) {
        expect(side[t]).toBeNaN();
        continue;
      }
      // Away from ties at float precision, the side is the sign of the difference.
      if (Math.abs(fast[t] - slow[t]) < 1e-9 * slow[t]) continue;
      expect(side[t]).toBe(fast[t] > slow[t] ? 1 : -1);
      if (side[t] > 0) longs++;
      else shorts++;
    }
    expect(longs).toBeGreaterThan(500);
    expect(shorts).toBeGreaterThan(500);
  });

  it("sign: the side of an indicator around its centre, and no bar after t changes the side at t", () => {
    const rule = ruleOf({ rule: "sign", of: { indicator: "rsi", params: { period: 14 } }, center: 50 });
    const full = primaryRuleSide(rule, { bars: spy });
    expect(new Set(Array.from(full).filter((v) => !Number.isNaN(v)))).toEqual(new Set([1, -1]));
    const m = 2000;
    expect(Array.from(primaryRuleSide(rule, { bars: head(spy, m) }))).toEqual(Array.from(full.slice(0, m)));
  });
});
