/**
 * Transforms of a feature column, written in specs as `lag(k)`, `diff(k)`, `pct_change(k)`,
 * `zscore(n)` (rolling, n bars including the current one, std with ddof 1) and `cs_rank`
 * (cross-sectional rank over the universe at each date, 0 = lowest, 1 = highest). A chain
 * `diff(1) | zscore(20)` applies left to right and is named inside out: `zscore_20(diff_1(x))`.
 * Every transform at bar t reads values at bars ≤ t only; each has a streaming twin.
 */
import { MAX_WINDOW_BARS, quoteInput } from "../data";
import { RollingZScoreStream } from "./indicators";

export type TransformKind = "lag" | "diff" | "pct_change" | "zscore" | "cs_rank";

export interface Transform {
  readonly kind: TransformKind;
  /** k for lag/diff/pct_change, n for zscore, 0 for cs_rank. */
  readonly n: number;
}

const PATTERN = /^(lag|diff|pct_change|zscore)\((\d+)\)$|^(cs_rank)$/;

/** Parses one chain; returns the transforms or an error message saying what was expected. */
export function parseTransformChain(text: string): Transform[] | string {
  const parts = text.split("|").map((s) => s.replace(/\s+/g, ""));
  const out: Transform[] = [];
  for (const part of parts) {
    const m = PATTERN.exec(part);
    if (!m) {
      return `${quoteInput(part)} is not a transform; expected lag(k), diff(k), pct_change(k), zscore(n) or cs_rank, chained with |`;
    }
    if (m[3]) {
      out.push({ kind: "cs_rank", n: 0 });
      continue;
    }
    const kind = m[1] as TransformKind;
    const n = Number(m[2]);
    const min = kind === "zscore" ? 2 : 1;
    if (!(n >= min && n <= MAX_WINDOW_BARS)) {
      return `${kind}(${n}): the argument must be an integer in [${min}, ${MAX_WINDOW_BARS}]`;
    }
    out.push({ kind, n });
  }
  const rank = out.findIndex((t) => t.kind === "cs_rank");
  if (rank >= 0 && rank !== out.length - 1) return "cs_rank must be the last transform of a chain";
  return out;
}

export function transformedName(t: Transform, inner: string): string {
  return t.kind === "cs_rank" ? `cs_rank(${inner})` : `${t.kind}_${t.n}(${inner})`;
}

export function chainName(chain: readonly Transform[], inner: string): string {
  let name = inner;
  for (const t of chain) name = transformedName(t, name);
  return name;
}

/** One time-series transform (not cs_rank) over a whole column. */
export function applyTransform(t: Transform, x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const k = t.n;
  switch (t.kind) {
    case "lag":
      for (let i = 0; i < n; i++) out[i] = i >= k ? x[i - k] : Number.NaN;
      return out;
    case "diff":
      for (let i = 0; i < n; i++) out[i] = i >= k ? x[i] - x[i - k] : Number.NaN;
      return out;
    case "pct_change":
      for (let i = 0; i < n; i++) out[i] = i >= k ? x[i] / x[i - k] - 1 : Number.NaN;
      return out;
    case "zscore": {
      const s = new RollingZScoreStream(k);
      for (let i = 0; i < n; i++) out[i] = s.next(x[i]);
      return out;
    }
    case "cs_rank":
      throw new RangeError("cs_rank is cross-sectional: use crossSectionalRank");
  }
}

/** Streaming twin of {@link applyTransform}. */
export function transformStream(t: Transform): (x: number) => number {
  if (t.kind === "zscore") {
    const s = new RollingZScoreStream(t.n);
    return (x) => s.next(x);
  }
  if (t.kind === "cs_rank") throw new RangeError("cs_rank is cross-sectional and has no streaming twin");
  const k = t.n;
  const ring = new Float64Array(k);
  let seen = 0;
  const kind = t.kind;
  return (x) => {
    const slot = seen % k;
    const old = ring[slot];
    const ready = seen >= k;
    ring[slot] = x;
    seen++;
    if (!ready) return Number.NaN;
    return kind === "lag" ? old : kind === "diff" ? x - old : x / old - 1;
  };
}

/**
 * Cross-sectional rank of `values` (the base series on `ts`) among the members' values on the
 * same date (exact timestamp match): (members below + half the ties) / members, over members with
 * a finite value that day; NaN when the base value is NaN or no member has a value. A member that
 * is the base series itself is left out by the caller.
 */
export function crossSectionalRank(
  ts: Float64Array,
  values: Float64Array,
  members: readonly { ts: Float64Array; values: Float64Array }[],
): Float64Array {
  const n = ts.length;
  const below = new Float64Array(n);
  const ties = new Float64Array(n);
  const count = new Float64Array(n);
  for (const m of members) {
    // Both timestamp arrays are sorted: one pointer.
    let j = 0;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      while (j < m.ts.length && m.ts[j] < t) j++;
      if (j >= m.ts.length) break;
      if (m.ts[j] !== t) continue;
      const v = m.values[j];
      if (Number.isNaN(v)) continue;
      count[i]++;
      if (v < values[i]) below[i]++;
      else if (v === values[i]) ties[i]++;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = count[i] > 0 && !Number.isNaN(values[i]) ? (below[i] + 0.5 * ties[i]) / count[i] : Number.NaN;
  }
  return out;
}
