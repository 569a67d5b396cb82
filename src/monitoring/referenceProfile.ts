/**
 * The reference profile: what a registered model version is checked against once served. Built
 * at training from the rows the final model was fitted on (the training window, before the final
 * holdout) and saved beside the model as `reference_profile.json`. It holds:
 *
 * - per feature, PSI's form (the deciles and the 10 bins' shares on the window, psi.ts) and a
 *   sorted sample for the two-sample KS test: every value when the window has ≤ 2,000, else
 *   2,000 evenly spaced order statistics. The thinned sample's ECDF is within 1/2,000 of the
 *   window's at every point, so D moves by at most 5e-4, and the test then counts the reference
 *   as 2,000 values rather than n: a larger p than the full window would give, so thinning can
 *   only make the test more conservative, never raise a false alarm. 200 features × 2,000 values
 *   keep the file a few MB;
 * - the predicted probability's distribution in the same form (out-of-fold predictions, the
 *   ones the model's scores come from; `predictedProbability` says which probability);
 * - the baseline out-of-sample accuracy and ECE the accuracy bands are measured from;
 * - the model's top features by mean |SHAP| (up to 10), when the run computed SHAP;
 * - the training window and its row count.
 */
import { z } from "zod";
import { type BinnedReference, binnedReference, PSI_BINS } from "./psi";
import { sortedPresent } from "./ks";

export const REFERENCE_PROFILE_SCHEMA_VERSION = 1;
export const REFERENCE_PROFILE_FILE = "reference_profile.json";
/** Values kept per distribution for the KS test. */
export const KS_SAMPLE_SIZE = 2000;
/** How many top features (by mean |SHAP|) drift on one of which is drift. */
export const TOP_FEATURES = 10;

export interface DistributionProfile extends BinnedReference {
  /** Values present in the window (NaN excluded). */
  readonly n: number;
  /** NaN values in the window. */
  readonly missing: number;
  /** Ascending: every value present, or KS_SAMPLE_SIZE evenly spaced order statistics of them. */
  readonly sample: readonly number[];
}

export interface FeatureProfile extends DistributionProfile {
  readonly name: string;
}

/**
 * Which probability of a row is "the predicted probability": P(class 1) for a binary model, the
 * probability of the predicted (most likely) class for more classes, as the reliability plot reads them.
 */
export type PredictedProbabilityKind = "p_class1" | "top_class";

export interface ReferenceProfile {
  readonly schemaVersion: typeof REFERENCE_PROFILE_SCHEMA_VERSION;
  /** The run's variant this profile is of ("ensemble" or a model's name). */
  readonly variant: string;
  /** The training window: first and last bar (ISO) and the rows in it. */
  readonly window: { readonly start: string; readonly end: string; readonly rows: number };
  readonly features: readonly FeatureProfile[];
  readonly prediction: DistributionProfile & { readonly kind: PredictedProbabilityKind };
  /** Out-of-sample (out-of-fold) accuracy and ECE; null when the run could not score them. */
  readonly baseline: { readonly accuracy: number | null; readonly ece: number | null; readonly rows: number };
  /** Up to 10 feature names by mean |SHAP|, highest first; null when the run has no SHAP for this variant. */
  readonly topFeatures: readonly string[] | null;
}

/** The predicted probability per row from `width` probabilities per row (see `PredictedProbabilityKind`). */
export function predictedProbability(
  probs: ArrayLike<number>,
  width: number,
): { kind: PredictedProbabilityKind; values: Float64Array } {
  if (!Number.isInteger(width) || width < 1 || probs.length % width !== 0) {
    throw new Error(`predictedProbability: ${probs.length} probabilities are not rows of width ${width}`);
  }
  if (width === 1) return { kind: "p_class1", values: Float64Array.from(probs) };
  const rows = probs.length / width;
  const values = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = probs[r * width];
    for (let c = 1; c < width; c++) best = Math.max(best, probs[r * width + c]);
    values[r] = best;
  }
  return { kind: "top_class", values };
}

/** The distribution of `values` in the profile's form; `what` names it in errors. */
export function distributionProfile(values: ArrayLike<number>, what: string): DistributionProfile {
  const sorted = sortedPresent(values);
  const n = sorted.length;
  if (n === 0) throw new Error(`reference profile: ${what} has no value in the training window (all NaN)`);
  const sample =
    n <= KS_SAMPLE_SIZE
      ? Array.from(sorted)
      : Array.from({ length: KS_SAMPLE_SIZE }, (_, k) => sorted[Math.floor(((k + 0.5) * n) / KS_SAMPLE_SIZE)]);
  return { ...binnedReference(sorted), n, missing: values.length - n, sample };
}

/** The training window's feature distributions (`featureProfiles`), and the window's row count. */
export interface WindowFeatureProfiles {
  readonly rows: number;
  readonly profiles: readonly FeatureProfile[];
}

/**
 * Each feature's distribution on the training window (every column the same length). Variants of
 * one run fitted on the same columns share them: computed once, passed to each variant's profile.
 */
