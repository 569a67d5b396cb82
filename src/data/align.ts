/**
 * Alignment of several series of one timeframe on the session calendar (e.g. VIX with SPY):
 * an inner join by timestamp that keeps only calendar sessions (intraday: regular-hours bars)
 * present in every series, and reports per series what the join dropped and why.
 */
import { type Bars, isIntraday } from "./bars";
import { isSession } from "./calendar";
import { DAY_MS, isoDate, isoNewYork } from "./newYorkTime";
import { SessionDay } from "./sessionDay";

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

/** Calendar membership test with the session bounds of the current day cached (inputs are sorted). */
function calendarTest(intraday: boolean): (t: number) => boolean {
  if (!intraday) return (t) => isSession(Math.floor(t / DAY_MS) * DAY_MS);
  const nyDay = new SessionDay();
  return (t) => nyDay.inRegularHours(t);
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
    for (let i = 1; i < s.ts.length; i++) {
      if (!(s.ts[i] > s.ts[i - 1])) {
        throw new RangeError(
          `alignOnCalendar: ${s.ticker} timestamps not strictly increasing at row ${i}; validate first`,
        );
      }
    }
  }
  const intraday = isIntraday(tf);
  const weekly = tf === "1w";
  const stamp = (t: number) => (intraday ? isoNewYork(t) : isoDate(t));
  const onCalendar = calendarTest(intraday);
  // Sorted intersection: one pointer per series.
  const ptr = new Int32Array(series.length);
  const common: number[] = [];
  const first = series[0].ts;
  outer: for (let i = 0; i < first.length; i++) {
    const t = first[i];
    for (let k = 1; k < series.length; k++) {
      const ts = series[k].ts;
      let p = ptr[k];
      while (p < ts.length && ts[p] < t) p++;
      ptr[k] = p;
      if (p === ts.length || ts[p] !== t) continue outer;
    }
    if (weekly || onCalendar(t)) common.push(t);
  }
  const dropped: AlignDropped[] = [];
  const bars = series.map((s) => {
    const idx = new Int32Array(s.ts.length);
    let m = 0;
    const d: AlignDropped = { ticker: s.ticker, notInOthers: [], offCalendar: [] };
    const test = calendarTest(intraday);
    let j = 0;
    for (let i = 0; i < s.ts.length; i++) {
      const t = s.ts[i];
      while (j < common.length && common[j] < t) j++;
      if (j < common.length && common[j] === t) idx[m++] = i;
      else if (!weekly && !test(t)) d.offCalendar.push(stamp(t));
      else d.notInOthers.push(stamp(t));
    }
    dropped.push(d);
    const pick = (a: Float64Array) => {
      const out = new Float64Array(m);
      for (let r = 0; r < m; r++) out[r] = a[idx[r]];
      return out;
    };
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
  return { bars, ts: Float64Array.from(common), dropped };
}
