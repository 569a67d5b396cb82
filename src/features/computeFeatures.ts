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
import {
  type Bars,
  TIMEFRAMES,
  type Timeframe,
  isIntraday,
  isoDate,
  isoNewYork,
  newYorkDayOf,
  previousSession,
  resample,
} from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";
import { featureCacheKey, readFeatureCache, writeFeatureCache } from "./cache";
import type { BatchEnv } from "./indicators/descriptor";
import { type ColumnStep, featurePlan, type IndicatorStep, missingColumnError } from "./featurePlan";
import { FeatureSpecError } from "./featureSpecError";
import { type FeaturesConfig, type FeaturesConfigInput, featuresConfigSchema } from "./featuresConfig";
import { IndicatorError } from "./indicators";
import { applyNanPolicy } from "./nanPolicy";
import { DEFAULT_REGIME_SETTINGS, regimeFeatureColumns } from "./regimeFeatures";
import type { RegimesConfig } from "./regimes";
import { applyTransform, crossSectionalRank } from "./transforms";
import { closeTimes, contextIndex, higherTimeframeIndex, takeVisible, visibleIndex } from "./visibility";
import type { FeatureInput, FeatureReport, FeatureResult, SkippedEntry } from "./featureResult";

export type { FeatureInput, FeatureReport, FeatureResult, SkippedEntry } from "./featureResult";

export interface ComputeOptions {
  /** Use the on-disk feature cache (default false). */
  cache?: boolean;
  /** Cache directory (default `.wsp/cache/features` under the working directory). */
  cacheDir?: string;
  /** Settings of `features.regimes` columns: the experiment's `regimes:` block (default its defaults). */
  regimes?: RegimesConfig;
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
  if (!options.cache) return computeUncached(config, input, "off", regimes);
  const key = featureCacheKey(config, input, config.regimes.length > 0 ? regimes : undefined);
  const cached = readFeatureCache(key, options.cacheDir);
  if (cached.result) return { frame: cached.result.frame, report: { ...cached.result.report, cache: "hit" } };
  const result = computeUncached(config, input, cached.state === "absent" ? "miss" : "rebuilt", regimes);
  writeFeatureCache(key, result, options.cacheDir);
  return result;
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

/** Throws unless the context series has values visible from the first to the last base bar (the feed checks it too). */
export function checkCoverage(path: string, ctx: Bars, base: Bars): void {
  const n = base.ts.length;
  if (n === 0) return;
  const intraday = isIntraday(base.timeframe);
  const day = (t: number) => (intraday ? newYorkDayOf(t) : t);
  const show = (t: number) => (isIntraday(ctx.timeframe) ? isoNewYork(t) : isoDate(t));
  const firstNeed = day(base.ts[0]);
  const lastNeed =
    ctx.timeframe === base.timeframe
      ? base.ts[n - 1]
      : intraday
        ? previousSession(day(base.ts[n - 1]))
        : base.ts[n - 1];
  const m = ctx.ts.length;
  if (m === 0 || ctx.ts[0] > firstNeed || ctx.ts[m - 1] < lastNeed) {
    const have = m === 0 ? "no bars" : `${show(ctx.ts[0])}..${show(ctx.ts[m - 1])}`;
    throw new FeatureSpecError(
      path,
      `context series ${ctx.ticker} covers ${have}; the bars need it from ${show(firstNeed)} to ${show(lastNeed)} (cut the bars with data.end, or extend ${ctx.ticker})`,
    );
  }
}

/** Outputs from the streaming twin, bar by bar (equal to the batch function's by contract). */
function viaStream(step: IndicatorStep, bars: Bars, env: BatchEnv): Record<string, Float64Array> {
  const n = bars.ts.length;
  const out: Record<string, Float64Array> = {};
  for (const o of step.def.outputs) out[o] = new Float64Array(n).fill(Number.NaN);
  if (step.def.stream === null) return out;
  const stream = step.def.stream(step.params, bars.timeframe);
  const volume = bars.volume;
  for (let i = 0; i < n; i++) {
    const row = stream.update(
      {
        ts: bars.ts[i],
        open: bars.open[i],
        high: bars.high[i],
        low: bars.low[i],
        close: bars.close[i],
        volume: volume ? volume[i] : Number.NaN,
      },
      env.benchmark ? env.benchmark[i] : Number.NaN,
    );
    for (const o of step.def.outputs) out[o][i] = row[o];
  }
  return out;
}

/**
 * The indicator on one series. A batch function refuses a series shorter than its longest
 * warm-up (a short prefix, a young weekly series) although some outputs have values earlier
 * (ADX's ±DI before ADX itself): then the streaming twin computes them, bar by bar.
 */
export function runIndicator(step: IndicatorStep, bars: Bars, env: BatchEnv): Record<string, Float64Array> {
  try {
    return step.def.batch(
      bars,
      step.params,
      env,
      step.outputs.map((o) => o.output),
    );
  } catch (err) {
    if (err instanceof IndicatorError && /needs at least \d+ bars/.test(err.message)) return viaStream(step, bars, env);
    const message = err instanceof Error ? err.message : String(err);
    throw new FeatureSpecError(step.path, `${message} (on ${bars.ticker} ${bars.timeframe})`);
  }
}

/**
 * Columns of context steps by context series object and column name (source-length values).
 * Series are treated as immutable, as everywhere in src/ (a changed series is a new object).
 */
const contextMemo = new WeakMap<Bars, Map<string, Float64Array>>();

/** One computation's columns so far, and the series (resampled, context) its steps run on. */
class FrameRun {
  readonly names: string[] = [];
  readonly columns: Float64Array[] = [];
  readonly skipped: SkippedEntry[] = [];
  private readonly owner = new Map<string, string>();
  private baseClose: Float64Array | null = null;
  private readonly higher = new Map<Timeframe, { bars: Bars; index: Int32Array }>();
  private readonly contexts = new Map<string, Int32Array>();
  private readonly proxies: Bars[];
  readonly base: Bars;

