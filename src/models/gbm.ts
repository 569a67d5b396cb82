/**
 * `gbm`: histogram gradient boosting (binary log-loss, multiclass softmax; Newton leaves with
 * L1/L2, best-first or depth-limited growth, row/column subsampling, early stopping), trees
 * grown feature-parallel over worker threads sharing bins, gradients and histograms.
 */
import { z } from "zod";
import { binCounts, binIntoKernel, fitBinCuts } from "./binning";
import type { TreeEnsemble } from "./ensemble";
import { addTreeRaw, growTree, leafOfBinned, rngNext, type TreeArrays, wasmArena } from "./kernel";
import type { FeatureMatrix } from "./matrix";
import { logLoss } from "./metrics";
import { assertSameFeatures, checkLabels, checkWeights, type FitOptions, type FitReport } from "./model";
import { type Tree, treeFromGrown } from "./tree";
import { checkFinite, TreeModel } from "./treeModel";
import { treeKernelModule } from "./wasm/treeKernelModule";
import { firstMessage, resolveThreads, startWorker } from "./workers";

export const gbmParamsSchema = z
  .strictObject({
    n_trees: z.number().int().min(1).default(100),
    learning_rate: z.number().gt(0).max(1).default(0.1),
    /** 0 = no depth limit (then max_leaves must be set). */
    max_depth: z.number().int().min(0).default(6),
    /** > 0: leaf-wise best-first growth up to this many leaves. */
    max_leaves: z.number().int().min(0).default(0),
    min_child_weight: z.number().min(0).default(1),
    lambda: z.number().min(0).default(1),
    alpha: z.number().min(0).default(0),
    min_split_gain: z.number().min(0).default(0),
    subsample: z.number().gt(0).max(1).default(1),
    colsample_bytree: z.number().gt(0).max(1).default(1),
    max_bins: z.number().int().min(2).max(255).default(255),
    /** Stop when the eval log-loss has not improved for this many rounds (0 = never). */
    early_stopping_rounds: z.number().int().min(0).default(0),
    /** "error": NaN/±Infinity in X are refused; "learn": they follow a learned default direction. */
    missing: z.enum(["error", "learn"]).default("error"),
    seed: z.number().int().default(0),
    /**
     * Per round, g and h are stochastically rounded (seeded) to small integers packed into one
     * double, so the histogram build does one add per (row, feature); split search uses the
     * integer sums scaled back, and every node's value and cover are refitted from the true
     * float gradients of its rows. Off = float gradients throughout (XGBoost's arithmetic).
     */
    quantized_gradients: z.boolean().default(true),
    /** 0 = every core; small problems (rows × features < 2M) then use one thread. */
    n_threads: z.number().int().min(0).default(0),
  })
  .refine((p) => p.max_depth > 0 || p.max_leaves > 0, { message: "max_depth or max_leaves must be > 0" });

export type GbmParams = z.output<typeof gbmParamsSchema>;

const WORKER_ENTRY = `
const d = workerData;
const kernel = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
parentPort.postMessage("ready");
gbmWorkerLoop({ ...d.arrays, kernel }, d.w, d.nWorkers, d.ctl, d.task, d.cfg);
`;

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}
function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

export class GbmModel extends TreeModel<GbmParams> {
  readonly kind = "gbm" as const;

