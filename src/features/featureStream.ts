/**
 * One bar in, one feature row out: the streaming twin of {@link computeFeatures} for a spec on
 * the bars' own timeframe (the default set, the confluence set, or a list without timeframe or
 * cs_rank entries), built from the indicators' streaming twins. Its rows equal the batch
 * frame's (NaN policy `keep` or `ffill`).
 *
 * Context series (VIX, the benchmark, the breadth proxy ETFs) are pushed with `pushContext` as
 * their bars become visible (the batch rule, visibility.ts: a same-timeframe bar with the base
 * bar, a daily bar under intraday bars once it has closed), each bar once and in order; `update`
 * then uses the latest pushed values. Breadth (daily bars) reads the proxy ETFs among the base
 * and context bars and, when `universe` is set, the universe's daily bars pushed with
 * `pushUniverse`: every member's bar of a date before the base bar of that date.
 */
import type { Timeframe } from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";
import { type Availability, parseFeaturesConfig, unavailableReason } from "./computeFeatures";
import type { CrossSectionStep, StreamCore } from "./indicators/descriptor";
import { type IndicatorStep, planFeatures } from "./featurePlan";
import { FeatureSpecError } from "./featureSpecError";
import type { FeaturesConfig, FeaturesConfigInput } from "./featuresConfig";
import type { OhlcvBar } from "./indicators";
import { transformStream } from "./transforms";

export interface FeatureStreamOptions {
  ticker: string;
  timeframe: Timeframe;
  hasVolume: boolean;
  /** Context series that will be pushed, with their timeframe and whether they carry volume. */
  context?: Record<string, { timeframe: Timeframe; hasVolume: boolean }>;
  /** The universe's daily bars will be pushed with `pushUniverse` (breadth; default false). */
  universe?: boolean;
}

/** One column's producer: an output of a step, through a chain of transforms. */
interface Sink {
  output: string;
  chain: ((x: number) => number)[];
  col: number;
}

interface Runner {
  step: StreamCore;
  sinks: Sink[];
}

interface CrossSectionRunner {
  step: CrossSectionStep;
  sinks: Sink[];
}

const isProxy = (ticker: string) => (BREADTH_PROXY_TICKERS as readonly string[]).includes(ticker);

export class FeatureStream {
  readonly names: string[] = [];
  /** Preset entries left out, as in the batch report. */
  readonly skipped: { path: string; reason: string }[] = [];
  private readonly base: Runner[] = [];
  private readonly contextRunners = new Map<string, Runner[]>();
  private readonly crossSections: CrossSectionRunner[] = [];
  private readonly benchmarkOf: (string | null)[] = [];
  private readonly lastClose = new Map<string, number>();
  private readonly row: Float64Array;
  private readonly last: Float64Array;
  private readonly ffill: boolean;
  private readonly ticker: string;
  private readonly hasUniverse: boolean;

  constructor(spec: FeaturesConfigInput | FeaturesConfig, options: FeatureStreamOptions) {
    const config = parseFeaturesConfig(spec);
    if (config.nan === "drop_rows") {
      throw new FeatureSpecError(
        "features.nan",
        "a stream emits every row: use keep or ffill (drop NaN rows downstream)",
      );
    }
    this.ffill = config.nan === "ffill";
    this.ticker = options.ticker;
    this.hasUniverse = options.universe === true;
    const av: Availability = {
      baseTicker: options.ticker,
      timeframe: options.timeframe,
      hasVolume: options.hasVolume,
      context: new Map(Object.entries(options.context ?? {})),
      hasUniverse: options.universe === true,
    };
    const contextSteps = new Map<string, Runner[]>();
    for (const step of planFeatures(config, options.timeframe)) {
      if (step.kind === "column") {
        throw new FeatureSpecError(
          step.path,
          "column transforms have no streaming twin here; put the transforms on the indicator entry",
        );
      }
      if (step.source.kind === "timeframe") {
        throw new FeatureSpecError(step.path, `higher timeframes (${step.source.timeframe}) are batch only`);
      }
      const reason = unavailableReason(step, av);
      if (reason !== null) {
        if (step.optional) {
          this.skipped.push({ path: step.path, reason });
          continue;
        }
        throw new FeatureSpecError(step.path, reason);
      }
      if (step.def.crossSection !== null) {
        this.crossSections.push({ step: step.def.crossSection(step.params), sinks: this.sinksOf(step) });
        continue;
      }
      if (step.def.stream === null) {
        if (step.optional) {
          this.skipped.push({ path: step.path, reason: `${step.def.name} has no streaming twin` });
          continue;
        }
        throw new FeatureSpecError(step.path, `${step.def.name} has no streaming twin`);
      }
      const runner = this.runnerOf(
        step,
        step.source.kind === "context"
          ? (av.context.get(step.source.ticker)?.timeframe ?? options.timeframe)
          : options.timeframe,
      );
      if (step.source.kind === "context") {
        const t = step.source.ticker;
        const list = contextSteps.get(t) ?? [];
        list.push(runner);
        contextSteps.set(t, list);
      } else {
        this.base.push(runner);
        this.benchmarkOf.push(step.def.needsBenchmark ? (step.params.benchmark as string) : null);
      }
    }
    for (const [t, list] of contextSteps) this.contextRunners.set(t, list);
    this.row = new Float64Array(this.names.length).fill(Number.NaN);
    this.last = new Float64Array(this.names.length).fill(Number.NaN);
  }

