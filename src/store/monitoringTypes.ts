/**
 * What monitoring stores (migration 0007): the outcome of each matured signal, and each drift
 * check of a model version. Times are UTC epoch ms.
 */

/** The label a matured signal turned out to have, as the labels stage computes it. */
export interface RealizedLabel {
  /** The class name as forecasts report it (`down`, `up`; or `down`, `flat`, `up`). */
  readonly className: string;
  /** The label's simple return over its window (the barrier's width when a barrier was touched). */
  readonly return: number;
}

export interface NewSignalOutcome {
  readonly signalId: number;
  /** Open time of the bar the label was decided at: the horizon's bar, or an earlier barrier touch. */
  readonly horizonEndTs: number;
  /**
   * null: the signal matured but has no label, as training would have had none for its bar (the
   * window crosses a session, or a price or volatility it reads is NaN).
   */
  readonly realized: RealizedLabel | null;
  /** The forecast's direction (`down`, `flat`, `up`). */
  readonly predictedClass: string;
  readonly evaluatedAt: number;
}

export interface SignalOutcome {
  readonly signalId: number;
  readonly symbol: string;
  readonly barTs: number;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly horizonEndTs: number;
  /** With the forecast's probability of the realised class, and whether the direction was it. */
  readonly realized: (RealizedLabel & { readonly pRealized: number; readonly correct: boolean }) | null;
  readonly predictedClass: string;
  /** The signal's probabilities, by class name. */
  readonly probabilities: Readonly<Record<string, number>>;
  readonly regime: string | null;
  readonly evaluatedAt: number;
}

export interface OutcomeQuery {
  readonly model: string;
  /** Default: every version of the model. */
  readonly version?: string;
  /** 1..10,000; default 100 (the rolling window). */
  readonly limit?: number;
  /** Include the outcomes without a label (default false: the metrics read labelled ones). */
  readonly includeUnlabelled?: boolean;
}

export interface UnevaluatedQuery {
  /** Default: every model. */
  readonly model?: string;
  /** Signals with an id above this one (a keyset for paging); default: from the first. */
  readonly afterId?: number;
  /** 1..10,000; default 1,000. */
  readonly limit?: number;
}

/** The accuracy bands against a model's baseline (issue 18). */
export type AccuracyBand = "normal" | "monitor" | "drift" | "emergency";
export type DriftVerdict = "ok" | "drift" | "emergency";

export interface NewDriftCheck {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly checkedAt: number;
  /** The window of bars the check read, [from, to]. */
  readonly windowFrom: number;
  readonly windowTo: number;
  readonly nRows: number;
  /**
   * Rolling accuracy over the last 100 matured outcomes and its band against the baseline: null
   * below 100 outcomes (a band needs an accuracy); the band is null without a baseline.
   */
  readonly accuracy: { readonly rolling: number; readonly band: AccuracyBand | null } | null;
  readonly baselineAccuracy: number | null;
  /** The band after hysteresis (two consecutive checks agree); null until one is confirmed. */
  readonly confirmedBand: AccuracyBand | null;
  /**
   * A band other than the confirmed one seen on the last `count` consecutive checks, not yet
   * confirmed (migration 0008): with `confirmedBand`, the hysteresis state the next check resumes.
   */
  readonly pending: { readonly band: AccuracyBand; readonly count: number } | null;
  readonly verdict: DriftVerdict;
  /** null when the window holds no rows to compare. */
  readonly predictionPsi: number | null;
  readonly maxFeaturePsi: number | null;
  /** The features judged drifted. */
  readonly driftedFeatures: readonly string[];
  /** The check's whole table (JSON). */
  readonly report: unknown;
  readonly mlflowRunId: string | null;
}

/** One model version's signals by bar time, oldest bar first (what a drift check reads). */
export type VersionSignalQuery = {
  readonly model: string;
  readonly version: string;
} & (
  | {
      /** Bars in [from, to] (epoch ms); either end open when absent. */
      readonly from?: number;
      readonly to?: number;
    }
  | {
      /** The latest n bars' signals (1..100,000). */
      readonly last: number;
    }
);

export interface DriftCheckRecord extends NewDriftCheck {
  readonly id: number;
}

export interface DriftCheckQuery {
  readonly model: string;
  readonly version?: string;
  /** 1..1,000; default 100. */
  readonly limit?: number;
}
