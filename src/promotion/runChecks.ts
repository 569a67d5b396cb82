/**
 * The runner's own checks, decided when an experiment finishes (`wsp run`): no suspected leakage,
 * a signal distinguishable from chance, the minimum deflated Sharpe (on `promotion.dsr_basis`:
 * active returns against the benchmark by default, so drift harvested by a long bias does not
 * count as skill), and beating the shuffled-label control on the configured metric by the
 * margin. The comparison with the champion happens at `wsp promote` (gates.ts), which decides the
 * deflated Sharpe and the control again and reads the first two as the run's own checks.
 */
import { DSR_LABEL } from "../backtest";
import { aucNullStd } from "../validation";
import { beats } from "./compare";
import { defaultDirection, type GoNoGoGateName, type PromotionConfig } from "./config";
import { type GoNoGoFigures, goNoGoGates, goNoGoSettings, NO_FIGURES } from "./goNoGo";

export interface GateCheck {
  name: "leakage" | "signal" | "deflated_sharpe" | "control" | GoNoGoGateName;
  passed: boolean;
  detail: string;
  /** A go/no-go gate's figure and threshold (NaN: missing), as `wsp promote` records them. */
  value?: number;
  threshold?: number;
}

export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
}

/** The scores a check reads of a model's out-of-fold or holdout predictions. */
export interface MetricScores {
  auc: number;
  logloss: number;
}

export interface GateInput {
  oos: MetricScores;
  holdout: MetricScores;
  /** Positive-class rows among the scored OOF rows (for the AUC's null spread). */
  nPositive: number;
  nRows: number;
  /** On `promotion.dsr_basis`; NaN (a failed gate) when it could not be computed. */
  deflatedSharpe: number;
  control: { oos: MetricScores; holdout: MetricScores } | null;
  leakageFlags: readonly string[];
  /** What the go/no-go gates read, and `leakage.max_direction_accuracy`; needed when `promotion:` switches any on. */
  goNoGo?: { figures: GoNoGoFigures; maxDirectionAccuracy: number };
}

function metricOf(metric: PromotionConfig["metric"], s: { oos: MetricScores; holdout: MetricScores }): number {
  switch (metric) {
    case "oos_logloss":
      return s.oos.logloss;
    case "oos_auc":
      return s.oos.auc;
    case "holdout_logloss":
      return s.holdout.logloss;
    case "holdout_auc":
      return s.holdout.auc;
  }
}

export function evaluateGates(promotion: PromotionConfig, g: GateInput): GateVerdict {
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
      checks.push({
        name: "control",
        // The rule `wsp promote` applies to the control runs (gates.ts): strictly better, by the margin.
        passed: beats(own, ctl, defaultDirection(promotion.metric), promotion.margin),
        detail: `${promotion.metric} ${own.toFixed(4)} vs control ${ctl.toFixed(4)} (need a gain >= ${promotion.margin})`,
      });
    }
  }
  const goNoGo = goNoGoSettings(promotion, g.goNoGo?.maxDirectionAccuracy ?? Number.NaN);
  if (goNoGo) {
    for (const x of goNoGoGates(goNoGo, g.goNoGo?.figures ?? NO_FIGURES)) {
      checks.push({ name: x.gate, passed: x.passed, detail: x.detail, value: x.value, threshold: x.threshold });
    }
  }
  return { passed: checks.every((c) => c.passed), checks };
}

/**
 * The run's own verdict as `wsp promote` reads it (its run_checks gate): leakage and signal only;
 * the deflated Sharpe, the control and the go/no-go gates are decided again at promotion, with the
 * ledger and the control runs as they then are.
 */
export function ownChecksVerdict(v: GateVerdict): "passed" | "refused" {
  return v.checks.every((g) => g.passed || (g.name !== "leakage" && g.name !== "signal")) ? "passed" : "refused";
}
