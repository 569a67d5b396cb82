/**
 * The promotion policy on plain values: the runner's control check and `wsp promote`'s gates
 * apply one comparison rule, the gates read what they are given (champion, ledger, controls), and
 * the holdout reuse rule counts overlapping windows. The MLflow side is in
 * test/tracking/promotion.test.ts.
 */
import { describe, expect, it } from "vitest";
import { deflatedSharpe } from "../../src/backtest/sharpeInference";
import {
  decidePromotion,
  evaluateGates,
  holdoutRefusal,
  holdoutUse,
  type PromotionEvidence,
  promotionConfigSchema,
} from "../../src/promotion";

const scores = (logloss: number) => ({ auc: 0.6, logloss });

function evidence(over: Partial<PromotionEvidence> = {}): PromotionEvidence {
  return {
    settings: {
      metric: "oos_logloss",
      direction: "min",
      margin: 0,
      minDeflatedSharpe: 0.5,
      dsrBasis: "active",
      beatControl: true,
      holdoutReuseLimit: 5,
    },
    metric: { key: "gbm.oos_logloss", value: 0.68 },
    holdout: { key: "gbm.holdout_logloss", value: 0.67 },
    holdoutMetric: "holdout_logloss",
    champion: { kind: "none" },
    dsr: {
      logged: { key: "deflated_sharpe_active", value: 0.9 },
      loggedTrials: 1,
      inputs: { sr: 0.12, nObs: 500, skew: 0, kurtosis: 3 },
      ledger: { count: 4, sharpeVariance: 0.001, activeSharpeVariance: 0.002 },
    },
    controls: { runs: 1, values: [0.695] },
    runChecks: { verdict: "passed", refused: null },
    ...over,
  };
}

describe("one comparison rule", () => {
  it("a tie with the control fails at the runner as it fails at wsp promote (margin 0)", () => {
    const config = promotionConfigSchema.parse({ margin: 0 });
    const runner = evaluateGates(config, {
      oos: scores(0.69),
      holdout: scores(0.69),
      nPositive: 1000,
      nRows: 2000,
      deflatedSharpe: 0.9,
      control: { oos: scores(0.69), holdout: scores(0.69) },
      leakageFlags: [],
    });
    expect(runner.checks.find((c) => c.name === "control")?.passed).toBe(false);
    const promote = decidePromotion(
      evidence({ metric: { key: "oos_logloss", value: 0.69 }, controls: { runs: 1, values: [0.69] } }),
      "m",
      null,
    );
    expect(promote.gates.find((g) => g.gate === "beats_control")?.passed).toBe(false);
    // Strictly better by at least the margin passes both.
    const better = evaluateGates(config, {
      oos: scores(0.68),
      holdout: scores(0.68),
      nPositive: 1000,
      nRows: 2000,
      deflatedSharpe: 0.9,
      control: { oos: scores(0.69), holdout: scores(0.69) },
      leakageFlags: [],
    });
    expect(better.checks.find((c) => c.name === "control")?.passed).toBe(true);
  });
});

describe("the gates at wsp promote", () => {
  it("recompute the deflated Sharpe from the run's inputs and the ledger's active variance", () => {
    const v = decidePromotion(evidence(), "m", null);
    const expected = deflatedSharpe({ sr: 0.12, nObs: 500, skew: 0, kurtosis: 3, nTrials: 4, sharpeVariance: 0.002 });
    expect(v.dsr.decision).toEqual({ value: expected.dsr, trials: 4, sharpeVariance: 0.002 });
    expect(v.gates.find((g) => g.gate === "min_deflated_sharpe")?.value).toBe(expected.dsr);
  });

  it("fall back on the logged value without inputs, and compare with the best of several controls", () => {
    const v = decidePromotion(
      evidence({
        dsr: { ...evidence().dsr, inputs: { sr: Number.NaN, nObs: Number.NaN, skew: 0, kurtosis: 3 } },
        controls: { runs: 3, values: [0.7, 0.675, Number.NaN] },
      }),
      "m",
      null,
    );
    expect(v.dsr.decision).toBeNull();
    expect(v.gates.find((g) => g.gate === "min_deflated_sharpe")).toMatchObject({ passed: true, value: 0.9 });
    expect(v.gates.find((g) => g.gate === "beats_control")).toMatchObject({ passed: false, threshold: 0.675 });
  });

  it("judge a challenger against the champion's holdout value by the margin, and describe the standing", () => {
    const settings = { ...evidence().settings, margin: 0.005 };
    const champion = { kind: "other" as const, version: "3", holdout: { key: "holdout_logloss", value: 0.672 } };
    const v = decidePromotion(
      evidence({ settings, champion, dsr: { ...evidence().dsr, logged: { key: null, value: 0.9 } } }),
      "m",
      null,
    );
    const gate = v.gates.find((g) => g.gate === "beats_champion");
    expect(gate?.passed).toBe(false);
    expect(gate?.threshold).toBeCloseTo(0.667, 12);
    expect(v.champion).toBe(false);
    expect(v.description.split("\n")[0]).toBe("Kept as challenger: beats_champion failed.");
  });
});