  constructor(params: z.input<typeof gbmParamsSchema> = {}) {
    super(parseParams(params));
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const p = this.params;
    const ctx = "gbm.fit";
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
      if (ev.y.length !== ev.X.nRows)
        throw new Error(`${ctx}: eval y has ${ev.y.length} labels for ${ev.X.nRows} rows`);
      for (let i = 0; i < ev.y.length; i++) {
        if (!Number.isInteger(ev.y[i]) || ev.y[i] < 0 || ev.y[i] >= K) {
          throw new Error(`${ctx}: eval y[${i}] = ${ev.y[i]}, expected a class label 0..${K - 1}`);
        }
      }
      checkFinite(ev.X, p.missing, `${ctx} eval set`);
    }
    const nOut = K === 2 ? 1 : K;
    const F = X.names.length;
    const cuts = fitBinCuts(X, p.max_bins);
    // Rows padded to a multiple of 4 bytes: the histogram build reads four bins per Uint32 load.
    // S is the row stride (and features per histogram slot) everywhere below; padding bins are
    // never read as features (feats < F).
    const S = (F + 3) & ~3;
    const auto = p.n_threads === 0;
    let nThreads = Math.min(resolveThreads(p.n_threads), F);
    if (auto && n * F < 2_000_000) nThreads = 1;
    const nWorkers = nThreads - 1;
    const nSlots = (p.max_leaves > 0 ? p.max_leaves : p.max_depth + 1) + 3;
    // Quantised gradients: with sums of n values below 2^nb, gq (kg bits) and hq (kh bits)
    // pack as gq·2^(nb+kh) + hq and every histogram sum stays an exact integer below 2^53.
    const nb = Math.ceil(Math.log2(n + 1));
    const kBits = 53 - 2 * nb;
    const kg = Math.min(15, Math.ceil(kBits / 2));
    const kh = Math.min(15, kBits - kg);
    const quant = p.quantized_gradients && kg >= 5 && kh >= 4;
    const sb2 = 2 ** (nb + kh);
    const arena = wasmArena(treeKernelModule(), {
      bins: ["u8", n * S],
      binsCol: ["u8", n * S],
      gh: ["f64", 2 * n],
      ghq: ["f64", quant ? n : 0],
      rows: ["i32", n],
      scratch: ["i32", n],
      hist: ["f64", nSlots * S * 512],
      nBins: ["i32", F],
      feats: ["i32", 2 * F],
      out: ["f64", nThreads * 12],
      acc: ["f64", nThreads * S * 256],
      // Per-round arrays of the kernel's gradient steps (binary: y, weights, exp(−margin)).
      y: ["f64", nOut === 1 ? n : 0],
      weight: ["f64", nOut === 1 && w ? n : 0],
      margin: ["f64", n * nOut],
      expNeg: ["f64", nOut === 1 ? n : 0],
      // [the stochastic rounding's RNG state (a u32 in the first double), 2 doubles of kernel results].
      misc: ["f64", 3],
      // Binning scratch: one feature column and its cut table.
      column: ["f64", n],
      cutTable: ["f64", 256],
    });
    const { kernel, bins, gh, rows, feats, margin, misc } = arena;
    const arrays: TreeArrays = { ...arena, stride: S };
    binIntoKernel(X, cuts, arena, S);
    arena.nBins.set(binCounts(cuts));

