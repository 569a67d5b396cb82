/**
 * The product plan's accuracy bands, measured from the version's baseline out-of-sample accuracy
 * (percentage points below it): normal down to −5, monitor below −5, drift below −15, emergency
 * below −25. The rolling accuracy over 100 matured signals is noisy (± ~5 points at 1 sd), so a
 * band changes only when 2 consecutive checks agree on it: a pure state machine over the confirmed
 * band and the one pending confirmation.
 */

export const ACCURACY_BANDS = ["normal", "monitor", "drift", "emergency"] as const;
export type AccuracyBand = (typeof ACCURACY_BANDS)[number];

/** Points below the baseline beyond which each band starts (strictly below). */
export const BAND_DROPS: Readonly<Record<Exclude<AccuracyBand, "normal">, number>> = {
  monitor: 5,
  drift: 15,
  emergency: 25,
};

/** Consecutive checks that must agree before the band changes. */
export const BAND_CONFIRMATIONS = 2;

/** The band of `accuracy` against `baseline` (both shares in [0, 1]). */
export function bandOf(accuracy: number, baseline: number): AccuracyBand {
  if (!Number.isFinite(accuracy) || !Number.isFinite(baseline)) {
    throw new Error(`bandOf: accuracy ${accuracy} and baseline ${baseline} must be finite`);
  }
  // In points, rounded to 1e-9 so 0.55 − 0.50 is 5 points exactly, not 5.000000000000004.
  const drop = Math.round((baseline - accuracy) * 100 * 1e9) / 1e9;
  if (drop > BAND_DROPS.emergency) return "emergency";
  if (drop > BAND_DROPS.drift) return "drift";
  if (drop > BAND_DROPS.monitor) return "monitor";
  return "normal";
}

/**
 * The hysteresis state: the confirmed band, and a different band seen on the last `count`
 * consecutive checks (1 ≤ count < BAND_CONFIRMATIONS), if any.
 */
export type BandState =
  | { readonly confirmed: AccuracyBand; readonly pending: null }
  | { readonly confirmed: AccuracyBand; readonly pending: AccuracyBand; readonly count: number };

/** A version starts confirmed normal. */
export const INITIAL_BAND_STATE: BandState = { confirmed: "normal", pending: null };

/**
 * The state after a check that observed `observed` (null: too few matured signals to measure
 * accuracy, which is no evidence either way, so the state stays as it was).
 */
export function nextBandState(prev: BandState, observed: AccuracyBand | null): BandState {
  if (observed === null) return prev;
  if (observed === prev.confirmed) return { confirmed: prev.confirmed, pending: null };
  const count = prev.pending === observed ? prev.count + 1 : 1;
  if (count >= BAND_CONFIRMATIONS) return { confirmed: observed, pending: null };
  return { confirmed: prev.confirmed, pending: observed, count };
}
