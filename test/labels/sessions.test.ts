import { describe, expect, it } from "vitest";
import { newYorkDayOf } from "../../src/data";
import {
  fixedHorizonLabels,
  labelCount,
  labelsConfigSchema,
  labelsFromConfig,
  metaLabels,
  rollingVolatility,
  tripleBarrierLabels,
} from "../../src/labels";
import { loadSpy1m } from "./realBars";

describe("intraday labels never span the overnight gap when given sessions (real SPY 1m)", () => {
  const m = loadSpy1m();
  const n = m.ts.length;
  const session = Float64Array.from(m.ts, (t) => newYorkDayOf(t));
  let sessions = 1;
  for (let i = 1; i < n; i++) if (session[i] !== session[i - 1]) sessions++;
  const h = 15;

  it("fixed-horizon: the last h bars of every session are absent, the rest present", () => {
    const l = fixedHorizonLabels(m.ts, m.close, { horizon: h, classes: 2, session });
    expect(sessions).toBe(129);
    let bad = 0;
    for (let t = 0; t < n; t++) {
      const within = t + h < n && session[t + h] === session[t];
      if (within === Number.isNaN(l.y[t])) bad++;
    }
    expect(bad).toBe(0);
    // Full sessions have 390 bars; a few are short (early closes, missing bars).
    expect(labelCount(l)).toBe(n - sessions * h);
  });

  it("triple-barrier and meta labels end inside their session", () => {
    const vol = rollingVolatility(m.close, 30);
    const barriers = { scale: "volatility" as const, volatility: vol, upper: 2, lower: 2 };
    const tb = tripleBarrierLabels(m, { horizon: h, barriers, session });
    const side = new Float64Array(n).fill(1);
    const meta = metaLabels(m, side, { horizon: h, barriers, session });
    for (const l of [tb, meta]) {
      let crossing = 0;
      let present = 0;
      for (let t = 0; t < n; t++) {
        if (Number.isNaN(l.y[t])) continue;
        present++;
        if (session[l.endIdx[t]] !== session[t] || session[t + h] !== session[t]) crossing++;
      }
      expect(crossing).toBe(0);
      expect(present).toBeGreaterThan(40_000);
    }
    const viaConfig = labelsFromConfig(
      m,
      labelsConfigSchema.parse({
        kind: "triple_barrier",
        horizon: h,
        barriers: { upper: 2, lower: 2, scale: "vol_30" },
      }),
      { session },
    );
    expect(Array.from(viaConfig.y)).toEqual(Array.from(tb.y));
  });

  it("rejects a threshold on binary labels in config, and a session column of the wrong length", () => {
    const r = labelsConfigSchema.safeParse({ kind: "fixed_horizon", horizon: 5, classes: 2, threshold: 0.01 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["threshold"]);
    expect(() => fixedHorizonLabels(m.ts, m.close, { horizon: 5, classes: 2, session: session.subarray(1) })).toThrow(
      /fixedHorizonLabels: session has length 49884, expected 49885/,
    );
  });
});
