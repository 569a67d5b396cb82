/**
 * The `ensemble` model kind, a blend of models (BlendModel; the trees' additive ensemble inside
 * gbm and rf is treeEnsemble.ts, and the run's `ensemble:` block is pipeline/oofBlendWeights.ts):
 * soft voting (simplex weights) or stacking (a `logistic` meta-learner) over member
 * models. Nested selection: inside the rows passed to `fit` (the outer training fold), members
 * are fitted on inner purged folds — contiguous time blocks with `purge_rows` rows dropped on
 * each side of the held-out block, since labels span future bars — to produce out-of-fold
 * probabilities; the weights or the meta-learner are fitted on those, and the members are then
 * refitted on all the training rows. Nothing outside the training fold is ever seen.
 */
import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";
import { metaFeatures } from "./blendCombiner";
import { DOMINANCE_SHARE, dominanceWarnings } from "./dominance";
import { LogisticModel, logisticParamsSchema, type SavedLogistic } from "./logistic";
import { type FeatureMatrix, takeRows } from "./matrix";
import { createMember, loadMember, MEMBER_KINDS, memberSpecSchema } from "./memberKinds";
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
import { fitSimplexWeights } from "./simplex";

export const blendParamsSchema = z.strictObject({
  method: z.enum(["voting", "stacking"]).default("voting"),
  members: z.array(memberSpecSchema).min(2),
  /** Voting: how the weights are fitted on the inner out-of-fold probabilities. */
  weights: z.enum(["logloss", "ridge"]).default("logloss"),
  /** Ridge penalty (weights: ridge). */
  alpha: z.number().min(0).default(0.01),
  inner_folds: z.number().int().min(2).max(100).default(4),
  /** Rows dropped on each side of an inner held-out block: at least the label horizon in rows. */
  purge_rows: z.number().int().min(0).max(MAX_WINDOW_BARS).default(5),
  /** Stacking: the meta-learner's parameters. */
  meta: logisticParamsSchema.prefault({}),
  /** A member weight above this raises a warning (kept in `warnings` and the saved JSON). */
  dominance_warning: z.number().gt(0).max(1).default(DOMINANCE_SHARE),
});

export type BlendParams = z.output<typeof blendParamsSchema>;

export interface SavedBlend extends SavedModel {
  kind: "ensemble";
  nClasses: number;
  members: SavedModel[];
  weights: number[];
  meta: SavedLogistic | null;
  warnings: string[];
}

export function parseBlendParams(p: unknown, path = "ensemble.params"): BlendParams {
  const r = blendParamsSchema.safeParse(p ?? {});
  if (!r.success) throw new Error(issuesAt(r.error, path));
  return r.data;
}

export class BlendModel implements Model {
  readonly kind = "ensemble" as const;
  readonly params: BlendParams;
  featureNames: string[] = [];
  nClasses = 0;
  members: Model[] = [];
  /** Voting weights (stacking: empty). */
  weights = new Float64Array(0);
  meta: LogisticModel | null = null;
  /** Out-of-fold probabilities of each member on the training rows (set by fit). */
  oof: Float64Array[] = [];
  warnings: string[] = [];

  constructor(
    params: z.input<typeof blendParamsSchema>,
    readonly path = "ensemble.params",
  ) {
    this.params = parseBlendParams(params, path);
  }

