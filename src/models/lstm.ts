/**
 * `lstm`: one LSTM layer over windows of `window` consecutive feature rows, then a dense
 * sigmoid/softmax output, trained with @tensorflow/tfjs on the wasm backend
 * (@tensorflow/tfjs-node is not used: its install step downloads a binary, which fails here).
 * Windows never cross a fold boundary: a window needs `window` consecutive rows of the matrix
 * it is built from, and with `rows` (the original row numbers, as a split gives them) a gap —
 * such as the purged test block inside a K-fold training set — also ends a run. Rows without a
 * full window are not trained on and predict NaN. Scaling (mean, population sd) is fitted on
 * the training rows only. Early stopping keeps the epoch with the lowest eval log-loss.
 * Prediction is a plain float64 forward pass over the saved weights (no tfjs needed), so a
 * reloaded model predicts bit-identically and synchronously.
 */
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { lstmTrainCore, type LstmJob, type LstmTrained } from "./lstmCore";
import type { FeatureMatrix } from "./matrix";
import { softmaxRows } from "./softmax";
import {
  assertSameFeatures,
  checkLabels,
  type FitOptions,
  type FitReport,
  type Importance,
  issuesAt,
  MODEL_SCHEMA_VERSION,
  type Model,
  type SavedModel,
} from "./model";
import { resolveThreads } from "./workers";

export const lstmParamsSchema = z.strictObject({
  /** Rows per window (time steps). */
  window: z.number().int().min(1).max(1000).default(20),
  units: z.number().int().min(1).max(4096).default(32),
  epochs: z.number().int().min(1).max(100_000).default(30),
  batch_size: z.number().int().min(1).max(1_000_000).default(64),
  learning_rate: z.number().positive().default(0.001),
  /** Epochs without eval improvement before stopping (needs an eval set). */
  patience: z.number().int().min(0).max(100_000).default(5),
  seed: z.number().int().min(0).default(0),
});

export type LstmParams = z.output<typeof lstmParamsSchema>;

export interface SavedLstm extends SavedModel {
  kind: "lstm";
  nClasses: number;
  mean: number[];
  scale: number[];
  shapes: number[][];
  weights: number[][];
}

export interface LstmFitOptions extends FitOptions {
  /** Original row numbers of X's rows (ascending): a jump ends a run of consecutive rows. */
  rows?: ArrayLike<number>;
  /** The same for the eval set's rows. */
  evalRows?: ArrayLike<number>;
}

// biome-ignore lint/suspicious/noExplicitAny: the tfjs module object, loaded lazily
type Tf = any;
let tfReady: Promise<Tf> | null = null;

/** tfjs on the wasm backend, loaded once on first use (importing models/ stays light). */
export function loadTfWasm(): Promise<Tf> {
  if (!tfReady) {
    tfReady = (async () => {
      const mod = await import("@tensorflow/tfjs");
      const tf = (mod as { default?: Tf }).default ?? mod;
      await import("@tensorflow/tfjs-backend-wasm");
      await tf.setBackend("wasm");
      await tf.ready();
      return tf;
    })();
  }
  return tfReady;
}

/** Index of the last row of each full window: rows r with r−window+1..r consecutive. */
export function windowEnds(n: number, window: number, rows?: ArrayLike<number>): Int32Array {
  const ends: number[] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    run = i > 0 && (!rows || rows[i] === rows[i - 1] + 1) ? run + 1 : 1;
    if (run >= window) ends.push(i);
  }
  return Int32Array.from(ends);
}

