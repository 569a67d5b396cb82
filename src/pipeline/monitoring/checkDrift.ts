/**
 * One drift check of a model's champion (issue 18, item 3; docs/architecture.md "Drift checks"):
 * the version's stored signals over a window against its reference profile, by monitoring's pure
 * `driftCheck`. Then, in order:
 *
 * - the check's MLflow run in the `monitoring` experiment (params, metrics, the per-feature table
 *   as `drift_features.csv`, the verdict as a tag), and its `drift_monitoring` row with the run's
 *   id and the hysteresis state the next check resumes from (the row is the record: it is written
 *   before any action);
 * - a log line, and on drift or emergency a webhook POST (best effort, driftAlert.ts);
 * - on drift or emergency `onDrift` (the job enqueues a retrain), on emergency the version paused
 *   (`wsp.paused`) with the reasons, so the forecast service serves `previous` or refuses.
 *
 * Live rows are the signals' stored feature vectors (what the model read, by name) and their
 * probabilities, the predicted probability taken as the profile defines it.
 */
import {
  type AccuracyBand,
  type BandState,
  driftCheck,
  type DriftCheckResult,
  INITIAL_BAND_STATE,
  liveMetrics,
  predictedProbability,
  type ReferenceProfile,
} from "../../monitoring";
import type { DriftVerdict, SignalRecord, Store } from "../../store";
import { type MlflowClient, openRecorder } from "../../tracking";
import { classNamesOf } from "../forecast/servedModel";
import { pauseVersion } from "../forecast/versionPause";
import { readModelConfig } from "../modelConfig";
import { ALERT_WEBHOOK_ENV, type AlertDelivery, type DriftAlert, postDriftAlert } from "./driftAlert";
import { liveOutcomes } from "./evaluate";
import { loadReferenceProfile } from "./versionProfile";

/**
 * Bars [from, to] (epoch ms; an open end reads to the first or last signal), the latest n
 * signals, or the signals of the last `days` days up to the version's latest one, reaching
 * further back to the latest `atLeast` signals when those days hold fewer.
 */
export type DriftWindow =
  | { readonly from?: number; readonly to?: number }
  | { readonly last: number }
  | { readonly days: number; readonly atLeast?: number };

/**
 * The default window: 30 days, and at least 250 signals. A daily model has ~21 signals in 30
 * days, too few for PSI over 10 bins: a sample of 21 from the reference itself leaves a bin
 * empty about two times in three, and an empty bin alone (its share floored at 1e-4) adds ~0.6 to
 * PSI, a false alarm. At 250 rows an in-distribution window's PSI is ~0.04 (9 / n).
 */
export const DEFAULT_WINDOW: DriftWindow = { days: 30, atLeast: 250 };

export const MONITORING_EXPERIMENT = "monitoring";

export interface CheckDriftOptions {
  readonly store: Store;
  readonly client: MlflowClient;
  /** A registered model's name: its champion is checked. */
  readonly model: string;
  /** Default: WSP_ALERT_WEBHOOK; none: no POST. */
  readonly webhookUrl?: string;
  readonly webhookTimeoutMs?: number;
  /** MLflow experiment of the check's run (default `monitoring`). */
  readonly experiment?: string;
  /** The recorder's outbox (default `<repo>/mlruns/outbox`). */
  readonly outboxDir?: string;
  /** The check's time (default now). */
  readonly now?: number;
  /** Default DEFAULT_WINDOW (30 days, at least 250 signals). */
  readonly window?: DriftWindow;
  /** Pause on emergency and call onDrift (default true; `wsp drift` without --act: false). */
  readonly act?: boolean;
  /** Called on drift and emergency (the job enqueues a retrain); its failure fails the check, after the row is written. */
  readonly onDrift?: (report: DriftReport) => Promise<void>;
  /** The alert and summary lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Where `bundled` data is read, for a version whose profile must be computed. */
  readonly dataDir?: string;
}

/** One feature's row of the check's table (the `report.features` the /monitor heat map reads). */
export interface FeatureRow {
  readonly name: string;
  /** null: no live value (JSON has no NaN). */
  readonly psi: number | null;
  readonly ksStatistic: number | null;
  readonly ksP: number | null;
  /** PSI > 0.2. */
  readonly drifted: boolean;
  readonly ksDrifted: boolean;
  /** One of the model's top-10 features by mean |SHAP|. */
  readonly top: boolean;
  readonly n: number;
  readonly missing: number;
}

export interface DriftReport {
  readonly model: string;
  readonly version: string;
  readonly checkedAt: number;
  readonly window: { readonly from: number; readonly to: number; readonly rows: number };
  /** Top features first (in the profile's SHAP order), then by PSI, highest first. */
  readonly features: readonly FeatureRow[];
  readonly prediction: { readonly psi: number | null; readonly drifted: boolean; readonly n: number };
  readonly ksLevel: number;
  readonly rollingAccuracy: number | null;
  readonly baselineAccuracy: number | null;
  /** The band this check observed (null below 100 matured outcomes). */
  readonly band: AccuracyBand | null;
  readonly bandState: BandState;
  readonly verdict: DriftVerdict;
  readonly reasons: readonly string[];
  readonly checkId: number;
  readonly runId: string | null;
  readonly runUrl: string | null;
  readonly profileSource: "artifact" | "computed";
  /** null: no webhook configured, or no alert (verdict ok). */
  readonly alert: AlertDelivery | null;
  readonly paused: boolean;
}

