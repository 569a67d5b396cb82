/**
 * The component ablation (docs/architecture.md, "Ablation"): the experiment's rows and splits
 * assembled once, then each step (explain/ablationSteps.ts) through the runner's phases
 * (ablateStep.ts), and each step's out-of-sample change against the step before it in AUC and in
 * deflated Sharpe, with a paired stationary-bootstrap interval.
 *
 * Out of sample means the walk-forward test folds before the final holdout: the holdout is not
 * looked at by a study that compares many variants (it stays the final check of the one promoted).
 * AUC is P(up)'s against up-vs-rest on the rows every step predicts; the deflated Sharpe is the
 * pre-holdout returns' on the config's `promotion.dsr_basis` (active: against beta times the
 * benchmark, beta from the whole pre-holdout window), deflated by the experiment's trial ledger
 * with every step's variants in it (each step is a distinct variant tried: a trial). Intervals:
 * the OOS timestamps (all tickers' rows of a bar together) and the return bars resampled by the
 * stationary bootstrap with mean block the label horizon, the same resample for a step and its
 * predecessor, so the interval is of the paired difference.
 */
import { activeReturns, deflatedSharpe, perPeriodRate, sharpeMoments, sizedBenchmarkReturns } from "../backtest";
import { type AblationStepName, DEFAULT_ABLATION_STEPS, featureGroups, planAblationSteps } from "../explain";
import { columnsByComponent, type FeatureComponent } from "../explain";
import { ledgerOf, ledgerStats, type LedgerStats, type TrialEntry, type TrialLedger, trialKey } from "../tracking";
import { percentileInterval, rocAuc, stationaryBootstrap } from "../validation";
import { type AblationStepRun, runAblationStep } from "./ablateStep";
import { type ExperimentConfig, type LoadedConfig, trialConfigHash } from "./config";
import type { RunHooks } from "./experimentResult";
import type { TradedMarket } from "./phases/tradedMarket";
import { runPhases } from "./runExperiment";
import { upProbability } from "./sideProbabilities";

