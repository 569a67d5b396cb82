/**
 * Calibrated probabilities → entry signals. A signal at bar t is read at t's close and can
 * only trade from bar t+1 (the engine enforces this; see simulate.ts).
 */
import type { SignalsConfig } from "./config";

/** Signal codes: +1 enter/keep long, -1 enter/keep short (exit only when long-only), 0 no signal. */
export type SignalColumn = Int8Array;

function checkThreshold(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new Error(`signals.${name}: threshold must lie in [0, 1], got ${v}`);
}

/**
 * Long if pUp[t] >= long_above, short if pDown[t] >= short_above (pDown defaults to 1 - pUp),
 * else no signal. When both fire (thresholds below 0.5), the larger probability wins and a tie
 * gives no signal. Short signals are kept under long_only: the engine reads them as exits.
 * NaN probabilities (model warm-up) give no signal; values outside [0, 1] throw.
 */
export function signalsFromProbabilities(
  pUp: Float64Array,
  cfg: Pick<SignalsConfig, "long_above" | "short_above">,
  pDown?: Float64Array,
): SignalColumn {
  checkThreshold("long_above", cfg.long_above);
  checkThreshold("short_above", cfg.short_above);
  if (pDown && pDown.length !== pUp.length) {
    throw new Error(`signals: pDown has length ${pDown.length}, expected ${pUp.length} (length of pUp)`);
  }
  const n = pUp.length;
  const out = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    const up = pUp[t];
    if (Number.isNaN(up)) continue;
    if (!(up >= 0 && up <= 1)) throw new Error(`signals: pUp[${t}] = ${up} is not a probability in [0, 1]`);
    const down = pDown ? pDown[t] : 1 - up;
    if (!(down >= 0 && down <= 1) && !Number.isNaN(down)) {
      throw new Error(`signals: pDown[${t}] = ${down} is not a probability in [0, 1]`);
    }
    const long = up >= cfg.long_above;
    const short = down >= cfg.short_above;
    if (long && short) out[t] = up > down ? 1 : down > up ? -1 : 0;
    else if (long) out[t] = 1;
    else if (short) out[t] = -1;
  }
  return out;
}

/** Probability of the signalled side at each bar (for Kelly sizing): pUp for longs, pDown for shorts. */
export function sideProbabilities(signal: SignalColumn, pUp: Float64Array, pDown?: Float64Array): Float64Array {
  const out = new Float64Array(signal.length).fill(Number.NaN);
  for (let t = 0; t < signal.length; t++) {
    if (signal[t] > 0) out[t] = pUp[t];
    else if (signal[t] < 0) out[t] = pDown ? pDown[t] : 1 - pUp[t];
  }
  return out;
}
