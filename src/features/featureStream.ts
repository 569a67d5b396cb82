/**
 * One bar in, one feature row out: the streaming twin of {@link computeFeatures}, built from the
 * indicators' streaming twins. Its rows equal the batch frame's (NaN policy `keep` or `ffill`).
 *
 * Context series (VIX, the benchmark, the breadth proxy ETFs) are pushed with `pushContext` as
 * their bars become visible (the batch rule, visibility.ts: a same-timeframe bar with the base
 * bar, a daily bar under intraday bars once it has closed), each bar once and in order; `update`
 * then uses the latest pushed values. Breadth (daily bars) reads the proxy ETFs among the base
 * and context bars and, when `universe` is set, the universe's daily bars pushed with
 * `pushUniverse`: every member's bar of a date before the base bar of that date.
 *
 * Higher timeframes (`timeframes: [1w]`, an entry's own `timeframe`) resample the base bars as
 * they come (ResampleStream, the batch's buckets); a higher bar is computed when it completes
 * and its values shown from the first base bar closing at or after its close (the batch's
 * higherTimeframeIndex), so a week cut short by the end of the data stays invisible, as in
 * batch. `cs_rank` reruns the indicator on every universe member's bars as they are pushed and
 * ranks the base value among the members' values of the base bar's date. Column entries
 * transform a finished column's value bar by bar; the NaN policy comes last, as in batch.
 */
import { ResampleStream, type Timeframe } from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";
import { type Availability, parseFeaturesConfig, unavailableReason } from "./computeFeatures";
import type { CrossSectionStep, StreamCore } from "./indicators/descriptor";
import { type ColumnStep, featurePlan, type IndicatorStep, missingColumnError } from "./featurePlan";
import { FeatureSpecError } from "./featureSpecError";
import type { FeaturesConfig, FeaturesConfigInput } from "./featuresConfig";
import type { OhlcvBar } from "./indicators";
import { RecentCloses } from "./recentCloses";
import { DEFAULT_REGIME_SETTINGS, RegimeFeatureStream } from "./regimeFeatures";
import type { RegimesConfig } from "./regimes";
import { type Transform, transformStream } from "./transforms";
import { BarCloseClock } from "./visibility";

export interface FeatureStreamOptions {
  ticker: string;
  timeframe: Timeframe;
  hasVolume: boolean;
  /** Context series that will be pushed, with their timeframe and whether they carry volume. */
  context?: Record<string, { timeframe: Timeframe; hasVolume: boolean }>;
  /** The universe's daily bars will be pushed with `pushUniverse` (breadth, cs_rank; default false). */
  universe?: boolean;
  /** Settings of `features.regimes` columns: the experiment's `regimes:` block (default its defaults). */
  regimes?: RegimesConfig;
}

/** One column's producer: an output of a step, through a chain of transforms (cs_rank excluded: ranked after). */
interface Sink {
  output: string;
  chain: ((x: number) => number)[];
  col: number;
}

interface Runner {
  step: StreamCore;
  sinks: Sink[];
  /** The benchmark ticker the step reads, or null. */
  benchmark: string | null;
}

interface CrossSectionRunner {
  step: CrossSectionStep;
  sinks: Sink[];
}

/** The columns of one higher timeframe: its resampled bars, its steps and the values visible so far. */
interface HigherTimeframe {
  timeframe: Timeframe;
  bars: ResampleStream;
  clock: BarCloseClock;
  runners: Runner[];
  cols: number[];
  /** Completed bars' values (over `cols`) waiting for a base bar closing at or after `close`. */
  pending: { close: number; values: Float64Array }[];
  visible: Float64Array;
}

/** A member of the universe as one cs_rank step sees it: its twin of the step, its chains, its latest values. */
interface RankMember {
  core: StreamCore;
  chains: ((x: number) => number)[][];
  values: Float64Array;
  /** Timestamp of the bar `values` belong to. */
  ts: number;
}

/** A step with cs_rank chains: the columns it ranks and the universe members' twins. */
interface RankGroup {
  step: IndicatorStep;
  /** Per ranked column: the output, the transforms before cs_rank, the column. */
  chains: { output: string; prior: readonly Transform[]; col: number }[];
  members: Map<string, RankMember>;
}

