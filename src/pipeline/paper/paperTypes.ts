/** What a paper run (paperTrade.ts) is given and gives back. */
import type { SimulationResult } from "../../backtest";
import type { Bars } from "../../data";
import type { Store } from "../../store";
import type { Forecast } from "../forecast/forecastTypes";
import type { PaperBook, PaperSession } from "./paperReport";

export interface PaperPeriod {
  /** First session (YYYY-MM-DD). */
  from: string;
  /** Last session (YYYY-MM-DD), included. */
  to: string;
}

export interface PaperProgress {
  /** Source bars replayed (minutes for an intraday model) and their total. */
  readonly done: number;
  readonly total: number;
  /** The bar just traded, and the equity at its close. */
  readonly barTs: number;
  readonly equity: number;
}

export interface PaperOptions {
  store: Store;
  trackingUri?: string;
  outboxDir?: string;
  /** Where the bundled files are read (default: found from the working directory). */
  dataDir?: string;
  /** 0 (default): as fast as it goes; else market seconds per wall second (60: a minute bar a second). */
  speed?: number;
  /** Record a run in the model's experiment (default true). */
  record?: boolean;
  onProgress?: (p: PaperProgress) => void;
}

/** A forecast the paper run acted on. */
export interface PaperForecast {
  readonly ticker: string;
  readonly barTs: number;
  readonly signal: Forecast["signal"];
  readonly probabilities: Forecast["probabilities"];
  readonly featureHash: string;
}

export interface PaperResult {
  /** The paper run in MLflow (null when not recorded). */
  runId: string | null;
  model: { name: string; version: string; runId: string };
  period: PaperPeriod;
  timeframe: Bars["timeframe"];
  book: PaperBook;
  /** What `simulate` returns over the traded bars: trades, returns, drawdown. */
  simulation: SimulationResult;
  sessions: PaperSession[];
  forecasts: PaperForecast[];
  /** Bars whose features were not all defined (warm-up): no forecast, no signal. */
  unforecast: { ticker: string; barTs: number; reason: string }[];
  sourceBars: number;
  /** Wall time of the whole call, and of the bar loop alone (ingest, forecast, fill per close). */
  seconds: number;
  replaySeconds: number;
}
