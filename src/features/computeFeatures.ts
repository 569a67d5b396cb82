/**
 * Features from a config over real bars: the public entry point of the experiment runner, the
 * notebooks and the CLI.
 *
 *   computeFeatures({ set: "default", timeframes: ["1w"] }, { bars: spy, context: { VIX: vix } })
 *
 * Every column at bar t depends on bars ≤ t only: indicators are causal, higher timeframes and
 * context series are carried onto the bars only once their bar has closed (visibility.ts), and
 * the universe enters per date. Columns are computed on each step's source series (the bars, a
 * resample of them, a context series), transformed there, then carried onto the bars.
 */
import { TIMEFRAMES, type Timeframe, isIntraday } from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";
import { featureCacheKey, readFeatureCache, writeFeatureCache } from "./cache";
import { type ColumnStep, type FeaturePlan, featurePlan, type IndicatorStep, missingColumnError } from "./featurePlan";
import { FeatureSpecError } from "./featureSpecError";
import { runSteps, type StepOutcome, warmFeatureThreads } from "./featureThreads";
import { type FeaturesConfig, type FeaturesConfigInput, featuresConfigSchema } from "./featuresConfig";
import { runInputs, wholeInputsPay } from "./inputThreads";
import { applyNanPolicy } from "./nanPolicy";
import { DEFAULT_REGIME_SETTINGS, regimeFeatureColumns } from "./regimeFeatures";
import type { RegimesConfig } from "./regimes";
import { applyTransform } from "./transforms";
import type { FeatureInput, FeatureReport, FeatureResult, SkippedEntry } from "./featureResult";

export type { FeatureInput, FeatureReport, FeatureResult, SkippedEntry } from "./featureResult";

export interface ComputeOptions {
  /** Use the on-disk feature cache (default false). */
  cache?: boolean;
  /** Cache directory (default `.wsp/cache/features` under the working directory). */
  cacheDir?: string;
  /** Settings of `features.regimes` columns: the experiment's `regimes:` block (default its defaults). */
  regimes?: RegimesConfig;
  /**
   * Threads for the plan's steps (default 0: every core; 1: this thread only). Results are the
   * same on any number (docs/architecture.md, "How feature work reaches threads").
   */
  threads?: number;
}

/** Parses a features block (raw or already parsed); errors name the config path. */
export function parseFeaturesConfig(spec: FeaturesConfigInput | FeaturesConfig): FeaturesConfig {
  const r = featuresConfigSchema.safeParse(spec);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = ["features", ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))]
    .join("")
    .replace(/\.\[/g, "[");
  throw new FeatureSpecError(path, issue.message);
}

export function computeFeatures(
  spec: FeaturesConfigInput | FeaturesConfig,
  input: FeatureInput,
  options: ComputeOptions = {},
): FeatureResult {
  const config = parseFeaturesConfig(spec);
  const regimes = options.regimes ?? DEFAULT_REGIME_SETTINGS;
  const threads = options.threads ?? 0;
  if (!options.cache) return computeUncached(config, input, "off", regimes, threads);
  const key = featureCacheKey(config, input, config.regimes.length > 0 ? regimes : undefined);
  const cached = readFeatureCache(key, options.cacheDir);
  if (cached.result) return { frame: cached.result.frame, report: { ...cached.result.report, cache: "hit" } };
  const result = computeUncached(config, input, cached.state === "absent" ? "miss" : "rebuilt", regimes, threads);
  writeFeatureCache(key, result, options.cacheDir);
  return result;
}

/**
 * Features of several inputs (the tickers of a run, a universe) with one config, in order;
 * `onEach` after each. Their total work decides whether worker threads are started up front,
 * which one input alone may not be worth. Many inputs go to the threads whole
 * (inputThreads.ts), fewer one at a time with their steps spread over the threads.
 */
