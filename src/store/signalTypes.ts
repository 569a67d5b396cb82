/**
 * Trading signals as the store keeps them (migration 0006): what a forecast decided for one
 * symbol at one bar by one model version. Times are UTC epoch ms.
 */

export type SignalType = "long" | "short" | "none";

/**
 * open: neither executed nor expired; expired: marked by the expiry sweep once `expiresAt` has
 * passed (the row stays); executed: acted on (never marked expired afterwards).
 */
export type SignalStatus = "open" | "expired" | "executed";

export interface NewSignal {
  readonly symbol: string;
  readonly signalType: SignalType;
  /** Probability of the signalled outcome, in [0, 1]. */
  readonly confidence: number;
  /** Positive prices, or null; both null when `signalType` is "none". */
  readonly targetPrice: number | null;
  readonly stopLoss: number | null;
  /** Fraction of equity, ≥ 0; 0 when `signalType` is "none". */
  readonly positionSize: number;
  readonly reasoning: string;
  readonly modelName: string;
  readonly modelVersion: string;
  /** Open time of the bar the features were computed at. */
  readonly barTs: number;
  /**
   * The feature vector the model read. NaN and ±Infinity are stored (and read back) as null:
   * the column is JSON, which has no such numbers. JSONB keeps neither the key order (it reads
   * back shorter names first) nor -0: the model's feature order is its own feature list, which
   * `featureHash` follows.
   */
  readonly features: Readonly<Record<string, number | null>>;
  /** sha256 of the feature vector, 64 lower-case hex digits. */
  readonly featureHash: string;
  /** Probability per class name, each in [0, 1]; at least one. */
  readonly probabilities: Readonly<Record<string, number>>;
  readonly regime: string | null;
  /** After `barTs`. */
  readonly expiresAt: number;
  /** Default: the time of the insert. */
  readonly createdAt?: number;
}

/** A matured signal's outcome, as its `performance` column holds it (JSON). */
export interface SignalPerformance {
  /** The label's class name; null (and so the next two) when the signal matured without a label. */
  readonly realizedClass: string | null;
  readonly realizedReturn: number | null;
  /** Whether the forecast's direction was the realised class. */
  readonly correct: boolean | null;
  /** ISO 8601, UTC. */
  readonly evaluatedAt: string;
}

export interface SignalRecord extends Required<NewSignal> {
  readonly id: number;
  readonly executed: boolean;
  /** When the expiry sweep marked it; null while open or once executed. */
  readonly expiredAt: number | null;
  /** What the signal turned out to be, written with its outcome (recordOutcomes); null until it matures. */
  readonly performance: SignalPerformance | null;
  readonly status: SignalStatus;
}

export interface SignalQuery {
  readonly ticker?: string;
  /** One model's signals (the monitoring page's latest forecasts); default every model. */
  readonly model?: string;
  /** With `model`: one version's; default every version. */
  readonly version?: string;
  /** created_at range [from, to). */
  readonly from?: number;
  readonly to?: number;
  /** Default "all". */
  readonly status?: SignalStatus | "all";
  /** Rows per page, 1..1000; default 100. */
  readonly limit?: number;
  /** `next` of the previous page; absent or null for the first page. */
  readonly cursor?: string | null;
}

export interface SignalPage {
  /** Newest first: by created_at, then id, both descending. */
  readonly signals: SignalRecord[];
  /** Opaque cursor of the following page (keyset on created_at and id), null on the last page. */
  readonly next: string | null;
}

export interface SignalInsert {
  readonly id: number;
  /** False when the (symbol, barTs, modelName, modelVersion) signal was stored already: `id` is that row's, and nothing changed. */
  readonly inserted: boolean;
}
