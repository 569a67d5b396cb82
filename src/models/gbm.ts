/**
 * `gbm`: histogram gradient boosting (binary log-loss, multiclass softmax; Newton leaves with
 * L1/L2, best-first or depth-limited growth, row/column subsampling, early stopping) on the
 * WebAssembly tree kernel: node tasks split by features, large partitions and the row-wise
 * gradient steps split by rows, over worker threads sharing one memory; any thread count
 * gives the same trees.
 */
import { z } from "zod";
import { binCounts, binIntoKernel, fitBinCuts } from "./binning";
import type { TreeEnsemble } from "./treeEnsemble";
import {
  addTreeRaw,
  featureShareStart,
  growTree,
  joinTask,
  leafOfBinned,
  postTask,
  rngNext,
  runRowTask,
  type TreeArrays,
  wasmArena,
} from "./kernel";
import type { FeatureMatrix } from "./matrix";
import { logLoss } from "./metrics";
import { assertSameFeatures, checkLabels, checkWeights, type FitOptions, type FitReport } from "./model";
import { softmaxRows } from "./softmax";
import { type Tree, treeFromGrown } from "./tree";
import { checkFinite, TreeModel } from "./treeModel";
import { treeKernelModule } from "./wasm/treeKernelModule";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { firstMessage, resolveThreads, startWorker } from "./workers";

export const gbmParamsSchema = z
  .strictObject({
    n_trees: z.number().int().min(1).max(100_000).default(100),
    learning_rate: z.number().gt(0).max(1).default(0.1),
    /** 0 = no depth limit (then max_leaves must be set). Each level holds a histogram slot. */
    max_depth: z.number().int().min(0).max(64).default(6),
    /** > 0: leaf-wise best-first growth up to this many leaves. */
    max_leaves: z.number().int().min(0).max(131_072).default(0),
    min_child_weight: z.number().min(0).default(1),
    lambda: z.number().min(0).default(1),
    alpha: z.number().min(0).default(0),
    min_split_gain: z.number().min(0).default(0),
    subsample: z.number().gt(0).max(1).default(1),
    colsample_bytree: z.number().gt(0).max(1).default(1),
    max_bins: z.number().int().min(2).max(255).default(255),
    /** Stop when the eval log-loss has not improved for this many rounds (0 = never). */
    early_stopping_rounds: z.number().int().min(0).max(100_000).default(0),
    /** "error": NaN/±Infinity in X are refused; "learn": they follow a learned default direction. */
    missing: z.enum(["error", "learn"]).default("error"),
    seed: z.number().int().default(0),
    /**
     * Per round, g and h are stochastically rounded (seeded) to small integers packed into one
     * double, so the histogram build does one add per (row, feature); split search uses the
     * integer sums scaled back, and every node's value and cover are refitted from the true
     * float gradients of its rows. Off = float gradients throughout (XGBoost's arithmetic).
     * Beyond about 4 million rows the packed sums would not stay exact below 2^53, and float
     * gradients are used whatever this says.
     */
    quantized_gradients: z.boolean().default(true),
    /** 0 = every core; small problems (rows × features < 2M) then use one thread. */
    n_threads: z.number().int().min(0).max(1024).default(0),
  })
  .refine((p) => p.max_depth > 0 || p.max_leaves > 0, { message: "max_depth or max_leaves must be > 0" });

export type GbmParams = z.output<typeof gbmParamsSchema>;

