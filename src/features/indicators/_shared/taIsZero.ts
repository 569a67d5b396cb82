/**
 * TA-Lib's zero tests (TA_IS_ZERO, TA_IS_ZERO_OR_NEG in ta_utility.h): a computed deviation,
 * range or denominator within 1e-8 of zero counts as zero. An exact `=== 0` lets rounding
 * residue through: (10.2+10.1+10.15)/3 and (10.3+10.0+10.15)/3 differ by one ulp, and dividing
 * by such a residue turns a flat window into a full-scale reading. Only where TA-Lib uses these
 * macros; where it compares exactly (WILLR, STOCH, ROC, AD) the indicators do too.
 */
const TA_EPSILON = 1e-8;

export function taIsZero(v: number): boolean {
  return v > -TA_EPSILON && v < TA_EPSILON;
}

export function taIsZeroOrNeg(v: number): boolean {
  return v < TA_EPSILON;
}
