/**
 * `rf`: random forest (binary) on the histogram engine: bootstrap multiplicities as weights,
 * Gini splits over a fresh feature sample per node, trees grown in parallel by worker threads,
 * out-of-bag predictions and score.
 */
import { z } from "zod";
import { rocAuc } from "../validation";
import { applyBins, binCounts, fitBinCuts } from "./binning";
import { rngNext } from "./kernelArena";
import type { FeatureMatrix } from "./matrix";
import { checkLabels, checkWeights, type FitOptions, type FitReport } from "./model";
import { type GrownTree, type Tree, treeFromGrown } from "./tree";
import { checkFinite, TreeModel } from "./treeModel";
import { treeKernelModule } from "./wasm/treeKernelModule";
import { firstMessage, resolveThreads, startWorker } from "./workers";

export const rfParamsSchema = z.strictObject({
  n_trees: z.number().int().min(1).max(100_000).default(100),
  /** 0 = grow until leaves are pure or min_samples_leaf stops them. */
  max_depth: z.number().int().min(0).max(64).default(0),
  /** > 0: best-first growth up to this many leaves per tree. */
  max_leaves: z.number().int().min(0).max(131_072).default(0),
  /** Features tried per node: "sqrt", "all", a fraction in (0, 1) or a count ≥ 1. */
  max_features: z.union([z.enum(["sqrt", "log2", "all"]), z.number().gt(0).max(100_000)]).default("sqrt"),
  /** Minimum (bootstrap-weighted) samples per leaf. */
  min_samples_leaf: z.number().min(1).default(1),
  min_split_gain: z.number().min(0).default(0),
  bootstrap: z.boolean().default(true),
  max_bins: z.number().int().min(2).max(255).default(255),
  missing: z.enum(["error", "learn"]).default("error"),
  seed: z.number().int().default(0),
  n_threads: z.number().int().min(0).max(1024).default(0),
});

export type RfParams = z.output<typeof rfParamsSchema>;

export interface OutOfBag {
  /** P(class 1) from the trees that did not draw each row; NaN where every tree drew it. */
  predictions: Float64Array;
  /** Accuracy of the OOB predictions (threshold 0.5), as scikit-learn's oob_score_. */
  accuracy: number;
  auc: number;
}

const WORKER_ENTRY = `
const d = workerData;
const oobSum = new Float64Array(d.nRows);
const oobCount = new Float64Array(d.nRows);
const trees = rfGrowTrees(fns, d.module, d.bins, d.nFeat, d.nRows, d.nBins, d.y, d.weight, d.cfg, d.seeds, d.bootstrap, oobSum, oobCount);
parentPort.postMessage({ trees, oobSum, oobCount }, [oobSum.buffer, oobCount.buffer]);
`;

interface WorkerResult {
  trees: GrownTree[];
  oobSum: Float64Array;
  oobCount: Float64Array;
}

export class RfModel extends TreeModel<RfParams> {
  readonly kind = "rf" as const;
  /** Set by fit when bootstrap is on. */
  oob: OutOfBag | null = null;

