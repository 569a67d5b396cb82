/**
 * The go/no-go gates on plain values: off unless set (the runner's checks and `wsp promote`'s
 * gates are then what they were), each passing and failing with its figure and threshold named,
 * accuracy above the leakage bound failing as leakage, a missing figure failing, and the same
 * gate decided alike at the runner and at `wsp promote`.
 */
import { describe, expect, it } from "vitest";
import {
  decidePromotion,
  evaluateGates,
  type GoNoGoFigures,
  goNoGoSettings,
  ownChecksVerdict,
  type PromotionEvidence,
  promotionConfigSchema,
} from "../../src/promotion";

const honest: GoNoGoFigures = {
  oofEce: 0.021,
  accuracy: 0.565,
  sharpe: 1.3,
  maxDrawdown: -0.16,
  winRate: 0.53,
  stressMaxDrawdown: -0.12,
  pbo: 0.2,
};

const all = {
  max_ece: 0.05,
  min_accuracy: 0.55,
  min_sharpe: 0.5,
  max_drawdown: 0.25,
  min_win_rate: 0.5,
  max_stress_drawdown: 0.25,
  max_pbo: 0.5,
};

const runnerInput = (figures: GoNoGoFigures | undefined) => ({
  oos: { auc: 0.57, logloss: 0.68 },
  holdout: { auc: 0.56, logloss: 0.68 },
  nPositive: 1000,
  nRows: 2000,
  deflatedSharpe: 0.9,
  control: { oos: { auc: 0.5, logloss: 0.7 }, holdout: { auc: 0.5, logloss: 0.7 } },
  leakageFlags: [],
  ...(figures ? { goNoGo: { figures, maxDirectionAccuracy: 0.7 } } : {}),
});

function evidence(over: Partial<PromotionEvidence>): PromotionEvidence {
  return {
    settings: {
      metric: "oos_logloss",
      direction: "min",
      margin: 0,
      minDeflatedSharpe: 0.5,
      dsrBasis: "active",
      beatControl: false,
      holdoutReuseLimit: 5,
    },
    metric: { key: "oos_logloss", value: 0.68 },
    holdout: { key: "holdout_logloss", value: 0.67 },
    holdoutMetric: "holdout_logloss",
    champion: { kind: "none" },
    dsr: {
      logged: { key: "deflated_sharpe_active", value: 0.9 },
      loggedTrials: 1,
      inputs: { sr: 0.12, nObs: 500, skew: 0, kurtosis: 3 },
      ledger: { count: 4, sharpeVariance: 0.001, activeSharpeVariance: 0.002 },
    },
    controls: null,
    runChecks: { verdict: "passed", refused: null },
    ...over,
  };
}