const DAY_MS = 86_400_000;
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const iso = (t: number) => new Date(t).toISOString();

async function windowSignals(
  store: Store,
  model: string,
  version: string,
  w: DriftWindow = DEFAULT_WINDOW,
): Promise<SignalRecord[]> {
  if ("last" in w) return store.versionSignals({ model, version, last: w.last });
  if (!("days" in w)) return store.versionSignals({ model, version, ...w });
  if (!(w.days > 0)) throw new Error(`drift check of ${model}/${version}: window days ${w.days} must be > 0`);
  const [latest] = await store.versionSignals({ model, version, last: 1 });
  if (!latest) return [];
  const days = await store.versionSignals({ model, version, from: latest.barTs - w.days * DAY_MS, to: latest.barTs });
  // The latest `atLeast` signals include the days' ones when the days hold fewer.
  return w.atLeast !== undefined && days.length < w.atLeast
    ? store.versionSignals({ model, version, last: w.atLeast })
    : days;
}

/** The live columns by profiled feature name (a missing or null value is NaN) and the predicted probability. */
function liveColumns(profile: ReferenceProfile, signals: readonly SignalRecord[], classes: readonly string[]) {
  const features: Record<string, Float64Array> = {};
  for (const f of profile.features) {
    features[f.name] = Float64Array.from(signals, (s) => s.features[f.name] ?? Number.NaN);
  }
  // The profile's kind fixes which probability: P(class 1) of a binary model, else the top class's.
  const width = profile.prediction.kind === "p_class1" ? 1 : classes.length;
  const probs = new Float64Array(signals.length * width);
  signals.forEach((s, i) => {
    if (width === 1) probs[i] = s.probabilities[classes[1]] ?? Number.NaN;
    else
      classes.forEach((c, j) => {
        probs[i * width + j] = s.probabilities[c] ?? Number.NaN;
      });
  });
  return { features, predicted: predictedProbability(probs, width).values };
}

function featureRows(result: DriftCheckResult, profile: ReferenceProfile): FeatureRow[] {
  const rank = new Map((profile.topFeatures ?? []).map((n, i) => [n, i]));
  const rows = result.features.map(
    (f): FeatureRow => ({
      name: f.name,
      psi: finiteOrNull(f.psi),
      ksStatistic: f.ks?.statistic ?? null,
      ksP: f.ks?.pValue ?? null,
      drifted: f.psiDrifted,
      ksDrifted: f.ks?.drifted ?? false,
      top: f.top,
      n: f.n,
      missing: f.missing,
    }),
  );
  const order = (r: FeatureRow) => rank.get(r.name) ?? Number.POSITIVE_INFINITY;
  return rows.sort((a, b) => order(a) - order(b) || (b.psi ?? -1) - (a.psi ?? -1) || a.name.localeCompare(b.name));
}

export function featureTableCsv(rows: readonly FeatureRow[]): string {
  const cell = (x: number | null) => (x === null ? "" : String(x));
  const lines = rows.map((r) =>
    [r.name, r.top, cell(r.psi), cell(r.ksStatistic), cell(r.ksP), r.drifted, r.ksDrifted, r.n, r.missing].join(","),
  );
  return `${["feature", "top", "psi", "ks_statistic", "ks_p", "drifted", "ks_drifted", "n", "missing"].join(",")}\n${lines.join("\n")}\n`;
}

/** The hysteresis state after the version's last check (a version never checked starts confirmed normal). */
async function previousBandState(store: Store, model: string, version: string): Promise<BandState> {
  const [last] = await store.driftChecks({ model, version, limit: 1 });
  if (!last) return INITIAL_BAND_STATE;
  const confirmed = last.confirmedBand ?? INITIAL_BAND_STATE.confirmed;
  return last.pending
    ? { confirmed, pending: last.pending.band, count: last.pending.count }
    : { confirmed, pending: null };
}

function verdictOf(r: DriftCheckResult): DriftVerdict {
  if (r.emergency) return "emergency";
  return r.verdict === "drift" ? "drift" : "ok";
}

