import { isoTime } from "./duration";
import { type Split, SplitError, type SplitPlan } from "./splitPlan";

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

/**
 * Each row's rank among the feature's distinct values (−0 and 0 one value), −1 where the value
 * or the label is missing, from one native sort of the values.
 */
function ranked(values: Float64Array, y: Float64Array): { rank: Int32Array; distinct: number } {
  const sorted = new Float64Array(y.length);
  let m = 0;
  for (let r = 0; r < y.length; r++) if (!Number.isNaN(values[r]) && !Number.isNaN(y[r])) sorted[m++] = values[r];
  sorted.subarray(0, m).sort();
  let distinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i];
  const rank = new Int32Array(y.length).fill(-1);
  for (let r = 0; r < y.length; r++) {
    const v = values[r];
    if (Number.isNaN(v) || Number.isNaN(y[r])) continue;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    rank[r] = lo;
  }
  return { rank, distinct };
}

/**
 * One split's Mann-Whitney sums of one feature: per positive, the negatives strictly below it
 * plus half the tied ones, over its training rows and its test rows, counted per distinct
 * value (`counts`, scratch: 4 per value). Every term is a multiple of 1/2, so the sums are exact
 * and equal to `aucOf`'s in any order: sum / pos / neg is the AUC bit for bit, and pos·neg − sum
 * that of the negated feature.
 */
function splitSums(
  y: Float64Array,
  f: { rank: Int32Array; distinct: number },
  split: Pick<Split, "train" | "test">,
  positive: number,
  counts: Int32Array,
) {
  counts.fill(0, 0, 4 * f.distinct);
  for (const [rows, at] of [
    [split.train, 0],
    [split.test, 2],
  ] as const) {
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j];
      const k = f.rank[r];
      if (k >= 0) counts[4 * k + at + (y[r] === positive ? 0 : 1)]++;
    }
  }
  const c = { trPos: 0, trNeg: 0, trSum: 0, tePos: 0, teNeg: 0, teSum: 0 };
  for (let u = 0; u < f.distinct; u++) {
    const [trP, trN, teP, teN] = [counts[4 * u], counts[4 * u + 1], counts[4 * u + 2], counts[4 * u + 3]];
    c.trSum += trP * c.trNeg + 0.5 * trP * trN;
    c.teSum += teP * c.teNeg + 0.5 * teP * teN;
    c.trPos += trP;
    c.trNeg += trN;
    c.tePos += teP;
    c.teNeg += teN;
  }
  return c;
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
  const counts = new Int32Array(4 * y.length);
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
    const r = ranked(f.values, y);
    plan.splits.forEach((split, i) => {
      const c = splitSums(y, r, split, positive, counts);
      if (c.trPos === 0 || c.trNeg === 0 || c.tePos === 0 || c.teNeg === 0) return;
      // The sign is fitted on the training rows (their AUC), then the test AUC is of sign·feature.
      const sign = c.trSum / c.trPos / c.trNeg >= 0.5 ? 1 : -1;
      foldAuc[i] = (sign > 0 ? c.teSum : c.tePos * c.teNeg - c.teSum) / c.tePos / c.teNeg;
      sum += foldAuc[i];
      varSum += aucNullStd(c.tePos, c.teNeg) ** 2;
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
