/**
 * One forecast: a served model at one of a ticker's bars. The probabilities come from the
 * offline path's own prediction (predictPanelRows, on a one-row panel of the streamed features),
 * the signal, size and stops from the backtest's rules at that bar's close (decision.ts).
 */
import { predictPanelRows } from "../panelPredictions";
import { decide } from "./decision";
import { featureHash } from "./featureRow";
import type { Direction, Forecast } from "./forecastTypes";
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

const DIRECTIONS: Record<string, Direction> = { down: "down", flat: "flat", up: "up" };

export function forecastAt(served: ServedModel, feed: TickerFeed, barTs: number): ForecastDetail {
  const x = feed.modelRowAt(barTs);
  const state = feed.stateAt(barTs);
  const names = served.model.featureNames;
  const probs = predictPanelRows(
    served.model,
    { names: [...names], columns: Array.from(x, (v) => Float64Array.of(v)) },
    Int32Array.of(0),
    { scheme: state.regime.scheme, ids: Float64Array.of(state.regime.id < 0 ? Number.NaN : state.regime.id) },
  );
  const classProbs = served.classes.length === 2 ? [1 - probs[0], probs[0]] : Array.from(probs);
  const probabilities = Object.fromEntries(served.classes.map((c, k) => [c, classProbs[k]]));
  let best = 0;
  for (let k = 1; k < classProbs.length; k++) if (classProbs[k] > classProbs[best]) best = k;
  const config = served.loaded.config;
  const decision = decide(config, classProbs, state);
  const forecast: ComputedForecast = {
    ticker: feed.ticker,
    model: served.id,
    barTime: new Date(barTs).toISOString(),
    probabilities,
    direction: DIRECTIONS[served.classes[best]],
    signal: decision.signal,
    positionSize: decision.positionSize,
    stopLoss: decision.stopLoss,
    takeProfit: decision.takeProfit,
    regime: { scheme: state.regime.scheme, name: state.regime.name },
    featureHash: featureHash(x),
    expiresAt: new Date(feed.expiryOf(barTs, config.signals.hold_bars ?? labelHorizon(config))).toISOString(),
  };
  return {
    forecast,
    barTs,
    features: Object.fromEntries(names.map((n, j) => [n, Number.isFinite(x[j]) ? x[j] : null])),
    reasoning: reasoningOf(forecast, decision.rule),
  };
}

function labelHorizon(config: ServedModel["loaded"]["config"]): number {
  return config.labels.horizon;
}

function reasoningOf(f: ComputedForecast, rule: string): string {
  const p = Object.entries(f.probabilities)
    .map(([c, v]) => `P(${c})=${v.toFixed(3)}`)
    .join(", ");
  const regime = f.regime.name ? `${f.regime.name} regime` : "regime warming up";
  return `${f.model.name} v${f.model.version}: ${p}; ${rule}; ${regime}`;
}
