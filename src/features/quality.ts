/**
 * Quality report of a feature frame: warm-up and NaN share after it, constant columns, clusters
 * of near-duplicate columns (|Pearson r| above a threshold, joined transitively with
 * union-find) and a per-feature summary.
 */
import type { FeatureFrame } from "./featureFrame";

export interface FeatureSummary {
  name: string;
  /** Leading rows without a finite value. */
  warmup: number;
  /** Non-finite values (NaN, ±Infinity) after the warm-up. */
  missingAfterWarmup: number;
  /** missingAfterWarmup / (rows − warmup); NaN for a column with no finite value. */
  missingShare: number;
  /** Finite values. */
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  min: number;
  max: number;
  /** Quantiles at QUALITY_QUANTILES, linear interpolation between order statistics (pandas' default). */
  quantiles: number[];
  /** Every finite value equal (or none finite). */
  constant: boolean;
}

export interface CorrelationCluster {
  /** Member names, in frame order. */
  names: string[];
  /** The strongest |r| between two members. */
  maxAbsCorrelation: number;
}

export interface QualityReport {
  rows: number;
  features: FeatureSummary[];
  constantColumns: string[];
  clusters: CorrelationCluster[];
  threshold: number;
  /** Rows the correlations were computed on (every `stride`-th row). */
  correlationRows: number;
  stride: number;
}

export interface QualityOptions {
  /** |r| strictly above this joins two columns (default 0.95). */
  threshold?: number;
  /** Correlations use at most this many rows, evenly strided (default 50,000): k² pairs × rows is the cost. */
  maxCorrelationRows?: number;
}

export const QUALITY_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

function summarise(name: string, col: Float64Array): FeatureSummary {
  const n = col.length;
  let warmup = 0;
  while (warmup < n && !Number.isFinite(col[warmup])) warmup++;
  const values = col.filter((v) => Number.isFinite(v)).sort();
  const count = values.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = count > 0 ? sum / count : Number.NaN;
  let ss = 0;
  for (let i = 0; i < count; i++) ss += (values[i] - mean) * (values[i] - mean);
  const quantile = (q: number) => {
    if (count === 0) return Number.NaN;
    const h = (count - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, count - 1);
    return values[lo] + (h - lo) * (values[hi] - values[lo]);
  };
  return {
    name,
    warmup,
    missingAfterWarmup: n - warmup - count,
    missingShare: count > 0 ? (n - warmup - count) / (n - warmup) : Number.NaN,
    count,
    mean,
    std: count > 1 ? Math.sqrt(ss / (count - 1)) : Number.NaN,
    min: count > 0 ? values[0] : Number.NaN,
    max: count > 0 ? values[count - 1] : Number.NaN,
    quantiles: QUALITY_QUANTILES.map(quantile),
    constant: count === 0 || values[0] === values[count - 1],
  };
}

/**
 * A column prepared for correlations: its values centred on their mean (which keeps one-pass
 * sums from cancelling) and set to 0 where not finite, with a 0/1 mask of the finite rows, so
 * that the pairwise-complete sums of a pair need no branch. Most feature columns are finite
 * from their warm-up on (`dense`): for two of those the common rows are [max(warm-ups), n) and
 * the masks can be left out.
 */
interface Prepared {
  centred: Float64Array;
  mask: Float64Array;
  start: number;
  dense: boolean;
}

function prepare(values: Float64Array): Prepared {
  const n = values.length;
  let start = 0;
  while (start < n && !Number.isFinite(values[start])) start++;
  let dense = true;
  let sum = 0;
  let count = 0;
  const mask = new Float64Array(n);
  for (let i = start; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      count++;
      mask[i] = 1;
    } else dense = false;
  }
  const mean = count > 0 ? sum / count : 0;
  const centred = new Float64Array(n);
  for (let i = start; i < n; i++) if (mask[i] === 1) centred[i] = values[i] - mean;
  return { centred, mask, start, dense };
}

