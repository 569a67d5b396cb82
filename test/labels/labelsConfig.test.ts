import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  fixedHorizonLabels,
  labelsConfigSchema,
  labelsFromConfig,
  metaLabels,
  rollingVolatility,
  tripleBarrierLabels,
} from "../../src/labels";
import { loadDaily } from "./realBars";

describe("labels: config block", () => {
  const spy = loadDaily("SPY");

  it("parses a complete sketch and builds the same labels as the direct call", () => {
    const cfg = labelsConfigSchema.parse(
      parse("kind: triple_barrier\nhorizon: 10\nbarriers: { upper: 2.0, lower: 2.0, scale: vol_20 }\n"),
    );
    const viaConfig = labelsFromConfig(spy, cfg);
    const vol = rollingVolatility(spy.close, 20);
    const direct = tripleBarrierLabels(spy, {
      horizon: 10,
      barriers: { scale: "volatility", volatility: vol, upper: 2, lower: 2 },
    });
    expect(Array.from(viaConfig.y)).toEqual(Array.from(direct.y));
    expect(Array.from(viaConfig.endIdx)).toEqual(Array.from(direct.endIdx));
  });

  it("fixed-horizon with a vol-scaled threshold and meta labels from a supplied side", () => {
    const fh = labelsFromConfig(
      spy,
      labelsConfigSchema.parse({ kind: "fixed_horizon", horizon: 5, classes: 3, threshold: 0.5, scale: "vol_10" }),
    );
    const want = fixedHorizonLabels(spy.ts, spy.close, {
      horizon: 5,
      classes: 3,
      threshold: 0.5,
      volatility: rollingVolatility(spy.close, 10),
    });
    expect(Array.from(fh.y)).toEqual(Array.from(want.y));
    const side = new Float64Array(spy.ts.length).fill(1);
    const meta = labelsFromConfig(
      spy,
      labelsConfigSchema.parse({
        kind: "meta",
        horizon: 5,
        primary: { rule: "sign", of: { indicator: "ret", params: { period: 1 } } },
        barriers: { upper: 0.02, lower: 0.01, scale: "fixed" },
      }),
      { side },
    );
    const direct = metaLabels(spy, side, { horizon: 5, barriers: { scale: "fixed", upper: 0.02, lower: 0.01 } });
    expect(Array.from(meta.y)).toEqual(Array.from(direct.y));
  });

  it("rejects malformed blocks with the offending field", () => {
    const bad = labelsConfigSchema.safeParse({
      kind: "triple_barrier",
      horizon: 10,
      barriers: { upper: 2, lower: 2, scale: "vol_x" },
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues[0].path)).toContain("scale");
    expect(labelsConfigSchema.safeParse({ kind: "fixed_horizon", horizon: 0 }).success).toBe(false);
    expect(
      labelsConfigSchema.safeParse({
        kind: "triple_barrier",
        horizon: 5,
        barriers: { upper: [0.03], lower: [0.02, 0.02], scale: "regime", regimes: "trend3" },
      }).success,
    ).toBe(false);
    expect(() =>
      labelsFromConfig(
        spy,
        labelsConfigSchema.parse({
          kind: "meta",
          horizon: 5,
          primary: { rule: "sign", of: { indicator: "ret" } },
          barriers: { upper: 1, lower: 1, scale: "vol_20" },
        }),
      ),
    ).toThrow(/primary side per bar/);
  });
});