  constructor(readonly input: FeatureInput) {
    this.base = input.bars;
    this.proxies = BREADTH_PROXY_TICKERS.map((t) => (this.base.ticker === t ? this.base : input.context?.[t])).filter(
      (b): b is Bars => b !== undefined,
    );
  }

  push(path: string, name: string, values: Float64Array): void {
    const prev = this.owner.get(name);
    if (prev !== undefined) throw new FeatureSpecError(path, `column ${name} is already made by ${prev}`);
    this.owner.set(name, path);
    this.names.push(name);
    this.columns.push(values);
  }

  private benchmarkFor(ticker: string, bars: Bars): Float64Array {
    const base = this.base;
    if (base.ticker === ticker)
      return bars.ticker === base.ticker ? bars.close : takeVisible(base.close, visibleIndex(base.ts, bars.ts));
    let ctx = this.input.context?.[ticker] as Bars;
    if (ctx.timeframe !== bars.timeframe) ctx = resample(ctx, bars.timeframe);
    return takeVisible(ctx.close, visibleIndex(ctx.ts, bars.ts));
  }

  envFor(step: IndicatorStep, bars: Bars): BatchEnv {
    return {
      benchmark: step.def.needsBenchmark ? this.benchmarkFor(step.params.benchmark as string, bars) : null,
      universe: this.input.universe ?? null,
      proxies: this.proxies,
    };
  }

