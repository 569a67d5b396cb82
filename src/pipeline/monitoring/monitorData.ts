/**
 * What the monitoring page (`GET /monitor`) and `wsp monitor` show for one served version
 * (issue 18, item 5): its latest forecasts, the rolling accuracy of its matured outcomes against
 * the accuracy bands, the PSI of each feature over its drift checks, its paper equity, and where
 * the queue dashboard is. Read from the store and the run's MLflow record; nothing is computed
 * that the feedback loop and the drift check do not store, except the rolling series.
 */
import type { Timeframe } from "../../data";
import { BAND_DROPS, bandOf, type LiveMetrics, liveMetrics, ROLLING_WINDOW } from "../../monitoring";
import type { AccuracyBand, DriftCheckRecord, SignalRecord, SignalStatus, SignalType, Store } from "../../store";
import type { MlflowClient } from "../../tracking";
import { classNamesOf, modelRequestText, parseModelRequest, resolveVersion } from "../forecast/servedModel";
import { featurePsiOf } from "./driftReport";
import { baselineOf, liveOutcomes, type VersionContext, versionContext } from "./evaluate";
import { type PaperEquity, paperEquity } from "./paperEquity";

/** `wsp dashboard`'s address (jobs/dashboard.ts); the page links to it and cannot import jobs/. */
export const DEFAULT_DASHBOARD_URL = "http://127.0.0.1:3030";

export interface MonitoredModel {
  readonly name: string;
  readonly version: string;
  /** The alias it is served under (null when asked by version). */
  readonly alias: string | null;
}

export interface ForecastRow {
  readonly id: number;
  readonly symbol: string;
  readonly barTs: number;
  readonly createdAt: number;
  readonly signal: SignalType;
  /** Probability of the signalled outcome (of the forecast's direction when no signal). */
  readonly confidence: number;
  readonly probabilities: Readonly<Record<string, number>>;
  readonly regime: string | null;
  readonly status: SignalStatus;
  /** Whether the direction came true; null until it matures (or when it matured without a label). */
  readonly correct: boolean | null;
}

export interface BandThreshold {
  readonly band: Exclude<AccuracyBand, "normal">;
  /** Rolling accuracy strictly below this is in the band (or a worse one). */
  readonly accuracy: number;
}

export interface AccuracyPanel {
  /** Outcomes per rolling window (100). */
  readonly window: number;
  /** Rolling accuracy at each labelled outcome from the window-th on, by its horizon end, oldest first. */
  readonly ts: readonly number[];
  readonly accuracy: readonly number[];
  /** The run's out-of-sample accuracy; null when the run logged none. */
  readonly baseline: number | null;
  /** Empty without a baseline. */
  readonly thresholds: readonly BandThreshold[];
  /** The latest rolling accuracy's band (before the drift check's hysteresis); null without one or a baseline. */
  readonly band: AccuracyBand | null;
  /** The latest window's figures beside the run's (live ECE, Brier, hit rate by regime). */
  readonly metrics: LiveMetrics;
}

export interface DriftCheckSummary {
  readonly id: number;
  readonly checkedAt: number;
  readonly verdict: DriftCheckRecord["verdict"];
  readonly band: AccuracyBand | null;
  readonly confirmedBand: AccuracyBand | null;
  readonly predictionPsi: number | null;
  readonly maxFeaturePsi: number | null;
  readonly driftedFeatures: readonly string[];
}

export interface DriftPanel {
  /** Oldest first. */
  readonly checks: readonly DriftCheckSummary[];
  /** By the latest check's PSI, highest first (features it lacks last, by name). */
  readonly features: readonly string[];
  /** `psi[i][j]`: feature i at check j; NaN where check j has no PSI for it. */
  readonly psi: readonly Float64Array[];
}

export interface MonitorData {
  readonly model: MonitoredModel;
  readonly timeframe: Timeframe;
  readonly generatedAt: number;
  /** Newest first. */
  readonly forecasts: readonly ForecastRow[];
  readonly accuracy: AccuracyPanel;
  readonly drift: DriftPanel;
  /** null: the version has no paper run. */
  readonly paper: PaperEquity | null;
  readonly dashboardUrl: string;
}

export interface MonitorDataOptions {
  readonly store: Store;
  readonly client: MlflowClient;
  readonly model: MonitoredModel;
  readonly dashboardUrl?: string;
  /** Latest forecasts listed (default 20, at most 1000). */
  readonly forecasts?: number;
  /** Latest labelled outcomes the rolling series is drawn over (default 1000, at most 10,000). */
  readonly outcomes?: number;
  /** Latest drift checks on the heat map (default 60, at most 1000). */
  readonly driftChecks?: number;
  readonly now?: number;
  /** The version's run config and id when the caller has them (the forecaster has), else read from MLflow. */
  readonly context?: VersionContext;
}

