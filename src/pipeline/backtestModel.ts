/**
 * The backtest of a registered model (`name@alias`, `name/version`, or the run id of a registered
 * run) over a period, with the costs, sizing, signals and stress windows of a backtest block: the
 * model's run's config read back (its `config.yaml`), its data extended to the period's end, the
 * features built by the pipeline's own phases (from the data's start, so every indicator is warm
 * at the period's start), the version's calibrated predictions on the period's rows, and the
 * pipeline's signals phase and src/backtest's runBacktest on them. On the rows of the run's own
 * final holdout, the predictions are the run's. Recorded as a run in the model's experiment,
 * tagged with the model's run (`wsp.backtest.model_run`).
 */
import { z } from "zod";
import {
  costsSchema,
  runBacktest,
  STRESS_WINDOW_NAMES,
  type BacktestReport,
  type SimulationResult,
  signalsSchema,
  sizingSchema,
} from "../backtest";
import { dayMsOf, isoDate } from "../data";
import { flattenParams, MlflowClient, openRecorder, tagRecord } from "../tracking";
import { trackingUri as defaultTrackingUri } from "../services";
import type { LoadedConfig } from "./config";
import { readModelConfig } from "./modelConfig";
import { loadRegisteredModel, type RegisteredModel } from "./loadRegisteredModel";
import { predictPanelRows } from "./panelPredictions";
import { tradedMarketFrom } from "./phases/tradedMarket";
import { PhaseTimer } from "./progress";
import { runPhases } from "./runExperiment";
import { type StoreChoice, type StoreQuery, withStoreQuery } from "./storeSource";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");

/** The backtest block: the period, and blocks that replace the run's own (costs, sizing, signals, stress windows). */
export const modelBacktestSchema = z
  .object({
    period: z
      .object({ start: day, end: day.optional() })
      .strict()
      .refine((p) => !p.end || p.start <= p.end, { message: "start is after end", path: ["start"] }),
    costs: costsSchema.optional(),
    sizing: sizingSchema.optional(),
    signals: signalsSchema.optional(),
    stress: z.array(z.enum(STRESS_WINDOW_NAMES)).optional(),
  })
  .strict();

/** A backtest block or period the model's data cannot serve: the input's fault, never retried. */
export class BacktestBlockError extends Error {
  override readonly name = "BacktestBlockError";
}

export type ModelBacktestSpec = z.output<typeof modelBacktestSchema>;
export type ModelBacktestSpecInput = z.input<typeof modelBacktestSchema>;

export interface ModelBacktestOptions {
  trackingUri?: string;
  outboxDir?: string;
  /** The store, for a model whose config reads `data.source: store` (storeSource.ts). */
  store?: StoreChoice;
  jobId?: string;
  progress?: boolean;
}

export interface ModelBacktestResult {
  /** The run recording the backtest. */
  runId: string;
  model: { name: string; version: string; runId: string };
  report: BacktestReport;
  /** The simulation behind the report: equity, exposure and trades per bar of the period. */
  simulation: SimulationResult;
  /** The period's rows: bar time and the model's calibrated probabilities (`width` per row). */
  predictions: { ts: Float64Array; probs: Float64Array; width: number };
}

/** A registered model by reference, or the version a run was registered as (`wsp.registered_version`). */
async function resolveModel(client: MlflowClient, ref: string): Promise<RegisteredModel> {
  if (ref.includes("@") || ref.includes("/")) return loadRegisteredModel(ref, { client });
  const registered = tagRecord((await client.getRun(ref)).data.tags)["wsp.registered_version"];
  if (!registered) {
    throw new Error(`run ${ref} has no registered version (tag wsp.registered_version): \`wsp promote ${ref}\` first`);
  }
  return loadRegisteredModel(registered, { client });
}

