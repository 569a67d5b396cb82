/**
 * Every trend/momentum catalog entry, batch over real SPY bars (daily and 1-minute), equals the
 * TA-Lib value (or the independent numpy implementation for HMA, TSI, Ichimoku), NaN where
 * the reference is NaN.
 */
import { describe, expect, it } from "vitest";
import { trendMomentumCatalog } from "../../../src/features/indicators/catalog";
import { DATASETS, firstMismatch } from "./_trendMomentumData";

describe.each(DATASETS)("trend/momentum vs reference fixtures ($name SPY)", (ds) => {
  it("the fixture covers exactly the catalog", () => {
    expect(Object.keys(ds.fixture.indicators).sort()).toEqual(trendMomentumCatalog.map((e) => e.name).sort());
  });

  it.each(trendMomentumCatalog.map((e) => [e.name, e] as const))("%s", (_name, entry) => {
    const out = entry.batch(ds.bars);
    const ref = ds.fixture.indicators[entry.name];
    expect(Object.keys(out).sort()).toEqual(Object.keys(ref).sort());
    for (const key of Object.keys(ref)) {
      const got = out[key];
      expect(got.length).toBe(ds.bars.close.length);
      const bad = firstMismatch(got, ref[key]);
      expect(bad === -1 ? "ok" : `${key}[${bad}]: got ${got[bad]}, reference ${ref[key][bad]}`).toBe("ok");
    }
  });
});