const isProxy = (ticker: string) => (BREADTH_PROXY_TICKERS as readonly string[]).includes(ticker);

/** Benchmark closes kept per series for the members' and higher timeframes' lookups (sessions). */
const RECENT_CLOSES = 64;

export class FeatureStream {
  readonly names: string[] = [];
  /** Preset entries left out, as in the batch report. */
  readonly skipped: { path: string; reason: string }[] = [];
  /**
   * The context series the columns read (as a source or a benchmark), by the first step reading
   * each, in plan order: the batch refuses an input where one does not cover the bars.
   */
  readonly contextNeeds: { path: string; ticker: string }[] = [];
  private readonly base: Runner[] = [];
  private readonly contextRunners = new Map<string, Runner[]>();
  private readonly crossSections: CrossSectionRunner[] = [];
  private readonly higher: HigherTimeframe[] = [];
  private readonly ranks: RankGroup[] = [];
  /** Universe bars pushed for cs_rank, run at the next base bar (whose close a member's benchmark may read). */
  private readonly memberQueue: { ticker: string; bar: OhlcvBar }[] = [];
  private readonly lastClose = new Map<string, number>();
  /** Recent closes of the benchmarks members read (by ticker; the base's too). */
  private readonly recent = new Map<string, RecentCloses>();
  /** Per higher timeframe and context benchmark: that series resampled, its bars' closes by timestamp. */
  private readonly higherBenchmarks: {
    ticker: string;
    timeframe: Timeframe;
    bars: ResampleStream | null;
    closes: RecentCloses;
  }[] = [];
  /** Column entries' chains, in plan order: from a column's value, after every step has written the row. */
  private readonly columnChains: { from: number; chain: ((x: number) => number)[]; col: number }[] = [];
  private readonly owner = new Map<string, string>();
  private readonly baseClock: BarCloseClock;
  private readonly row: Float64Array;
  private readonly scratch: Float64Array;
  private readonly last: Float64Array;
  private readonly out: Float64Array;
  private readonly ffill: boolean;
  private readonly ticker: string;
  private readonly hasUniverse: boolean;
  private readonly contextTimeframes: ReadonlyMap<string, { timeframe: Timeframe; hasVolume: boolean }>;
  /** `features.regimes` columns, written from `regimeOffset` on. */
  private readonly regimes: RegimeFeatureStream;
  private readonly regimeOffset: number;

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
    this.baseClock = new BarCloseClock(options.timeframe);
    const av: Availability = {
      baseTicker: options.ticker,
      timeframe: options.timeframe,
      hasVolume: options.hasVolume,
      context: new Map(Object.entries(options.context ?? {})),
      hasUniverse: options.universe === true,
    };
    this.contextTimeframes = av.context;
    const plan = featurePlan(config, options.timeframe);
    for (const step of plan.steps) {
      if (step.kind === "column") {
        this.columnOf(step);
        continue;
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
      const source = step.source;
      const benchmark = step.def.needsBenchmark ? (step.params.benchmark as string) : null;
      for (const t of [source.kind === "context" ? source.ticker : null, benchmark]) {
        if (t !== null && t !== this.ticker && !this.contextNeeds.some((c) => c.ticker === t)) {
          this.contextNeeds.push({ path: step.path, ticker: t });
        }
      }
      if (source.kind === "context") {
        const runner = this.runnerOf(step, av.context.get(source.ticker)?.timeframe ?? options.timeframe);
        const list = this.contextRunners.get(source.ticker) ?? [];
        list.push(runner);
        this.contextRunners.set(source.ticker, list);
      } else if (source.kind === "timeframe") {
        const h = this.higherOf(source.timeframe, options.timeframe);
        const runner = this.runnerOf(step, source.timeframe);
        h.runners.push(runner);
        for (const s of runner.sinks) h.cols.push(s.col);
        if (runner.benchmark !== null && runner.benchmark !== this.ticker) {
          this.watchHigherBenchmark(runner.benchmark, source.timeframe);
        }
      } else {
        this.base.push(this.runnerOf(step, options.timeframe));
      }
    }
    this.regimes = new RegimeFeatureStream(config, options.regimes ?? DEFAULT_REGIME_SETTINGS, plan.excluded, {
      ticker: options.ticker,
      timeframe: options.timeframe,
      context: [...av.context.keys()],
      universe: this.hasUniverse,
    });
    if (this.regimes.crossSection) this.crossSections.push({ step: this.regimes.crossSection, sinks: [] });
    this.regimeOffset = this.names.length;
    for (const name of this.regimes.names) this.name("features.regimes", name);
    for (const h of this.higher) h.visible = new Float64Array(h.cols.length).fill(Number.NaN);
    for (const g of this.ranks) {
      const b = g.step.def.needsBenchmark ? (g.step.params.benchmark as string) : null;
      if (b !== null) this.watchRecent(b);
    }
    this.row = new Float64Array(this.names.length).fill(Number.NaN);
    this.scratch = new Float64Array(this.names.length).fill(Number.NaN);
    this.last = new Float64Array(this.names.length).fill(Number.NaN);
    this.out = new Float64Array(this.names.length);
  }