/** Backtests the model `ref` over `spec`'s period and records it; see the file's comment. */
export async function backtestModel(
  ref: string,
  specInput: ModelBacktestSpecInput,
  opts: ModelBacktestOptions = {},
): Promise<ModelBacktestResult> {
  const parsed = modelBacktestSchema.safeParse(specInput);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new BacktestBlockError(`backtest block: ${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  const spec = parsed.data;
  const client = new MlflowClient({
    trackingUri: opts.trackingUri ?? defaultTrackingUri(),
    retries: 3,
    backoffMs: 200,
  });
  const model = await resolveModel(client, ref);
  const base = await readModelConfig(client, model);
  const modelRunId = model.runId as string;
  const config = {
    ...base.config,
    data: { ...base.config.data, end: spec.period.end },
    costs: spec.costs ?? base.config.costs,
    sizing: spec.sizing ?? base.config.sizing,
    signals: spec.signals ?? base.config.signals,
    backtest: { ...base.config.backtest, stress: spec.stress ?? base.config.backtest.stress },
  };
  const sim = await withStoreQuery(config.data.source, opts.store ?? {}, (fromStore) =>
    simulatePeriod({ ...base, config }, model, spec.period.start, { progress: opts.progress ?? false, fromStore }),
  );
  const runId = await recordModelBacktest(client, opts, {
    experiment: config.tracking.experiment,
    model: { name: model.name, version: model.version, runId: modelRunId },
    spec,
    report: sim.report,
  });
  return {
    runId,
    model: { name: model.name, version: model.version, runId: modelRunId },
    report: sim.report,
    simulation: sim.simulation,
    predictions: sim.predictions,
  };
}

/**
 * The runner's phases through `rows` on the whole data (warm features), the model's predictions
 * on the rows from `start` on, and the signals phase and runBacktest on them.
 */
async function simulatePeriod(
  loaded: LoadedConfig,
  model: RegisteredModel,
  start: string,
  hooks: { progress: boolean; fromStore: StoreQuery | undefined },
): Promise<Pick<ModelBacktestResult, "report" | "simulation" | "predictions">> {
  const config = loaded.config;
  const { data, labels, rows } = await runPhases(loaded, "rows", hooks);
  const from = dayMsOf(start);
  const inPeriod = Int32Array.from(rows.panel.ts.map((t, r) => (t >= from ? r : -1)).filter((r) => r >= 0));
  if (inPeriod.length < 3) {
    const last = rows.panel.ts[rows.panel.ts.length - 1];
    throw new BacktestBlockError(
      `backtest block: period.start ${start}: the data ends ${isoDate(last)}, fewer than 3 bars after it`,
    );
  }
  const probs = predictPanelRows(model, rows.panel, inPeriod, { scheme: rows.trend[0].scheme, ids: rows.regimeIds });
  const width = labels.width;
  const full = new Float64Array(rows.panel.ts.length * width).fill(Number.NaN);
  inPeriod.forEach((row, i) => {
    for (let c = 0; c < width; c++) full[row * width + c] = probs[i * width + c];
  });
  const ctx = { config, hooks, timer: new PhaseTimer(false) };
  const market = await tradedMarketFrom(ctx, data, labels, rows, from);
  const trend = rows.trend[0];
  const run = runBacktest(market.assetsOf(full, new Float64Array(full.length).fill(Number.NaN)), market.engine, {
    benchmark: market.benchmark ?? undefined,
    stress: config.backtest.stress,
    regimes: { ids: Int32Array.from(market.index[0], (i) => trend.ids[i]), names: trend.names },
  });
  return {
    report: run.report,
    simulation: run.simulation,
    predictions: { ts: Float64Array.from(inPeriod, (r) => rows.panel.ts[r]), probs, width },
  };
}

/** The backtest's run: the block as params, the report's headline figures as metrics, statistics.json. */
async function recordModelBacktest(
  client: MlflowClient,
  opts: ModelBacktestOptions,
  r: { experiment: string; model: ModelBacktestResult["model"]; spec: ModelBacktestSpec; report: BacktestReport },
): Promise<string> {
  const recorder = await openRecorder({ client, outboxDir: opts.outboxDir });
  const tags: Record<string, string> = {
    "mlflow.source.name": `wsp backtest ${r.model.name}/${r.model.version}`,
    "mlflow.source.type": opts.jobId ? "JOB" : "LOCAL",
    "wsp.role": "backtest",
    "wsp.backtest.model": `${r.model.name}/${r.model.version}`,
    "wsp.backtest.model_run": r.model.runId,
  };
  if (opts.jobId) tags["wsp.job_id"] = opts.jobId;
  const run = await recorder.startRun({
    experiment: r.experiment,
    runName: `backtest-${r.model.name}-v${r.model.version}-${r.spec.period.start}`,
    tags,
  });
  try {
    await run.logParams(flattenParams(r.spec));
    const bt = r.report;
    const stress: Record<string, number> = {};
    for (const s of bt.stress) {
      stress[`stress.${s.name}.sharpe`] = s.sharpe;
      stress[`stress.${s.name}.return`] = s.totalReturn;
    }
    await run.logMetrics({
      sharpe: bt.returns.sharpe,
      total_return: bt.returns.totalReturn,
      max_drawdown: bt.returns.maxDrawdown,
      win_rate: bt.trades.winRate,
      trades: bt.trades.trades,
      exposure: bt.exposure,
      ...(bt.active ? { active_sharpe: bt.active.sharpe } : {}),
      ...stress,
    });
    await run.logJsonArtifact("statistics.json", bt);
  } catch (err) {
    await run.end("FAILED", err);
    throw err;
  }
  await run.end("FINISHED");
  return run.runId;
}
