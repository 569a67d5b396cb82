/**
 * Search and feature selection inside the folds (docs/architecture.md, "Search and feature
 * selection inside the folds"): how one model entry's fold model is fitted from that fold's
 * training rows alone. crossValidate calls it for every outer split and for the final refit on
 * the pre-holdout rows. Inside, the labels of every row outside the training rows are masked
 * (NaN), and the inner splits are cut from the masked panel by the same panel planner as the
 * outer ones, so no inner fit, score or importance can see an outer test row or the holdout,
 * and purging and the embargo hold per timestamp across tickers.
 *
 *   1. `features.select`: the entry's model is fitted on the training window's first rows and
 *      each column's importance (mean |TreeSHAP| or permutation log-loss drop) measured on its
 *      last `inner_test` share; the top k columns are kept.
 *   2. `models[].search`: each variant is scored by inner purged K-fold on the (selected)
 *      columns of the training rows; the best is kept.
 *   3. The chosen params are fitted on all training rows of the kept columns, and the model is
 *      widened back to every column (src/models/widenColumns.ts) so it takes the full matrix.
 *
 * Every step's choice is kept per fold (`FoldChoice`) for the model's child run.
 */
import { createHash } from "node:crypto";
import { meanAbsShap, permutationImportance } from "../explain";
import {
  column,
  type FeatureMatrix,
  fromColumns,
  hyperSearch,
  type Importance,
  type Model,
  takeRows,
  TreeModel,
  treeShap,
  widenColumns,
} from "../models";
import type { SplitPlan, ValidationConfig } from "../validation";
import type { ExperimentConfig, ModelEntry } from "./config";
import type { FitFold, FoldTraining } from "./crossValidate";
import { createModel } from "./modelFactory";
import { searchSpecOf } from "./modelSearchConfig";
import { type Panel, panelPlan } from "./panel";

/** One searched variant: its trial name in the ledger, its params and inner CV score. */
export interface SearchedVariant {
  variant: string;
  params: Record<string, unknown>;
  score: number;
}

/** What one fit chose, and from which rows. */
export interface FoldChoice {
  fold: number | "final";
  /** Every row an inner fit, score or importance of this fold used: a subset of its training rows. */
  innerRows: Int32Array;
  search: {
    metric: "logloss" | "auc";
    /** The parameters searched (the rest are the entry's fixed params). */
    space: string[];
    best: SearchedVariant;
    tried: SearchedVariant[];
    stoppedByBudget: boolean;
  } | null;
  selection: {
    by: "shap" | "permutation";
    /** The kept columns, in the matrix's column order. */
    selected: string[];
    /** Every column's importance on the inner test rows. */
    importance: Record<string, number>;
  } | null;
}

export interface FoldFitter {
  fitFold: FitFold;
  /** Filled as folds are fitted, in fit order. */
  choices: FoldChoice[];
}

/** `<model>#search:<12 hex of the params' hash>`: a searched variant's name in the trial ledger. */
export function searchVariantName(model: string, params: Record<string, unknown>): string {
  const sorted = Object.fromEntries(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
  const hash = createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 12);
  return `${model}#search:${hash}`;
}

function columnsOf(X: FeatureMatrix, names: readonly string[]): FeatureMatrix {
  if (names.length === X.names.length) return X;
  const index = new Map(X.names.map((n, j) => [n, j]));
  return fromColumns(
    names,
    names.map((n) => column(X, index.get(n) as number)),
  );
}

/** A per-training-row array (labels, weights) over the panel's rows, NaN outside `rows`: what an inner plan may use. */
function maskedLabels(n: number, rows: Int32Array, y: Float64Array): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  rows.forEach((r, j) => {
    out[r] = y[j];
  });
  return out;
}

function union(a: Int32Array, b: Int32Array): Int32Array {
  return Int32Array.from(new Set([...a, ...b])).sort();
}

/**
 * The fold fitter of `models[index]`, or null when it neither searches nor selects (crossValidate
 * then makes and fits the model itself). `X` is the run's full matrix, `panel` its rows.
 */
