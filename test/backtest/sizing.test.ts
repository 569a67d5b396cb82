import { describe, expect, it } from "vitest";
import { sizingSchema } from "../../src/backtest";
import { kellyFraction, positionFraction, rawFraction } from "../../src/backtest/sizing";
import { expectEqual } from "./_helpers";

const ctx = { sigmaAnnual: 0.3, probability: 0.6, payoffRatio: 1.5 };

describe("sizing (hand computed)", () => {
  it("fixed fraction, capped per position", () => {
    expect(positionFraction(sizingSchema.parse({ fraction: 0.5 }), ctx)).toBe(0.5);
    expect(positionFraction(sizingSchema.parse({ fraction: 1.5, max_position: 1 }), ctx)).toBe(1);
  });

  it("vol targeting: 15 % / 30 % = 0.5; NaN volatility means no size yet", () => {
    const cfg = sizingSchema.parse({ kind: "vol_target" });
    expectEqual(positionFraction(cfg, ctx), 0.5);
    expect(positionFraction(cfg, { ...ctx, sigmaAnnual: Number.NaN })).toBeNaN();
  });

  it("Kelly: p - (1 - p) / b, 25 % of it by default", () => {
    expectEqual(kellyFraction(0.6, 1.5), 0.6 - 0.4 / 1.5);
    const cfg = sizingSchema.parse({ kind: "kelly" });
    expect(cfg.kelly_fraction).toBe(0.25);
    expectEqual(positionFraction(cfg, ctx), 0.25 * (0.6 - 0.4 / 1.5));
    expect(rawFraction(cfg, { ...ctx, probability: 0.3 })).toBeLessThan(0);
    expect(positionFraction(cfg, { ...ctx, probability: 0.3 })).toBe(0);
  });

  it("rejects negative sizes and caps by name", () => {
    expect(() => sizingSchema.parse({ fraction: -0.1 })).toThrow(/fraction/);
    expect(() => sizingSchema.parse({ max_gross: -1 })).toThrow(/max_gross/);
  });
});
