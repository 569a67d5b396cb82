import { computeFeatures, type FeatureInput } from "../features";
import { featureEntryOf, type IndicatorRef, type PrimaryRule } from "./primaryConfig";

/** The referenced indicator column over the input's bars (the features stage computes it from bars ≤ t). */
function indicatorColumn(ref: IndicatorRef, input: FeatureInput): Float64Array {
  const { frame } = computeFeatures({ set: [featureEntryOf(ref)] }, input);
  return frame.columns[0];
}

/** +1 above, −1 below, 0 level, NaN where either side is unknown. */
function sideOf(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return a > b ? 1 : a < b ? -1 : 0;
}

/**
 * A rule's primary side per bar, from indicators at bars ≤ t only: `cross`: long while the
 * fast indicator is above the slow one, short while below; `sign`: long while the indicator is
 * above `center`, short while below. NaN in a warm-up, 0 on a tie (no trade).
 */
export function primaryRuleSide(rule: PrimaryRule, input: FeatureInput): Float64Array {
  if (rule.rule === "cross") {
    const fast = indicatorColumn(rule.fast, input);
    const slow = indicatorColumn(rule.slow, input);
    return Float64Array.from(fast, (f, t) => sideOf(f, slow[t]));
  }
  const v = indicatorColumn(rule.of, input);
  return Float64Array.from(v, (x) => sideOf(x, rule.center));
}