export function featureProfiles(
  names: readonly string[],
  columns: readonly ArrayLike<number>[],
): WindowFeatureProfiles {
  if (names.length !== columns.length) {
    throw new Error(`reference profile: ${names.length} feature names but ${columns.length} columns`);
  }
  const rows = columns.length > 0 ? columns[0].length : 0;
  columns.forEach((c, j) => {
    if (c.length !== rows) throw new Error(`reference profile: feature ${names[j]} has ${c.length} rows, not ${rows}`);
  });
  return { rows, profiles: names.map((name, j) => ({ name, ...distributionProfile(columns[j], `feature ${name}`) })) };
}

export interface ReferenceProfileInput {
  variant: string;
  window: { start: string; end: string };
  /** The training window's feature columns, by name (every column the same length). */
  features: { names: readonly string[]; columns: readonly ArrayLike<number>[] };
  /** Predicted probabilities (`width` per row): the final model's on the final holdout, else out of fold. */
  probabilities: { values: ArrayLike<number>; width: number };
  baseline: { accuracy: number; ece: number; rows: number };
  /** Features by mean |SHAP|, highest first (the first 10 are kept); null without SHAP. */
  topFeatures: readonly string[] | null;
}

/** A profile from the window's columns, or from their profiles (`featureProfiles`) made already. */
export function buildReferenceProfile(
  input: ReferenceProfileInput | (Omit<ReferenceProfileInput, "features"> & { features: WindowFeatureProfiles }),
): ReferenceProfile {
  const f = input.features;
  const { rows, profiles } = "profiles" in f ? f : featureProfiles(f.names, f.columns);
  const predicted = predictedProbability(input.probabilities.values, input.probabilities.width);
  const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
  const profile: ReferenceProfile = {
    schemaVersion: REFERENCE_PROFILE_SCHEMA_VERSION,
    variant: input.variant,
    window: { ...input.window, rows },
    features: [...profiles],
    prediction: { kind: predicted.kind, ...distributionProfile(predicted.values, "the predicted probability") },
    baseline: {
      accuracy: finiteOrNull(input.baseline.accuracy),
      ece: finiteOrNull(input.baseline.ece),
      rows: input.baseline.rows,
    },
    topFeatures: input.topFeatures ? input.topFeatures.slice(0, TOP_FEATURES) : null,
  };
  // The same checks a profile read back gets: a profile that could not be read is never written.
  return parseReferenceProfile(JSON.parse(referenceProfileJson(profile)), "reference profile (as built)");
}

export function referenceProfileJson(profile: ReferenceProfile): string {
  return `${JSON.stringify(profile)}\n`;
}

const ascending = (xs: readonly number[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);

const distributionSchema = z
  .object({
    n: z.number().int().positive(),
    missing: z.number().int().nonnegative(),
    edges: z
      .array(z.number())
      .length(PSI_BINS - 1)
      .refine(ascending, "expected ascending deciles"),
    shares: z
      .array(z.number().min(0).max(1))
      .length(PSI_BINS)
      .refine((s) => Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-9, "expected shares summing to 1"),
    sample: z.array(z.number()).min(1).max(KS_SAMPLE_SIZE).refine(ascending, "expected an ascending sample"),
  })
  .refine((d) => d.sample.length === Math.min(d.n, KS_SAMPLE_SIZE), {
    message: `expected min(n, ${KS_SAMPLE_SIZE}) sample values`,
    path: ["sample"],
  });

const isoInstant = z.string().refine((s) => Number.isFinite(Date.parse(s)), "expected an ISO date-time");

const profileSchema = z
  .object({
    schemaVersion: z.literal(REFERENCE_PROFILE_SCHEMA_VERSION),
    variant: z.string().min(1),
    window: z.object({ start: isoInstant, end: isoInstant, rows: z.number().int().positive() }).strict(),
    features: z.array(z.intersection(z.object({ name: z.string().min(1) }), distributionSchema)).min(1),
    prediction: z.intersection(z.object({ kind: z.enum(["p_class1", "top_class"]) }), distributionSchema),
    baseline: z
      .object({
        accuracy: z.number().min(0).max(1).nullable(),
        ece: z.number().min(0).max(1).nullable(),
        rows: z.number().int().nonnegative(),
      })
      .strict(),
    topFeatures: z.array(z.string()).max(TOP_FEATURES).nullable(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const names = new Set<string>();
    p.features.forEach((f, i) => {
      if (names.has(f.name))
        ctx.addIssue({ code: "custom", message: `feature ${f.name} twice`, path: ["features", i, "name"] });
      names.add(f.name);
    });
    p.topFeatures?.forEach((name, i) => {
      if (!names.has(name)) {
        ctx.addIssue({ code: "custom", message: `${name} is not a profiled feature`, path: ["topFeatures", i] });
      }
    });
  });

/** Reads a profile (parsed JSON); an error names `where` and the field: `where: features.3.edges: …`. */
export function parseReferenceProfile(json: unknown, where: string): ReferenceProfile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  }
  return parsed.data as ReferenceProfile;
}

/** The profile's feature names, in its order. */
export function profiledFeatures(profile: ReferenceProfile): string[] {
  return profile.features.map((f) => f.name);
}
