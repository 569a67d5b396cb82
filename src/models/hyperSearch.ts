/**
 * Hyper-parameter search (grid or seeded random) for one model kind, each variant scored by
 * purged K-fold CV over the rows it is given — the caller passes the outer training data only,
 * so the search is nested and never sees the outer test fold or the final holdout. Every
 * variant tried is a trial; the count is returned for the deflated Sharpe ratio and PBO.
 * A caller whose rows are not one strictly increasing timeline (a pooled panel of tickers)
 * passes its own inner plan instead of label spans (pipeline/foldFitter.ts does).
 * No TPE/Bayesian option: no well-kept JS library for it was found (the closest npm package,
 * `hyperparameters`, is a small hyperopt port with few users), so only grid and random are offered.
 */
import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";
import { type LabelSpans, purgedKFold, rocAuc, type SplitPlan } from "../validation";
import { takeRows, type FeatureMatrix } from "./matrix";
import { createMember, MEMBER_KINDS, memberSpecSchema } from "./memberKinds";
import { issuesAt } from "./model";
import { logLoss } from "./metrics";
import { rngNext } from "./kernelArena";

const rangeSchema = z.strictObject({
  low: z.number(),
  high: z.number(),
  log: z.boolean().default(false),
  int: z.boolean().default(false),
});

export const searchSpecSchema = z.strictObject({
  kind: z.enum(Object.keys(MEMBER_KINDS) as [keyof typeof MEMBER_KINDS, ...(keyof typeof MEMBER_KINDS)[]]),
  /** Fixed parameters of every variant. */
  base: z.record(z.string(), z.unknown()).default({}),
  /** Per parameter: a list of values (grid or random) or a range (random only). */
  space: z.record(z.string(), z.union([z.array(z.unknown()).min(1), rangeSchema])),
  method: z.enum(["grid", "random"]).default("grid"),
  /** Random search: variants drawn. */
  n_iter: z.number().int().min(1).max(100_000).default(20),
  seed: z.number().int().default(0),
  folds: z.number().int().min(2).max(100).default(5),
  /** Bars embargoed after each test fold. */
  embargo: z.number().int().min(0).max(MAX_WINDOW_BARS).default(5),
  metric: z.enum(["logloss", "auc"]).default("logloss"),
  /**
   * Wall-clock seconds after which no further variant is started (the first always runs). With
   * it, how many variants run depends on the machine's speed: the result says how many did.
   */
  budget_seconds: z.number().positive().optional(),
});

export type SearchSpec = z.input<typeof searchSpecSchema>;

export interface Trial {
  params: Record<string, unknown>;
  /** Mean over folds (logloss: lower is better; auc: higher is better). */
  score: number;
  foldScores: number[];
  seconds: number;
}

export interface SearchResult {
  /** Trials sorted best first. */
  leaderboard: Trial[];
  best: Trial;
  /** Every variant fitted, the number the deflated Sharpe ratio needs. */
  trials: number;
  /** True when `budget_seconds` ran out before every variant was tried. */
  stoppedByBudget: boolean;
}

/** A problem of a parsed spec, at a path relative to the spec (`["space", "max_depth", 1]`). */
export interface SearchSpecIssue {
  path: (string | number)[];
  message: string;
}

function cartesian(space: Record<string, unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, vals] of Object.entries(space)) out = out.flatMap((o) => vals.map((v) => ({ ...o, [k]: v })));
  return out;
}

/**
 * What is wrong with a parsed spec's values: each listed value and each range's ends must be
 * valid parameters of `s.kind` (on top of `s.base`); ranges need method random.
 */
export function searchSpaceIssues(s: z.output<typeof searchSpecSchema>): SearchSpecIssue[] {
  const issues: SearchSpecIssue[] = [];
  const check = (params: Record<string, unknown>, path: (string | number)[]) => {
    const m = memberSpecSchema.safeParse({ kind: s.kind, params });
    if (!m.success) {
      const issue = m.error.issues[0];
      issues.push({ path, message: `${issue.message} (${s.kind} parameter ${issue.path.slice(1).join(".")})` });
    }
  };
  check(s.base, ["base"]);
  for (const [k, v] of Object.entries(s.space)) {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        check({ ...s.base, [k]: x }, ["space", k, i]);
      });
    } else if (s.method === "grid") {
      issues.push({ path: ["space", k], message: "a range needs method: random (grid takes lists)" });
    } else if (!(v.low <= v.high)) {
      issues.push({ path: ["space", k], message: `low ${v.low} is above high ${v.high}` });
    } else if (v.log && !(v.low > 0)) {
      issues.push({ path: ["space", k], message: `a log range needs low > 0, got ${v.low}` });
    } else {
      check({ ...s.base, [k]: v.int ? Math.round(v.low) : v.low }, ["space", k, "low"]);
      check({ ...s.base, [k]: v.int ? Math.round(v.high) : v.high }, ["space", k, "high"]);
    }
  }
  return issues;
}

