/**
 * What a paper run replays: the model's bars over the period, one close at a time, each with the
 * bars to ingest at that moment.
 *
 * - A daily model replays its own daily bars: its run's data block (`data.source`, the run's
 *   tickers and context) loaded through the runner's data phase up to the period's end, the bars
 *   a `backtestModel` of the same period trades (every ticker's bar on the times all share).
 * - An intraday model replays the bundled 1-minute file of each ticker (data/intraday), resampled
 *   to the model's timeframe as its bars close (ResampleStream, the batch resample's twin): a
 *   bar closes when its last minute has printed or a minute of a later bar arrives. The 1-minute
 *   bars are ingested with the bar they close; context series (daily VIX) come from the run's
 *   data block and are ingested once their session has closed.
 */
import {
  type Bars,
  DAY_MS,
  dayMsOf,
  INTRADAY_TIMEFRAME_MS,
  isIntraday,
  isSession,
  loadBundled,
  newYorkDayOf,
  newYorkToUtc,
  ResampleStream,
  type StreamBar,
  sessionClose,
  type Timeframe,
} from "../../data";
import { barAt } from "../../features";

/** A replayed bar: a daily series' adjusted close comes along (the engine implies dividends from it). */
export type ReplayBar = StreamBar & { readonly adjClose?: number };

/** One close of the model's timeframe. */
export interface ReplayClose {
  /** Open time of the model's bar: the time a forecast and the paper portfolio key it by. */
  readonly ts: number;
  /** When the bar closed: the replay clock. */
  readonly closeTime: number;
  /** Each traded ticker's bar, in the run's ticker order. */
  readonly bars: readonly ReplayBar[];
  /** What reached the store by this close: the tickers' bars (and minutes), the context that closed. */
  readonly ingest: readonly Bars[];
  /** The period's last bar: what is open closes at its close. */
  readonly last: boolean;
}

export interface Replay {
  /** Bars of the source replayed (minutes for an intraday model, daily bars else): the progress total. */
  readonly sourceBars: number;
  /** The traded bars carry an adjusted close (daily series that have one). */
  readonly adjusted: boolean;
  /** At least the number of closes (the paper portfolio's capacity). */
  readonly maxCloses: number;
  /** The closes in time order; `done` is told how many source bars are behind each. */
  closes(): Iterable<ReplayClose & { readonly sourceDone: number }>;
}

type Unmarked = Omit<ReplayClose, "last"> & { readonly sourceDone: number };

/**
 * Marks the replay's last close: each close is handed on when the next one is made, the final
 * one when the recording ends (a minute printed after an early close leaves no bar to close).
 */
function* markLast(closes: Iterable<Unmarked>): Iterable<ReplayClose & { readonly sourceDone: number }> {
  let held: Unmarked | null = null;
  for (const c of closes) {
    if (held) yield { ...held, last: false };
    held = c;
  }
  if (held) yield { ...held, last: true };
}

const MINUTE = 60_000;
const REGULAR_CLOSE_MIN = 16 * 60;

/** When a bar of `tf` opened at `ts` closes: a daily bar at its session's close. */
export function closeTimeOf(ts: number, tf: Timeframe): number {
  if (isIntraday(tf)) return Math.min(ts + INTRADAY_TIMEFRAME_MS[tf], sessionCloseOr(newYorkDayOf(ts)));
  if (tf === "1d") return sessionCloseOr(ts);
  throw new Error(`paper: timeframe ${tf} is not replayed (daily and intraday models only)`);
}

/** The session's close; 16:00 New York on a non-session (VIX prints on some NYSE holidays). */
function sessionCloseOr(day: number): number {
  return isSession(day) ? sessionClose(day) : newYorkToUtc(day, REGULAR_CLOSE_MIN);
}

function oneSeries(ticker: string, timeframe: Timeframe, bars: readonly ReplayBar[]): Bars {
  const col = (k: keyof StreamBar) => Float64Array.from(bars, (b) => b[k]);
  const adjusted = bars.length > 0 && bars.every((b) => b.adjClose !== undefined);
  const volume = col("volume");
  return {
    ticker,
    timeframe,
    ts: col("ts"),
    open: col("open"),
    high: col("high"),
    low: col("low"),
    close: col("close"),
    volume: volume.some((v) => !Number.isNaN(v)) ? volume : null,
    adjClose: adjusted ? Float64Array.from(bars, (b) => b.adjClose as number) : null,
  };
}

function barOf(b: Bars, i: number): ReplayBar {
  const bar = barAt(b, i);
  return b.adjClose ? { ...bar, adjClose: b.adjClose[i] } : bar;
}

/** Context bars handed out as their close passes the replay clock. */
class ContextQueue {
  private readonly next: number[];
  constructor(
    private readonly series: readonly Bars[],
    from: number,
  ) {
    this.next = series.map((s) => s.ts.findIndex((t) => t >= from)).map((i) => (i < 0 ? Number.MAX_SAFE_INTEGER : i));
  }

  /** The context bars closed by `clock`, one series each (empty series left out). */
  closedBy(clock: number): Bars[] {
    const out: Bars[] = [];
    this.series.forEach((s, k) => {
      const taken: ReplayBar[] = [];
      while (this.next[k] < s.ts.length && closeTimeOf(s.ts[this.next[k]], s.timeframe) <= clock) {
        taken.push(barOf(s, this.next[k]++));
      }
      if (taken.length > 0) out.push(oneSeries(s.ticker, s.timeframe, taken));
    });
    return out;
  }
}

