import { applyIsotonic, fitIsotonic, type IsotonicParams } from "./isotonic";
import { applyPlatt, fitPlatt, type PlattParams } from "./platt";
import { CalibrationError, checkLabels, classCountOf } from "./probabilities";
import { applyTemperature, fitTemperature, type TemperatureParams } from "./temperature";

export type CalibrationMethod = "platt" | "isotonic" | "temperature";
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ["platt", "isotonic", "temperature"];

export interface CalibratorOptions {
  /** Regime id per row: fits one calibrator per regime with enough rows, the pooled one for the rest. */
  regimes?: ArrayLike<number>;
  /** Rows (and rows of each class) a regime needs for its own calibrator; default 200 (and 20 per class). */
  minRegimeRows?: number;
}

type Fitted =
  | { method: "platt"; perClass: PlattParams[] }
  | { method: "isotonic"; perClass: IsotonicParams[] }
  | { method: "temperature"; params: TemperatureParams };

/**
 * A fitted calibrator. `apply` takes predictions in the layout it was fitted on (a vector of
 * P(1), or n·K) and, when fitted per regime, the regime id of each row.
 */
export interface Calibrator {
  readonly method: CalibrationMethod;
  readonly nClasses: number;
  /** Regime ids that got their own calibrator (empty when not fitted per regime). */
  readonly regimes: readonly number[];
  apply(probs: Float64Array, regimes?: ArrayLike<number>): Float64Array;
}

function column(probs: Float64Array, k: number, c: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * k + c];
  return out;
}

function fitOne(method: CalibrationMethod, probs: Float64Array, y: ArrayLike<number>, k: number): Fitted {
  const n = y.length;
  if (method === "temperature") return { method, params: fitTemperature(probs, y) };
  // K classes: one-vs-rest per class column, renormalised on apply (as sklearn's CalibratedClassifierCV).
  const columns = probs.length === n ? [probs] : Array.from({ length: k }, (_, c) => column(probs, k, c, n));
  const targets =
    probs.length === n ? [y] : Array.from({ length: k }, (_, c) => Float64Array.from(y, (v) => (v === c ? 1 : 0)));
  if (method === "platt") return { method, perClass: columns.map((col, c) => fitPlatt(col, targets[c])) };
  if (method === "isotonic") return { method, perClass: columns.map((col, c) => fitIsotonic(col, targets[c])) };
  throw new CalibrationError("fitCalibrator", `method must be one of ${CALIBRATION_METHODS.join(", ")}, got ${method}`);
}

function applyOne(f: Fitted, probs: Float64Array, n: number, k: number): Float64Array {
  if (f.method === "temperature") return applyTemperature(f.params, probs, n);
  const map = (params: PlattParams | IsotonicParams, col: Float64Array) =>
    f.method === "platt" ? applyPlatt(params as PlattParams, col) : applyIsotonic(params as IsotonicParams, col);
  if (probs.length === n) return map(f.perClass[0], probs);
  const out = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const cal = map(f.perClass[c], column(probs, k, c, n));
    for (let i = 0; i < n; i++) out[i * k + c] = cal[i];
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += out[i * k + c];
    for (let c = 0; c < k; c++) out[i * k + c] = s > 0 ? out[i * k + c] / s : 1 / k;
  }
  return out;
}

function subset(probs: Float64Array, y: ArrayLike<number>, rows: number[], k: number, binary: boolean) {
  const ys = new Float64Array(rows.length);
  const ps = new Float64Array(binary ? rows.length : rows.length * k);
  rows.forEach((r, j) => {
    ys[j] = y[r];
    if (binary) ps[j] = probs[r];
    else for (let c = 0; c < k; c++) ps[j * k + c] = probs[r * k + c];
  });
  return { ps, ys };
}

/**
 * Fits a calibrator on out-of-fold predictions and their labels. Never pass in-sample
 * predictions: a model's fit on its own training rows is over-confident in a way held-out
 * rows are not. `crossFitCalibration` does the bookkeeping when a split plan is at hand.
 */
export function fitCalibrator(
  method: CalibrationMethod,
  oofProbs: Float64Array,
  y: ArrayLike<number>,
  opts: CalibratorOptions = {},
): Calibrator {
  const n = y.length;
  const k = classCountOf("fitCalibrator", y, oofProbs);
  checkLabels("fitCalibrator", y, k);
  const binary = oofProbs.length === n;
  const pooled = fitOne(method, oofProbs, y, k);
  const perRegime = new Map<number, Fitted>();
  if (opts.regimes) {
    if (opts.regimes.length !== n) {
      throw new CalibrationError("fitCalibrator", `regimes has length ${opts.regimes.length}, expected ${n}`);
    }
    const minRows = opts.minRegimeRows ?? 200;
    const byRegime = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = opts.regimes[i];
      if (Number.isNaN(r)) continue;
      const rows = byRegime.get(r);
      if (rows) rows.push(i);
      else byRegime.set(r, [i]);
    }
    for (const [r, rows] of byRegime) {
      if (rows.length < minRows) continue;
      const perClass = new Int32Array(k);
      for (const i of rows) perClass[y[i]]++;
      if (Math.min(...perClass) < Math.min(20, minRows)) continue;
      const { ps, ys } = subset(oofProbs, y, rows, k, binary);
      perRegime.set(r, fitOne(method, ps, ys, k));
    }
  }
  const regimes = [...perRegime.keys()].sort((a, b) => a - b);
  return {
    method,
    nClasses: k,
    regimes,
    apply(probs: Float64Array, rowRegimes?: ArrayLike<number>): Float64Array {
      const m = binary ? probs.length : probs.length / k;
      if (!Number.isInteger(m))
        throw new CalibrationError(
          "calibrator.apply",
          `probabilities have length ${probs.length}, not a multiple of ${k}`,
        );
      const out = applyOne(pooled, probs, m, k);
      if (perRegime.size === 0) return out;
      if (!rowRegimes || rowRegimes.length !== m) {
        throw new CalibrationError("calibrator.apply", `fitted per regime: pass one regime id per row (${m} rows)`);
      }
      for (const [r, fitted] of perRegime) {
        const rows: number[] = [];
        for (let i = 0; i < m; i++) if (rowRegimes[i] === r) rows.push(i);
        if (rows.length === 0) continue;
        const { ps } = subset(probs, new Float64Array(m), rows, k, binary);
        const cal = applyOne(fitted, ps, rows.length, k);
        rows.forEach((row, j) => {
          if (binary) out[row] = cal[j];
          else for (let c = 0; c < k; c++) out[row * k + c] = cal[j * k + c];
        });
      }
      return out;
    },
  };
}