export async function checkDrift(opts: CheckDriftOptions): Promise<DriftReport> {
  const { store, client, model } = opts;
  const checkedAt = opts.now ?? Date.now();
  const log = opts.log ?? ((line: string) => console.error(line));
  const vp = await loadReferenceProfile(client, `${model}@champion`, { store, dataDir: opts.dataDir });
  const { version, runId } = vp.model;
  const { profile } = vp;
  const signals = await windowSignals(store, model, version, opts.window);
  if (signals.length === 0) {
    throw new Error(
      `drift check of ${model}/${version}: no stored signal of this version in the window ${JSON.stringify(opts.window ?? DEFAULT_WINDOW)}; forecast first (wsp forecast, the forecast job)`,
    );
  }
  const classes = classNamesOf((await readModelConfig(client, { name: model, version, runId })).config);
  const live = liveColumns(profile, signals, classes);
  const outcomes = liveOutcomes(await store.recentOutcomes({ model, version }));
  const metrics = liveMetrics(outcomes, { classes });
  const result = driftCheck({
    profile,
    features: live.features,
    predicted: live.predicted,
    rollingAccuracy: metrics.rollingAccuracy,
    bandState: await previousBandState(store, model, version),
  });
  const verdict = verdictOf(result);
  const features = featureRows(result, profile);
  const window = { from: signals[0].barTs, to: signals[signals.length - 1].barTs, rows: signals.length };
  const psis = features.flatMap((f) => (f.psi === null ? [] : [f.psi]));
  const maxPsi = psis.length > 0 ? Math.max(...psis) : null;
  const predictionPsi = finiteOrNull(result.prediction.psi);
  const state = result.band.state;
  const pending = state.pending === null ? null : { band: state.pending, count: state.count };

  const recorder = await openRecorder({ client, outboxDir: opts.outboxDir });
  const run = await recorder.startRun({
    experiment: opts.experiment ?? MONITORING_EXPERIMENT,
    runName: `${model} v${version} drift check ${iso(checkedAt)}`,
    tags: { "wsp.role": "drift_check", "wsp.model": model, "wsp.model_version": version },
  });
  await run.logParams({
    model,
    version,
    window: `${iso(window.from)}..${iso(window.to)}`,
    window_rows: window.rows,
    profile_source: vp.source,
  });
  const figures: Record<string, number> = {};
  if (maxPsi !== null) figures.max_psi = maxPsi;
  if (predictionPsi !== null) figures.prediction_psi = predictionPsi;
  if (metrics.rollingAccuracy !== null) figures.rolling_accuracy = metrics.rollingAccuracy;
  await run.logMetrics(figures, 0, checkedAt);
  await run.logArtifact("drift_features.csv", featureTableCsv(features));
  await run.setTags({ "wsp.drift.verdict": verdict, "wsp.drift.reasons": result.reasons.join("; ") || "none" });
  const runUrl = run.uiUrl;
  const ended = await run.end("FINISHED");

  const checkId = await store.recordDriftCheck({
    modelName: model,
    modelVersion: version,
    checkedAt,
    windowFrom: window.from,
    windowTo: window.to,
    nRows: window.rows,
    accuracy:
      metrics.rollingAccuracy === null ? null : { rolling: metrics.rollingAccuracy, band: result.band.observed },
    baselineAccuracy: profile.baseline.accuracy,
    confirmedBand: state.confirmed,
    pending,
    verdict,
    predictionPsi,
    maxFeaturePsi: maxPsi,
    driftedFeatures: features.filter((f) => f.drifted).map((f) => f.name),
    report: {
      features,
      prediction: { psi: predictionPsi, drifted: result.prediction.drifted, n: result.prediction.n },
      ksLevel: result.ksLevel,
      band: result.band.observed,
      confirmedBand: state.confirmed,
      pending,
      verdict,
      reasons: result.reasons,
      profileSource: vp.source,
    },
    mlflowRunId: ended.serverRunId,
  });

  const head = `drift check ${checkId} of ${model}/${version}: ${verdict}`;
  let alert: AlertDelivery | null = null;
  if (verdict === "ok") log(`${head} (max PSI ${maxPsi?.toFixed(3) ?? "-"}, ${window.rows} signals)`);
  else {
    log(`${head}: ${result.reasons.join("; ")}${runUrl ? ` (${runUrl})` : ""}`);
    const url = opts.webhookUrl ?? process.env[ALERT_WEBHOOK_ENV];
    if (url) {
      const payload: DriftAlert = {
        model,
        version,
        verdict,
        reasons: result.reasons,
        run: runUrl,
        checkId,
        checkedAt: iso(checkedAt),
      };
      alert = await postDriftAlert(url, payload, opts.webhookTimeoutMs);
      if (!alert.sent) log(`drift check ${checkId}: the alert webhook failed (${alert.error}); the check stands`);
    }
  }

  const report: DriftReport = {
    model,
    version,
    checkedAt,
    window,
    features,
    prediction: { psi: predictionPsi, drifted: result.prediction.drifted, n: result.prediction.n },
    ksLevel: result.ksLevel,
    rollingAccuracy: metrics.rollingAccuracy,
    baselineAccuracy: profile.baseline.accuracy,
    band: result.band.observed,
    bandState: state,
    verdict,
    reasons: result.reasons,
    checkId,
    runId: ended.serverRunId,
    runUrl,
    profileSource: vp.source,
    alert,
    paused: false,
  };
  if (verdict === "ok" || opts.act === false) return report;
  let paused = false;
  if (verdict === "emergency") {
    await pauseVersion(client, model, version, `drift check ${checkId}: ${result.reasons.join("; ")}`);
    paused = true;
    log(`drift check ${checkId}: paused ${model}/${version}`);
  }
  const acted = { ...report, paused };
  await opts.onDrift?.(acted);
  return acted;
}
