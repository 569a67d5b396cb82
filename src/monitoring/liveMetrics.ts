/**
 * How a served model is doing on the signals that matured (issue 18): accuracy over the last
 * 100 outcomes, live ECE and Brier on the same outcomes beside the backtest's, and the hit rate
 * by regime. Pure: outcomes in, figures out; the scores are calibration's own (the run's report
 * computes its ECE with the same function), so live and backtest figures mean the same thing.
 */
import { brierScore, expectedCalibrationError } from "../calibration";

/** One matured, labelled signal. */
export interface LiveOutcome {
  /** The forecast's probabilities by class name. */
  readonly probabilities: Readonly<Record<string, number>>;
  /** The forecast's direction. */
  readonly predictedClass: string;
  readonly realizedClass: string;
  /** The signal's regime name (null while the scheme warmed up). */
  readonly regime: string | null;
}

/** The backtest's figures to show beside the live ones; null where the run has none. */
export interface BaselineFigures {
  readonly accuracy: number | null;
  readonly ece: number | null;
  readonly brier: number | null;
}

export interface RegimeHitRate {
  readonly regime: string | null;
  readonly n: number;
  /** Outcomes whose direction was the realised class. */
  readonly hits: number;
  readonly hitRate: number;
}

export interface LiveMetrics {
  /** The window's size (100 unless told). */
  readonly window: number;
  /** Outcomes in the window: all of them until `window` have matured. */
  readonly n: number;
  /** Accuracy over the last `window` outcomes; null until `window` have matured. */
  readonly rollingAccuracy: number | null;
  /**
   * Over the n outcomes in the window, full or partial (a partial window is reported here and
   * not as `rollingAccuracy`, so a band is never read off fewer than `window` outcomes); null when n = 0.
   */
  readonly accuracy: number | null;
  readonly ece: number | null;
  readonly brier: number | null;
  readonly baseline: BaselineFigures;
  /** Over the window, by regime name (null last). */
  readonly byRegime: readonly RegimeHitRate[];
}

export const ROLLING_WINDOW = 100;

const NO_BASELINE: BaselineFigures = { accuracy: null, ece: null, brier: null };

/**
 * `outcomes` latest first (as the store's recentOutcomes gives them); the first `window` are
 * read. `classes` are the model's class names by label code (`down`, `up`; or `down`, `flat`, `up`).
 */
export function liveMetrics(
  outcomes: readonly LiveOutcome[],
  opts: { classes: readonly string[]; window?: number; baseline?: BaselineFigures },
): LiveMetrics {
  const window = opts.window ?? ROLLING_WINDOW;
  if (!Number.isInteger(window) || window < 1)
    throw new Error(`liveMetrics: window ${window} is not a whole number ≥ 1`);
  const { classes } = opts;
  if (classes.length < 2) throw new Error(`liveMetrics: classes [${classes.join(", ")}] need at least two names`);
  const rows = outcomes.slice(0, window);
  const n = rows.length;
  const k = classes.length;
  const y = new Float64Array(n);
  // calibration's layouts: P(class 1) per row for two classes, else n·k row-major.
  const probs = new Float64Array(k === 2 ? n : n * k);
  let hits = 0;
  const regimes = new Map<string | null, { n: number; hits: number }>();
  rows.forEach((o, i) => {
    const code = classes.indexOf(o.realizedClass);
    if (code < 0) {
      throw new Error(
        `liveMetrics: outcomes[${i}].realizedClass ${o.realizedClass} is not one of ${classes.join(", ")}`,
      );
    }
    y[i] = code;
    classes.forEach((c, j) => {
      const p = o.probabilities[c];
      if (!(p >= 0 && p <= 1))
        throw new Error(`liveMetrics: outcomes[${i}].probabilities.${c} = ${p} is not a probability`);
      if (k > 2) probs[i * k + j] = p;
      else if (j === 1) probs[i] = p;
    });
    const hit = o.predictedClass === o.realizedClass ? 1 : 0;
    hits += hit;
    const r = regimes.get(o.regime) ?? { n: 0, hits: 0 };
    regimes.set(o.regime, { n: r.n + 1, hits: r.hits + hit });
  });
  const accuracy = n > 0 ? hits / n : null;
  return {
    window,
    n,
    rollingAccuracy: n === window ? accuracy : null,
    accuracy,
    ece: n > 0 ? expectedCalibrationError(y, probs) : null,
    brier: n > 0 ? brierScore(y, probs) : null,
    baseline: opts.baseline ?? NO_BASELINE,
    byRegime: [...regimes]
      .map(([regime, r]) => ({ regime, n: r.n, hits: r.hits, hitRate: r.hits / r.n }))
      .sort((a, b) => (a.regime === null ? 1 : b.regime === null ? -1 : a.regime.localeCompare(b.regime))),
  };
}
