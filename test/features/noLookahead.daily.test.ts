/**
 * No look-ahead, proven by truncation invariance: for every column of the default set (with
 * higher timeframes, VIX context and the universe's breadth), the frame computed on bars[0..t]
 * (context and universe cut at the same time) equals the full frame on rows 0..t, at random cut
 * points of real daily and 1-minute SPY bars. The regime columns (`features.regimes`: trend3 and
 * the VIX × breadth × ATR grid) are among them.
 */

import { describe, expect, it } from "vitest";
import { loadUniverse } from "../../src/data";
import { bundled } from "./_data";
import { checkCuts, randomCuts } from "./_truncation";

describe("truncation invariance of the default set, daily", () => {
  it("daily SPY with VIX, the universe's breadth and weekly columns: 20 random cuts", () => {
    const { spy, vix } = bundled();
    const universe = loadUniverse();
    const input = { bars: spy, context: { VIX: vix }, universe };
    const spec = {
      set: "default" as const,
      timeframes: ["1w" as const],
      regimes: ["trend3" as const, "grid12" as const],
    };
    // Cuts over the whole history, more of them where the universe has data (2015-2020).
    const first = spy.ts.findIndex((t) => t >= Date.UTC(2015, 0, 12));
    const cuts = [...randomCuts(1, 300, spy.ts.length - 1, 12), ...randomCuts(2, first, first + 1250, 8)];
    const full = checkCuts(spec, input, cuts);
    for (const name of [
      "breadth_above_share_50",
      "VIX/percentile_rank_252",
      "1w:rsi_14",
      "calendar_day_of_week",
      "regime_trend_volatile",
      "regime_grid",
      "regime_grid_breadth_above",
    ]) {
      expect(full.frame.names).toContain(name);
    }
  });
});