export function foldFitter(
  config: Pick<ExperimentConfig, "features">,
  entry: ModelEntry,
  index: number,
  name: string,
  X: FeatureMatrix,
  panel: Panel,
): FoldFitter | null {
  const select = config.features.select;
  const search = entry.search;
  if (!select && !search) return null;
  const choices: FoldChoice[] = [];
  const innerPlan = (yAll: Float64Array, t: FoldTraining, validation: ValidationConfig, what: string): SplitPlan => {
    try {
      return panelPlan(panel, yAll, validation);
    } catch (err) {
      const fold = t.fold === "final" ? "the final refit" : `fold ${t.fold}`;
      throw new Error(
        `${what}: cannot cut inner splits from ${fold}'s ${t.rows.length} training rows: ${(err as Error).message}`,
      );
    }
  };
  const fitFold: FitFold = async (t) => {
    const yAll = maskedLabels(panel.ts.length, t.rows, t.y);
    let innerRows = new Int32Array(0);
    let names: readonly string[] = X.names;
    let selection: FoldChoice["selection"] = null;
    if (select) {
      const plan = innerPlan(
        yAll,
        t,
        { kind: "holdout", test: select.inner_test, embargo: select.embargo },
        "features.select.inner_test",
      );
      const { train, test } = plan.splits[0];
      innerRows = union(innerRows, union(train, test));
      const probe = createModel(entry, index);
      const wAll = t.sampleWeight && maskedLabels(panel.ts.length, t.rows, t.sampleWeight);
      await probe.fit(
        takeRows(X, train),
        Float64Array.from(train, (r) => yAll[r]),
        { sampleWeight: wAll && Float64Array.from(train, (r) => wAll[r]) },
      );
      const Xte = takeRows(X, test);
      const yte = Float64Array.from(test, (r) => yAll[r]);
      const imp: Importance =
        select.by === "shap"
          ? meanAbsShap(treeShap(treeEnsembleOf(probe), Xte))
          : permutationImportance(probe, Xte, yte, { metric: "logloss", repeats: select.repeats, seed: select.seed });
      // An undefined importance (NaN) ranks last.
      const value = (j: number) => (Number.isNaN(imp.values[j]) ? Number.NEGATIVE_INFINITY : imp.values[j]);
      const order = [...imp.names.keys()].sort((a, b) => value(b) - value(a) || a - b);
      const keep = new Set(order.slice(0, Math.min(select.k, order.length)));
      names = X.names.filter((_, j) => keep.has(j));
      selection = {
        by: select.by,
        selected: [...names],
        importance: Object.fromEntries(imp.names.map((n, j) => [n, imp.values[j]])),
      };
    }
    let params = entry.params as Record<string, unknown>;
    let searched: FoldChoice["search"] = null;
    if (search) {
      const plan = innerPlan(
        yAll,
        t,
        { kind: "purged_kfold", folds: search.folds, embargo: search.embargo },
        `models[${index}].search.folds`,
      );
      innerRows = union(innerRows, plan.rows);
      const r = await hyperSearch(searchSpecOf(entry.kind, entry.params, search), columnsOf(X, names), yAll, plan, {
        path: `models[${index}].search`,
      });
      const variant = (p: Record<string, unknown>, score: number): SearchedVariant => ({
        variant: searchVariantName(name, p),
        params: p,
        score,
      });
      params = r.best.params;
      searched = {
        metric: search.metric,
        space: Object.keys(search.space),
        best: variant(r.best.params, r.best.score),
        tried: r.leaderboard.map((x) => variant(x.params, x.score)),
        stoppedByBudget: r.stoppedByBudget,
      };
    }
    const model = createModel({ kind: entry.kind, params } as ModelEntry, index);
    await model.fit(columnsOf(t.X, names), t.y, { sampleWeight: t.sampleWeight });
    choices.push({ fold: t.fold, innerRows, search: searched, selection });
    return names.length === X.names.length ? model : widenColumns(model, X.names);
  };
  return { fitFold, choices };
}

function treeEnsembleOf(model: Model) {
  if (!(model instanceof TreeModel) || !model.treeEnsemble)
    throw new Error(`features.select.by: shap needs a fitted tree model, got ${model.kind}`);
  return model.treeEnsemble;
}

/**
 * The distinct searched variants of a run's models, the trials they add to the ledger. They
 * were scored by inner CV only and never traded, so they carry no Sharpe: the ledger counts
 * them in the deflated Sharpe's N (ledgerStats) and leaves them out of the Sharpe variance.
 */
export function searchedVariants(choices: readonly (readonly FoldChoice[] | null)[]): string[] {
  const names = new Set<string>();
  for (const fold of choices.flat()) for (const v of fold?.search?.tried ?? []) names.add(v.variant);
  return [...names];
}

/** One line per entry that searched or selected: what its final refit (the registered model) chose. */
export function foldChoiceNotes(
  names: readonly string[],
  choices: readonly (readonly FoldChoice[] | null)[],
): string[] {
  const notes: string[] = [];
  choices.forEach((c, i) => {
    const final = c?.find((x) => x.fold === "final");
    if (!c || !final) return;
    if (final.search) {
      const tried = new Set(c.flatMap((x) => x.search?.tried.map((v) => v.variant) ?? [])).size;
      const budget = c.some((x) => x.search?.stoppedByBudget) ? " (budget_seconds cut some searches short)" : "";
      notes.push(
        `models[${i}] ${names[i]} search: ${tried} variants tried over ${c.length} fits${budget}; final refit chose ${JSON.stringify(Object.fromEntries(final.search.space.map((k) => [k, final.search?.best.params[k]])))}`,
      );
    }
    if (final.selection) {
      notes.push(
        `models[${i}] ${names[i]} features.select (${final.selection.by}): final refit kept ${final.selection.selected.length} of ${Object.keys(final.selection.importance).length} columns: ${final.selection.selected.join(", ")}`,
      );
    }
  });
  return notes;
}
