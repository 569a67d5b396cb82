import { describe, expect, it } from "vitest";
import { ablateGroup, fitOof, matrixOf } from "../../src/explain";
import { explainData, HORIZON, makeGbm } from "./_spy";

const d = explainData();

describe("ablation by feature group (SPY daily, purged 5-fold, same rows and splits)", () => {
  it("dropping a pure-noise group moves the OOF AUC within the null spread; dropping the look-ahead column does not", async () => {
    const honest = d.names.filter((n) => n !== "leak_fwd_ret");
    const base = await fitOof(makeGbm, matrixOf(d, honest), d.y, d.plan);
    const noise = await ablateGroup(base, "noise", d.groups, { labelSpan: HORIZON });
    expect(noise.dropped).toEqual(["noise_1", "noise_2", "noise_3"]);
    expect(noise.fits.names).toEqual(honest.filter((n) => !n.startsWith("noise_")));
    expect(noise.nullSpread).toBeCloseTo(base.score.nullStd * Math.sqrt(HORIZON), 12);
    expect(Math.abs(noise.aucDelta)).toBeLessThanOrEqual(noise.nullSpread);
    expect(noise.withinNull).toBe(true);

    const leaky = await fitOof(makeGbm, matrixOf(d, d.names), d.y, d.plan);
    const leak = await ablateGroup(leaky, "leak", d.groups, { labelSpan: HORIZON });
    expect(leak.aucDelta).toBeLessThan(-10 * leak.nullSpread);
    expect(leak.withinNull).toBe(false);
  }, 180_000);

  it("refuses a group with no column, naming the groups there are", async () => {
    const base = await fitOof(makeGbm, matrixOf(d, ["rsi_14", "noise_1"]), d.y, d.plan);
    await expect(ablateGroup(base, "trend", d.groups)).rejects.toThrow(
      "ablateGroup: no column of group trend; groups: momentum, noise",
    );
    await expect(ablateGroup(base, "noise", d.groups, { labelSpan: 0 })).rejects.toThrow("labelSpan must be ≥ 1");
  }, 120_000);
});