describe("go/no-go gates", () => {
  it("are off by default: the runner's checks and wsp promote's gates are the existing four", () => {
    const config = promotionConfigSchema.parse({});
    expect(goNoGoSettings(config, 0.7)).toBeNull();
    expect(evaluateGates(config, runnerInput(honest)).checks.map((c) => c.name)).toEqual([
      "leakage",
      "signal",
      "deflated_sharpe",
      "control",
    ]);
    expect(decidePromotion(evidence({}), "m", null).gates.map((g) => g.gate)).toEqual([
      "beats_champion",
      "min_deflated_sharpe",
      "beats_control",
      "run_checks",
    ]);
  });

  it("each set gate passes on an honest run and is recorded with its value and threshold", () => {
    const config = promotionConfigSchema.parse(all);
    const v = evaluateGates(config, runnerInput(honest));
    const goNoGo = v.checks.slice(4);
    expect(goNoGo.map((c) => [c.name, c.passed])).toEqual(Object.keys(all).map((k) => [k, true]));
    expect(goNoGo.find((c) => c.name === "max_drawdown")).toMatchObject({ value: 0.16, threshold: 0.25 });
    expect(goNoGo.find((c) => c.name === "max_drawdown")?.detail).toBe("final-holdout max drawdown 16 % needs <= 25 %");
    expect(v.passed).toBe(true);
  });

  it("each fails with its figure and threshold named; a failure leaves the run's own verdict alone", () => {
    const config = promotionConfigSchema.parse(all);
    const bad: GoNoGoFigures = {
      oofEce: 0.08,
      accuracy: 0.52,
      sharpe: 0.2,
      maxDrawdown: -0.31,
      winRate: 0.45,
      stressMaxDrawdown: -0.4,
      pbo: 0.7,
    };
    const v = evaluateGates(config, runnerInput(bad));
    const details = Object.fromEntries(v.checks.slice(4).map((c) => [c.name, [c.passed, c.detail]]));
    expect(details).toEqual({
      max_ece: [false, "ECE of the out-of-fold predictions 0.08 needs <= 0.05"],
      min_accuracy: [
        false,
        "final-holdout direction accuracy 0.52 needs >= 0.55 (and <= 0.7, above which it is suspected leakage)",
      ],
      min_sharpe: [false, "final-holdout Sharpe (annualised, after costs) 0.2 needs >= 0.5"],
      max_drawdown: [false, "final-holdout max drawdown 31 % needs <= 25 %"],
      min_win_rate: [false, "final-holdout win rate (trades entered there) 0.45 needs >= 0.5"],
      max_stress_drawdown: [false, "worst max drawdown in the backtest.stress windows 40 % needs <= 25 %"],
      max_pbo: [false, "PBO of the backtest.grid study (CSCV) 0.7 needs <= 0.5"],
    });
    expect(v.passed).toBe(false);
    // Decided again at wsp promote: the run's own verdict (leakage, signal) still passes.
    expect(ownChecksVerdict(v)).toBe("passed");
  });

  it("accuracy above leakage.max_direction_accuracy fails as suspected leakage, whatever the minimum", () => {
    const config = promotionConfigSchema.parse({ min_accuracy: 0.55, go_no_go_on: "oos" });
    const c = evaluateGates(config, runnerInput({ ...honest, accuracy: 0.93 })).checks.at(-1);
    expect(c).toMatchObject({ name: "min_accuracy", passed: false, value: 0.93, threshold: 0.55 });
    expect(c?.detail).toBe(
      "out-of-sample direction accuracy 0.93 is above leakage.max_direction_accuracy 0.7: suspected leakage, refused",
    );
  });

  it("a missing figure fails its gate (no grid: no PBO; no figures at all)", () => {
    const config = promotionConfigSchema.parse({ max_pbo: 0.5, min_sharpe: 0 });
    const noPbo = evaluateGates(config, runnerInput({ ...honest, pbo: Number.NaN })).checks.slice(4);
    expect(noPbo.map((c) => [c.name, c.passed])).toEqual([
      ["min_sharpe", true],
      ["max_pbo", false],
    ]);
    expect(noPbo[1].detail).toBe("no PBO: the run has no backtest.grid study with one");
    expect(
      evaluateGates(config, runnerInput(undefined))
        .checks.slice(4)
        .every((c) => !c.passed),
    ).toBe(true);
  });

  it("wsp promote decides them as the runner does, as gates with value and threshold", () => {
    const config = promotionConfigSchema.parse({ max_ece: 0.05, min_sharpe: 2 });
    const settings = goNoGoSettings(config, 0.7);
    expect(settings).toEqual({
      on: "holdout",
      thresholds: { max_ece: 0.05, min_sharpe: 2 },
      maxDirectionAccuracy: 0.7,
    });
    const e = evidence({});
    const v = decidePromotion(
      { ...e, settings: { ...e.settings, goNoGo: settings ?? undefined }, goNoGo: honest },
      "m",
      null,
    );
    expect(v.gates.slice(4)).toEqual([
      {
        gate: "max_ece",
        passed: true,
        value: 0.021,
        threshold: 0.05,
        detail: "ECE of the out-of-fold predictions 0.021 needs <= 0.05",
      },
      {
        gate: "min_sharpe",
        passed: false,
        value: 1.3,
        threshold: 2,
        detail: "final-holdout Sharpe (annualised, after costs) 1.3 needs >= 2",
      },
    ]);
    expect(v.champion).toBe(false);
    expect(v.description).toContain(
      "- min_sharpe: FAIL: final-holdout Sharpe (annualised, after costs) 1.3 needs >= 2",
    );
    const runner = evaluateGates(config, runnerInput(honest)).checks.slice(4);
    expect(runner.map((c) => [c.name, c.passed, c.detail])).toEqual(
      v.gates.slice(4).map((g) => [g.gate, g.passed, g.detail]),
    );
  });
});
