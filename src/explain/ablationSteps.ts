/**
 * The steps of a component ablation, each the previous one plus one component: *patterns*
 * (single-series indicator families only, raw probabilities, unit positions), + regime features,
 * + cross-asset context, + calibration and sizing (the config's own `calibration:` and `sizing:`),
 * then the full config (every usable column, calendar and other columns included). With
 * `bottomK`, a last step drops the k least important features by mean |SHAP| (shapPruned.ts:
 * ranked inside each training fold). A step compares with the step before it in the list run.
 */
import { columnsByComponent, type FeatureComponent } from "./featureComponents";

export const ABLATION_STEPS = ["patterns", "regime", "context", "calibration_sizing", "full", "drop_bottom_k"] as const;
export type AblationStepName = (typeof ABLATION_STEPS)[number];

/** The steps run by default: every one but drop_bottom_k, which needs a k. */
export const DEFAULT_ABLATION_STEPS: readonly AblationStepName[] = ABLATION_STEPS.filter((s) => s !== "drop_bottom_k");

export interface AblationStepPlan {
  step: AblationStepName;
  /** The feature columns the step's models see, in matrix order. */
  columns: string[];
  /** Whether the config's calibration and sizing apply (else raw probabilities, unit positions). */
  calibrateAndSize: boolean;
  /** Features dropped by |SHAP| inside each training fold (0: none). */
  dropBottomK: number;
  /** An earlier step of the same columns and treatment, whose results this one repeats; null when distinct. */
  sameAs: AblationStepName | null;
}

const CUMULATIVE: Record<"patterns" | "regime" | "context", FeatureComponent[]> = {
  patterns: ["patterns"],
  regime: ["patterns", "regime"],
  context: ["patterns", "regime", "context"],
};

/**
 * The plans of `steps` (run in ABLATION_STEPS order whatever order they are given in) over the
 * matrix columns `names`, grouped by `groups` (featureGroups) with `contextTickers` as context.
 */
export function planAblationSteps(
  names: readonly string[],
  groups: ReadonlyMap<string, string>,
  contextTickers: readonly string[],
  steps: readonly AblationStepName[],
  bottomK = 0,
): AblationStepPlan[] {
  const components = columnsByComponent(names, groups, contextTickers);
  if (components.patterns.length === 0)
    throw new Error(
      "ablation: no single-series indicator column (trend, momentum, volatility, volume, returns, microstructure): the patterns step would have no feature",
    );
  const wanted = new Set(steps);
  if (wanted.has("drop_bottom_k") && !(Number.isInteger(bottomK) && bottomK >= 1 && bottomK < names.length))
    throw new Error(
      `ablation: bottom-k must be an integer in 1..${names.length - 1} (the run has ${names.length} features), got ${bottomK}`,
    );
  const plans: AblationStepPlan[] = [];
  for (const step of ABLATION_STEPS.filter((s) => wanted.has(s))) {
    const columns =
      step === "full" || step === "drop_bottom_k"
        ? [...names]
        : names.filter((n) =>
            CUMULATIVE[step === "calibration_sizing" ? "context" : step].some((c) => components[c].includes(n)),
          );
    const calibrateAndSize = step === "calibration_sizing" || step === "full" || step === "drop_bottom_k";
    const dropBottomK = step === "drop_bottom_k" ? bottomK : 0;
    const twin = plans.find(
      (p) =>
        p.sameAs === null &&
        p.calibrateAndSize === calibrateAndSize &&
        p.dropBottomK === dropBottomK &&
        p.columns.length === columns.length &&
        p.columns.every((c, i) => c === columns[i]),
    );
    plans.push({ step, columns, calibrateAndSize, dropBottomK, sameAs: twin?.step ?? null });
  }
  return plans;
}