export function computeFeaturesMany(
  spec: FeaturesConfigInput | FeaturesConfig,
  inputs: readonly FeatureInput[],
  options: ComputeOptions & { onEach?: (k: number) => void } = {},
): FeatureResult[] {
  const config = parseFeaturesConfig(spec);
  const threads = options.threads ?? 0;
  const regimes = options.regimes ?? DEFAULT_REGIME_SETTINGS;
  const plans = new Map<Timeframe, FeaturePlan>();
  const planOf = (tf: Timeframe) => plans.get(tf) ?? (plans.set(tf, featurePlan(config, tf)).get(tf) as FeaturePlan);
  const steps = featurePlan(config, inputs[0]?.bars.timeframe ?? "1d").steps.length;
  const work = inputs.reduce((s, x) => s + x.bars.ts.length, 0) * steps;
  warmFeatureThreads(threads, work);
  if (!options.cache && wholeInputsPay(inputs, threads)) {
    const results = runInputs(
      { config, regimes, inputs },
      threads,
      work,
      (k) => computeUncached(config, inputs[k], "off", regimes, 1, planOf(inputs[k].bars.timeframe)),
      options.onEach,
    );
    if (results) return results;
  }
  return inputs.map((input, k) => {
    const result = options.cache
      ? computeFeatures(config, input, options)
      : computeUncached(config, input, "off", regimes, threads, planOf(input.bars.timeframe));
    options.onEach?.(k);
    return result;
  });
}

/** What an input offers; decides which optional steps run. Shared with the stream. */
export interface Availability {
  baseTicker: string;
  timeframe: Timeframe;
  hasVolume: boolean;
  /** Context tickers with their timeframe and whether they carry volume. */
  context: ReadonlyMap<string, { timeframe: Timeframe; hasVolume: boolean }>;
  hasUniverse: boolean;
}

export function availabilityOf(input: FeatureInput): Availability {
  const context = new Map<string, { timeframe: Timeframe; hasVolume: boolean }>();
  for (const [t, b] of Object.entries(input.context ?? {}))
    context.set(t, { timeframe: b.timeframe, hasVolume: b.volume !== null });
  return {
    baseTicker: input.bars.ticker,
    timeframe: input.bars.timeframe,
    hasVolume: input.bars.volume !== null,
    context,
    hasUniverse: input.universe !== undefined && input.universe.size > 0,
  };
}

function rank(tf: Timeframe): number {
  return TIMEFRAMES.indexOf(tf);
}

/** Why a step cannot run on this input, or null. */
export function unavailableReason(step: IndicatorStep, av: Availability): string | null {
  const { def, source } = step;
  if (def.intradayOnly && !isIntraday(av.timeframe))
    return `${def.name} needs intraday bars, the bars are ${av.timeframe}`;
  let sourceVolume = av.hasVolume;
  if (source.kind === "context") {
    const c = av.context.get(source.ticker);
    if (!c) return `context series ${source.ticker} not given (input.context.${source.ticker})`;
    sourceVolume = c.hasVolume;
  }
  if (def.needsVolume && !sourceVolume) return `${def.name} needs volume; the series has none`;
  if (def.needsBenchmark) {
    const b = step.params.benchmark as string;
    if (source.kind === "context") return `${def.name} needs a benchmark aligned to the bars, not to a context series`;
    const tf = source.kind === "timeframe" ? source.timeframe : av.timeframe;
    // A preset's beta/correlation of the benchmark with itself is a constant column.
    if (av.baseTicker === b && step.optional) return `the bars are the benchmark ${b} itself`;
    if (av.baseTicker !== b) {
      const c = av.context.get(b);
      if (!c) return `benchmark ${b} not given (input.context.${b})`;
      if (rank(c.timeframe) > rank(tf))
        return `benchmark ${b} is ${c.timeframe}, coarser than the ${tf} bars it is compared with`;
    }
  }
  if (def.needsUniverse) {
    if (av.timeframe !== "1d") return `${def.name} is cross-sectional over daily bars, the bars are ${av.timeframe}`;
    const proxies = BREADTH_PROXY_TICKERS.some((t) => av.context.has(t) || av.baseTicker === t);
    if (!av.hasUniverse && !proxies)
      return `${def.name} needs input.universe or the proxy ETFs (${BREADTH_PROXY_TICKERS.join(", ")}) as context`;
  }
  const csRank = step.outputs.some((o) => o.chains.some((c) => c.transforms.some((t) => t.kind === "cs_rank")));
  if (csRank) {
    if (!av.hasUniverse) return "cs_rank needs input.universe";
    if (av.timeframe !== "1d") return `cs_rank ranks daily bars of the universe, the bars are ${av.timeframe}`;
  }
  return null;
}

