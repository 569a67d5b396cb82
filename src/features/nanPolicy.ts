/**
 * The configured treatment of NaNs in a finished frame. `keep` leaves them; `ffill` carries each
 * column's last value over later NaNs (never before its first value, so warm-up stays NaN, and
 * only from earlier rows, so it adds no look-ahead); `drop_rows` removes every row holding a NaN.
 * Each reports how many values it touched.
 */
import type { FeatureFrame } from "./featureFrame";
import type { NanPolicy } from "./featuresConfig";

export interface NanReport {
  policy: NanPolicy;
  /** NaN values in the frame before the policy. */
  nanValues: number;
  /** Values the policy replaced (ffill) or removed with their rows (drop_rows). */
  valuesTouched: number;
  rowsDropped: number;
}

export function applyNanPolicy(frame: FeatureFrame, policy: NanPolicy): { frame: FeatureFrame; report: NanReport } {
  const n = frame.ts.length;
  let nanValues = 0;
  for (const c of frame.columns) nanValues += countNaN(c);
  if (policy === "keep" || nanValues === 0) {
    return { frame, report: { policy, nanValues, valuesTouched: 0, rowsDropped: 0 } };
  }
  if (policy === "ffill") {
    let touched = 0;
    for (const c of frame.columns) {
      let last = Number.NaN;
      for (let i = 0; i < n; i++) {
        const x = c[i];
        if (Number.isNaN(x)) {
          if (!Number.isNaN(last)) {
            c[i] = last;
            touched++;
          }
        } else last = x;
      }
    }
    return { frame, report: { policy, nanValues, valuesTouched: touched, rowsDropped: 0 } };
  }
  const keep = new Uint8Array(n).fill(1);
  for (const c of frame.columns) for (let i = 0; i < n; i++) if (Number.isNaN(c[i])) keep[i] = 0;
  let rows = 0;
  for (let i = 0; i < n; i++) rows += keep[i];
  const pick = (src: Float64Array) => {
    const out = new Float64Array(rows);
    for (let i = 0, k = 0; i < n; i++) if (keep[i]) out[k++] = src[i];
    return out;
  };
  return {
    frame: { ts: pick(frame.ts), names: frame.names, columns: frame.columns.map(pick) },
    report: { policy, nanValues, valuesTouched: (n - rows) * frame.columns.length, rowsDropped: n - rows },
  };
}

function countNaN(c: Float64Array): number {
  let k = 0;
  // biome-ignore lint/suspicious/noSelfCompare: x !== x is the branch-free NaN test (faster than Number.isNaN here).
  for (let i = 0; i < c.length; i++) if (c[i] !== c[i]) k++;
  return k;
}