  constructor(params: z.input<typeof rfParamsSchema> = {}) {
    super(parseRfParams(params));
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const p = this.params;
    const ctx = "rf.fit";
    const n = X.nRows;
    const K = checkLabels(y, n, ctx);
    if (K !== 2) throw new Error(`${ctx}: rf supports binary labels (0/1) only, y has ${K} classes`);
    const w = checkWeights(opts.sampleWeight, n, ctx);
    checkFinite(X, p.missing, ctx);
    if (n < 2 * p.min_samples_leaf) {
      throw new Error(`${ctx}: ${n} rows cannot make two leaves of min_samples_leaf ${p.min_samples_leaf}`);
    }
    const F = X.names.length;
    const cuts = fitBinCuts(X, p.max_bins);
    const bins = applyBins(X, cuts, true);
    const results = await growInWorkers(p, {
      bins,
      nFeat: F,
      nRows: n,
      nBins: binCounts(cuts),
      y: Float64Array.from(y),
      weight: w,
    });
    const threads = results.length;
    const trees: Tree[] = [];
    for (let i = 0; i < p.n_trees; i++)
      trees.push(treeFromGrown(results[i % threads].trees[Math.floor(i / threads)], cuts, 1 / p.n_trees));
    this.treeEnsemble = {
      trees,
      treeOutput: new Int32Array(trees.length),
      nOutputs: 1,
      baseScore: new Float64Array(1),
      link: "identity",
    };
    this.featureNames = [...X.names];
    this.nClasses = 2;
    this.oob = p.bootstrap ? outOfBag(results, y) : null;
    return {
      iterations: p.n_trees,
      evalLogLoss: [],
      bestIteration: p.n_trees - 1,
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** The binned training set every worker receives. */
interface RfData {
  bins: Uint8Array;
  nFeat: number;
  nRows: number;
  nBins: Int32Array;
  y: Float64Array;
  weight: Float64Array | null;
}

/** growTree's cfg for a forest: λ = 0, α = 0, mean leaves (class-1 frequency), mtry per node, float gradients. */
function forestCfg(p: RfParams, F: number): Float64Array {
  const mf = p.max_features;
  const mtry =
    mf === "sqrt"
      ? Math.round(Math.sqrt(F))
      : mf === "log2"
        ? Math.round(Math.log2(F))
        : mf === "all"
          ? F
          : mf < 1
            ? Math.round(mf * F)
            : Math.floor(mf);
  // cfg[10..12] = 0: float gradients.
  return Float64Array.from([
    p.max_depth,
    p.max_leaves,
    p.min_samples_leaf,
    0,
    0,
    p.min_split_gain,
    1,
    1,
    Math.max(1, Math.min(F, mtry)),
    1,
    0,
    0,
    0,
  ]);
}

/** Grows the forest's trees on worker threads; result t holds trees t, t + threads, t + 2·threads, … */
async function growInWorkers(p: RfParams, data: RfData): Promise<WorkerResult[]> {
  const cfg = forestCfg(p, data.nFeat);
  const rng = new Uint32Array([p.seed >>> 0]);
  const seeds = Array.from({ length: p.n_trees }, () => Math.floor(rngNext(rng) * 4294967296));
  const threads = Math.min(resolveThreads(p.n_threads), p.n_trees);
  const jobs: Promise<WorkerResult>[] = [];
  const workers = [];
  for (let t = 0; t < threads; t++) {
    // Interleaved shares: tree i goes to worker i mod threads, so results merge back in order.
    const mySeeds = seeds.filter((_, i) => i % threads === t);
    const wk = startWorker(WORKER_ENTRY, {
      module: treeKernelModule(),
      ...data,
      cfg,
      seeds: mySeeds,
      bootstrap: p.bootstrap,
    });
    workers.push(wk);
    jobs.push(firstMessage<WorkerResult>(wk));
  }
  try {
    return await Promise.all(jobs);
  } finally {
    for (const wk of workers) void wk.terminate();
  }
}

/** The out-of-bag predictions (workers' sums merged) and their accuracy and AUC. */
function outOfBag(results: WorkerResult[], y: ArrayLike<number>): OutOfBag {
  const n = y.length;
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  for (const r of results) {
    for (let i = 0; i < n; i++) {
      sum[i] += r.oobSum[i];
      cnt[i] += r.oobCount[i];
    }
  }
  const pred = new Float64Array(n);
  const scoredRows: number[] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    pred[i] = cnt[i] > 0 ? sum[i] / cnt[i] : Number.NaN;
    if (cnt[i] > 0) {
      scoredRows.push(i);
      if ((pred[i] > 0.5 ? 1 : 0) === y[i]) correct++;
    }
  }
  const scored = scoredRows.length;
  // Over the rows some tree left out; NaN when they hold one class only (too few OOB rows).
  const auc = rocAuc(
    Float64Array.from(scoredRows, (i) => y[i]),
    Float64Array.from(scoredRows, (i) => pred[i]),
  );
  return { predictions: pred, accuracy: scored > 0 ? correct / scored : Number.NaN, auc };
}

export function parseRfParams(params: unknown): RfParams {
  const r = rfParamsSchema.safeParse(params);
  if (!r.success) {
    throw new Error(
      `rf params: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}