/** Validates the spec and every listed value against the model's schema, naming `path.space.<param>.<i>`. */
export function parseSearchSpec(spec: SearchSpec, path = "search"): z.output<typeof searchSpecSchema> {
  const r = searchSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(issuesAt(r.error, path));
  const issue = searchSpaceIssues(r.data)[0];
  if (issue) throw new Error(`${[path, ...issue.path].join(".")}: ${issue.message}`);
  return r.data;
}

/** The variants a spec tries, in order (grid: every combination; random: n_iter seeded draws). */
export function searchVariants(spec: SearchSpec, path = "search"): Record<string, unknown>[] {
  const s = parseSearchSpec(spec, path);
  if (s.method === "grid") return cartesian(s.space as Record<string, unknown[]>).map((v) => ({ ...s.base, ...v }));
  const rng = new Uint32Array([s.seed >>> 0]);
  return Array.from({ length: s.n_iter }, () => {
    const v: Record<string, unknown> = { ...s.base };
    for (const [k, dom] of Object.entries(s.space)) {
      const u = rngNext(rng);
      if (Array.isArray(dom)) v[k] = dom[Math.min(dom.length - 1, Math.floor(u * dom.length))];
      else {
        const x = dom.log
          ? Math.exp(Math.log(dom.low) + u * (Math.log(dom.high) - Math.log(dom.low)))
          : dom.low + u * (dom.high - dom.low);
        v[k] = dom.int ? Math.round(x) : x;
      }
    }
    return v;
  });
}

/**
 * Runs the search on (X, y). `inner` is either `spans`, each row's label window (rows of X in
 * time order, the same rows as spans), cut here into `folds` purged folds with `embargo`; or a
 * ready inner plan whose rows index X (then `folds` and `embargo` are the caller's to apply).
 * `onTrial` sees each finished trial.
 */
export async function hyperSearch(
  spec: SearchSpec,
  X: FeatureMatrix,
  y: ArrayLike<number>,
  inner: LabelSpans | SplitPlan,
  opts: { path?: string; onTrial?: (t: Trial, i: number, total: number) => void } = {},
): Promise<SearchResult> {
  const started = performance.now();
  const path = opts.path ?? "search";
  const s = parseSearchSpec(spec, path);
  const variants = searchVariants(spec, path);
  let plan: SplitPlan;
  if ("splits" in inner) plan = inner;
  else {
    if (inner.startIdx.length !== X.nRows)
      throw new Error(`${path}: spans describe ${inner.startIdx.length} rows but X has ${X.nRows}`);
    plan = purgedKFold(inner, { folds: s.folds, embargo: s.embargo });
  }
  const yy = Float64Array.from(y);
  const folds = plan.splits.map((sp) => ({
    Xtr: takeRows(X, sp.train),
    ytr: Float64Array.from(sp.train, (r) => yy[r]),
    Xte: takeRows(X, sp.test),
    yte: Float64Array.from(sp.test, (r) => yy[r]),
  }));
  const trials: Trial[] = [];
  const budgetMs = s.budget_seconds === undefined ? Number.POSITIVE_INFINITY : s.budget_seconds * 1000;
  for (let v = 0; v < variants.length; v++) {
    if (v > 0 && performance.now() - started >= budgetMs) break;
    const t0 = performance.now();
    const foldScores: number[] = [];
    for (const [k, f] of folds.entries()) {
      const m = createMember({ kind: s.kind, params: variants[v] } as never, `${path}.variants.${v}`);
      await m.fit(f.Xtr, f.ytr);
      const p = m.predictProba(f.Xte);
      const width = p.length / f.Xte.nRows;
      foldScores.push(s.metric === "auc" ? foldAuc(f.yte, p, width, `${path}.metric`, k) : logLoss(f.yte, p));
    }
    const t: Trial = {
      params: variants[v],
      score: foldScores.reduce((a, b) => a + b, 0) / foldScores.length,
      foldScores,
      seconds: (performance.now() - t0) / 1000,
    };
    trials.push(t);
    opts.onTrial?.(t, v, variants.length);
  }
  const sign = s.metric === "auc" ? -1 : 1;
  const leaderboard = [...trials].sort((a, b) => sign * (a.score - b.score));
  return { leaderboard, best: leaderboard[0], trials: trials.length, stoppedByBudget: trials.length < variants.length };
}

/** A fold's AUC; a search must not rank variants on an undefined score, so that is an error. */
function foldAuc(y: Float64Array, p: Float64Array, width: number, path: string, fold: number): number {
  if (width !== 1) throw new Error(`${path}: "auc" scores binary labels; these have ${width} classes (use logloss)`);
  const auc = rocAuc(y, p);
  if (Number.isNaN(auc))
    throw new Error(`${path}: fold ${fold}'s test rows hold one class only, so its AUC is undefined`);
  return auc;
}
