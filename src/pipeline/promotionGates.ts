/**
 * The promotion gates a run must pass before `wsp promote` may register it (the comparison with
 * the current champion happens there, against the registry). Here: no suspected leakage, a
 * signal distinguishable from chance, the minimum deflated Sharpe (on `promotion.dsr_basis`:
 * active returns against the benchmark by default, so drift harvested by a long bias does not
 * count as skill), and beating the shuffled-label control on the configured metric by the margin.
 */
import { DSR_LABEL } from "../backtest";
import { aucNullStd } from "../validation";
import type { Scores } from "./classificationMetrics";
import type { ExperimentConfig } from "./config";

export interface GateCheck {
  name: "leakage" | "signal" | "deflated_sharpe" | "control";
  passed: boolean;
  detail: string;
}

export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
}

export interface GateInput {
  oos: Scores;
  holdout: Scores;
  /** Positive-class rows among the scored OOF rows (for the AUC's null spread). */
  nPositive: number;
  nRows: number;
  /** On `promotion.dsr_basis`; NaN (a failed gate) when it could not be computed. */
  deflatedSharpe: number;
  control: { oos: Scores; holdout: Scores } | null;
  leakageFlags: readonly string[];
}

/** Value of the promotion metric and whether higher is better. */
function metricOf(metric: ExperimentConfig["promotion"]["metric"], s: { oos: Scores; holdout: Scores }) {
  switch (metric) {
    case "oos_logloss":
      return { value: s.oos.logloss, higherIsBetter: false };
    case "oos_auc":
      return { value: s.oos.auc, higherIsBetter: true };
    case "holdout_logloss":
      return { value: s.holdout.logloss, higherIsBetter: false };
    case "holdout_auc":
      return { value: s.holdout.auc, higherIsBetter: true };
  }
}

export function evaluateGates(promotion: ExperimentConfig["promotion"], g: GateInput): GateVerdict {
  const checks: GateCheck[] = [];
  checks.push({
    name: "leakage",
    passed: g.leakageFlags.length === 0,
    detail: g.leakageFlags.length === 0 ? "no suspected leakage" : `${g.leakageFlags.length} suspected leak(s)`,
  });
  const nNeg = g.nRows - g.nPositive;
  const z = g.nPositive > 0 && nNeg > 0 ? (g.oos.auc - 0.5) / aucNullStd(g.nPositive, nNeg) : Number.NaN;
  checks.push({
    name: "signal",
    passed: z >= 2,
    detail: `OOS AUC ${g.oos.auc.toFixed(4)} is ${Number.isFinite(z) ? `${Math.abs(z).toFixed(2)} null standard deviations ${z < 0 ? "below" : "above"}` : "NaN null standard deviations from"} 0.5 (need >= 2 above)`,
  });
  const basis = promotion.dsr_basis === "active" ? "active returns vs the benchmark" : "absolute returns";
  checks.push({
    name: "deflated_sharpe",
    passed: g.deflatedSharpe >= promotion.min_deflated_sharpe,
    detail: Number.isNaN(g.deflatedSharpe)
      ? `${DSR_LABEL} on ${basis}: not computed${promotion.dsr_basis === "active" ? " (no benchmark bars on the traded timestamps)" : ""}`
      : `${DSR_LABEL} on ${basis} ${g.deflatedSharpe.toFixed(3)} (need >= ${promotion.min_deflated_sharpe})`,
  });
  if (promotion.beat_control) {
    if (!g.control) {
      checks.push({
        name: "control",
        passed: false,
        detail: "no shuffled-label control ran (set controls.shuffled_labels: true)",
      });
    } else {
      const own = metricOf(promotion.metric, g);
      const ctl = metricOf(promotion.metric, g.control);
      const gain = own.higherIsBetter ? own.value - ctl.value : ctl.value - own.value;
      checks.push({
        name: "control",
        passed: gain >= promotion.margin,
        detail: `${promotion.metric} ${own.value.toFixed(4)} vs control ${ctl.value.toFixed(4)} (need a gain >= ${promotion.margin})`,
      });
    }
  }
  return { passed: checks.every((c) => c.passed), checks };
}
