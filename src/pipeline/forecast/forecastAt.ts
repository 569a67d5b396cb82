/**
 * One forecast: a served model at one of a ticker's bars. The probabilities come from the
 * offline path's own prediction (predictPanelRows, on a one-row panel of the streamed features),
 * the signal, size and stops from the backtest's rules at that bar's close (decision.ts).
 */
import { predictPanelRows } from "../panelPredictions";
import type { SignalsConfig } from "../../backtest";
import { type Decision, decide } from "./decision";
import { featureHash } from "./featureRow";
import { type Forecast, ForecastError } from "./forecastTypes";
import type { ServedModel } from "./servedModel";
import type { TickerFeed } from "./tickerFeed";

/** A forecast as computed, before a request's latency and cache flag are added. */
export type ComputedForecast = Omit<Forecast, "cached" | "latencyMs">;

/** What a stored signal keeps beside the forecast: the features the model read, by name. */
export interface ForecastDetail {
  readonly forecast: ComputedForecast;
  readonly barTs: number;
  readonly features: Record<string, number | null>;
  readonly reasoning: string;
}

export function forecastAt(served: ServedModel, feed: TickerFeed, barTs: number): ForecastDetail {
  const x = feed.modelRowAt(barTs);
  const state = feed.stateAt(barTs);
  const names = served.model.featureNames;
  let probs: Float64Array;
  try {
    probs = predictPanelRows(
      served.model,
      { names: [...names], columns: Array.from(x, (v) => Float64Array.of(v)) },
      Int32Array.of(0),
      { scheme: state.regime.scheme, ids: Float64Array.of(state.regime.id < 0 ? Number.NaN : state.regime.id) },
    );
  } catch (err) {
    // A model fitted with `missing: learn` predicts on undefined features, as offline; one that
    // cannot is refused here by name rather than with the model's own error.
    const missing = names.filter((_, j) => !Number.isFinite(x[j]));
    if (missing.length === 0) throw err;
    throw new ForecastError(
      "bad_request",
      `asof: at ${new Date(barTs).toISOString()} ${feed.ticker}'s features are not all defined (${missing.join(", ")}: warm-up or a gap in the bars) and ${served.id.name}/${served.id.version} takes no missing values`,
      "asof",
    );
  }
  const classProbs = served.classes.length === 2 ? [1 - probs[0], probs[0]] : Array.from(probs);
  const config = served.loaded.config;
  const decision = decide(
    {
      signals: config.signals,
      sizing: config.sizing,
      stops: config.backtest.stops,
      costs: config.costs,
      labelsHorizon: config.labels.horizon,
    },
    Array.from(probs),
    state.risk,
    state.regime.id,
    state.close,
  );
  const forecast: ComputedForecast = {
    ticker: feed.ticker,
    model: served.id,
    barTime: new Date(barTs).toISOString(),
    probabilities: Object.fromEntries(served.classes.map((c, k) => [c, classProbs[k]])),
    direction: decision.direction,
    signal: decision.signal,
    positionSize: decision.positionSize,
    stopLoss: decision.stopLoss,
    takeProfit: decision.takeProfit,
    regime: { scheme: state.regime.scheme, name: state.regime.name },
    featureHash: featureHash(x),
    expiresAt: new Date(feed.expiryOf(barTs, decision.holdBars)).toISOString(),
  };
  return {
    forecast,
    barTs,
    features: Object.fromEntries(names.map((n, j) => [n, Number.isFinite(x[j]) ? x[j] : null])),
    reasoning: reasoningOf(forecast, decision, config.signals),
  };
}

/** One line a desk reads: the probabilities, the rule that fired and why nothing else did. */
function reasoningOf(f: ComputedForecast, d: Decision, signals: SignalsConfig): string {
  const p = Object.entries(f.probabilities)
    .map(([c, v]) => `P(${c})=${v.toFixed(3)}`)
    .join(", ");
  const thresholds = `long_above ${signals.long_above}, short_above ${signals.short_above}`;
  const act =
    d.action === "none"
      ? `no threshold met (${thresholds})`
      : d.action === "exit"
        ? `${d.signal} signal, exit only (${EXIT_WHY[d.reason]})`
        : `${d.signal} entry, size ${d.positionSize.toFixed(4)} of equity, held ${d.holdBars} bars`;
  const regime = f.regime.name ? `${f.regime.name} regime` : "regime warming up";
  return `${f.model.name} v${f.model.version}: ${p}; ${act}; ${regime}`;
}

const EXIT_WHY = {
  long_only: "the config is long-only",
  warm_up: "the volatility or ATR the config sizes with is still warming up",
  no_size: "the sizing rule gives no positive size",
} as const;
