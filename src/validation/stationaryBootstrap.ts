/**
 * The stationary bootstrap (Politis & Romano, "The Stationary Bootstrap", JASA 1994): resamples a
 * time series in blocks of geometric length with mean `meanBlock`, starting each block at a
 * uniform position and wrapping around the end. Unlike the iid bootstrap it keeps the serial
 * dependence within a block (overlapping labels, volatility clustering), and unlike fixed blocks
 * the resampled series is itself stationary. With the block mean set to the label horizon, a
 * block spans about one label's window, the unit of dependence the purged splits respect.
 * Interval bounds are percentiles of the resampled statistic. Seeded: the same seed gives the
 * same resamples on every platform (mulberry32).
 */

export interface StationaryBootstrapOptions {
  /** Expected block length in rows (≥ 1; 1 is the iid bootstrap). */
  meanBlock: number;
  /** Number of resamples (≥ 1). */
  resamples: number;
  seed: number;
}

/** mulberry32: a uniform in [0, 1) per call, from a 32-bit state. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function check(n: number, opts: StationaryBootstrapOptions): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`stationaryBootstrap: need at least 1 row, got ${n}`);
  if (!(opts.meanBlock >= 1)) throw new Error(`stationaryBootstrap: meanBlock must be ≥ 1, got ${opts.meanBlock}`);
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1)
    throw new Error(`stationaryBootstrap: resamples must be an integer ≥ 1, got ${opts.resamples}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`stationaryBootstrap: seed must be an integer, got ${opts.seed}`);
}

/**
 * `resamples` index series of length `n` (positions into the original series): each position
 * starts a new block with probability 1 / meanBlock, else continues the previous one.
 */
export function stationaryBootstrap(n: number, opts: StationaryBootstrapOptions): Int32Array[] {
  check(n, opts);
  const next = uniforms(opts.seed);
  const pNew = 1 / opts.meanBlock;
  const out: Int32Array[] = [];
  for (let b = 0; b < opts.resamples; b++) {
    const idx = new Int32Array(n);
    idx[0] = Math.floor(next() * n);
    for (let i = 1; i < n; i++) idx[i] = next() < pNew ? Math.floor(next() * n) : (idx[i - 1] + 1) % n;
    out.push(idx);
  }
  return out;
}

/** The central `level` percentile interval of `values` (NaNs left out; NaN bounds when none is finite). */
export function percentileInterval(values: ArrayLike<number>, level: number): { lo: number; hi: number } {
  if (!(level > 0 && level < 1)) throw new Error(`percentileInterval: level must be in (0, 1), got ${level}`);
  const v = Float64Array.from(values)
    .filter((x) => Number.isFinite(x))
    .sort();
  if (v.length === 0) return { lo: Number.NaN, hi: Number.NaN };
  const at = (q: number) => {
    const pos = q * (v.length - 1);
    const i = Math.floor(pos);
    return i + 1 < v.length ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
  };
  const tail = (1 - level) / 2;
  return { lo: at(tail), hi: at(1 - tail) };
}