  /** Transforms of a column made above, applied to its finished value at each bar (as the batch transforms the frame's column). */
  private columnOf(step: ColumnStep): void {
    const from = this.names.indexOf(step.column);
    if (from < 0) {
      throw missingColumnError(step, this.names);
    }
    for (const c of step.chains) {
      this.columnChains.push({ from, chain: c.transforms.map(transformStream), col: this.names.length });
      this.name(step.path, c.name);
    }
  }

  /** Appends a column name; two steps making one name is the batch's error too. */
  private name(path: string, name: string): void {
    const prev = this.owner.get(name);
    if (prev !== undefined) throw new FeatureSpecError(path, `column ${name} is already made by ${prev}`);
    this.owner.set(name, path);
    this.names.push(name);
  }

  private higherOf(timeframe: Timeframe, base: Timeframe): HigherTimeframe {
    let h = this.higher.find((x) => x.timeframe === timeframe);
    if (!h) {
      h = {
        timeframe,
        bars: new ResampleStream(base, timeframe, `FeatureStream ${this.ticker} ${base}→${timeframe}`),
        clock: new BarCloseClock(timeframe),
        runners: [],
        cols: [],
        pending: [],
        visible: new Float64Array(0),
      };
      this.higher.push(h);
    }
    return h;
  }

  private watchRecent(ticker: string): void {
    if (!this.recent.has(ticker)) this.recent.set(ticker, new RecentCloses(ticker, RECENT_CLOSES));
  }

  /** A higher-timeframe step's benchmark is the context series resampled to that timeframe (as in batch). */
  private watchHigherBenchmark(ticker: string, timeframe: Timeframe): void {
    if (this.higherBenchmarks.some((w) => w.ticker === ticker && w.timeframe === timeframe)) return;
    const own = this.contextTimeframes.get(ticker)?.timeframe as Timeframe;
    this.higherBenchmarks.push({
      ticker,
      timeframe,
      bars:
        own === timeframe
          ? null
          : new ResampleStream(own, timeframe, `FeatureStream context ${ticker} ${own}→${timeframe}`),
      closes: new RecentCloses(`${ticker} ${timeframe}`, RECENT_CLOSES),
    });
  }

  private runnerOf(step: IndicatorStep, timeframe: Timeframe): Runner {
    const stream = step.def.stream as NonNullable<IndicatorStep["def"]["stream"]>;
    return {
      step: stream(step.params, timeframe),
      sinks: this.sinksOf(step),
      benchmark: step.def.needsBenchmark ? (step.params.benchmark as string) : null,
    };
  }

  /** The step's columns, named and numbered in frame order; cs_rank chains register their rank group. */
  private sinksOf(step: IndicatorStep): Sink[] {
    const sinks: Sink[] = [];
    let group: RankGroup | null = null;
    for (const out of step.outputs) {
      if (out.raw) {
        sinks.push({ output: out.output, chain: [], col: this.names.length });
        this.name(step.path, out.name);
      }
      for (const c of out.chains) {
        const ranked = c.transforms.some((t) => t.kind === "cs_rank");
        const prior = c.transforms.filter((t) => t.kind !== "cs_rank");
        if (ranked) {
          if (step.source.kind !== "base" || step.def.stream === null) {
            throw new FeatureSpecError(
              step.path,
              `cs_rank ranks the daily bars of the universe; the stream ranks entries on the bars themselves, not on ${step.source.kind === "timeframe" ? `a higher timeframe (${step.source.timeframe})` : step.source.kind === "context" ? `a context series (${step.source.ticker})` : "a cross-sectional indicator"}`,
            );
          }
          if (group === null) {
            group = { step, chains: [], members: new Map() };
            this.ranks.push(group);
          }
          group.chains.push({ output: out.output, prior, col: this.names.length });
        }
        sinks.push({ output: out.output, chain: prior.map(transformStream), col: this.names.length });
        this.name(step.path, c.name);
      }
    }
    return sinks;
  }

