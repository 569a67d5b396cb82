/**
 * The product plan's go/no-go gates, each off unless its threshold is set in `promotion:`:
 * calibration (ECE on out-of-fold predictions), direction accuracy (with the leakage bound above
 * it), Sharpe, max drawdown and win rate of the traded backtest, the worst drawdown in the stress
 * windows, and the PBO of a threshold grid. Decided from plain figures by the runner (its own
 * checks, gates.json) and again by `wsp promote` from the run's metrics (a version's gate tags),
 * with the same words. Which figures they read is in docs/architecture.md ("Go/no-go gates").
 */
import { formatValue as fmt } from "./compare";
import { GO_NO_GO_GATES, type GoNoGoGateName, type GoNoGoSettings, type PromotionConfig } from "./config";

/** What the gates read; NaN where the run has no such figure (a gate on a missing figure fails). */
export interface GoNoGoFigures {
  /** ECE of the selected variant's calibrated out-of-fold predictions. */
  oofEce: number;
  /** On the settings' stretch: direction accuracy, annualised Sharpe, max drawdown (<= 0), trade win rate. */
  accuracy: number;
  sharpe: number;
  maxDrawdown: number;
  winRate: number;
  /** The worst max drawdown (<= 0) over the `backtest.stress` windows. */
  stressMaxDrawdown: number;
  /** The `backtest.grid` study's PBO. */
  pbo: number;
}

export const NO_FIGURES: GoNoGoFigures = {
  oofEce: Number.NaN,
  accuracy: Number.NaN,
  sharpe: Number.NaN,
  maxDrawdown: Number.NaN,
  winRate: Number.NaN,
  stressMaxDrawdown: Number.NaN,
  pbo: Number.NaN,
};

export interface GoNoGoGate {
  gate: GoNoGoGateName;
  passed: boolean;
  value: number;
  threshold: number;
  detail: string;
}

/** The go/no-go settings of a promotion block; null when every gate is off. */
export function goNoGoSettings(p: PromotionConfig, maxDirectionAccuracy: number): GoNoGoSettings | null {
  const thresholds: GoNoGoSettings["thresholds"] = {};
  for (const g of GO_NO_GO_GATES) if (p[g] !== undefined) thresholds[g] = p[g];
  if (Object.keys(thresholds).length === 0) return null;
  return { on: p.go_no_go_on ?? "holdout", thresholds, maxDirectionAccuracy };
}

const pct = (x: number) => (Number.isNaN(x) ? "missing" : `${fmt(x * 100)} %`);

/** The gates switched on, in GO_NO_GO_GATES order; a missing figure fails its gate. */
export function goNoGoGates(s: GoNoGoSettings, f: GoNoGoFigures): GoNoGoGate[] {
  const stretch = s.on === "holdout" ? "final-holdout" : "out-of-sample";
  const atMost = (gate: GoNoGoGateName, value: number, threshold: number, what: string, show = fmt): GoNoGoGate => ({
    gate,
    passed: value <= threshold,
    value,
    threshold,
    detail: `${what} ${show(value)} needs <= ${show(threshold)}`,
  });
  const atLeast = (gate: GoNoGoGateName, value: number, threshold: number, what: string): GoNoGoGate => ({
    gate,
    passed: value >= threshold,
    value,
    threshold,
    detail: `${what} ${fmt(value)} needs >= ${fmt(threshold)}`,
  });
  const out: GoNoGoGate[] = [];
  for (const gate of GO_NO_GO_GATES) {
    const t = s.thresholds[gate];
    if (t === undefined) continue;
    switch (gate) {
      case "max_ece":
        out.push(atMost(gate, f.oofEce, t, "ECE of the out-of-fold predictions"));
        break;
      case "min_accuracy":
        out.push(accuracyGate(s, f.accuracy, t, stretch));
        break;
      case "min_sharpe":
        out.push(atLeast(gate, f.sharpe, t, `${stretch} Sharpe (annualised, after costs)`));
        break;
      case "max_drawdown":
        out.push(atMost(gate, -f.maxDrawdown, t, `${stretch} max drawdown`, pct));
        break;
      case "min_win_rate":
        out.push(atLeast(gate, f.winRate, t, `${stretch} win rate (trades entered there)`));
        break;
      case "max_stress_drawdown":
        out.push(
          Number.isNaN(f.stressMaxDrawdown)
            ? missing(gate, t, "no stress-window drawdown: backtest.stress names no window")
            : atMost(gate, -f.stressMaxDrawdown, t, "worst max drawdown in the backtest.stress windows", pct),
        );
        break;
      case "max_pbo":
        out.push(
          Number.isNaN(f.pbo)
            ? missing(gate, t, "no PBO: the run has no backtest.grid study with one")
            : atMost(gate, f.pbo, t, "PBO of the backtest.grid study (CSCV)"),
        );
        break;
    }
  }
  return out;
}

function missing(gate: GoNoGoGateName, threshold: number, detail: string): GoNoGoGate {
  return { gate, passed: false, value: Number.NaN, threshold, detail };
}

/**
 * Accuracy in a band: at least the plan's go/no-go level (55, 60 or 70 %), and at most the
 * leakage bound, above which a liquid ETF's direction accuracy is suspected leakage, not skill.
 */
function accuracyGate(s: GoNoGoSettings, acc: number, min: number, stretch: string): GoNoGoGate {
  const bound = s.maxDirectionAccuracy;
  const what = `${stretch} direction accuracy ${fmt(acc)}`;
  if (acc > bound) {
    return {
      gate: "min_accuracy",
      passed: false,
      value: acc,
      threshold: min,
      detail: `${what} is above leakage.max_direction_accuracy ${fmt(bound)}: suspected leakage, refused`,
    };
  }
  return {
    gate: "min_accuracy",
    passed: acc >= min,
    value: acc,
    threshold: min,
    detail: `${what} needs >= ${fmt(min)} (and <= ${fmt(bound)}, above which it is suspected leakage)`,
  };
}
