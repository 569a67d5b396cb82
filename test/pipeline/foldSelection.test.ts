/**
 * `features.select` inside the folds (src/pipeline/foldFitter.ts): on a synthetic series where
 * `test_leak` is a noisy copy of the label on a fold's outer test rows (noise elsewhere) and
 * `train_info` one on that fold's training rows (noise on the test rows), selection keeps `train_info`
 * and the weakly informative `signal`, and never `test_leak`, in every fold and in the final
 * refit, by permutation (logistic) and by mean |TreeSHAP| (gbm).
 */
import { describe, expect, it } from "vitest";
import { fromColumns, takeRows } from "../../src/models";
import type { ExperimentConfig, ModelEntry } from "../../src/pipeline/config";
import { foldFitter } from "../../src/pipeline/foldFitter";
import { type Panel, panelPlan } from "../../src/pipeline/panel";

const DAY = 86_400_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

const n = 1400;
const u = rng(11);
const signal = Float64Array.from({ length: n }, () => normal(u));
const y = Float64Array.from(signal, (s) => (s + normal(u) > 0 ? 1 : 0));
const noise = (): Float64Array => Float64Array.from({ length: n }, () => normal(u));
const noiseCols = [noise(), noise(), noise()];
const ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2016, 0, 4) + i * DAY);
const panel: Panel = {
  tickers: ["SYN"],
  rowTicker: new Int32Array(n),
  rowBar: Int32Array.from({ length: n }, (_, i) => i),
  ts,
  y,
  ret: new Float64Array(n),
  // One-bar labels.
  endTime: Float64Array.from(ts, (t) => t + DAY),
  names: [],
  columns: [],
  notShared: [],
};
const plan = panelPlan(panel, y, {
  kind: "walk_forward",
  train: "P1Y",
  test: "P6M",
  mode: "rolling",
  embargo: 1,
  final_holdout: "P6M",
});

/** A noisy copy of `y` on `rows` (informative, not perfect), noise elsewhere. */
function labelOn(rows: Int32Array): Float64Array {
  const out = noise();
  for (const r of rows) out[r] = y[r] + 0.5 * normal(u);
  return out;
}

const select = (by: "shap" | "permutation") =>
  ({
    features: { select: { k: 2, by, inner_test: 0.25, embargo: 1, repeats: 2, seed: 0 } },
  }) as unknown as Pick<ExperimentConfig, "features">;

const entries: [string, ModelEntry, "shap" | "permutation"][] = [
  ["logistic", { kind: "logistic", params: { C: 1 } } as unknown as ModelEntry, "permutation"],
  ["gbm", { kind: "gbm", params: { n_trees: 20, max_depth: 2, min_child_weight: 5 } } as unknown as ModelEntry, "shap"],
];

describe("features.select inside the folds", () => {
  it.each(entries)(
    "%s never keeps a column informative only on the outer test rows",
    async (_, entry, by) => {
      expect(plan.splits.length).toBeGreaterThanOrEqual(2);
      const fits = [
        ...plan.splits.map((s) => ({ fold: s.fold as number | "final", train: s.train, test: s.test })),
        { fold: "final" as const, train: plan.rows, test: plan.holdout },
      ];
      for (const f of fits) {
        const names = ["signal", "n1", "n2", "n3", "test_leak", "train_info"];
        const X = fromColumns(names, [signal, ...noiseCols, labelOn(f.test), labelOn(f.train)]);
        const fitter = foldFitter(select(by), entry, 0, entry.kind, X, panel);
        if (!fitter) throw new Error("selection is on, so there is a fitter");
        const model = await fitter.fitFold({
          fold: f.fold,
          rows: f.train,
          X: takeRows(X, f.train),
          y: Float64Array.from(f.train, (r) => y[r]),
        });
        const chosen = fitter.choices[0].selection;
        expect(chosen?.selected, `fold ${f.fold}`).toEqual(["signal", "train_info"]);
        expect(chosen?.importance.test_leak).toBeLessThan(chosen?.importance.signal ?? Number.NaN);
        // The model reads all six columns, and on the outer test rows the leak it never chose is worthless to it.
        expect(model.featureNames).toEqual(names);
        const p = model.predictProba(takeRows(X, f.test));
        const hits = Array.from(f.test).filter((r, j) => (p[j] > 0.5 ? 1 : 0) === y[r]).length;
        expect(hits / f.test.length, `fold ${f.fold} accuracy`).toBeLessThan(0.9);
      }
    },
    30_000,
  );
});