const WORKER_ENTRY = `
const d = workerData;
const kernel = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
parentPort.postMessage("ready");
gbmWorkerLoop({ ...d.arrays, kernel }, d.w, d.nWorkers, d.ctl, d.task, d.cfg, d.errors);
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
    // Features per histogram slot, a multiple of 4 (as every bin block's row stride: the
    // histogram build reads four bins per Uint32 load; padding bins are never read).
    const S = (F + 3) & ~3;
    const auto = p.n_threads === 0;
    let nThreads = Math.min(resolveThreads(p.n_threads), F);
    if (auto && n * F < 2_000_000) nThreads = 1;
    const nWorkers = nThreads - 1;
    const nColTree = Math.max(1, Math.round(p.colsample_bytree * F));
    // Bin blocks (TreeArrays.binBlocks): with every feature in every tree, one per thread share
    // (featureShareStart, as growTree splits node tasks).
    const cut = [0];
    if (nColTree === F) for (let t = 1; t < nThreads; t++) cut.push(featureShareStart(t, F, nThreads));
    cut.push(F);
    const blockStride = cut.slice(1).map((e, b) => (e - cut[b] + 3) & ~3);
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
      bins: ["u8", n * blockStride.reduce((s, x) => s + x, 0)],
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
      // One tree's leaves in row order, 4 doubles each (runRowTask's leaf table).
      leaves: ["f64", 4 * Math.min(n, p.max_leaves > 0 ? p.max_leaves : 2 ** Math.min(p.max_depth, 24))],
      // Binning scratch: one feature column and its cut table.
      column: ["f64", n],
      cutTable: ["f64", 256],
    });
    const { kernel, binsCol, gh, rows, feats, margin } = arena;
    // [max |g|, max h] of the round's gradients (the quantisation scales).
    const gradMax = new Float64Array(2);
    let blockStart = arena.bins.byteOffset;
    const binBlocks = blockStride.map((stride, b) => {
      const blk = { ptr: blockStart - cut[b], stride, first: cut[b], end: cut[b + 1] };
      blockStart += n * stride;
      return blk;
    });
    const arrays: TreeArrays = { ...arena, stride: S, binBlocks };
    binIntoKernel(X, cuts, arena, binBlocks);
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

    // The stochastic rounding's mulberry32 state: row i of a round draws its (i + 1)-th number.
    let qSeed = (p.seed ^ 0x9e3779b9) >>> 0;
    const cfg = sharedF64(13);
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
    const task = sharedF64(30);
    const workers = [];
    // Workers get the arrays (views of the shared kernel memory) and instantiate the kernel on it.
    const { kernel: _, memory, ...views } = arena;
    // One error port per worker: a failing worker sends its error text there, and joinTask
    // reads it synchronously (the main thread is blocked in Atomics.wait, not in the event loop).
    const errorPorts = Array.from({ length: nWorkers }, () => new MessageChannel());
    const readError = (): string | undefined => {
      for (const ch of errorPorts) {
        const m = receiveMessageOnPort(ch.port1);
        if (m) return String(m.message);
      }
      return undefined;
    };
    for (let wi = 0; wi < nWorkers; wi++) {
      const errors = errorPorts[wi].port2;
      const wk = startWorker(
        WORKER_ENTRY,
        {
          module: treeKernelModule(),
          memory,
          arrays: { ...views, stride: S, binBlocks },
          w: wi,
          nWorkers,
          ctl,
          task,
          cfg,
          errors,
        },
        [errors],
      );
      workers.push(wk);
      await firstMessage(wk);
    }
    const remote = nWorkers > 0 ? { ctl, task, nWorkers, readError } : null;
    // Row-wise steps over all threads (runRowTask): task[22..] = [op, rows, arguments…].
    const rowStep = (args: number[]): void => {
      task.set(args, 22);
      if (remote === null) runRowTask(kernel, memory.buffer, arena.out, 0, 1, task);
      else {
        const seq = postTask(ctl, task, 2);
        runRowTask(kernel, memory.buffer, arena.out, 0, nThreads, task);
        joinTask(ctl, task, nWorkers, seq, readError);
      }
    };
    const leaves = arena.leaves;

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

    try {
      for (let round = 0; round < p.n_trees; round++) {
        if (!binary) probabilities(margin, prob, nOut);
        for (let k = 0; k < nOut; k++) {
          if (binary) {
            rowStep([
              0,
              n,
              arena.expNeg.byteOffset,
              arena.y.byteOffset,
              w ? arena.weight.byteOffset : 0,
              gh.byteOffset,
            ]);
            gradMax[0] = 0;
            gradMax[1] = 0;
            for (let t = 0; t < nThreads; t++) {
              gradMax[0] = Math.max(gradMax[0], arena.out[12 * t]);
              gradMax[1] = Math.max(gradMax[1], arena.out[12 * t + 1]);
            }
          } else softmaxGradients(gh, prob, y, w, nOut, k, gradMax);
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
            // Scales from the round's largest |g| and h.
            const gScale = gradMax[0] > 0 ? gradMax[0] / (2 ** kg - 1) : 1;
            const hScale = gradMax[1] > 0 ? gradMax[1] / 2 ** kh : 1;
            rowStep([1, n, gh.byteOffset, arena.ghq.byteOffset, gScale, hScale, sb2, qSeed]);
            qSeed = (qSeed + Math.imul(n, 0x6d2b79f5)) >>> 0;
            // cfg[10..12] = [2^sb, gScale, hScale] (growTree's task).
            cfg[10] = sb2;
            cfg[11] = gScale;
            cfg[12] = hScale;
          }
          const g = growTree(arrays, m, nf, nSlots, cfg, rng, remote);
          // The leaf table: leaves in row order (runRowTask gives each thread whole leaves).
          const leafIds: number[] = [];
          for (let node = 0; node < g.feature.length; node++) if (g.feature[node] < 0) leafIds.push(node);
          leafIds.sort((x, z) => g.segBegin[x] - g.segBegin[z]);
          leafIds.forEach((id, l) => {
            leaves[4 * l] = g.segBegin[id];
            leaves[4 * l + 1] = g.segEnd[id];
          });
          if (quant) {
            rowStep([2, m, leaves.byteOffset, leafIds.length, gh.byteOffset, rows.byteOffset]);
            refitNodes(g, leafIds, leaves, p.lambda, p.alpha, p.learning_rate);
          }
          const tree = treeFromGrown(g, cuts, 1);
          trees.push(tree);
          treeOutput.push(k);
          // Training margins: sampled rows from their leaf segments, the rest by traversal.
          if (binary) {
            leafIds.forEach((id, l) => {
              leaves[4 * l + 2] = g.value[id];
              leaves[4 * l + 3] = Math.exp(-g.value[id]);
            });
            rowStep([
              3,
              m,
              leaves.byteOffset,
              leafIds.length,
              rows.byteOffset,
              margin.byteOffset,
              arena.expNeg.byteOffset,
            ]);
          } else {
            for (const id of leafIds) {
              for (let i = g.segBegin[id]; i < g.segEnd[id]; i++) margin[rows[i] * nOut + k] += g.value[id];
            }
          }
          if (m < n) {
            const bin = Int32Array.from(g.bin);
            for (let i = 0; i < n; i++) {
              if (inSample[i] === 1) continue;
              const leaf = leafOfBinned(binsCol, 1, n, i, tree.feature, bin, tree.defaultLeft, tree.left, tree.right);
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
      for (const ch of errorPorts) ch.port1.close();
    }
    const rounds = ev && p.early_stopping_rounds > 0 ? bestIter + 1 : trees.length / nOut;
    const treeEnsemble: TreeEnsemble = {
      trees: trees.slice(0, rounds * nOut),
      treeOutput: Int32Array.from(treeOutput.slice(0, rounds * nOut)),
      nOutputs: nOut,
      baseScore: base,
      link: nOut === 1 ? "logit" : "softmax",
    };
    this.treeEnsemble = treeEnsemble;
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
  softmaxRows(margin, nOut, prob);
}

/**
 * Softmax log-loss gradients and hessians of class k (hessian ×2 as in XGBoost), weighted,
 * interleaved; [max |g|, max h] into out[0..2).
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
  out[0] = gMax;
  out[1] = hMax;
}

/**
 * Node values and covers from the true gradients: leaf l of the leaf table (node leafIds[l]) holds
 * its rows' (G, H) at [4l + 2, 4l + 3]; children have higher ids than their parent, so sums
 * go upwards.
 */
function refitNodes(
  g: ReturnType<typeof growTree>,
  leafIds: number[],
  table: Float64Array,
  lambda: number,
  alpha: number,
  lr: number,
): void {
  const sg = new Float64Array(g.feature.length);
  leafIds.forEach((id, l) => {
    sg[id] = table[4 * l + 2];
    g.cover[id] = table[4 * l + 3];
  });
  for (let id = g.feature.length - 1; id >= 0; id--) {
    if (g.feature[id] >= 0) {
      sg[id] = sg[g.left[id]] + sg[g.right[id]];
      g.cover[id] = g.cover[g.left[id]] + g.cover[g.right[id]];
    }
    let t = sg[id];
    if (alpha > 0) t = t > alpha ? t - alpha : t < -alpha ? t + alpha : 0;
    g.value[id] = (-t / (g.cover[id] + lambda)) * lr;
  }
}
