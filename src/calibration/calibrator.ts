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

/** One fitted map as JSON: Platt a/b or isotonic thresholds/values per class column, or the temperature. */
export type FittedCalibrationJSON =
  | { perClass: { a: number; b: number }[] }
  | { perClass: { x: number[]; y: number[] }[] }
  | { temperature: number };

/** A fitted calibrator as plain JSON (`Calibrator.toJSON`, `calibratorFromJSON`). */
export interface CalibratorJSON {
  method: CalibrationMethod;
  nClasses: number;
  /** "binary": the calibrator takes and returns a vector of P(class 1); "classes": n·K row-major. */
  layout: "binary" | "classes";
  /** Used for every row whose regime has no calibrator of its own (or when not fitted per regime). */
  pooled: FittedCalibrationJSON;
  /** Regimes with their own calibrator, ascending by id (empty when not fitted per regime). */
  perRegime: { regime: number; params: FittedCalibrationJSON }[];
}

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
  /** Plain JSON; `calibratorFromJSON` rebuilds a calibrator that applies identically. */
  toJSON(): CalibratorJSON;
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
  return makeCalibrator(method, k, binary, pooled, perRegime);
}

function makeCalibrator(
  method: CalibrationMethod,
  k: number,
  binary: boolean,
  pooled: Fitted,
  perRegime: Map<number, Fitted>,
): Calibrator {
  const regimes = [...perRegime.keys()].sort((a, b) => a - b);
  return {
    method,
    nClasses: k,
    regimes,
    toJSON: (): CalibratorJSON => ({
      method,
      nClasses: k,
      layout: binary ? "binary" : "classes",
      pooled: fittedToJSON(pooled),
      perRegime: regimes.map((r) => ({ regime: r, params: fittedToJSON(perRegime.get(r) as Fitted) })),
    }),
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

function fittedToJSON(f: Fitted): FittedCalibrationJSON {
  if (f.method === "temperature") return { temperature: f.params.temperature };
  if (f.method === "platt") return { perClass: f.perClass.map((p) => ({ a: p.a, b: p.b })) };
  return { perClass: f.perClass.map((p) => ({ x: Array.from(p.x), y: Array.from(p.y) })) };
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function fittedFromJSON(method: CalibrationMethod, json: unknown, columns: number, where: string): Fitted {
  const bad = (why: string) => new CalibrationError("calibratorFromJSON", `${where}: ${why}`);
  const j = json as Record<string, unknown> | null;
  if (!j || typeof j !== "object") throw bad("not an object");
  if (method === "temperature") {
    if (!finite(j.temperature) || j.temperature <= 0) throw bad("temperature must be a positive number");
    return { method, params: { temperature: j.temperature } };
  }
  const perClass = j.perClass;
  if (!Array.isArray(perClass) || perClass.length !== columns) {
    throw bad(`perClass must hold ${columns} entr${columns === 1 ? "y" : "ies"}`);
  }
  if (method === "platt") {
    return {
      method,
      perClass: perClass.map((p: { a?: unknown; b?: unknown }, c) => {
        if (!finite(p?.a) || !finite(p?.b)) throw bad(`perClass[${c}] needs finite a and b`);
        return { a: p.a, b: p.b };
      }),
    };
  }
  return {
    method,
    perClass: perClass.map((p: { x?: unknown; y?: unknown }, c) => {
      const x = p?.x;
      const y = p?.y;
      if (!Array.isArray(x) || !Array.isArray(y) || x.length === 0 || x.length !== y.length) {
        throw bad(`perClass[${c}] needs x and y of the same non-zero length`);
      }
      if (!x.every(finite) || !y.every(finite)) throw bad(`perClass[${c}]: x and y must be finite numbers`);
      for (let i = 1; i < x.length; i++) if (!(x[i] > x[i - 1])) throw bad(`perClass[${c}]: x must be ascending`);
      return { x: Float64Array.from(x), y: Float64Array.from(y) };
    }),
  };
}

/** Rebuilds a calibrator from `Calibrator.toJSON()`; validates the shape and throws CalibrationError. */
export function calibratorFromJSON(json: unknown): Calibrator {
  const j = json as Partial<CalibratorJSON> | null;
  const bad = (why: string) => new CalibrationError("calibratorFromJSON", why);
  if (!j || typeof j !== "object") throw bad("not an object");
  const method = j.method as CalibrationMethod;
  if (!CALIBRATION_METHODS.includes(method)) {
    throw bad(`method must be one of ${CALIBRATION_METHODS.join(", ")}, got ${String(j.method)}`);
  }
  const k = j.nClasses;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 2) throw bad("nClasses must be an integer >= 2");
  if (j.layout !== "binary" && j.layout !== "classes") throw bad('layout must be "binary" or "classes"');
  const binary = j.layout === "binary";
  if (binary && k !== 2) throw bad(`layout "binary" needs nClasses 2, got ${k}`);
  const columns = binary ? 1 : k;
  const pooled = fittedFromJSON(method, j.pooled, columns, "pooled");
  if (!Array.isArray(j.perRegime)) throw bad("perRegime must be an array");
  const perRegime = new Map<number, Fitted>();
  for (const e of j.perRegime) {
    if (!finite(e?.regime)) throw bad("perRegime entries need a numeric regime");
    if (perRegime.has(e.regime)) throw bad(`regime ${e.regime} appears twice`);
    perRegime.set(e.regime, fittedFromJSON(method, e.params, columns, `regime ${e.regime}`));
  }
  return makeCalibrator(method, k, binary, pooled, perRegime);
}
