/**
 * What a forecast is, as `wsp forecast`, the forecast service and the `forecast` job return it,
 * and the errors a forecast can end in. The HTTP layer (src/serving) maps each error code to its
 * status; the CLI prints the message. docs/architecture.md, "Serving forecasts".
 */

/** A registered model as a forecast names it. */
export interface ForecastModel {
  readonly name: string;
  readonly version: string;
  /** The alias the version was served under (`champion`, or `previous` as a fallback); null when asked by version. */
  readonly alias: string | null;
  readonly runId: string | null;
}

export type Direction = "up" | "down" | "flat";
export type SignalSide = "long" | "short" | "none";

export interface Forecast {
  readonly ticker: string;
  readonly model: ForecastModel;
  /** Open time (ISO 8601, UTC) of the bar the features were computed at: the latest bar ≤ asof. */
  readonly barTime: string;
  /** Calibrated probability per class, by class name (`down`, `up`; or `down`, `flat`, `up`). */
  readonly probabilities: Readonly<Record<string, number>>;
  /** The most probable class. */
  readonly direction: Direction;
  /** After the config's `signals:` thresholds. */
  readonly signal: SignalSide;
  /** Fraction of equity by the config's `sizing:` rule; 0 when there is no signal. */
  readonly positionSize: number;
  /** By the config's `backtest.stops` from the bar's close; null when it sets none or there is no signal. */
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /** The bar's regime by the model's own scheme; name null while the scheme is warming up. */
  readonly regime: { readonly scheme: string; readonly name: string | null };
  /** sha256 (hex) of the feature vector the model read, in the model's feature order. */
  readonly featureHash: string;
  /** When the signal stops being actionable (the config's hold, else the label horizon, in bars). */
  readonly expiresAt: string;
  /** Computed for this request (false), or answered from memory (true). */
  readonly cached: boolean;
  readonly latencyMs: number;
}

export type ForecastErrorCode =
  /** A request field is malformed (asof, model reference, ticker): `field` names it. */
  | "bad_request"
  /** No stored bars for the symbol. */
  | "unknown_symbol"
  /** The symbol is stored, but the model was not trained on it. */
  | "not_trained"
  /** No version behind the alias (or it is paused), and no fallback. */
  | "no_model"
  /** The store or the registry cannot be reached. */
  | "unavailable";

export class ForecastError extends Error {
  override readonly name = "ForecastError";
  constructor(
    readonly code: ForecastErrorCode,
    message: string,
    /** The request field at fault (`asof`, `model`, `ticker`), for bad_request. */
    readonly field?: string,
  ) {
    super(message);
  }
}
