/**
 * No look-ahead, proven by truncation invariance: for every column of the default set (with
 * higher timeframes, VIX context and the universe's breadth), the frame computed on bars[0..t]
 * (context and universe cut at the same time) equals the full frame on rows 0..t, at random cut
 * points of real daily and 1-minute SPY bars.
 */

import { describe, expect, it } from "vitest";
import { sliceBars } from "../../src/data";
import { bundled } from "./_data";
import { checkCuts, randomCuts } from "./_truncation";

describe("truncation invariance of the default set, 1-minute", () => {
  it("1-minute SPY with VIX and 5m/1h/1d/1w columns: 10 random cuts", () => {
    // The first 25,000 minutes (about 64 sessions, 13 weeks) keep the test fast.
    const { vix } = bundled();
    const spy1m = sliceBars(bundled().spy1m, 0, 25_000);
    const input = { bars: spy1m, context: { VIX: vix } };
    const spec = { set: "default" as const, timeframes: ["5m" as const, "1h" as const, "1d" as const, "1w" as const] };
    const full = checkCuts(spec, input, randomCuts(3, 400, spy1m.ts.length - 1, 10));
    for (const name of ["clock_minutes_since_open", "VIX/close", "1h:rsi_14", "1d:rsi_14", "1w:ret_1"]) {
      expect(full.frame.names).toContain(name);
    }
  });
});
