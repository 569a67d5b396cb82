/**
 * Statistics of slices of a return series: per regime, per calendar year (UTC year of the bar
 * time, which is the session year for daily and US intraday bars), and per stress window.
 */
import { maxDrawdown } from "./returnStatistics";
import { dateToMs, msToDate, STRESS_WINDOWS, type StressWindowName } from "./stressWindows";
import { isZeroVariance, sharpeOf } from "./zeroVariance";

export interface SegmentStatistics {
  name: string;
  bars: number;
  totalReturn: number;
  annualVolatility: number;
  /** Annualised, risk-free rate 0; NaN with fewer than 2 bars or no variance. */
  sharpe: number;
  /** NaN for regimes, whose bars are not contiguous. */
  maxDrawdown: number;
  /** Share of the segment's bars with a position at the close (when exposure is given). */
  exposure: number;
}

function segment(
  name: string,
  returns: Float64Array,
  idx: ArrayLike<number>,
  ppy: number,
  contiguous: boolean,
  exposure?: Float64Array,
): SegmentStatistics {
  const n = idx.length;
  const r = new Float64Array(n);
  let growth = 1;
  let s = 0;
  let held = 0;
  for (let i = 0; i < n; i++) {
    r[i] = returns[idx[i]];
    growth *= 1 + r[i];
    s += r[i];
    if (exposure && exposure[idx[i]] > 0) held++;
  }
  const mu = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - mu) ** 2;
  const sdRaw = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const sd = isZeroVariance(sdRaw, mu, n) ? 0 : sdRaw;
  return {
    name,
    bars: n,
    totalReturn: growth - 1,
    annualVolatility: sd * Math.sqrt(ppy),
    sharpe: n > 1 ? sharpeOf(mu, sd, n) * Math.sqrt(ppy) : Number.NaN,
    maxDrawdown: contiguous && n > 0 ? maxDrawdown(r).maxDrawdown : Number.NaN,
    exposure: exposure && n > 0 ? held / n : Number.NaN,
  };
}

function range(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** One row per calendar year present in `ts`. */
export function breakdownByYear(
  returns: Float64Array,
  ts: Float64Array,
  ppy: number,
  exposure?: Float64Array,
): SegmentStatistics[] {
  if (ts.length !== returns.length)
    throw new Error(`breakdownByYear: ts has length ${ts.length}, expected ${returns.length}`);
  const out: SegmentStatistics[] = [];
  let start = 0;
  for (let i = 1; i <= ts.length; i++) {
    const y = new Date(ts[start]).getUTCFullYear();
    if (i === ts.length || new Date(ts[i]).getUTCFullYear() !== y) {
      out.push(segment(String(y), returns, range(start, i), ppy, true, exposure));
      start = i;
    }
  }
  return out;
}

/** One row per regime name; ids index `names`, -1 marks bars without a label (skipped). */
export function breakdownByRegime(
  returns: Float64Array,
  regimeIds: Int32Array,
  names: readonly string[],
  ppy: number,
  exposure?: Float64Array,
): SegmentStatistics[] {
  if (regimeIds.length !== returns.length) {
    throw new Error(
      `breakdownByRegime: regime ids have length ${regimeIds.length}, expected ${returns.length} (one per bar)`,
    );
  }
  const members: number[][] = names.map(() => []);
  for (let i = 0; i < regimeIds.length; i++) {
    const id = regimeIds[i];
    if (id === -1) continue;
    if (!(id >= 0 && id < names.length)) {
      throw new Error(`breakdownByRegime: regime id at index ${i} is ${id}, expected -1 or 0..${names.length - 1}`);
    }
    members[id].push(i);
  }
  return names.map((name, k) => segment(name, returns, members[k], ppy, false, exposure));
}

/**
 * One row per named stress window. A window not fully inside the data is an error naming the
 * window and the data range: a partial window would report a different event under its name.
 */
export function stressBreakdown(
  returns: Float64Array,
  ts: Float64Array,
  windows: readonly StressWindowName[],
  ppy: number,
  exposure?: Float64Array,
): SegmentStatistics[] {
  if (ts.length !== returns.length)
    throw new Error(`stressBreakdown: ts has length ${ts.length}, expected ${returns.length}`);
  const first = msToDate(ts[0]);
  const last = msToDate(ts[ts.length - 1]);
  return windows.map((name) => {
    const w = STRESS_WINDOWS[name];
    if (!w) throw new Error(`stress window ${name} is unknown; known: ${Object.keys(STRESS_WINDOWS).join(", ")}`);
    if (w.start < first || w.end > last) {
      throw new Error(`stress window ${name} (${w.start}..${w.end}) lies outside the data (${first}..${last})`);
    }
    const from = dateToMs(w.start);
    const to = dateToMs(w.end) + 86_400_000;
    let a = 0;
    while (a < ts.length && ts[a] < from) a++;
    let b = a;
    while (b < ts.length && ts[b] < to) b++;
    return segment(name, returns, range(a, b), ppy, true, exposure);
  });
}