/** Pearson r over the rows where both are finite (NaN with fewer than 3 such rows or no variance). */
function correlation(a: Prepared, b: Prepared): number {
  const x = a.centred;
  const y = b.centred;
  const from = Math.max(a.start, b.start);
  let n = x.length - from;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  if (a.dense && b.dense) {
    for (let i = from; i < x.length; i++) {
      const u = x[i];
      const v = y[i];
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
      sxy += u * v;
    }
  } else {
    // x and y are 0 where missing, so u·v needs no mask; the one-sided sums take the other's.
    const ma = a.mask;
    const mb = b.mask;
    n = 0;
    for (let i = from; i < x.length; i++) {
      const u = x[i];
      const v = y[i];
      const wa = ma[i];
      const wb = mb[i];
      n += wa * wb;
      sx += u * wb;
      sy += v * wa;
      sxx += u * u * wb;
      syy += v * v * wa;
      sxy += u * v;
    }
  }
  if (n < 3) return Number.NaN;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  return vx > 0 && vy > 0 ? (sxy - (sx * sy) / n) / Math.sqrt(vx * vy) : Number.NaN;
}

/** Two columns whose |Pearson r| exceeds the threshold. */
export interface CorrelatedPair {
  /** The earlier column in frame order. */
  a: string;
  b: string;
  /** |r| over the rows where both are finite. */
  absCorrelation: number;
}

function checkOptions(frame: FeatureFrame, options: QualityOptions): { threshold: number; maxRows: number } {
  const threshold = options.threshold ?? 0.95;
  const maxRows = options.maxCorrelationRows ?? 50_000;
  if (!(threshold > 0 && threshold < 1))
    throw new RangeError(`qualityReport: threshold must be in (0, 1), got ${threshold}`);
  if (!(Number.isInteger(maxRows) && maxRows >= 3)) {
    throw new RangeError(`qualityReport: maxCorrelationRows must be an integer >= 3, got ${maxRows}`);
  }
  const { names, columns } = frame;
  const rows = frame.ts.length;
  if (names.length !== columns.length) {
    throw new RangeError(`qualityReport: ${names.length} names but ${columns.length} columns`);
  }
  columns.forEach((c, k) => {
    if (c.length !== rows) {
      throw new RangeError(`qualityReport: column ${names[k]} (index ${k}) has ${c.length} rows, ts has ${rows}`);
    }
  });
  return { threshold, maxRows };
}

/**
 * Pairs among the columns `varying` (indices) with |r| above `threshold`, on every `stride`-th
 * row where `stride` keeps at most `maxRows` rows.
 */
function strongPairs(
  columns: readonly Float64Array[],
  rows: number,
  varying: readonly number[],
  threshold: number,
  maxRows: number,
): { pairs: [number, number, number][]; stride: number; correlationRows: number } {
  const stride = Math.max(1, Math.ceil(rows / maxRows));
  const sampled = columns.map((c) => {
    if (stride === 1) return prepare(c);
    const out = new Float64Array(Math.ceil(rows / stride));
    for (let i = 0, r = 0; i < rows; i += stride, r++) out[r] = c[i];
    return prepare(out);
  });
  const pairs: [number, number, number][] = [];
  for (let x = 0; x < varying.length; x++) {
    for (let y = x + 1; y < varying.length; y++) {
      const i = varying[x];
      const j = varying[y];
      const r = Math.abs(correlation(sampled[i], sampled[j]));
      if (r > threshold) pairs.push([i, j, r]);
    }
  }
  return { pairs, stride, correlationRows: sampled.length > 0 ? sampled[0].centred.length : rows };
}

