/**
 * `gbm`: histogram gradient boosting (binary log-loss, multiclass softmax; Newton leaves with
 * L1/L2, best-first or depth-limited growth, row/column subsampling, early stopping) on the
 * WebAssembly tree kernel: node tasks split by features, large partitions and the row-wise
 * gradient steps split by rows, over worker threads sharing one memory; any thread count
 * gives the same trees.
 */
import { fitBinCuts } from "./binning";
import { type GbmArena, gbmArena, gbmLayout, startGbmThreads } from "./gbmArena";
import type { z } from "zod";
import { type GbmParams, type gbmParamsSchema, parseParams } from "./gbmParams";
import { type Booster, boostTree, probabilities } from "./gbmTree";
import { addTreeRaw } from "./treeTraversal";
import type { FeatureMatrix } from "./matrix";
import { logLoss } from "./metrics";
import { assertSameFeatures, checkLabels, checkWeights, type EvalSet, type FitOptions, type FitReport } from "./model";
import type { Tree } from "./tree";
import { checkFinite, TreeModel } from "./treeModel";

export class GbmModel extends TreeModel<GbmParams> {
  readonly kind = "gbm" as const;

  constructor(params: z.input<typeof gbmParamsSchema> = {}) {
    super(parseParams(params));
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const p = this.params;
    const ctx = "gbm.fit";
    const { K, w } = checkFitInputs(p, X, y, opts, ctx);
    const n = X.nRows;
    const nOut = K === 2 ? 1 : K;
    const F = X.names.length;
    const cuts = fitBinCuts(X, p.max_bins);
    const layout = gbmLayout(p, n, F);
    const { arena, arrays } = gbmArena(X, cuts, p, layout, nOut, w !== null);
    const base = baseScore(y, w, K, nOut);
    startMargins(arena, base, y, w, n, nOut);
    const threads = await startGbmThreads(p, arena, arrays, layout.nThreads);
    const b: Booster = {
      p,
      ctx,
      n,
      F,
      nOut,
      y,
      w,
      cuts,
      layout,
      arena,
      arrays,
      threads,
      rng: new Uint32Array([p.seed >>> 0]),
      qSeed: (p.seed ^ 0x9e3779b9) >>> 0,
      inSample: new Uint8Array(n),
      prob: new Float64Array(nOut === 1 ? 0 : n * nOut),
      gradMax: new Float64Array(2),
      allFeats: Int32Array.from({ length: F }, (_, f) => f),
    };
    let boosted: Boosted;
    try {
      boosted = boostRounds(b, base, opts.eval);
    } finally {
      threads.close();
    }
    const { trees, treeOutput, evalLogLoss, bestIter } = boosted;
    const ev = opts.eval;
    const rounds = ev && p.early_stopping_rounds > 0 ? bestIter + 1 : trees.length / nOut;
    this.treeEnsemble = {
      trees: trees.slice(0, rounds * nOut),
      treeOutput: Int32Array.from(treeOutput.slice(0, rounds * nOut)),
      nOutputs: nOut,
      baseScore: base,
      link: nOut === 1 ? "logit" : "softmax",
    };
    this.featureNames = [...X.names];
    this.nClasses = K;
    return {
      iterations: rounds,
      evalLogLoss,
      bestIteration: ev ? bestIter : rounds - 1,
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** Checks labels, weights, values and the eval set before any work; the class count and weights. */
function checkFitInputs(
  p: GbmParams,
  X: FeatureMatrix,
  y: ArrayLike<number>,
  opts: FitOptions,
  ctx: string,
): { K: number; w: Float64Array | null } {
  const n = X.nRows;
  const K = checkLabels(y, n, ctx);
  const w = checkWeights(opts.sampleWeight, n, ctx);
  checkFinite(X, p.missing, ctx);
  if (n < 2 * p.min_child_weight) {
    throw new Error(`${ctx}: ${n} rows cannot make two children of min_child_weight ${p.min_child_weight}`);
  }
  const ev = opts.eval;
  if (ev) {
    assertSameFeatures(X.names, ev.X.names, `${ctx} eval set`);
    if (ev.y.length !== ev.X.nRows) throw new Error(`${ctx}: eval y has ${ev.y.length} labels for ${ev.X.nRows} rows`);
    for (let i = 0; i < ev.y.length; i++) {
      if (!Number.isInteger(ev.y[i]) || ev.y[i] < 0 || ev.y[i] >= K) {
        throw new Error(`${ctx}: eval y[${i}] = ${ev.y[i]}, expected a class label 0..${K - 1}`);
      }
    }
    checkFinite(ev.X, p.missing, `${ctx} eval set`);
  }
  return { K, w };
}

/** Base score: the prior log-odds (binary) or log class frequencies (softmax). */
function baseScore(y: ArrayLike<number>, w: Float64Array | null, K: number, nOut: number): Float64Array {
  const base = new Float64Array(nOut);
  const cls = new Float64Array(K);
  let wsum = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    cls[y[i]] += wi;
    wsum += wi;
  }
  if (nOut === 1) {
    const pr = Math.min(1 - 1e-6, Math.max(1e-6, cls[1] / wsum));
    base[0] = Math.log(pr / (1 - pr));
  } else for (let k = 0; k < K; k++) base[k] = Math.log(Math.max(1e-6, cls[k] / wsum));
  return base;
}

/** Every row's margin at the base score, and the binary gradient step's inputs. */
function startMargins(
  arena: GbmArena,
  base: Float64Array,
  y: ArrayLike<number>,
  w: Float64Array | null,
  n: number,
  nOut: number,
): void {
  for (let i = 0; i < n; i++) arena.margin.set(base, i * nOut);
  // Binary: exp(−margin) per row, kept up to date by multiplying with exp(−leaf value) (one
  // exp per leaf instead of one per row and round: Math.exp was ~8 % of training). The
  // product drifts from exp(−margin) by ~1e-14 relative after 200 trees; a value leaving
  // (1e-300, 1e300) is recomputed from the margin.
  if (nOut === 1) {
    arena.expNeg.fill(Math.exp(-base[0]));
    arena.y.set(y);
    if (w) arena.weight.set(w);
  }
}

interface Boosted {
  trees: Tree[];
  treeOutput: number[];
  evalLogLoss: number[];
  bestIter: number;
}

/** The rounds: one tree per output each, the eval log-loss after each, early stopping on it. */
function boostRounds(b: Booster, base: Float64Array, ev: EvalSet | undefined): Boosted {
  const { p, nOut } = b;
  const evN = ev ? ev.X.nRows : 0;
  const evMargin = new Float64Array(evN * nOut);
  for (let i = 0; i < evN; i++) evMargin.set(base, i * nOut);
  const evProb = new Float64Array(evN * nOut);
  const out: Boosted = { trees: [], treeOutput: [], evalLogLoss: [], bestIter: -1 };
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < p.n_trees; round++) {
    if (nOut > 1) probabilities(b.arena.margin, b.prob, nOut);
    for (let k = 0; k < nOut; k++) {
      const t = boostTree(b, round, k);
      out.trees.push(t);
      out.treeOutput.push(k);
      if (ev) {
        const { feature, threshold, defaultLeft, left, right, value } = t;
        addTreeRaw(ev.X.data, evN, evN, 1, feature, threshold, defaultLeft, left, right, value, evMargin, nOut, k);
      }
    }
    if (ev) {
      probabilities(evMargin, evProb, nOut);
      const ll = logLoss(ev.y, evProb, ev.sampleWeight);
      out.evalLogLoss.push(ll);
      if (ll < best) {
        best = ll;
        out.bestIter = round;
      } else if (p.early_stopping_rounds > 0 && round - out.bestIter >= p.early_stopping_rounds) break;
    }
  }
  return out;
}