    // Base score: the prior log-odds (binary) or log class frequencies (softmax).
    const base = new Float64Array(nOut);
    const cls = new Float64Array(K);
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      cls[y[i]] += wi;
      wsum += wi;
    }
    if (nOut === 1) {
      const pr = Math.min(1 - 1e-6, Math.max(1e-6, cls[1] / wsum));
      base[0] = Math.log(pr / (1 - pr));
    } else for (let k = 0; k < K; k++) base[k] = Math.log(Math.max(1e-6, cls[k] / wsum));

    for (let i = 0; i < n; i++) margin.set(base, i * nOut);
    // Binary: exp(−margin) per row, kept up to date by multiplying with exp(−leaf value) (one
    // exp per leaf instead of one per row and round: Math.exp was ~8 % of training). The
    // product drifts from exp(−margin) by ~1e-14 relative after 200 trees; a value leaving
    // (1e-300, 1e300) is recomputed from the margin.
    const binary = nOut === 1;
    if (binary) {
      arena.expNeg.fill(Math.exp(-base[0]));
      arena.y.set(y);
      if (w) arena.weight.set(w);
    }
    const evN = ev ? ev.X.nRows : 0;
    const evMargin = new Float64Array(evN * nOut);
    for (let i = 0; i < evN; i++) evMargin.set(base, i * nOut);

    const qRng = new Uint32Array(misc.buffer, misc.byteOffset, 1);
    qRng[0] = (p.seed ^ 0x9e3779b9) >>> 0;
    const cfg = sharedF64(14);
    cfg.set([
      p.max_depth,
      p.max_leaves,
      p.min_child_weight,
      p.lambda,
      p.alpha,
      p.min_split_gain,
      p.learning_rate,
      0,
      0,
      nThreads,
    ]);
    const ctl = sharedI32(1 + nWorkers);
    const task = sharedF64(27);
    const workers = [];
    // Workers get the arrays (views of the shared kernel memory) and instantiate the kernel on it.
    const { kernel: _, memory, ...views } = arena;
    for (let wi = 0; wi < nWorkers; wi++) {
      const wk = startWorker(WORKER_ENTRY, {
        module: treeKernelModule(),
        memory,
        arrays: { ...views, stride: S },
        w: wi,
        nWorkers,
        ctl,
        task,
        cfg,
      });
      workers.push(wk);
      await firstMessage(wk);
    }
    const remote = nWorkers > 0 ? { ctl, task, nWorkers } : null;

    const rng = new Uint32Array([p.seed >>> 0]);
    const inSample = new Uint8Array(n);
    const prob = new Float64Array(binary ? 0 : n * nOut);
    const trees: Tree[] = [];
    const treeOutput: number[] = [];
    const evalLogLoss: number[] = [];
    let best = Number.POSITIVE_INFINITY;
    let bestIter = -1;
    const evProb = new Float64Array(evN * nOut);
    const allFeats = Int32Array.from({ length: F }, (_, f) => f);
    const nColTree = Math.max(1, Math.round(p.colsample_bytree * F));

    try {
      for (let round = 0; round < p.n_trees; round++) {
        if (!binary) probabilities(margin, prob, nOut);
        for (let k = 0; k < nOut; k++) {
          if (binary)
            kernel.logisticGradients(
              arena.expNeg.byteOffset,
              arena.y.byteOffset,
              w ? arena.weight.byteOffset : 0,
              gh.byteOffset,
              n,
              misc.byteOffset + 8,
            );
          else softmaxGradients(gh, prob, y, w, nOut, k, misc);
          let m = 0;
          if (p.subsample < 1) {
            inSample.fill(0);
            for (let i = 0; i < n; i++) {
              if (rngNext(rng) < p.subsample) {
                rows[m++] = i;
                inSample[i] = 1;
              }
            }
          } else {
            for (let i = 0; i < n; i++) rows[i] = i;
            m = n;
          }
          let nf = F;
          if (nColTree < F) {
            // Partial Fisher–Yates, then ascending order so the histogram walks features forwards.
            const perm = allFeats.slice();
            for (let j = 0; j < nColTree; j++) {
              const r = j + Math.floor(rngNext(rng) * (F - j));
              const tmp = perm[j];
              perm[j] = perm[r];
              perm[r] = tmp;
            }
            feats.set(perm.subarray(0, nColTree).sort());
            nf = nColTree;
          } else feats.set(allFeats);
          if (round === 0 && k === 0) {
            let hRoot = 0;
            for (let i = 0; i < m; i++) hRoot += gh[2 * rows[i] + 1];
            if (hRoot < 2 * p.min_child_weight) {
              throw new Error(
                `${ctx}: the hessian sum of all rows (${hRoot.toPrecision(4)}) is below 2 × min_child_weight (${p.min_child_weight}); no tree can split — lower min_child_weight or add rows`,
              );
            }
          }
          if (quant) {
            // Scales from the round's largest |g| and h (misc[1..2], left by the gradient step).
            const gScale = misc[1] > 0 ? misc[1] / (2 ** kg - 1) : 1;
            const hScale = misc[2] > 0 ? misc[2] / 2 ** kh : 1;
            kernel.quantizeGradients(gh.byteOffset, arena.ghq.byteOffset, n, gScale, hScale, sb2, misc.byteOffset);
            // cfg[10..12] = [2^sb, gScale, hScale] (growTree's task).
            cfg[10] = sb2;
            cfg[11] = gScale;
            cfg[12] = hScale;
          }
          const g = growTree(arrays, m, nf, nSlots, cfg, rng, remote);
          if (quant) refitNodes(g, arena, p.lambda, p.alpha, p.learning_rate);
          const tree = treeFromGrown(g, cuts, 1);
          trees.push(tree);
          treeOutput.push(k);
          // Training margins: sampled rows from their leaf segments, the rest by traversal.
          for (let node = 0; node < g.feature.length; node++) {
            if (g.feature[node] >= 0) continue;
            const v = g.value[node];
            if (binary) {
              kernel.addLeaf(
                rows.byteOffset,
                g.segBegin[node],
                g.segEnd[node],
                v,
                Math.exp(-v),
                margin.byteOffset,
                arena.expNeg.byteOffset,
              );
            } else for (let i = g.segBegin[node]; i < g.segEnd[node]; i++) margin[rows[i] * nOut + k] += v;
          }
          if (m < n) {
            const bin = Int32Array.from(g.bin);
            for (let i = 0; i < n; i++) {
              if (inSample[i] === 1) continue;
              const leaf = leafOfBinned(bins, S, i, tree.feature, bin, tree.defaultLeft, tree.left, tree.right);
              margin[i * nOut + k] += g.value[leaf];
              if (binary) {
                const e = arena.expNeg[i] * Math.exp(-g.value[leaf]);
                arena.expNeg[i] = e > 1e-300 && e < 1e300 ? e : Math.exp(-margin[i]);
              }
            }
          }
          if (ev) {
            const t = tree;
            addTreeRaw(
              ev.X.data,
              evN,
              evN,
              1,
              t.feature,
              t.threshold,
              t.defaultLeft,
              t.left,
              t.right,
              t.value,
              evMargin,
              nOut,
              k,
            );
          }
        }
        if (ev) {
          probabilities(evMargin, evProb, nOut);
          const ll = logLoss(evProb, ev.y, nOut, ev.sampleWeight);
          evalLogLoss.push(ll);
          if (ll < best) {
            best = ll;
            bestIter = round;
          } else if (p.early_stopping_rounds > 0 && round - bestIter >= p.early_stopping_rounds) break;
        }
      }
    } finally {
      if (nWorkers > 0) {
        task[13] = 1;
        Atomics.add(ctl, 0, 1);
        Atomics.notify(ctl, 0);
        for (const wk of workers) void wk.terminate();
      }
    }
    const rounds = ev && p.early_stopping_rounds > 0 ? bestIter + 1 : trees.length / nOut;
    const ensemble: TreeEnsemble = {
      trees: trees.slice(0, rounds * nOut),
      treeOutput: Int32Array.from(treeOutput.slice(0, rounds * nOut)),
      nOutputs: nOut,
      baseScore: base,
      link: nOut === 1 ? "logit" : "softmax",
    };
    this.ensemble = ensemble;
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

