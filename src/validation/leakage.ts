import { rocAuc } from "./rocAuc";
import { isoTime } from "./duration";
import { SplitError, type SplitPlan } from "./splitPlan";

/** One feature column, a value per label row (NaN where unknown). */
export interface FeatureColumn {
  readonly name: string;
  readonly values: Float64Array;
}

export interface AucScreenOptions {
  /** Flag a feature whose mean out-of-sample AUC exceeds this; default 0.6 (daily direction). */
  threshold?: number;
  /** Class code counted as positive; default 1. Other codes are negatives. */
  positiveClass?: number;
}

export interface FeatureScreen {
  readonly name: string;
  /** Test-fold AUC per split of sign·feature, the sign fitted on the training rows; NaN when a fold lacks a class. */
  readonly foldAuc: Float64Array;
  readonly meanAuc: number;
  /** Standard deviation of the mean AUC under no signal (Hanley-McNeil null, averaged over folds). */
  readonly nullStd: number;
  /** (meanAuc - 0.5) / nullStd. */
  readonly z: number;
  readonly flagged: boolean;
}

export interface LeakageReport {
  readonly threshold: number;
  readonly features: readonly FeatureScreen[];
  /** Names of flagged features, worst first. */
  readonly flagged: readonly string[];
  /** One line per flagged feature, for reports and logs. */
  readonly messages: readonly string[];
}

/**
 * Standard deviation of the ROC-AUC of a score with no signal on nPos positives and nNeg
 * negatives: sqrt((nPos + nNeg + 1) / (12 · nPos · nNeg)) (the Mann-Whitney U null).
 */
export function aucNullStd(nPos: number, nNeg: number): number {
  return Math.sqrt((nPos + nNeg + 1) / (12 * nPos * nNeg));
}

function gather(values: Float64Array, y: Float64Array, rows: Int32Array, positive: number) {
  let m = 0;
  for (let j = 0; j < rows.length; j++) if (!Number.isNaN(values[rows[j]]) && !Number.isNaN(y[rows[j]])) m++;
  const x = new Float64Array(m);
  const t = new Float64Array(m);
  let pos = 0;
  let k = 0;
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    if (Number.isNaN(values[r]) || Number.isNaN(y[r])) continue;
    x[k] = values[r];
    t[k] = y[r] === positive ? 1 : 0;
    pos += t[k];
    k++;
  }
  return { x, t, pos, neg: m - pos };
}

/**
 * Univariate out-of-sample AUC screen: for each feature and split, the direction (sign) is
 * fitted on the training rows and the AUC of sign·feature is measured on the test rows. A
 * single leak-free feature rarely separates next-period direction out of sample; a mean AUC
 * above the threshold is implausible and flagged as suspected leakage (docs/architecture.md).
 */
export function univariateAucScreen(
  features: readonly FeatureColumn[],
  y: Float64Array,
  plan: SplitPlan,
  opts: AucScreenOptions = {},
): LeakageReport {
  const threshold = opts.threshold ?? 0.6;
  const positive = opts.positiveClass ?? 1;
  const screens: FeatureScreen[] = [];
  for (const f of features) {
    if (f.values.length !== y.length) {
      throw new SplitError(
        `univariateAucScreen: feature ${f.name} has ${f.values.length} values, expected ${y.length} (one per label row)`,
      );
    }
    const foldAuc = new Float64Array(plan.splits.length).fill(Number.NaN);
    let sum = 0;
    let varSum = 0;
    let folds = 0;
    plan.splits.forEach((s, i) => {
      const tr = gather(f.values, y, s.train, positive);
      const te = gather(f.values, y, s.test, positive);
      if (tr.pos === 0 || tr.neg === 0 || te.pos === 0 || te.neg === 0) return;
      const sign = rocAuc(tr.t, tr.x) >= 0.5 ? 1 : -1;
      if (sign < 0) for (let j = 0; j < te.x.length; j++) te.x[j] = -te.x[j];
      foldAuc[i] = rocAuc(te.t, te.x);
      sum += foldAuc[i];
      varSum += aucNullStd(te.pos, te.neg) ** 2;
      folds++;
    });
    const meanAuc = folds > 0 ? sum / folds : Number.NaN;
    const nullStd = folds > 0 ? Math.sqrt(varSum) / folds : Number.NaN;
    screens.push({
      name: f.name,
      foldAuc,
      meanAuc,
      nullStd,
      z: (meanAuc - 0.5) / nullStd,
      flagged: meanAuc > threshold,
    });
  }
  const flaggedScreens = screens.filter((s) => s.flagged).sort((a, b) => b.meanAuc - a.meanAuc);
  const first = plan.splits[0];
  const last = plan.splits[plan.splits.length - 1];
  const span = first && last ? ` over ${plan.kind} folds ${isoTime(first.testFrom)}..${isoTime(last.testTo)}` : "";
  return {
    threshold,
    features: screens,
    flagged: flaggedScreens.map((s) => s.name),
    messages: flaggedScreens.map(
      (s) =>
        `suspected leakage: feature ${s.name} has out-of-sample AUC ${s.meanAuc.toFixed(3)} (z = ${s.z.toFixed(1)}) > ${threshold}${span}`,
    ),
  };
}

export const CANARY_NAME = "__canary_future_return";

export interface CanaryResult {
  readonly report: LeakageReport;
  /** True when the screen flagged the canary: the detector works on this plan and labels. */
  readonly canaryFlagged: boolean;
}

/**
 * Canary check: appends a feature built from the future return the labels are made of (the
 * worst possible leak) and runs the AUC screen. If the canary is not flagged the screen cannot
 * be trusted on this setup, so the caller should fail the run.
 */
export function canaryCheck(
  features: readonly FeatureColumn[],
  labels: { readonly y: Float64Array; readonly ret: Float64Array },
  plan: SplitPlan,
  opts: AucScreenOptions = {},
): CanaryResult {
  const report = univariateAucScreen([...features, { name: CANARY_NAME, values: labels.ret }], labels.y, plan, opts);
  return { report, canaryFlagged: report.flagged.includes(CANARY_NAME) };
}

/**
 * A seeded permutation of the labels (Fisher-Yates over a mulberry32 stream): the
 * shuffled-label control, which must score AUC ≈ 0.5. Absent (NaN) rows stay in place.
 */
export function shuffleLabels(y: Float64Array, seed: number): Float64Array {
  const out = Float64Array.from(y);
  const idx: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i])) idx.push(i);
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const a = out[idx[i]];
    out[idx[i]] = out[idx[j]];
    out[idx[j]] = a;
  }
  return out;
}