/** Every pair of non-constant columns with |r| above the threshold (default 0.95), strongest first. */
export function correlatedPairs(frame: FeatureFrame, options: QualityOptions = {}): CorrelatedPair[] {
  const { threshold, maxRows } = checkOptions(frame, options);
  const varying = frame.columns.map((c, k) => (summarise(frame.names[k], c).constant ? -1 : k)).filter((k) => k >= 0);
  return strongPairs(frame.columns, frame.ts.length, varying, threshold, maxRows)
    .pairs.map(([i, j, r]) => ({ a: frame.names[i], b: frame.names[j], absCorrelation: r }))
    .sort((p, q) => q.absCorrelation - p.absCorrelation);
}

export function qualityReport(frame: FeatureFrame, options: QualityOptions = {}): QualityReport {
  const { threshold, maxRows } = checkOptions(frame, options);
  const { names, columns } = frame;
  const rows = frame.ts.length;
  const features = columns.map((c, k) => summarise(names[k], c));
  const varying = features.map((f, k) => (f.constant ? -1 : k)).filter((k) => k >= 0);
  const { pairs, stride, correlationRows } = strongPairs(columns, rows, varying, threshold, maxRows);
  // Union-find over the columns that vary; `strongest` keeps the strongest |r| seen per root.
  const parent = Int32Array.from(names, (_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]];
      k = parent[k];
    }
    return k;
  };
  const strongest = new Float64Array(names.length);
  for (const [i, j, r] of pairs) {
    const ri = find(i);
    const rj = find(j);
    const best = Math.max(r, strongest[ri], strongest[rj]);
    parent[rj] = ri;
    strongest[ri] = best;
  }
  const groups = new Map<number, string[]>();
  for (const k of varying) {
    const root = find(k);
    groups.set(root, [...(groups.get(root) ?? []), names[k]]);
  }
  const clusters: CorrelationCluster[] = [];
  for (const [root, members] of groups) {
    if (members.length > 1) clusters.push({ names: members, maxAbsCorrelation: strongest[root] });
  }
  return {
    rows,
    features,
    constantColumns: features.filter((f) => f.constant).map((f) => f.name),
    clusters,
    threshold,
    correlationRows,
    stride,
  };
}

function num(v: number): string {
  if (Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : v.toPrecision(5).replace(/\.?0+$/, "");
}

/** Readable text: headline counts, constant columns, clusters, then one line per feature. */
export function formatQualityReport(report: QualityReport): string {
  const lines: string[] = [];
  const withMissing = report.features.filter((f) => f.missingAfterWarmup > 0);
  lines.push(
    `${report.features.length} features × ${report.rows} rows; ${report.constantColumns.length} constant, ${report.clusters.length} clusters with |r| > ${report.threshold}, ${withMissing.length} with missing values after warm-up`,
  );
  if (report.stride > 1) lines.push(`(correlations on every ${report.stride}th row: ${report.correlationRows} rows)`);
  lines.push("", `constant columns: ${report.constantColumns.length > 0 ? report.constantColumns.join(", ") : "none"}`);
  lines.push("", "correlation clusters:");
  if (report.clusters.length === 0) lines.push("  none");
  for (const c of report.clusters) lines.push(`  max |r| ${c.maxAbsCorrelation.toFixed(4)}: ${c.names.join(", ")}`);
  const width = Math.max(8, ...report.features.map((f) => f.name.length));
  const head = ["warmup", "missing%", "mean", "std", "min", "p5", "p50", "p95", "max"];
  lines.push("", `${"feature".padEnd(width)}${head.map((h) => h.padStart(11)).join("")}`);
  for (const f of report.features) {
    const q = f.quantiles;
    const cells = [
      String(f.warmup),
      Number.isNaN(f.missingShare) ? "-" : (100 * f.missingShare).toFixed(2),
      num(f.mean),
      num(f.std),
      num(f.min),
      num(q[1]),
      num(q[3]),
      num(q[5]),
      num(f.max),
    ];
    lines.push(`${f.name.padEnd(width)}${cells.map((c) => c.padStart(11)).join("")}`);
  }
  return lines.join("\n");
}