  private write(sinks: readonly Sink[], values: Record<string, number>, into: Float64Array): void {
    for (const s of sinks) {
      let v = values[s.output];
      for (const f of s.chain) v = f(v);
      into[s.col] = v;
    }
  }

  /**
   * Whether a context series changes anything this stream computes: a context entry's series, a
   * benchmark, or a breadth proxy ETF when breadth is computed. The others need not be pushed.
   */
  readsContext(ticker: string): boolean {
    return (
      this.contextNeeds.some((c) => c.ticker === ticker) ||
      (isProxy(ticker) && this.crossSections.length > 0) ||
      this.regimes.readsContext(ticker)
    );
  }

  /** Feed the next bar of a context series (VIX, the benchmark) once it is visible. */
  pushContext(ticker: string, bar: OhlcvBar): void {
    this.lastClose.set(ticker, bar.close);
    this.recent.get(ticker)?.push(bar.ts, bar.close);
    for (const w of this.higherBenchmarks) {
      if (w.ticker !== ticker) continue;
      if (w.bars === null) w.closes.push(bar.ts, bar.close);
      else {
        const done = w.bars.push(bar);
        if (done) w.closes.push(done.ts, done.close);
      }
    }
    const runners = this.contextRunners.get(ticker);
    if (runners) for (const r of runners) this.write(r.sinks, r.step.update(bar, Number.NaN), this.row);
    this.regimes.pushContext(ticker, bar);
    // Breadth reads a proxy ETF's close (the bundled ETF files have no adjusted close). One that
    // is also the base series enters once, with the base bars (as in batch).
    if (isProxy(ticker) && ticker !== this.ticker)
      for (const c of this.crossSections) c.step.pushProxy(ticker, bar.ts, bar.close);
  }

  /**
   * Feed the next daily bar of a universe name once it has closed (before the base bar of its
   * date); `price` is the price breadth reads: the adjusted close where the series has one.
   */
  pushUniverse(ticker: string, bar: OhlcvBar, price: number): void {
    if (!this.hasUniverse) {
      throw new RangeError(`pushUniverse(${ticker}): the stream was built without options.universe`);
    }
    for (const c of this.crossSections) c.step.pushUniverse(ticker, bar.ts, price);
    if (this.ranks.length > 0 && ticker !== this.ticker) this.memberQueue.push({ ticker, bar });
  }

  /** Feed the next base bar; returns the feature row (a buffer reused by the next call). */
  update(bar: OhlcvBar): Float64Array {
    this.recent.get(this.ticker)?.push(bar.ts, bar.close);
    for (const r of this.base) this.write(r.sinks, r.step.update(bar, this.benchmarkAt(r.benchmark, bar)), this.row);
    for (const c of this.crossSections) {
      if (isProxy(this.ticker)) c.step.pushProxy(this.ticker, bar.ts, bar.close);
      this.write(c.sinks, c.step.at(bar.ts), this.row);
    }
    if (this.higher.length > 0) this.updateHigher(bar);
    if (this.ranks.length > 0) this.rank(bar.ts);
    this.regimes.update(bar, this.row, this.regimeOffset);
    for (const c of this.columnChains) {
      let v = this.row[c.from];
      for (const f of c.chain) v = f(v);
      this.row[c.col] = v;
    }
    if (!this.ffill) return this.row;
    // Into another buffer: `row` keeps the values before the policy, which a context column
    // carries to the next bars and a column entry transforms (the batch applies it last).
    const { row, last, out } = this;
    for (let j = 0; j < row.length; j++) out[j] = Number.isNaN(row[j]) ? last[j] : (last[j] = row[j]);
    return out;
  }