  get nOutputs(): number {
    return this.nClasses === 2 ? 1 : this.nClasses;
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const p = this.params;
    const ctx = "ensemble.fit";
    const n = X.nRows;
    const K = checkLabels(y, n, ctx);
    // Every member must accept the label kind (binary / K classes) before any work starts.
    p.members.forEach((m, i) => {
      if (K > 2 && !MEMBER_KINDS[m.kind].capabilities.multiClass)
        throw new Error(
          `${this.path}.members.${i}.kind: "${m.kind}" fits binary labels only, but the labels have ${K} classes; all members must take the same label kind`,
        );
    });
    const width = K === 2 ? 1 : K;
    const block = Math.floor(n / p.inner_folds);
    if (block - 2 * p.purge_rows < 1 || n - block - 2 * p.purge_rows < 2)
      throw new Error(
        `${this.path}.inner_folds: ${p.inner_folds} inner folds with purge_rows ${p.purge_rows} leave no rows to fit or score in ${n} training rows`,
      );
    const oof = p.members.map(() => new Float64Array(n * width).fill(Number.NaN));
    const yy = Float64Array.from(y);
    for (let f = 0; f < p.inner_folds; f++) {
      const lo = f * block;
      const hi = f === p.inner_folds - 1 ? n : lo + block;
      const test = Int32Array.from({ length: hi - lo }, (_, i) => lo + i);
      const train: number[] = [];
      for (let i = 0; i < n; i++) if (i < lo - p.purge_rows || i >= hi + p.purge_rows) train.push(i);
      const tr = Int32Array.from(train);
      const ytr = Float64Array.from(tr, (r) => yy[r]);
      const innerK = new Set(ytr).size;
      if (innerK !== K)
        throw new Error(
          `${ctx}: inner fold ${f} of ${p.inner_folds} holds ${innerK} of the ${K} classes in its training rows; use fewer inner_folds (${this.path}.inner_folds)`,
        );
      const Xtr = takeRows(X, tr);
      const Xte = takeRows(X, test);
      for (let m = 0; m < p.members.length; m++) {
        const model = createMember(p.members[m], `${this.path}.members.${m}`);
        await model.fit(Xtr, ytr);
        oof[m].set(model.predictProba(Xte), lo * width);
      }
    }
    this.oof = oof;
    this.warnings = [];
    if (p.method === "voting") {
      this.weights = fitSimplexWeights(oof, yy, width, p.weights, p.alpha);
      this.meta = null;
      this.warnings = dominanceWarnings(
        this.weights,
        p.members.map((m, i) => `${this.path}.members.${i} (${m.kind})`),
        p.dominance_warning,
      );
    } else {
      this.weights = new Float64Array(0);
      this.meta = new LogisticModel(p.meta);
      this.meta.fitSync(metaFeatures(oof, n, width), y);
    }
    this.members = [];
    for (let m = 0; m < p.members.length; m++) {
      const model = createMember(p.members[m], `${this.path}.members.${m}`);
      await model.fit(X, y, { sampleWeight: opts.sampleWeight });
      this.members.push(model);
    }
    this.featureNames = [...X.names];
    this.nClasses = K;
    return {
      iterations: p.members.length,
      evalLogLoss: [],
      bestIteration: p.members.length,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  predictProba(X: FeatureMatrix): Float64Array {
    if (this.members.length === 0) throw new Error("ensemble.predictProba: the model is not fitted");
    assertSameFeatures(this.featureNames, X.names, "ensemble.predictProba");
    const width = this.nOutputs;
    const P = this.members.map((m) => m.predictProba(X));
    if (this.meta) return this.meta.predictProba(metaFeatures(P, X.nRows, width));
    const out = new Float64Array(X.nRows * width);
    P.forEach((p, m) => {
      const w = this.weights[m];
      for (let i = 0; i < out.length; i++) out[i] += w * p[i];
    });
    return out;
  }

  /**
   * Member importances, each normalised to sum 1, combined with the voting weights (stacking:
   * equal shares); members whose importances are all zero are left out and the rest renormalised.
   */
  featureImportance(): Importance {
    const F = this.featureNames.length;
    const out = new Float64Array(F);
    let used = 0;
    this.members.forEach((m, i) => {
      const imp = m.featureImportance("gain");
      const s = imp.values.reduce((a, b) => a + b, 0);
      if (!(s > 0)) return;
      const w = this.meta ? 1 : this.weights[i];
      used += w;
      for (let j = 0; j < F; j++) out[j] += (w * imp.values[j]) / s;
    });
    if (used > 0) for (let j = 0; j < F; j++) out[j] /= used;
    return { names: this.featureNames, values: out };
  }

  toJSON(): SavedBlend {
    return {
      schemaVersion: MODEL_SCHEMA_VERSION,
      kind: "ensemble",
      featureNames: this.featureNames,
      params: this.params,
      nClasses: this.nClasses,
      members: this.members.map((m) => m.toJSON()),
      weights: [...this.weights],
      meta: this.meta ? this.meta.toJSON() : null,
      warnings: this.warnings,
    };
  }

  static load(s: SavedBlend): BlendModel {
    const e = new BlendModel(s.params as BlendParams);
    e.members = s.members.map((m, i) => loadMember(m, `ensemble.members.${i}`));
    e.members.forEach((m, i) => {
      if (m.nClasses !== s.nClasses)
        throw new Error(
          `ensemble.members.${i}: fitted on ${m.nClasses} classes but the ensemble on ${s.nClasses}; members must share one label kind`,
        );
    });
    e.weights = Float64Array.from(s.weights);
    e.meta = s.meta ? LogisticModel.load(s.meta) : null;
    e.featureNames = [...s.featureNames];
    e.nClasses = s.nClasses;
    e.warnings = [...s.warnings];
    return e;
  }
}