export function parseParams(params: unknown): GbmParams {
  const r = gbmParamsSchema.safeParse(params);
  if (!r.success) {
    throw new Error(
      `gbm params: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}

function probabilities(margin: Float64Array, prob: Float64Array, nOut: number): void {
  if (nOut === 1) {
    for (let i = 0; i < margin.length; i++) prob[i] = 1 / (1 + Math.exp(-margin[i]));
    return;
  }
  for (let i = 0; i < margin.length; i += nOut) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < nOut; c++) if (margin[i + c] > mx) mx = margin[i + c];
    let s = 0;
    for (let c = 0; c < nOut; c++) s += prob[i + c] = Math.exp(margin[i + c] - mx);
    for (let c = 0; c < nOut; c++) prob[i + c] /= s;
  }
}

/**
 * Softmax log-loss gradients and hessians of class k (hessian ×2 as in XGBoost), weighted,
 * interleaved; [max |g|, max h] into out[1..2] as the kernel's logisticGradients leaves them.
 */
function softmaxGradients(
  gh: Float64Array,
  prob: Float64Array,
  y: ArrayLike<number>,
  w: Float64Array | null,
  nOut: number,
  k: number,
  out: Float64Array,
): void {
  const n = y.length;
  let gMax = 0;
  let hMax = 0;
  for (let i = 0; i < n; i++) {
    const pr = prob[i * nOut + k];
    const wi = w ? w[i] : 1;
    const g = (pr - (y[i] === k ? 1 : 0)) * wi;
    let h = 2 * pr * (1 - pr) * wi;
    h = h > 1e-16 ? h : 1e-16 * wi;
    gh[2 * i] = g;
    gh[2 * i + 1] = h;
    gMax = Math.max(gMax, Math.abs(g));
    hMax = Math.max(hMax, h);
  }
  out[1] = gMax;
  out[2] = hMax;
}

/**
 * Node values and covers from the true gradients of each node's rows (its segment of rows
 * after growTree; children have higher ids than their parent, so covers sum upwards).
 */
function refitNodes(
  g: ReturnType<typeof growTree>,
  a: { kernel: TreeArrays["kernel"]; gh: Float64Array; rows: Int32Array; misc: Float64Array },
  lambda: number,
  alpha: number,
  lr: number,
): void {
  const sg = new Float64Array(g.feature.length);
  for (let id = g.feature.length - 1; id >= 0; id--) {
    let G: number;
    let H: number;
    if (g.feature[id] < 0) {
      a.kernel.segmentSums(a.gh.byteOffset, a.rows.byteOffset, g.segBegin[id], g.segEnd[id], a.misc.byteOffset + 8);
      G = a.misc[1];
      H = a.misc[2];
    } else {
      G = sg[g.left[id]] + sg[g.right[id]];
      H = g.cover[g.left[id]] + g.cover[g.right[id]];
    }
    sg[id] = G;
    g.cover[id] = H;
    let t = G;
    if (alpha > 0) t = G > alpha ? G - alpha : G < -alpha ? G + alpha : 0;
    g.value[id] = (-t / (H + lambda)) * lr;
  }
}