  /** The bars a step runs on and, unless they are the base bars, the index carrying them onto the base bars. */
  seriesOf(step: IndicatorStep): { bars: Bars; index: Int32Array | null } {
    const base = this.base;
    let bars = base;
    let index: Int32Array | null = null;
    if (step.source.kind === "timeframe") {
      const tf = step.source.timeframe;
      let h = this.higher.get(tf);
      if (!h) {
        const hb = resample(base, tf);
        this.baseClose ??= closeTimes(base);
        h = { bars: hb, index: higherTimeframeIndex(hb, this.baseClose) };
        this.higher.set(tf, h);
      }
      bars = h.bars;
      index = h.index;
    } else if (step.source.kind === "context") {
      const t = step.source.ticker;
      bars = this.input.context?.[t] as Bars;
      let idx = this.contexts.get(t);
      if (!idx) {
        checkCoverage(step.path, bars, base);
        idx = contextIndex(bars, base);
        this.contexts.set(t, idx);
      }
      index = idx;
    }
    if (step.def.needsBenchmark) {
      const b = step.params.benchmark as string;
      const ctx = this.input.context?.[b];
      if (base.ticker !== b && ctx) checkCoverage(step.path, ctx, base);
    }
    return { bars, index };
  }
}

/** Transforms of a column made above. */
function transformColumn(run: FrameRun, step: ColumnStep): void {
  const i = run.names.indexOf(step.column);
  if (i < 0) {
    throw missingColumnError(step, run.names);
  }
  for (const chain of step.chains) {
    let v = run.columns[i];
    for (const t of chain.transforms) v = applyTransform(t, v);
    run.push(step.path, chain.name, v);
  }
}

/**
 * A context step's columns depend on the context series alone: computed once per series object
 * (a universe run passes the same VIX to every stock), then carried onto the bars.
 */
function contextColumns(run: FrameRun, step: IndicatorStep, bars: Bars, index: Int32Array): void {
  const memo = contextMemo.get(bars) ?? new Map<string, Float64Array>();
  contextMemo.set(bars, memo);
  for (const out of step.outputs) {
    const wanted = [...(out.raw ? [out.name] : []), ...out.chains.map((c) => c.name)];
    if (wanted.some((w) => !memo.has(w))) {
      const raw = runIndicator(step, bars, run.envFor(step, bars))[out.output];
      memo.set(out.name, raw);
      for (const chain of out.chains) {
        let v = raw;
        for (const t of chain.transforms) v = applyTransform(t, v);
        memo.set(chain.name, v);
      }
    }
    for (const w of wanted) run.push(step.path, w, takeVisible(memo.get(w) as Float64Array, index));
  }
}

/** An indicator step's columns on the base bars or a higher timeframe (cs_rank reruns it per universe member). */
function indicatorColumns(run: FrameRun, step: IndicatorStep, bars: Bars, index: Int32Array | null): void {
  const { base, input } = run;
  const outputs = runIndicator(step, bars, run.envFor(step, bars));
  let members: Map<string, Record<string, Float64Array>> | null = null;
  for (const out of step.outputs) {
    const raw = outputs[out.output];
    if (out.raw) run.push(step.path, out.name, index ? takeVisible(raw, index) : raw);
    for (const chain of out.chains) {
      let v = raw;
      for (const t of chain.transforms) {
        if (t.kind !== "cs_rank") {
          v = applyTransform(t, v);
          continue;
        }
        if (!members) {
          members = new Map();
          for (const [ticker, mb] of input.universe ?? []) {
            if (ticker !== base.ticker) members.set(ticker, runIndicator(step, mb, run.envFor(step, mb)));
          }
        }
        const prior = chain.transforms.filter((x) => x.kind !== "cs_rank");
        const universe = input.universe as Map<string, Bars>;
        const memberValues = [...members].map(([ticker, mo]) => {
          let mv = mo[out.output];
          for (const x of prior) mv = applyTransform(x, mv);
          return { ts: (universe.get(ticker) as Bars).ts, values: mv };
        });
        v = crossSectionalRank(base.ts, v, memberValues);
      }
      run.push(step.path, chain.name, index ? takeVisible(v, index) : v);
    }
  }
}

function computeUncached(
  config: FeaturesConfig,
  input: FeatureInput,
  cache: FeatureReport["cache"],
  regimes: RegimesConfig,
): FeatureResult {
  const base = input.bars;
  const n = base.ts.length;
  const { steps: plan, excluded } = featurePlan(config, base.timeframe);
  const av = availabilityOf(input);
  const run = new FrameRun(input);
  for (const step of plan) {
    if (step.kind === "column") {
      transformColumn(run, step);
      continue;
    }
    const reason = unavailableReason(step, av);
    if (reason !== null) {
      if (step.optional) {
        run.skipped.push({ path: step.path, reason });
        continue;
      }
      throw new FeatureSpecError(step.path, reason);
    }
    const { bars, index } = run.seriesOf(step);
    if (step.source.kind === "context" && index) contextColumns(run, step, bars, index);
    else indicatorColumns(run, step, bars, index);
  }
  const regimeColumns = regimeFeatureColumns(config, input, regimes, excluded);
  for (const [j, name] of regimeColumns.names.entries()) run.push("features.regimes", name, regimeColumns.columns[j]);
  const { names, columns, skipped } = run;
  for (const c of columns) {
    if (c.length !== n) throw new RangeError(`computeFeatures: internal column length ${c.length}, expected ${n}`);
  }
  const applied = applyNanPolicy({ ts: Float64Array.from(base.ts), names, columns }, config.nan);
  return {
    frame: applied.frame,
    report: { columns: names.length, names, skipped, nan: applied.report, cache },
  };
}
