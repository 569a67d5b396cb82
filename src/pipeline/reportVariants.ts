/** The variants a report compares: every model, then the ensemble when the run has one. */
import type { ExperimentResult } from "./experimentResult";

export interface ReportVariant {
  name: string;
  /** The run's selected variant (the one it registers and trades). */
  selected: boolean;
  /** Calibrated probabilities, `width` per label row (NaN outside the rows predicted). */
  oof: Float64Array;
  holdout: Float64Array;
}

export function reportVariants(r: ExperimentResult): ReportVariant[] {
  return [
    ...r.models.map((m) => ({
      name: m.name,
      selected: r.selected === m.name,
      oof: m.oofProbs,
      holdout: m.holdoutProbs,
    })),
    ...(r.ensemble
      ? [
          {
            name: "ensemble",
            selected: r.selected === "ensemble",
            oof: r.ensemble.oofProbs,
            holdout: r.ensemble.holdoutProbs,
          },
        ]
      : []),
  ];
}

/** The selected variant (the first model when the selection names none of them). */
export function selectedVariant(r: ExperimentResult): ReportVariant {
  const all = reportVariants(r);
  return all.find((v) => v.selected) ?? all[0];
}
