/**
 * Alignment of several series of one timeframe on the session calendar (e.g. VIX with SPY):
 * an inner join by timestamp that keeps only calendar sessions (intraday: regular-hours bars)
 * present in every series, and reports per series what the join dropped and why.
 */
import { type Bars, isIntraday } from "./bars";
import { isSession, sessionClose, sessionOpen } from "./calendar";
import { DAY_MS, isoDate, isoNewYork, newYorkDayOf } from "./newYorkTime";

export interface AlignDropped {
  ticker: string;
  /** Rows on sessions the other series lack (ISO timestamps). */
  notInOthers: string[];
  /** Rows not on the calendar: non-sessions, or intraday bars outside regular hours. */
  offCalendar: string[];
}

export interface AlignResult {
  /** The input series restricted to the common timestamps, in input order. */
  bars: Bars[];
  /** The common timestamps (UTC ms). */
  ts: Float64Array;
  dropped: AlignDropped[];
}

function onCalendar(t: number, intraday: boolean): boolean {
  if (!intraday) return isSession(Math.floor(t / DAY_MS) * DAY_MS);
  const day = newYorkDayOf(t);
  return isSession(day) && t >= sessionOpen(day) && t < sessionClose(day);
}

export function alignOnCalendar(series: readonly Bars[]): AlignResult {
  if (series.length === 0) throw new RangeError("alignOnCalendar: no series given");
  const tf = series[0].timeframe;
  for (const s of series) {
    if (s.timeframe !== tf) {
      throw new RangeError(
        `alignOnCalendar: ${s.ticker} is ${s.timeframe}, ${series[0].ticker} is ${tf}; resample first`,
      );
    }
  }
  const intraday = isIntraday(tf);
  const weekly = tf === "1w";
  const stamp = (t: number) => (intraday ? isoNewYork(t) : isoDate(t));
  const counts = new Map<number, number>();
  for (const s of series) for (const t of s.ts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const keep = (t: number) => counts.get(t) === series.length && (weekly || onCalendar(t, intraday));
  const common = series[0].ts.filter(keep);
  const dropped: AlignDropped[] = [];
  const bars = series.map((s) => {
    const idx: number[] = [];
    const d: AlignDropped = { ticker: s.ticker, notInOthers: [], offCalendar: [] };
    for (let i = 0; i < s.ts.length; i++) {
      const t = s.ts[i];
      if (keep(t)) idx.push(i);
      else if (!weekly && !onCalendar(t, intraday)) d.offCalendar.push(stamp(t));
      else d.notInOthers.push(stamp(t));
    }
    dropped.push(d);
    const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i]);
    return {
      ticker: s.ticker,
      timeframe: tf,
      ts: pick(s.ts),
      open: pick(s.open),
      high: pick(s.high),
      low: pick(s.low),
      close: pick(s.close),
      volume: s.volume ? pick(s.volume) : null,
      adjClose: s.adjClose ? pick(s.adjClose) : null,
    };
  });
  return { bars, ts: common, dropped };
}