/** A daily model's own bars from `from` on (the data phase's, already cut at the period's end). */
export function dailyReplay(tickerBars: readonly Bars[], context: readonly Bars[], from: string): Replay {
  const start = dayMsOf(from);
  // The times every ticker has: the bars a backtest of the period trades (tradedMarket.ts).
  let shared = Array.from(tickerBars[0].ts).filter((t) => t >= start);
  for (const b of tickerBars.slice(1)) {
    const own = new Set(b.ts);
    shared = shared.filter((t) => own.has(t));
  }
  const queue = new ContextQueue([...tickerBars, ...context], start);
  const index = tickerBars.map((b) => new Map(Array.from(b.ts, (t, i) => [t, i])));
  return {
    sourceBars: shared.length,
    adjusted: tickerBars.every((b) => b.adjClose !== null),
    maxCloses: shared.length,
    closes: () => markLast(dailyCloses()),
  };
  function* dailyCloses(): Iterable<Unmarked> {
    for (const [k, ts] of shared.entries()) {
      const closeTime = closeTimeOf(ts, "1d");
      yield {
        ts,
        closeTime,
        bars: tickerBars.map((b, a) => barOf(b, index[a].get(ts) as number)),
        ingest: queue.closedBy(closeTime),
        sourceDone: k + 1,
      };
    }
  }
}

/**
 * An intraday model's bars resampled from the bundled minutes of `tickers` over the New York
 * days [from, to]; `context` (daily) ingested as each session closes.
 */
export function minuteReplay(
  tickers: readonly string[],
  timeframe: Timeframe,
  context: readonly Bars[],
  period: { from: string; to: string },
  dataDir?: string,
): Replay {
  if (!isIntraday(timeframe) || timeframe === "1m") {
    throw new Error(`paper: an intraday model's timeframe must be coarser than 1m, got ${timeframe}`);
  }
  const from = newYorkToUtc(dayMsOf(period.from), 0);
  const to = newYorkToUtc(dayMsOf(period.to) + DAY_MS, 0);
  const minutes = tickers.map((t) => {
    const all = loadBundled(t, "1m", dataDir);
    const i0 = all.ts.findIndex((x) => x >= from);
    const i1 = all.ts.findIndex((x) => x >= to);
    const sliced = { lo: i0 < 0 ? all.ts.length : i0, hi: i1 < 0 ? all.ts.length : i1 };
    if (sliced.hi <= sliced.lo) {
      const covers = `${new Date(all.ts[0]).toISOString()}..${new Date(all.ts[all.ts.length - 1]).toISOString()}`;
      throw new Error(
        `paper: the bundled 1m file of ${t} has no bars in ${period.from}..${period.to}; it covers ${covers}`,
      );
    }
    return { bars: all, ...sliced };
  });
  const times = [...new Set(minutes.flatMap((m) => Array.from(m.bars.ts.subarray(m.lo, m.hi))))].sort((a, b) => a - b);
  const sourceBars = minutes.reduce((n, m) => n + m.hi - m.lo, 0);
  return {
    sourceBars,
    adjusted: false,
    maxCloses: times.length,
    closes: () => markLast(minuteCloses()),
  };
  function* minuteCloses(): Iterable<Unmarked> {
    const streams = tickers.map((t) => new ResampleStream("1m", timeframe, `paper ${t} 1m`));
    const cursor = minutes.map((m) => m.lo);
    const pendingMinutes: StreamBar[][] = tickers.map(() => []);
    const done: Map<number, StreamBar>[] = tickers.map(() => new Map());
    const queue = new ContextQueue(context, newYorkDayOf(from));
    let sourceDone = 0;
    for (const [k, minute] of times.entries()) {
      const final = k === times.length - 1;
      tickers.forEach((_, a) => {
        const m = minutes[a];
        if (cursor[a] < m.hi && m.bars.ts[cursor[a]] === minute) {
          const bar = barOf(m.bars, cursor[a]++);
          sourceDone++;
          pendingMinutes[a].push(bar);
          const closed = streams[a].push(bar);
          if (closed) done[a].set(closed.ts, closed);
        }
        // A bucket closes with its last minute (or the session's), not only when the next one opens.
        const open = streams[a].openTs;
        if (final || (!Number.isNaN(open) && minute + MINUTE >= closeTimeOf(open, timeframe))) {
          const closed = streams[a].close();
          if (closed) done[a].set(closed.ts, closed);
        }
      });
      // A time is traded once every ticker has closed its bar there (times some ticker lacks are skipped).
      const ready = [...done[0].keys()].filter((ts) => done.every((d) => d.has(ts))).sort((x, y) => x - y);
      for (const ts of ready) {
        const closeTime = closeTimeOf(ts, timeframe);
        const ingest = [
          ...tickers.map((t, a) => oneSeries(t, timeframe, [done[a].get(ts) as StreamBar])),
          ...tickers.map((t, a) => oneSeries(t, "1m", pendingMinutes[a].splice(0))).filter((s) => s.ts.length > 0),
          ...queue.closedBy(closeTime),
        ];
        const bars = done.map((d) => d.get(ts) as StreamBar);
        for (const d of done) for (const t of [...d.keys()]) if (t <= ts) d.delete(t);
        yield { ts, closeTime, bars, ingest, sourceDone };
      }
    }
  }
}