describe("the holdout reuse rule", () => {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  it("counts overlapping windows together and asks for a forward window past the limit", () => {
    const ledger = [
      { window: { start: day("2024-01-01"), end: day("2024-06-30") }, decisions: 1 },
      { window: { start: day("2024-01-05"), end: day("2024-07-04") }, decisions: 1 },
    ];
    const use = holdoutUse(ledger, { start: day("2024-01-03"), end: day("2024-07-02") }, 2);
    expect(use.served).toBe(2);
    expect(holdoutRefusal("m", use)).toMatch(/final holdout that starts after 2024-07-04/);
    const forward = holdoutUse(ledger, { start: day("2024-07-05"), end: day("2024-12-31") }, 2);
    expect(holdoutRefusal("m", forward)).toBeNull();
  });
});

describe("a retrain's forward window", () => {
  const champion = { kind: "other" as const, version: "3", holdout: { key: "holdout_logloss", value: 0.9 } };
  const window = { start: Date.UTC(2024, 6, 1), end: Date.UTC(2024, 11, 20) };
  const forward = (mine: number, theirs: number, rows = 120) => ({
    window: rows > 0 ? window : null,
    rows,
    after: Date.UTC(2024, 5, 28),
    challenger: { key: "forward_logloss", value: mine },
    champion: { key: "forward_logloss", value: theirs },
  });

  it("decides beats_champion on the window, not on the final holdouts", () => {
    // The final holdouts say the challenger wins by far; the forward window says it loses.
    const lose = decidePromotion(evidence({ champion, forward: forward(0.69, 0.68) }), "m", null);
    expect(lose.champion).toBe(false);
    const gate = lose.gates.find((g) => g.gate === "beats_champion");
    expect(gate).toMatchObject({ passed: false, value: 0.69, threshold: 0.68 });
    expect(gate?.detail).toContain("forward window 2024-07-01..2024-12-20 (120 rows after champion v3's holdout)");
    // It wins there, and every other gate passes: the champion moves.
    const win = decidePromotion(
      evidence({ champion, holdout: { key: "holdout_logloss", value: 0.95 }, forward: forward(0.67, 0.68) }),
      "m",
      null,
    );
    expect(win.champion).toBe(true);
    expect(win.description).toMatch(/^Promoted to champion/);
  });

  it("with no forward window yet, the version stays challenger and says why", () => {
    const v = decidePromotion(evidence({ champion, forward: forward(Number.NaN, Number.NaN, 0) }), "m", null);
    expect(v.champion).toBe(false);
    expect(v.gates.find((g) => g.gate === "beats_champion")?.detail).toBe(
      "no forward window yet: no labelled bar after champion v3's final holdout (ends 2024-06-28) to compare both on",
    );
    // Another gate failing keeps it challenger whatever the window says.
    const dsr = evidence({
      champion,
      forward: forward(0.6, 0.68),
      dsr: { ...evidence().dsr, logged: { key: "x", value: 0.1 }, inputs: { sr: 0, nObs: 500, skew: 0, kurtosis: 3 } },
    });
    expect(decidePromotion(dsr, "m", null).champion).toBe(false);
  });
});
