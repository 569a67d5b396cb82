/**
 * Scans bars t+1 .. t+horizon for the first bar whose high reaches `upperLevel` or whose low
 * reaches `lowerLevel`. Returns +j when the upper barrier is touched first at bar j, -j for
 * the lower barrier, and 0 when neither is touched (the vertical barrier at t+horizon ends
 * the window). j >= 1 always, so the sign is unambiguous.
 *
 * On bars (daily ones especially) whose range spans both barriers the order of the touches
 * inside the bar is unknown; `bothHit` says which one to assume. Labellers pass the barrier
 * that is worse for the position (the stop), so a label never claims a profit the data
 * cannot prove.
 */
export function firstBarrierTouch(
  high: Float64Array,
  low: Float64Array,
  t: number,
  horizon: number,
  upperLevel: number,
  lowerLevel: number,
  bothHit: 1 | -1,
): number {
  const last = t + horizon;
  for (let j = t + 1; j <= last; j++) {
    const up = high[j] >= upperLevel;
    const dn = low[j] <= lowerLevel;
    if (up && dn) return bothHit * j;
    if (up) return j;
    if (dn) return -j;
  }
  return 0;
}