function forecastRow(s: SignalRecord): ForecastRow {
  return {
    id: s.id,
    symbol: s.symbol,
    barTs: s.barTs,
    createdAt: s.createdAt,
    signal: s.signalType,
    confidence: s.confidence,
    probabilities: s.probabilities,
    regime: s.regime,
    status: s.status,
    correct: s.performance?.correct ?? null,
  };
}

/** Accuracy over each run of `window` consecutive outcomes (oldest first), ending at each from the window-th. */
export function rollingAccuracy(correct: readonly boolean[], window: number): Float64Array {
  const out = new Float64Array(Math.max(0, correct.length - window + 1));
  let hits = 0;
  for (let i = 0; i < correct.length; i++) {
    hits += correct[i] ? 1 : 0;
    if (i >= window) hits -= correct[i - window] ? 1 : 0;
    if (i >= window - 1) out[i - window + 1] = hits / window;
  }
  return out;
}

export function bandThresholds(baseline: number | null): BandThreshold[] {
  if (baseline === null) return [];
  return (Object.entries(BAND_DROPS) as [BandThreshold["band"], number][]).map(([band, points]) => ({
    band,
    accuracy: baseline - points / 100,
  }));
}

async function accuracyPanel(opts: MonitorDataOptions, ctx: VersionContext): Promise<AccuracyPanel> {
  const { client, store, model } = opts;
  const baseline = await baselineOf(client, ctx.runId);
  // Latest first, as the store gives them; the series reads them oldest first.
  const recent = await store.recentOutcomes({
    model: model.name,
    version: model.version,
    limit: opts.outcomes ?? 1000,
  });
  const oldestFirst = [...recent].reverse();
  const window = ROLLING_WINDOW;
  const accuracy = rollingAccuracy(
    oldestFirst.map((o) => o.realized?.correct === true),
    window,
  );
  const ts = oldestFirst.slice(window - 1).map((o) => o.horizonEndTs);
  const thresholds = bandThresholds(baseline.accuracy);
  const metrics = liveMetrics(liveOutcomes(recent), { classes: classNamesOf(ctx.loaded.config), window, baseline });
  const rolling = metrics.rollingAccuracy;
  return {
    window,
    ts,
    accuracy: [...accuracy],
    baseline: baseline.accuracy,
    thresholds,
    band: rolling === null || baseline.accuracy === null ? null : bandOf(rolling, baseline.accuracy),
    metrics,
  };
}

/** The drift checks oldest first, and the PSI of every feature any of them measured. */
export function driftPanel(latestFirst: readonly DriftCheckRecord[]): DriftPanel {
  const checks = [...latestFirst].reverse();
  const perCheck = checks.map((c) => new Map(featurePsiOf(c).map((f) => [f.name, f.psi])));
  const latest = perCheck[perCheck.length - 1] ?? new Map<string, number | null>();
  const names = [...new Set(perCheck.flatMap((m) => [...m.keys()]))];
  const latestPsi = (name: string) => latest.get(name) ?? Number.NEGATIVE_INFINITY;
  names.sort((a, b) => latestPsi(b) - latestPsi(a) || a.localeCompare(b));
  return {
    checks: checks.map((c) => ({
      id: c.id,
      checkedAt: c.checkedAt,
      verdict: c.verdict,
      band: c.accuracy?.band ?? null,
      confirmedBand: c.confirmedBand,
      predictionPsi: c.predictionPsi,
      maxFeaturePsi: c.maxFeaturePsi,
      driftedFeatures: c.driftedFeatures,
    })),
    features: names,
    psi: names.map((name) => Float64Array.from(perCheck, (m) => m.get(name) ?? Number.NaN)),
  };
}

/** The version a model reference (`name`: its champion, `name@alias`, `name/version`) names now. */
export async function resolveMonitoredModel(client: MlflowClient, ref: string): Promise<MonitoredModel> {
  const request = parseModelRequest(ref);
  const found = await resolveVersion(client, request);
  if (found === null) throw new Error(`${modelRequestText(request)}: no such version in the model registry`);
  return { name: request.name, version: found.version, alias: request.alias };
}

export async function monitorData(opts: MonitorDataOptions): Promise<MonitorData> {
  const { store, client, model } = opts;
  const ctx = opts.context ?? (await versionContext(client, model.name, model.version));
  if (typeof ctx === "string") throw new Error(`monitoring ${model.name}/${model.version}: ${ctx}`);
  const page = await store.listSignals({ model: model.name, version: model.version, limit: opts.forecasts ?? 20 });
  const checks = await store.driftChecks({ model: model.name, version: model.version, limit: opts.driftChecks ?? 60 });
  return {
    model,
    timeframe: ctx.loaded.config.data.timeframe,
    generatedAt: opts.now ?? Date.now(),
    forecasts: page.signals.map(forecastRow),
    accuracy: await accuracyPanel(opts, ctx),
    drift: driftPanel(checks),
    paper: await paperEquity(store, client, model, ctx.loaded.config.tracking.experiment),
    dashboardUrl: opts.dashboardUrl ?? DEFAULT_DASHBOARD_URL,
  };
}