  private benchmarkAt(ticker: string | null, bar: OhlcvBar): number {
    if (ticker === null) return Number.NaN;
    return ticker === this.ticker ? bar.close : (this.lastClose.get(ticker) ?? Number.NaN);
  }

  /**
   * Adds the bar to each higher timeframe's bar in progress; a higher bar completes when the next
   * one starts or its close time has come, and its values show from the first base bar closing
   * at or after that close.
   */
  private updateHigher(bar: OhlcvBar): void {
    const baseClose = this.baseClock.closeOf(bar.ts);
    for (const h of this.higher) {
      const done = h.bars.push(bar);
      if (done) this.computeHigher(h, done);
      const openTs = h.bars.openTs;
      if (!Number.isNaN(openTs) && h.clock.closeOf(openTs) <= baseClose)
        this.computeHigher(h, h.bars.close() as OhlcvBar);
      while (h.pending.length > 0 && h.pending[0].close <= baseClose)
        h.visible = (h.pending.shift() as HigherTimeframe["pending"][number]).values;
      for (let k = 0; k < h.cols.length; k++) this.row[h.cols[k]] = h.visible[k];
    }
  }

  private computeHigher(h: HigherTimeframe, bar: OhlcvBar): void {
    for (const r of h.runners) {
      let bench = Number.NaN;
      if (r.benchmark === this.ticker) bench = bar.close;
      else if (r.benchmark !== null) {
        const w = this.higherBenchmarks.find((x) => x.ticker === r.benchmark && x.timeframe === h.timeframe);
        // The benchmark's bar in progress is complete by now when it started at or before this
        // bar (its sessions are the base bars' so far): the batch takes the last bar stamped ≤ this one.
        const open = w?.bars?.open ?? null;
        bench = open !== null && open.ts <= bar.ts ? open.close : (w?.closes.at(bar.ts) ?? Number.NaN);
      }
      this.write(r.sinks, r.step.update(bar, bench), this.scratch);
    }
    const values = new Float64Array(h.cols.length);
    for (let k = 0; k < h.cols.length; k++) values[k] = this.scratch[h.cols[k]];
    h.pending.push({ close: h.clock.closeOf(bar.ts), values });
  }

  /** Runs the members' queued bars of dates up to `ts`, then ranks each cs_rank column among them. */
  private rank(ts: number): void {
    let kept = 0;
    for (const { ticker, bar } of this.memberQueue) {
      if (bar.ts > ts) {
        this.memberQueue[kept++] = { ticker, bar };
        continue;
      }
      for (const g of this.ranks) this.runMember(g, ticker, bar);
    }
    this.memberQueue.length = kept;
    for (const g of this.ranks) {
      g.chains.forEach((c, k) => {
        const v = this.row[c.col];
        let below = 0;
        let ties = 0;
        let count = 0;
        for (const m of g.members.values()) {
          if (m.ts !== ts) continue;
          const x = m.values[k];
          if (Number.isNaN(x)) continue;
          count++;
          if (x < v) below++;
          else if (x === v) ties++;
        }
        this.row[c.col] = count > 0 && !Number.isNaN(v) ? (below + 0.5 * ties) / count : Number.NaN;
      });
    }
  }

  private runMember(g: RankGroup, ticker: string, bar: OhlcvBar): void {
    let m = g.members.get(ticker);
    if (!m) {
      const stream = g.step.def.stream as NonNullable<IndicatorStep["def"]["stream"]>;
      m = {
        core: stream(g.step.params, "1d"),
        chains: g.chains.map((c) => c.prior.map(transformStream)),
        values: new Float64Array(g.chains.length),
        ts: Number.NaN,
      };
      g.members.set(ticker, m);
    }
    const b = g.step.def.needsBenchmark ? (g.step.params.benchmark as string) : null;
    // The batch gives a member the benchmark's close at its date or the last before it.
    const bench = b === null ? Number.NaN : (this.recent.get(b) as RecentCloses).at(bar.ts);
    const out = m.core.update(bar, bench);
    for (let k = 0; k < g.chains.length; k++) {
      let v = out[g.chains[k].output];
      for (const f of m.chains[k]) v = f(v);
      m.values[k] = v;
    }
    m.ts = bar.ts;
  }
}
