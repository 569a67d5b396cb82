/**
 * Zero variance, told apart from rounding residue. For n equal values the computed mean is off
 * by up to about n·ε·|mean| (summed left to right), and every deviation from it carries that
 * same error: a constant series shows a standard deviation of that order instead of 0. Daily
 * returns of exactly 0.001 for a year gave sd ≈ 4e-19, hence a Sharpe ratio of 2.4e16, skew −1
 * and PSR 1, all of them noise. An sd at or below n·ε·|mean| is treated as exactly 0.
 */
export function isZeroVariance(sd: number, mean: number, n: number): boolean {
  return sd <= n * Number.EPSILON * Math.abs(mean);
}

/**
 * mean / sd, NaN with zero variance ({@link isZeroVariance}). A riskless gain has an unbounded
 * Sharpe ratio, but ±∞ would not survive the way out: MLflow stores it as ±1.8e308 (its SQL
 * store clamps to the largest double, measured), a number that tops every Sharpe column, and
 * JSON writes it as null. NaN plus a note saying why is what reaches the user intact.
 */
export function sharpeOf(mean: number, sd: number, n: number): number {
  return isZeroVariance(sd, mean, n) ? Number.NaN : mean / sd;
}