export interface AblationOptions {
  /** Steps to run (default every one but drop_bottom_k; drop_bottom_k is added when `bottomK` is given). */
  steps?: readonly AblationStepName[];
  /** k of the drop-bottom-k step. */
  bottomK?: number;
  /** Bootstrap resamples (default 1,000). */
  resamples?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
  /** Interval level (default 0.9). */
  level?: number;
  hooks?: Pick<RunHooks, "dataDir" | "fromStore">;
  /** Writes the ablation's trials to the experiment's ledger and returns the whole ledger (tracked runs). */
  recordTrials?: (entries: TrialEntry[]) => Promise<TrialLedger>;
  /** Told as each step (and then the bootstrap) is done. */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface Interval {
  lo: number;
  hi: number;
}

export interface AblationDelta {
  /** The step compared against (the one before in the steps run). */
  vs: AblationStepName;
  auc: number;
  aucInterval: Interval;
  deflatedSharpe: number;
  deflatedSharpeInterval: Interval;
}

export interface AblationStepResult {
  step: AblationStepName;
  features: number;
  calibrateAndSize: boolean;
  dropBottomK: number;
  /** The earlier step this one repeats (same columns and treatment: not refitted); null when distinct. */
  sameAs: AblationStepName | null;
  /** The variant the step stands for ("ensemble" or a model name). */
  variant: string;
  auc: number;
  /** Annualised Sharpe of the pre-holdout returns on the deflated Sharpe's basis. */
  sharpe: number;
  deflatedSharpe: number;
  /** Step − predecessor; null for the first step. */
  delta: AblationDelta | null;
  seconds: number;
}

export interface AblationResult {
  config: ExperimentConfig;
  configHash: string;
  dataHash: string;
  steps: AblationStepResult[];
  basis: "active" | "absolute";
  /** The stationary bootstrap's mean block (the label horizon, bars). */
  meanBlock: number;
  resamples: number;
  seed: number;
  level: number;
  /** OOS label rows every step predicts, and the bars they fall on. */
  oofRows: number;
  oofBars: number;
  /** Pre-holdout return bars behind the Sharpes. */
  returnBars: number;
  /** The ledger statistics every step's deflated Sharpe uses. */
  trials: LedgerStats;
  /** Columns per component. */
  components: Record<FeatureComponent, string[]>;
  notes: string[];
  seconds: number;
}

/** The variant a step's trials are recorded under: `wsp run`'s own for the full step, else prefixed. */
function stepTrials(run: AblationStepRun, config: ExperimentConfig, dataHash: string): TrialEntry[] {
  if (run.plan.step === "full") return run.trials;
  const prefix =
    run.plan.dropBottomK > 0 ? `ablation/drop_bottom_${run.plan.dropBottomK}` : `ablation/${run.plan.step}`;
  const configHash = trialConfigHash(config);
  return run.trials.map((e) => {
    const record = JSON.parse(e.value) as { variant: string };
    const variant = `${prefix}/${record.variant}`;
    return { key: trialKey(configHash, dataHash, variant), value: JSON.stringify({ ...record, variant }) };
  });
}

/** The pre-holdout return series a step's deflated Sharpe is computed on, and its periods per year. */
function basisReturns(run: AblationStepRun, basis: "active" | "absolute"): { r: Float64Array; ppy: number } {
  const sim = run.backtest.run.simulation;
  const end = run.backtest.holdoutStart;
  if (end < 4) throw new Error(`ablation: ${end} traded bars before the final holdout; too few for a Sharpe`);
  const r = sim.returns.subarray(1, end);
  const ppy = sim.periodsPerYear;
  const rf = perPeriodRate(sim.config.backtest.risk_free, ppy);
  const bench = run.backtest.benchmark;
  if (basis === "active") {
    if (!bench) throw new Error("ablation: the active basis needs the benchmark's bars");
    const sized = sizedBenchmarkReturns(bench.close, sim.config.sizing, ppy).subarray(0, r.length);
    return { r: activeReturns(r, sized, rf).returns, ppy };
  }
  return { r: Float64Array.from(r, (x) => x - rf), ppy };
}

function dsrOf(r: Float64Array, trials: LedgerStats, basis: "active" | "absolute"): number {
  const m = sharpeMoments(r);
  if (!Number.isFinite(m.sharpePerPeriod)) return Number.NaN;
  return deflatedSharpe({
    sr: m.sharpePerPeriod,
    nObs: r.length,
    skew: m.skew,
    kurtosis: m.kurtosis,
    nTrials: trials.count,
    sharpeVariance: basis === "active" ? trials.activeSharpeVariance : trials.sharpeVariance,
  }).dsr;
}

/** Positions of `rows` grouped by bar: start of each bar's run of rows (rows in time order), plus the end. */
function barStarts(ts: Float64Array, rows: Int32Array): Int32Array {
  const starts: number[] = [];
  for (let i = 0; i < rows.length; i++) if (i === 0 || ts[rows[i]] !== ts[rows[i - 1]]) starts.push(i);
  starts.push(rows.length);
  return Int32Array.from(starts);
}

function expandBars(bars: Int32Array, starts: Int32Array): Int32Array {
  let n = 0;
  for (const b of bars) n += starts[b + 1] - starts[b];
  const out = new Int32Array(n);
  let k = 0;
  for (const b of bars) for (let i = starts[b]; i < starts[b + 1]; i++) out[k++] = i;
  return out;
}

/** Runs the ablation of a loaded experiment config. */
export async function runAblation(loaded: LoadedConfig, opts: AblationOptions = {}): Promise<AblationResult> {
  const started = performance.now();
  const resamples = opts.resamples ?? 1000;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? 0.9;
  const steps = opts.steps ?? [
    ...DEFAULT_ABLATION_STEPS,
    ...(opts.bottomK !== undefined ? ["drop_bottom_k" as const] : []),
  ];
  if (steps.length === 0) throw new Error("ablation: no step to run");
  const base = await runPhases(loaded, "splits", { ...opts.hooks, progress: false });
  const { config, rows, labels, splits, data } = base;
  const groups = featureGroups(config.features, config.data.timeframe);
  const plans = planAblationSteps(rows.cols.names, groups, config.data.context, steps, opts.bottomK);
  const components = columnsByComponent(rows.cols.names, groups, config.data.context);
  const notes: string[] = [];
  for (const p of plans) {
    if (p.sameAs) notes.push(`${p.step} has the same columns and treatment as ${p.sameAs}: not refitted, delta 0`);
  }
  const total = plans.filter((p) => !p.sameAs).length + 1;
  let done = 0;
  const markets = new Map<boolean, TradedMarket>();
  const runs = new Map<AblationStepName, AblationStepRun>();
  for (const plan of plans) {
    if (plan.sameAs) continue;
    runs.set(plan.step, await runAblationStep(base, plan, markets, opts.hooks ?? {}));
    opts.onProgress?.(++done, total, plan.step);
  }
  const runOf = (step: AblationStepName): AblationStepRun => {
    const plan = plans.find((p) => p.step === step);
    return runs.get(plan?.sameAs ?? step) as AblationStepRun;
  };

  // Trials: every step's variants, then the ledger they join.
  const entries = [...runs.values()].flatMap((r) => stepTrials(r, config, data.dataHash));
  const ledger = opts.recordTrials ? await opts.recordTrials(entries) : ledgerOf(entries);
  // Every step trades the same bars, so the benchmark is there for all of them or for none.
  const hasBenchmark = runOf(plans[0].step).backtest.benchmark !== null;
  const basis = config.promotion.dsr_basis === "active" && hasBenchmark ? "active" : "absolute";
  if (config.promotion.dsr_basis === "active" && !hasBenchmark)
    notes.push("promotion.dsr_basis active, but the benchmark has no bars on the traded days: absolute returns used");
  const series = plans.map((p) => basisReturns(runOf(p.step), basis));
  const returnBars = series[0].r.length;
  const trials = ledgerStats(ledger, returnBars);

  // OOS rows every step predicts (an lstm leaves its first window's rows out).
  const { width } = labels;
  const upCode = width === 1 ? 1 : width - 1;
  const y = rows.yTarget;
  const oofRows = splits.plan.rows.filter(
    (r) =>
      Number.isFinite(y[r]) && plans.every((p) => Number.isFinite(upProbability(runOf(p.step).oofProbs, r, width))),
  );
  if (oofRows.length === 0) throw new Error("ablation: no out-of-fold row is predicted by every step");
  const yUp = Float64Array.from(oofRows, (r) => (y[r] === upCode ? 1 : 0));
  const pUp = plans.map((p) => Float64Array.from(oofRows, (r) => upProbability(runOf(p.step).oofProbs, r, width)));
  const starts = barStarts(rows.panel.ts, oofRows);
  const meanBlock = config.labels.horizon;

  // Paired resamples: each resample's AUC and DSR of every step, so a delta is taken on the same draw.
  const aucBoot = plans.map(() => new Float64Array(resamples));
  const dsrBoot = plans.map(() => new Float64Array(resamples));
  const barDraws = stationaryBootstrap(starts.length - 1, { meanBlock, resamples, seed });
  const retDraws = stationaryBootstrap(returnBars, { meanBlock, resamples, seed: seed + 1 });
  for (let b = 0; b < resamples; b++) {
    const pos = expandBars(barDraws[b], starts);
    const yb = Float64Array.from(pos, (i) => yUp[i]);
    plans.forEach((_, s) => {
      aucBoot[s][b] = rocAuc(
        yb,
        Float64Array.from(pos, (i) => pUp[s][i]),
      );
      dsrBoot[s][b] = dsrOf(
        Float64Array.from(retDraws[b], (i) => series[s].r[i]),
        trials,
        basis,
      );
    });
  }
  opts.onProgress?.(++done, total, "bootstrap");

  const results: AblationStepResult[] = plans.map((p, s) => {
    const run = runOf(p.step);
    const m = sharpeMoments(series[s].r);
    const auc = rocAuc(yUp, pUp[s]);
    const dsr = dsrOf(series[s].r, trials, basis);
    let delta: AblationDelta | null = null;
    if (s > 0) {
      const diff = (boot: Float64Array[]) => Float64Array.from(boot[s], (v, b) => v - boot[s - 1][b]);
      delta = {
        vs: plans[s - 1].step,
        auc: auc - rocAuc(yUp, pUp[s - 1]),
        aucInterval: percentileInterval(diff(aucBoot), level),
        deflatedSharpe: dsr - dsrOf(series[s - 1].r, trials, basis),
        deflatedSharpeInterval: percentileInterval(diff(dsrBoot), level),
      };
    }
    return {
      step: p.step,
      features: p.columns.length,
      calibrateAndSize: p.calibrateAndSize,
      dropBottomK: p.dropBottomK,
      sameAs: p.sameAs,
      variant: run.variant,
      auc,
      sharpe: m.sharpePerPeriod * Math.sqrt(series[s].ppy),
      deflatedSharpe: dsr,
      delta,
      seconds: p.sameAs ? 0 : run.seconds,
    };
  });
  return {
    config,
    configHash: loaded.hash,
    dataHash: data.dataHash,
    steps: results,
    basis,
    meanBlock,
    resamples,
    seed,
    level,
    oofRows: oofRows.length,
    oofBars: starts.length - 1,
    returnBars,
    trials,
    components,
    notes,
    seconds: (performance.now() - started) / 1000,
  };
}
