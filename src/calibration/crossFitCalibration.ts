import { type CalibrationMethod, type CalibratorOptions, fitCalibrator } from "./calibrator";
import { CalibrationError } from "./probabilities";

/** Train/test row sets over the out-of-fold rows (a `Split` from src/validation fits). */
export interface RowSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function take(src: Float64Array, rows: Int32Array, k: number): Float64Array {
  const out = new Float64Array(rows.length * k);
  for (let j = 0; j < rows.length; j++) for (let c = 0; c < k; c++) out[j * k + c] = src[rows[j] * k + c];
  return out;
}

/**
 * Out-of-sample calibrated predictions: for each split, a calibrator fitted on the OOF
 * predictions of its training rows is applied to its test rows. Rows tested by no split stay
 * NaN. The result is what calibration will do on data it has not seen, which is how its ECE
 * gain must be judged.
 */
export function crossFitCalibration(
  method: CalibrationMethod,
  oofProbs: Float64Array,
  y: ArrayLike<number>,
  splits: readonly RowSplit[],
  opts: CalibratorOptions = {},
): Float64Array {
  const n = y.length;
  const k = oofProbs.length === n ? 1 : oofProbs.length / n;
  if (!Number.isInteger(k))
    throw new CalibrationError(
      "crossFitCalibration",
      `probabilities have length ${oofProbs.length}, not a multiple of ${n}`,
    );
  const out = new Float64Array(oofProbs.length).fill(Number.NaN);
  const yy = Float64Array.from(y);
  for (const s of splits) {
    const cal = fitCalibrator(method, take(oofProbs, s.train, k), take(yy, s.train, 1), {
      ...opts,
      regimes: opts.regimes ? take(Float64Array.from(opts.regimes), s.train, 1) : undefined,
    });
    const applied = cal.apply(
      take(oofProbs, s.test, k),
      opts.regimes ? take(Float64Array.from(opts.regimes), s.test, 1) : undefined,
    );
    for (let j = 0; j < s.test.length; j++) for (let c = 0; c < k; c++) out[s.test[j] * k + c] = applied[j * k + c];
  }
  return out;
}