  private runnerOf(step: IndicatorStep, timeframe: Timeframe): Runner {
    const stream = step.def.stream as NonNullable<IndicatorStep["def"]["stream"]>;
    return { step: stream(step.params, timeframe), sinks: this.sinksOf(step) };
  }

  /** The step's columns, named and numbered in frame order. */
  private sinksOf(step: IndicatorStep): Sink[] {
    const sinks: Sink[] = [];
    for (const out of step.outputs) {
      if (out.raw) {
        sinks.push({ output: out.output, chain: [], col: this.names.length });
        this.names.push(out.name);
      }
      for (const c of out.chains) {
        sinks.push({ output: out.output, chain: c.transforms.map(transformStream), col: this.names.length });
        this.names.push(c.name);
      }
    }
    return sinks;
  }

  private run(runner: Runner, bar: OhlcvBar, benchmark: number): void {
    this.write(runner.sinks, runner.step.update(bar, benchmark));
  }

  private write(sinks: readonly Sink[], values: Record<string, number>): void {
    for (const s of sinks) {
      let v = values[s.output];
      for (const f of s.chain) v = f(v);
      this.row[s.col] = v;
    }
  }

  /** Feed the next bar of a context series (VIX, the benchmark) once it is visible. */
  pushContext(ticker: string, bar: OhlcvBar): void {
    this.lastClose.set(ticker, bar.close);
    const runners = this.contextRunners.get(ticker);
    if (runners) for (const r of runners) this.run(r, bar, Number.NaN);
    // Breadth reads a proxy ETF's close (the bundled ETF files have no adjusted close). One that
    // is also the base series enters once, with the base bars (as in batch).
    if (isProxy(ticker) && ticker !== this.ticker)
      for (const c of this.crossSections) c.step.pushProxy(ticker, bar.ts, bar.close);
  }

  /**
   * Feed the next daily bar of a universe name (breadth), once it has closed; `price` is the
   * price breadth reads: the adjusted close (as the universe files carry it).
   */
  pushUniverse(ticker: string, bar: { ts: number; price: number }): void {
    if (!this.hasUniverse) {
      throw new RangeError(`pushUniverse(${ticker}): the stream was built without options.universe`);
    }
    for (const c of this.crossSections) c.step.pushUniverse(ticker, bar.ts, bar.price);
  }

  /** Feed the next base bar; returns the feature row (a buffer reused by the next call). */
  update(bar: OhlcvBar): Float64Array {
    for (let k = 0; k < this.base.length; k++) {
      const b = this.benchmarkOf[k];
      const bench = b === null ? Number.NaN : b === this.ticker ? bar.close : (this.lastClose.get(b) ?? Number.NaN);
      this.run(this.base[k], bar, bench);
    }
    for (const c of this.crossSections) {
      if (isProxy(this.ticker)) c.step.pushProxy(this.ticker, bar.ts, bar.close);
      this.write(c.sinks, c.step.at(bar.ts));
    }
    if (!this.ffill) return this.row;
    for (let j = 0; j < this.row.length; j++) {
      if (Number.isNaN(this.row[j])) this.row[j] = this.last[j];
      else this.last[j] = this.row[j];
    }
    return this.row;
  }
}
