/**
 * One drift check of a served version against its reference profile (issue 18's definition):
 *
 * - per profiled feature: PSI (psi.ts) and the two-sample KS test (ks.ts), KS drifted at
 *   p < 0.01 / k over the k features tested (Bonferroni);
 * - the PSI of the predicted probability;
 * - the accuracy band of the rolling accuracy against the profile's baseline, through the
 *   hysteresis (accuracyBands.ts).
 *
 * The verdict is `drift` when PSI > 0.2 on one of the model's top-10 features by mean |SHAP|,
 * the prediction's PSI > 0.2, or the confirmed band is drift or emergency; `emergency` is set
 * when the confirmed band is emergency. A top-10 feature with no live value at all is drift too
 * (the model is being fed nothing there). KS results are reported but do not decide the verdict:
 * with thousands of rows it flags shifts far too small to matter, which is why the plan decides on
 * PSI and keeps KS as evidence.
 */
import { type AccuracyBand, type BandState, bandOf, nextBandState } from "./accuracyBands";
import { bonferroniLevel, ksTwoSampleSorted, sortedPresent } from "./ks";
import { psi, PSI_DRIFT } from "./psi";
import { type ReferenceProfile, TOP_FEATURES } from "./referenceProfile";

export interface DriftCheckInput {
  profile: ReferenceProfile;
  /** Live feature columns by name, over the check's window (every profiled feature present). */
  features: Readonly<Record<string, ArrayLike<number>>>;
  /** The live predicted probability per row, as `predictedProbability` gives it. */
  predicted: ArrayLike<number>;
  /** Rolling accuracy over the last 100 matured signals; null with fewer than 100. */
  rollingAccuracy: number | null;
  /** The hysteresis state after the previous check. */
  bandState: BandState;
  /** The model's top features by mean |SHAP| (default: the profile's); only the first 10 count. */
  topFeatures?: readonly string[] | null;
}

export interface FeatureDrift {
  name: string;
  /** NaN when no live value is present. */
  psi: number;
  psiDrifted: boolean;
  ks: { statistic: number; pValue: number; drifted: boolean } | null;
  /** Live values present and missing (NaN). */
  n: number;
  missing: number;
  top: boolean;
}

export interface DriftCheckResult {
  features: FeatureDrift[];
  prediction: { psi: number; drifted: boolean; n: number; missing: number };
  /** The Bonferroni level KS p-values are compared with. */
  ksLevel: number;
  band: { observed: AccuracyBand | null; state: BandState };
  verdict: "drift" | "no_drift";
  emergency: boolean;
  /** One line per cause of the verdict (empty with no drift). */
  reasons: string[];
}

const fmt = (x: number) => x.toFixed(3);

/**
 * Fewest live values whose PSI may decide drift. Under no drift PSI's expectation is about
 * (bins − 1) / n: 0.18 at 50 values, 0.41 at 22 (a daily model's month), so a smaller window
 * crosses the 0.2 line on noise alone. Its PSI is still reported.
 */
export const PSI_MIN_ROWS = 50;

export function driftCheck(input: DriftCheckInput): DriftCheckResult {
  const { profile } = input;
  const top = new Set((input.topFeatures ?? profile.topFeatures ?? []).slice(0, TOP_FEATURES));
  const ksLevel = bonferroniLevel(profile.features.length);
  const reasons: string[] = [];
  const features = profile.features.map((ref): FeatureDrift => {
    const live = input.features[ref.name];
    if (!live) throw new Error(`drift check: the live window has no column ${ref.name} (a profiled feature)`);
    const p = psi(ref, live);
    const sorted = sortedPresent(live);
    const ks = sorted.length === 0 ? null : ksTwoSampleSorted(ref.sample, sorted);
    const isTop = top.has(ref.name);
    const psiDrifted = p.psi > PSI_DRIFT && p.n >= PSI_MIN_ROWS;
    if (isTop && psiDrifted) reasons.push(`PSI ${fmt(p.psi)} > ${PSI_DRIFT} on top feature ${ref.name}`);
    if (isTop && p.n === 0) reasons.push(`top feature ${ref.name} has no live value (${p.missing} missing)`);
    return {
      name: ref.name,
      psi: p.psi,
      psiDrifted,
      ks: ks && { statistic: ks.statistic, pValue: ks.pValue, drifted: ks.pValue < ksLevel },
      n: p.n,
      missing: p.missing,
      top: isTop,
    };
  });
  const pred = psi(profile.prediction, input.predicted);
  const predictionDrifted = pred.psi > PSI_DRIFT && pred.n >= PSI_MIN_ROWS;
  if (predictionDrifted) reasons.push(`PSI ${fmt(pred.psi)} > ${PSI_DRIFT} on the predicted probability`);

  const baseline = profile.baseline.accuracy;
  const observed = input.rollingAccuracy === null || baseline === null ? null : bandOf(input.rollingAccuracy, baseline);
  const state = nextBandState(input.bandState, observed);
  if (state.confirmed === "drift" || state.confirmed === "emergency") {
    reasons.push(
      `accuracy band ${state.confirmed}: rolling accuracy ${fmt(input.rollingAccuracy ?? Number.NaN)} against baseline ${fmt(baseline ?? Number.NaN)}`,
    );
  }
  return {
    features,
    prediction: { psi: pred.psi, drifted: predictionDrifted, n: pred.n, missing: pred.missing },
    ksLevel,
    band: { observed, state },
    verdict: reasons.length > 0 ? "drift" : "no_drift",
    emergency: state.confirmed === "emergency",
    reasons,
  };
}