function longestRun(n: number, rows?: ArrayLike<number>): number {
  let run = 0;
  let best = 0;
  for (let i = 0; i < n; i++) {
    run = i > 0 && (!rows || rows[i] === rows[i - 1] + 1) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

export class LstmModel implements Model {
  readonly kind = "lstm" as const;
  readonly params: LstmParams;
  featureNames: string[] = [];
  nClasses = 0;
  mean = new Float64Array(0);
  scale = new Float64Array(0);
  shapes: number[][] = [];
  weights: Float64Array[] = [];
  /** Set by fit: eval log-loss per epoch, seconds per epoch. */
  lastFit: LstmTrained | null = null;

  constructor(
    params: z.input<typeof lstmParamsSchema> = {},
    readonly path = "lstm.params",
  ) {
    const r = lstmParamsSchema.safeParse(params);
    if (!r.success) throw new Error(issuesAt(r.error, path));
    this.params = r.data;
  }

  get nOutputs(): number {
    return this.nClasses === 2 ? 1 : this.nClasses;
  }

  /** Scaling, windows and labels for training in this thread or a worker. */
  prepare(X: FeatureMatrix, y: ArrayLike<number>, opts: LstmFitOptions = {}): LstmJob {
    const ctx = "lstm.fit";
    const n = X.nRows;
    const F = X.names.length;
    const K = checkLabels(y, n, ctx);
    if (opts.sampleWeight) throw new Error(`${ctx}: sample weights are not supported by lstm`);
    const L = this.params.window;
    const run = longestRun(n, opts.rows);
    if (run < L)
      throw new Error(
        `${this.path}.window: ${L} rows is longer than the fold (its longest run of consecutive rows is ${run} of ${n} rows)`,
      );
    const mean = new Float64Array(F);
    const scale = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      const col = X.data.subarray(j * n, (j + 1) * n);
      let s = 0;
      for (let i = 0; i < n; i++) {
        if (col[i] - col[i] !== 0)
          throw new Error(`${ctx}: feature "${X.names[j]}" row ${i} is ${col[i]}, expected a finite number`);
        s += col[i];
      }
      mean[j] = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (col[i] - mean[j]) ** 2;
      scale[j] = Math.sqrt(v / n) || 1;
    }
    this.featureNames = [...X.names];
    this.nClasses = K;
    this.mean = mean;
    this.scale = scale;
    const ends = windowEnds(n, L, opts.rows);
    const x = this.windows(X, ends, Float32Array);
    const yw = Float32Array.from(ends, (e) => y[e]);
    let evalX: Float32Array | null = null;
    let evalY: Float32Array | null = null;
    if (opts.eval) {
      const en = opts.eval.X.nRows;
      assertSameFeatures(this.featureNames, opts.eval.X.names, "lstm.fit eval");
      const er = longestRun(en, opts.evalRows);
      if (er < L)
        throw new Error(
          `${this.path}.window: ${L} rows is longer than the eval fold (longest run ${er} of ${en} rows)`,
        );
      const ee = windowEnds(en, L, opts.evalRows);
      evalX = this.windows(opts.eval.X, ee, Float32Array);
      evalY = Float32Array.from(ee, (e) => opts.eval?.y[e] ?? 0);
    }
    const p = this.params;
    return {
      x,
      y: yw,
      evalX,
      evalY,
      window: L,
      features: F,
      units: p.units,
      outputs: this.nOutputs,
      seed: p.seed,
      learningRate: p.learning_rate,
      epochs: p.epochs,
      batchSize: p.batch_size,
      patience: p.patience,
    };
  }

  /** Scaled windows ending at `ends`, window-major (N × window × features). */
  private windows<T extends Float32Array | Float64Array>(
    X: FeatureMatrix,
    ends: Int32Array,
    Ctor: { new (n: number): T },
  ): T {
    const n = X.nRows;
    const F = X.names.length;
    const L = this.params.window;
    const out = new Ctor(ends.length * L * F);
    for (let w = 0; w < ends.length; w++) {
      for (let t = 0; t < L; t++) {
        const r = ends[w] - L + 1 + t;
        const o = (w * L + t) * F;
        for (let j = 0; j < F; j++) out[o + j] = (X.data[j * n + r] - this.mean[j]) / this.scale[j];
      }
    }
    return out;
  }

  /** Takes the weights a training run produced (this thread or a worker). */
  adopt(t: LstmTrained): this {
    this.shapes = t.shapes;
    this.weights = t.weights.map((w) => Float64Array.from(w));
    this.lastFit = t;
    return this;
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: LstmFitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const job = this.prepare(X, y, opts);
    const tf = await loadTfWasm();
    const t = await lstmTrainCore(tf, job);
    this.adopt(t);
    return {
      iterations: t.epochs,
      evalLogLoss: t.evalLoss,
      bestIteration: t.bestEpoch,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /**
   * Probabilities per row (n × outputs); rows without `window` consecutive rows before them
   * (inclusive) in X — or in `rows`, when given — are NaN.
   */
  predictProba(X: FeatureMatrix, rows?: ArrayLike<number>): Float64Array {
    if (this.weights.length === 0) throw new Error("lstm.predictProba: the model is not fitted");
    assertSameFeatures(this.featureNames, X.names, "lstm.predictProba");
    const n = X.nRows;
    const F = X.names.length;
    const L = this.params.window;
    const U = this.params.units;
    const K = this.nOutputs;
    const [kernel, recurrent, bias, dense, denseBias] = this.weights;
    const ends = windowEnds(n, L, rows);
    const win = this.windows(X, ends, Float64Array);
    const out = new Float64Array(n * K).fill(Number.NaN);
    const h = new Float64Array(U);
    const c = new Float64Array(U);
    const z = new Float64Array(4 * U);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    for (let w = 0; w < ends.length; w++) {
      h.fill(0);
      c.fill(0);
      for (let t = 0; t < L; t++) {
        z.set(bias);
        const o = (w * L + t) * F;
        for (let j = 0; j < F; j++) {
          const xv = win[o + j];
          const row = j * 4 * U;
          for (let g = 0; g < 4 * U; g++) z[g] += xv * kernel[row + g];
        }
        for (let u = 0; u < U; u++) {
          const hv = h[u];
          const row = u * 4 * U;
          for (let g = 0; g < 4 * U; g++) z[g] += hv * recurrent[row + g];
        }
        // Keras gate order: input, forget, cell, output.
        for (let u = 0; u < U; u++) {
          const ig = sig(z[u]);
          const fg = sig(z[U + u]);
          const cg = Math.tanh(z[2 * U + u]);
          const og = sig(z[3 * U + u]);
          c[u] = fg * c[u] + ig * cg;
          h[u] = og * Math.tanh(c[u]);
        }
      }
      const r = ends[w];
      if (K === 1) {
        let s = denseBias[0];
        for (let u = 0; u < U; u++) s += h[u] * dense[u];
        out[r] = sig(s);
      } else {
        for (let k = 0; k < K; k++) {
          let s = denseBias[k];
          for (let u = 0; u < U; u++) s += h[u] * dense[u * K + k];
          out[r * K + k] = s;
        }
      }
    }
    // Logits to probabilities; rows without a full window stay NaN.
    return K === 1 ? out : softmaxRows(out, K);
  }

  /** Mean |input kernel weight| per feature over the four gates (features are standardised). */
  featureImportance(): Importance {
    const F = this.featureNames.length;
    const G = 4 * this.params.units;
    const v = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let g = 0; g < G; g++) s += Math.abs(this.weights[0][j * G + g]);
      v[j] = s / G;
    }
    return { names: this.featureNames, values: v };
  }

  toJSON(): SavedLstm {
    return {
      schemaVersion: MODEL_SCHEMA_VERSION,
      kind: "lstm",
      featureNames: this.featureNames,
      params: this.params,
      nClasses: this.nClasses,
      mean: [...this.mean],
      scale: [...this.scale],
      shapes: this.shapes,
      weights: this.weights.map((w) => [...w]),
    };
  }

  static load(s: SavedLstm): LstmModel {
    const m = new LstmModel(s.params as object);
    const F = s.featureNames.length;
    const U = m.params.units;
    const K = s.nClasses === 2 ? 1 : s.nClasses;
    const expected = [F * 4 * U, U * 4 * U, 4 * U, U * K, K];
    if (s.weights.length !== 5 || s.weights.some((w, i) => w.length !== expected[i]))
      throw new Error(
        `lstm.load: weights have sizes [${s.weights.map((w) => w.length).join(", ")}], expected [${expected.join(", ")}] for ${F} features, ${U} units, ${K} outputs`,
      );
    m.featureNames = [...s.featureNames];
    m.nClasses = s.nClasses;
    m.mean = Float64Array.from(s.mean);
    m.scale = Float64Array.from(s.scale);
    m.shapes = s.shapes;
    m.weights = s.weights.map((w) => Float64Array.from(w));
    return m;
  }
}

const WORKER_PRELUDE = `"use strict";
const __name = (f) => f;
const { workerData, parentPort } = require("node:worker_threads");
const tf = require("@tensorflow/tfjs");
require("@tensorflow/tfjs-backend-wasm");
`;

export interface LstmFold {
  X: FeatureMatrix;
  y: ArrayLike<number>;
  rows?: ArrayLike<number>;
  eval?: { X: FeatureMatrix; y: ArrayLike<number> };
  evalRows?: ArrayLike<number>;
}

/**
 * Trains one model per fold, `threads` folds at a time in worker threads (wasm runs one thread
 * per worker). Workers `require` tfjs, so the process must run from the project folder (or
 * one whose node_modules holds it). Results equal those of `fit` in this thread.
 */
export async function fitLstmFolds(
  params: z.input<typeof lstmParamsSchema>,
  folds: readonly LstmFold[],
  threads = 0,
  path = "lstm.params",
): Promise<LstmModel[]> {
  const models = folds.map(() => new LstmModel(params, path));
  const jobs = folds.map((f, i) => models[i].prepare(f.X, f.y, { rows: f.rows, eval: f.eval, evalRows: f.evalRows }));
  const src = `${WORKER_PRELUDE}${lstmTrainCore.toString()}\n(async () => {\n  await tf.setBackend("wasm");\n  await tf.ready();\n  parentPort.postMessage(await lstmTrainCore(tf, workerData));\n})().catch((e) => { setImmediate(() => { throw e; }); });\n`;
  const width = Math.min(resolveThreads(threads), folds.length);
  let next = 0;
  const runOne = (i: number) =>
    new Promise<LstmTrained>((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: jobs[i] });
      w.once("message", (m: LstmTrained) => {
        resolve(m);
        void w.terminate();
      });
      w.once("error", (e) => reject(new Error(`lstm fold ${i}: worker failed: ${e.message}`)));
    });
  const lanes = Array.from({ length: width }, async () => {
    while (next < folds.length) {
      const i = next++;
      models[i].adopt(await runOne(i));
    }
  });
  await Promise.all(lanes);
  return models;
}