/** The frame's columns so far, in plan order; a name made twice is an error naming both steps. */
class FrameColumns {
  readonly names: string[] = [];
  readonly columns: Float64Array[] = [];
  private readonly owner = new Map<string, string>();

  push(path: string, name: string, values: Float64Array): void {
    const prev = this.owner.get(name);
    if (prev !== undefined) throw new FeatureSpecError(path, `column ${name} is already made by ${prev}`);
    this.owner.set(name, path);
    this.names.push(name);
    this.columns.push(values);
  }
}

/** Transforms of a column made above. */
function transformColumn(frame: FrameColumns, step: ColumnStep): void {
  const i = frame.names.indexOf(step.column);
  if (i < 0) {
    throw missingColumnError(step, frame.names);
  }
  for (const chain of step.chains) {
    let v = frame.columns[i];
    for (const t of chain.transforms) v = applyTransform(t, v);
    frame.push(step.path, chain.name, v);
  }
}

/**
 * The frame of one input, with no cache in between. `planned` is the config's plan for the bars'
 * timeframe when the caller already has it (a run of many inputs makes it once).
 */
export function computeUncached(
  config: FeaturesConfig,
  input: FeatureInput,
  cache: FeatureReport["cache"],
  regimes: RegimesConfig,
  threads: number,
  planned?: FeaturePlan,
): FeatureResult {
  const base = input.bars;
  const n = base.ts.length;
  const { steps: plan, excluded } = planned ?? featurePlan(config, base.timeframe);
  const av = availabilityOf(input);
  // The indicator steps that run, up to the first that cannot and is not optional (its error
  // is thrown below, in plan order, as is any step's): computed first, on threads when it pays.
  const reasons = plan.map((step) => (step.kind === "indicator" ? unavailableReason(step, av) : null));
  const runs: number[] = [];
  for (const [k, step] of plan.entries()) {
    if (step.kind !== "indicator") continue;
    if (reasons[k] === null) runs.push(k);
    else if (!step.optional) break;
  }
  const made = runSteps({ config, input, plan, runs }, threads);
  const frame = new FrameColumns();
  const skipped: SkippedEntry[] = [];
  for (const [k, step] of plan.entries()) {
    if (step.kind === "column") {
      transformColumn(frame, step);
      continue;
    }
    const reason = reasons[k];
    if (reason !== null) {
      if (step.optional) {
        skipped.push({ path: step.path, reason });
        continue;
      }
      throw new FeatureSpecError(step.path, reason);
    }
    const columns = made.get(k) as StepOutcome;
    if ("error" in columns) throw columns.error;
    for (const [j, name] of columns.names.entries()) frame.push(step.path, name, columns.values[j]);
  }
  const regimeColumns = regimeFeatureColumns(config, input, regimes, excluded);
  for (const [j, name] of regimeColumns.names.entries()) frame.push("features.regimes", name, regimeColumns.columns[j]);
  const { names, columns } = frame;
  for (const c of columns) {
    if (c.length !== n) throw new RangeError(`computeFeatures: internal column length ${c.length}, expected ${n}`);
  }
  const applied = applyNanPolicy({ ts: Float64Array.from(base.ts), names, columns }, config.nan);
  return {
    frame: applied.frame,
    report: { columns: names.length, names, skipped, nan: applied.report, cache },
  };
}
