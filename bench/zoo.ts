/**
 * `npm run bench -- zoo`: the model zoo.
 *  - lstm: seconds per epoch, 32 units, 2,000 windows × 30 steps × 8 features (the first 8
 *    default-set SPY daily features), tfjs on the wasm backend, one thread.
 *  - logistic on 500k × 50 (seeded Gaussian features, labels from a known linear model) against
 *    scikit-learn LogisticRegression(lbfgs), same data, same C = 1, same gradient tolerance 1e-6,
 *    both timed from the raw matrix (standardisation included). Ratio = ours / sklearn.
 *  - mljs_rf against our rf at 5k rows (SPY daily default features, first 20 columns),
 *    50 trees, max depth 10 for both. Speedup = mljs seconds / rf seconds (rf on both cores).
 *  - search: 50 gbm variants (grid) on purged 5-fold CV over every SPY daily default feature,
 *    50 trees each, gbm on both cores: wall seconds.
 * The machine is shared by several engineers: figures are noisy and reported as measured.
 * ZOO_BENCH_QUICK=1 shrinks every part for a smoke run (the figures then mean nothing).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  hyperSearch,
  LogisticModel,
  LstmModel,
  featureMatrix,
  sliceRows,
  takeRows,
  MljsRfModel,
  RfModel,
} from "../src/models";
import { rocAuc } from "../src/validation";
import { spyDailyFeatures } from "./_zooData";

const quick = process.env.ZOO_BENCH_QUICK === "1";
const root = process.cwd();
const python = join(root, ".venv-bench", "bin", "python");
const cache = join(root, ".wsp", "bench");
mkdirSync(cache, { recursive: true });
const log = (s: string) => console.log(s);

const spy = spyDailyFeatures();
log(`SPY daily default features: ${spy.X.nRows} rows × ${spy.X.names.length} columns`);

// --- lstm -----------------------------------------------------------------------------------
const L = 30;
const nWin = quick ? 200 : 2000;
const epochs = quick ? 1 : 3;
const first8 = { nRows: spy.X.nRows, names: spy.X.names.slice(0, 8), data: spy.X.data.subarray(0, 8 * spy.X.nRows) };
const lstmX = sliceRows(first8, spy.X.nRows - (nWin + L - 1), spy.X.nRows);
const lstmY = spy.y.subarray(spy.X.nRows - (nWin + L - 1));
const lstm = new LstmModel({ window: L, units: 32, epochs, batch_size: 32, seed: 1 });
await lstm.fit(lstmX, lstmY);
const lstmEpoch = lstm.lastFit?.secondsPerEpoch ?? Number.NaN;
log(
  `lstm: ${nWin} windows × ${L} steps × 8 features, 32 units, batch 32: ${lstmEpoch.toFixed(2)} s/epoch (${epochs} epochs)`,
);

// --- logistic vs sklearn ---------------------------------------------------------------------
const N = quick ? 20_000 : 500_000;
const F = 50;
let s = 12345;
const rnd = () => {
  s = (s * 1664525 + 1013904223) >>> 0;
  return s / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const data = new Float64Array(N * F);
for (let i = 0; i < data.length; i++) data[i] = gauss();
const beta = Float64Array.from({ length: F }, (_, j) => (j % 5 === 0 ? 0.5 : 0.05) * (j % 2 ? -1 : 1));
const yl = new Float64Array(N);
for (let i = 0; i < N; i++) {
  let z = 0;
  for (let j = 0; j < F; j++) z += beta[j] * data[j * N + i];
  yl[i] = rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
const Xl = featureMatrix(
  Array.from({ length: F }, (_, j) => `x${j}`),
  N,
  data,
);
const lf = join(cache, "zoo_logistic");
writeFileSync(`${lf}.X.f64`, Buffer.from(data.buffer));
writeFileSync(`${lf}.y.f64`, Buffer.from(yl.buffer));
const t0 = performance.now();
const lm = new LogisticModel({ C: 1, tol: 1e-6 });
const rep = await lm.fit(Xl, yl);
const oursS = (performance.now() - t0) / 1000;
const PY = `
import sys, time, json, numpy as np
from sklearn.linear_model import LogisticRegression
n, f = int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(sys.argv[1] + ".X.f64").reshape(f, n).T.copy()
y = np.fromfile(sys.argv[1] + ".y.f64")
t = time.perf_counter()
Z = (X - X.mean(axis=0)) / X.std(axis=0)
m = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-6, max_iter=1000).fit(Z, y)
sec = time.perf_counter() - t
print(json.dumps({"s": sec, "iter": int(m.n_iter_[0]), "coef": m.coef_[0].tolist(), "b": float(m.intercept_[0])}))
`;
const py = JSON.parse(
  execFileSync(python, ["-c", PY, lf, String(N), String(F)], {
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: "2" },
  })
    .trim()
    .split("\n")
    .pop() as string,
) as { s: number; iter: number; coef: number[]; b: number };
let maxDiff = 0;
py.coef.forEach((c, j) => {
  maxDiff = Math.max(maxDiff, Math.abs(c - lm.coef[j]));
});
const ratio = oursS / py.s;
log(
  `logistic ${N} × ${F}: ours ${oursS.toFixed(2)} s (${rep.iterations} iterations), sklearn lbfgs ${py.s.toFixed(2)} s (${py.iter} iterations): ratio ${ratio.toFixed(2)}; max |Δcoef| ${maxDiff.toExponential(1)}`,
);

// --- mljs_rf vs rf --------------------------------------------------------------------------
const nRf = quick ? 800 : 5000;
const cols20 = { nRows: spy.X.nRows, names: spy.X.names.slice(0, 20), data: spy.X.data.subarray(0, 20 * spy.X.nRows) };
const rows = Int32Array.from({ length: nRf }, (_, i) => spy.X.nRows - nRf - 1000 + i);
const test = Int32Array.from({ length: 1000 }, (_, i) => spy.X.nRows - 1000 + i);
const Xr = takeRows(cols20, rows);
const yr = Float64Array.from(rows, (r) => spy.y[r]);
const Xt = takeRows(cols20, test);
const yt = Float64Array.from(test, (r) => spy.y[r]);
const nTrees = quick ? 5 : 50;
let t1 = performance.now();
const ours = new RfModel({ n_trees: nTrees, max_depth: 10, n_threads: 2, seed: 1 });
await ours.fit(Xr, yr);
const rfS = (performance.now() - t1) / 1000;
t1 = performance.now();
const mj = new MljsRfModel({ n_trees: nTrees, max_depth: 10, max_features: 0.5, min_samples_leaf: 3, seed: 1 });
await mj.fit(Xr, yr);
const mjS = (performance.now() - t1) / 1000;
const speedup = mjS / rfS;
log(
  `rf vs mljs_rf, ${nRf} rows × 20, ${nTrees} trees, depth 10: rf ${rfS.toFixed(2)} s (test AUC ${rocAuc(yt, ours.predictProba(Xt)).toFixed(3)}), mljs_rf ${mjS.toFixed(1)} s (test AUC ${rocAuc(yt, mj.predictProba(Xt)).toFixed(3)}): speedup ${speedup.toFixed(1)}×`,
);

// --- search ---------------------------------------------------------------------------------
const t2 = performance.now();
const res = await hyperSearch(
  {
    kind: "gbm",
    base: { n_trees: quick ? 5 : 50, n_threads: 0 },
    space: quick
      ? { max_depth: [2, 3], learning_rate: [0.1] }
      : { max_depth: [2, 3, 4, 5, 6], learning_rate: [0.03, 0.1], min_child_weight: [1, 10, 30, 100, 300] },
    folds: 5,
    embargo: 5,
  },
  spy.X,
  spy.y,
  spy.spans,
  {
    onTrial: (t, i, total) => {
      if ((i + 1) % 10 === 0) console.error(`search: ${i + 1}/${total} variants, last log-loss ${t.score.toFixed(4)}`);
    },
  },
);
const searchS = (performance.now() - t2) / 1000;
log(
  `search: ${res.trials} gbm variants × 5 purged folds on ${spy.X.nRows} × ${spy.X.names.length}: ${searchS.toFixed(1)} s; best ${JSON.stringify(res.best.params)} log-loss ${res.best.score.toFixed(4)}`,
);

console.log(
  JSON.stringify({
    lstm_epoch_s: lstmEpoch,
    logistic_vs_sklearn_time_ratio: ratio,
    rf_vs_mljs_speedup: speedup,
    search_50_variants_s: searchS,
  }),
);
