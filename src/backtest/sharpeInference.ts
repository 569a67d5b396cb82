/**
 * Inference on the Sharpe ratio (Bailey & López de Prado): probabilistic Sharpe ratio
 * (PSR, "The Sharpe Ratio Efficient Frontier", J. of Risk 2012), minimum track-record length
 * (same paper) and deflated Sharpe ratio (DSR, "The Deflated Sharpe Ratio", J. of Portfolio
 * Management 2014). All Sharpe ratios here are per period (not annualised), as in the papers;
 * kurtosis is not excess (normal = 3). PSR and DSR are probabilities.
 */
import { normCdf, normInv } from "./normal";

/** Euler-Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;

function sharpeStdFactor(sr: number, skew: number, kurtosis: number): number {
  return Math.sqrt(1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr);
}

/** PSR(SR*) = Phi((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1)/4 SR^2)). */
export function probabilisticSharpe(sr: number, benchmarkSr: number, nObs: number, skew = 0, kurtosis = 3): number {
  if (!(nObs > 1)) throw new Error(`probabilisticSharpe: nObs must be > 1, got ${nObs}`);
  return normCdf(((sr - benchmarkSr) * Math.sqrt(nObs - 1)) / sharpeStdFactor(sr, skew, kurtosis));
}

/**
 * Expected maximum Sharpe ratio among N independent trials with Sharpe variance V under the
 * null (true SR = 0): sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))).
 */
export function expectedMaxSharpe(nTrials: number, sharpeVariance: number): number {
  if (!(nTrials >= 1)) throw new Error(`expectedMaxSharpe: nTrials must be >= 1, got ${nTrials}`);
  if (!(sharpeVariance >= 0)) throw new Error(`expectedMaxSharpe: sharpeVariance must be >= 0, got ${sharpeVariance}`);
  if (nTrials === 1) return 0;
  return (
    Math.sqrt(sharpeVariance) *
    ((1 - EULER_GAMMA) * normInv(1 - 1 / nTrials) + EULER_GAMMA * normInv(1 - 1 / (nTrials * Math.E)))
  );
}

/** What the PSR and DSR need of one return series: its per-period Sharpe and moments. */
export interface SharpeInputs {
  /** Per-period Sharpe of the selected strategy. */
  sr: number;
  nObs: number;
  skew: number;
  /** Not excess (normal = 3). */
  kurtosis: number;
}

export interface DeflatedSharpeInput extends SharpeInputs {
  /** Number of independent trials behind the selection. */
  nTrials: number;
  /** Variance of the per-period Sharpe ratios across the trials. */
  sharpeVariance: number;
}

/**
 * How a deflated Sharpe is labelled wherever it is shown. It is a probability, not a Sharpe: that
 * the true Sharpe exceeds SR0, the expected maximum Sharpe of the trials' null strategies (not
 * that it exceeds zero, which is the PSR at 0).
 */
export const DSR_LABEL = "DSR P[SR>SR0]";

/** DSR = PSR(SR0) with SR0 the expected maximum Sharpe of nTrials null strategies. */
export function deflatedSharpe(x: DeflatedSharpeInput): { dsr: number; sr0: number } {
  const sr0 = expectedMaxSharpe(x.nTrials, x.sharpeVariance);
  return { dsr: probabilisticSharpe(x.sr, sr0, x.nObs, x.skew, x.kurtosis), sr0 };
}

/**
 * Minimum track-record length (observations) for PSR(SR*) to reach `confidence`:
 * 1 + (1 - skew SR + (kurt - 1)/4 SR^2) (z_conf / (SR - SR*))^2. Infinity when SR <= SR*;
 * NaN when SR is NaN (undefined, e.g. all-zero returns).
 */
export function minTrackRecordLength(
  sr: number,
  benchmarkSr: number,
  skew = 0,
  kurtosis = 3,
  confidence = 0.95,
): number {
  if (Number.isNaN(sr)) return Number.NaN;
  if (!(sr > benchmarkSr)) return Number.POSITIVE_INFINITY;
  const z = normInv(confidence);
  return 1 + (1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr) * (z / (sr - benchmarkSr)) ** 2;
}

/** Per-period Sharpe (ddof 1) of each column of a column-major matrix (n rows x m columns). */
export function columnSharpes(matrix: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const off = c * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += matrix[off + i];
    const mu = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (matrix[off + i] - mu) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    out[c] = sd > 0 ? mu / sd : 0;
  }
  return out;
}

/** Sample variance (ddof 1). */
export function variance(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mu = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mu) ** 2;
  return ss / (x.length - 1);
}
