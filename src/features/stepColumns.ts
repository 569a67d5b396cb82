/**
 * One plan step's columns over one input: the series the step runs on (the bars, a resample of
 * them, a context series), its indicator, its transforms, carried onto the bars. A step's
 * columns depend on the input and the step alone, so steps can run in any order and on any
 * thread (featureThreads.ts); computeFeatures.ts puts them together in plan order.
 */
import {
  type Bars,
  type Timeframe,
  isIntraday,
  isoDate,
  isoNewYork,
  newYorkDayOf,
  previousSession,
  resample,
} from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";
import type { BatchEnv } from "./indicators/descriptor";
import type { IndicatorStep } from "./planSteps";
import { FeatureSpecError } from "./featureSpecError";
import { IndicatorError } from "./indicators";
import { applyTransform, crossSectionalRank } from "./transforms";
import { closeTimes, contextIndex, higherTimeframeIndex, takeVisible, visibleIndex } from "./visibility";
import type { FeatureInput } from "./featureResult";

/** A step's columns, in the order the frame holds them (per output: the raw one, then its chains). */
export interface StepColumns {
  names: string[];
  values: Float64Array[];
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
function runIndicator(step: IndicatorStep, bars: Bars, env: BatchEnv): Record<string, Float64Array> {
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

/** The series an input's steps run on (resampled, context), each made once per computation. */
export class StepSeries {
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

/**
 * A context step's columns depend on the context series alone: computed once per series object
 * (a universe run passes the same VIX to every stock), then carried onto the bars.
 */
function contextColumns(series: StepSeries, step: IndicatorStep, bars: Bars, index: Int32Array): StepColumns {
  const memo = contextMemo.get(bars) ?? new Map<string, Float64Array>();
  contextMemo.set(bars, memo);
  const made: StepColumns = { names: [], values: [] };
  for (const out of step.outputs) {
    const wanted = [...(out.raw ? [out.name] : []), ...out.chains.map((c) => c.name)];
    if (wanted.some((w) => !memo.has(w))) {
      const raw = runIndicator(step, bars, series.envFor(step, bars))[out.output];
      memo.set(out.name, raw);
      for (const chain of out.chains) {
        let v = raw;
        for (const t of chain.transforms) v = applyTransform(t, v);
        memo.set(chain.name, v);
      }
    }
    for (const w of wanted) {
      made.names.push(w);
      made.values.push(takeVisible(memo.get(w) as Float64Array, index));
    }
  }
  return made;
}

/** Adds a column made on the step's series, carried onto the base bars when `index` is given. */
function pushColumn(made: StepColumns, name: string, v: Float64Array, index: Int32Array | null): void {
  made.names.push(name);
  made.values.push(index ? takeVisible(v, index) : v);
}

/** An indicator step's columns on the base bars or a higher timeframe (cs_rank reruns it per universe member). */
function indicatorColumns(series: StepSeries, step: IndicatorStep, bars: Bars, index: Int32Array | null): StepColumns {
  const { base, input } = series;
  const outputs = runIndicator(step, bars, series.envFor(step, bars));
  const made: StepColumns = { names: [], values: [] };
  let members: Map<string, Record<string, Float64Array>> | null = null;
  for (const out of step.outputs) {
    const raw = outputs[out.output];
    if (out.raw) pushColumn(made, out.name, raw, index);
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
            if (ticker !== base.ticker) members.set(ticker, runIndicator(step, mb, series.envFor(step, mb)));
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
      pushColumn(made, chain.name, v, index);
    }
  }
  return made;
}

/** The columns of an indicator step that can run on this input (computeFeatures.ts's `unavailableReason` is null). */
export function stepColumns(series: StepSeries, step: IndicatorStep): StepColumns {
  const { bars, index } = series.seriesOf(step);
  return step.source.kind === "context" && index
    ? contextColumns(series, step, bars, index)
    : indicatorColumns(series, step, bars, index);
}

/**
 * Whether a step reads only the bars and its benchmark (no universe, no proxies, no context
 * series memo): such a step can run on a worker thread given those series alone.
 */
export function isSelfContained(step: IndicatorStep): boolean {
  return (
    step.source.kind !== "context" &&
    !step.def.needsUniverse &&
    !step.outputs.some((o) => o.chains.some((c) => c.transforms.some((t) => t.kind === "cs_rank")))
  );
}
