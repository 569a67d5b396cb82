import { DAY_MS, INTRADAY_TIMEFRAME_MS, isIntraday, type Timeframe } from "../../data";
import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { NewYorkClock } from "./newYorkClock";
import { type IndicatorDescriptor, type Params, int, num } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/** Slots 0..1439 are New York minutes of the day; bars stamped 00:00 UTC (daily bars) share slot 1440. */
const SLOTS = 1441;
const DAILY_SLOT = 1440;

/**
 * Per time-of-day slot, the volumes of its last `sessions` bars: the state of relative volume,
 * shared by the batch function and the stream.
 */
class SlotHistory {
  private readonly sessions: number;
  private readonly clock = new NewYorkClock();
  private readonly history: Float64Array;
  private readonly count = new Int32Array(SLOTS);
  private readonly head = new Int32Array(SLOTS);

  constructor(sessions: number) {
    this.sessions = sessions;
    this.history = new Float64Array(SLOTS * sessions);
  }

  step(ts: number, volume: number): number {
    // Daily bars carry 00:00 UTC of their date (src/data/bars.ts), which is 19:00/20:00 of the
    // previous New York day: give them one slot so relative volume compares day with day.
    const slot = ts % DAY_MS === 0 ? DAILY_SLOT : this.clock.minuteOfDay(ts);
    const k = this.sessions;
    const base = slot * k;
    let out = Number.NaN;
    if (this.count[slot] === k) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += this.history[base + j];
      // A NaN among the previous volumes makes the sum NaN, and so the output.
      out = sum > 0 ? (volume * k) / sum : Number.NaN;
    } else {
      this.count[slot]++;
    }
    const h = this.head[slot];
    this.history[base + h] = volume;
    this.head[slot] = h + 1 === k ? 0 : h + 1;
    return out;
  }
}

/**
 * Relative volume by time of day: a bar's volume divided by the mean volume of the same New
 * York minute of the day over the previous `sessions` bars in that slot (the previous N
 * sessions that traded that minute; sessions missing the minute, e.g. after an early close,
 * are skipped). NaN until a slot has `sessions` earlier bars, and when their mean is 0.
 * Intended for intraday bars; daily bars (stamped 00:00 UTC) all share one slot, which makes
 * it volume over the mean of the previous `sessions` days.
 * NaN rule: NaN when the bar's volume or any volume among the slot's previous `sessions` is NaN.
 */
export function relativeVolume(ts: Float64Array, volume: Float64Array, sessions = 20): Float64Array {
  checkPeriod("relativeVolume", "sessions", sessions, 1, 1000);
  const n = checkSameLength("relativeVolume", { ts, volume });
  requireBars("relativeVolume", n, sessions, `sessions=${sessions}`);
  const state = new SlotHistory(sessions);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = state.step(ts[i], volume[i]);
  return out;
}

/** Streaming twin of {@link relativeVolume}. */
export class RelativeVolumeStream implements StreamingIndicator<number> {
  private readonly state: SlotHistory;

  constructor(sessions = 20) {
    checkPeriod("relativeVolume", "sessions", sessions, 1, 1000);
    this.state = new SlotHistory(sessions);
  }

  update(bar: OhlcvBar): number {
    return this.state.step(bar.ts, bar.volume);
  }
}

/**
 * Bars before the first value: `sessions` on daily bars; on intraday bars an upper bound,
 * `sessions` regular sessions of 6.5 hours (a half day has fewer bars).
 */
function relativeVolumeWarmUp(p: Params, timeframe: Timeframe): number {
  const sessions = num(p, "sessions");
  return isIntraday(timeframe) ? sessions * Math.ceil(390 / (INTRADAY_TIMEFRAME_MS[timeframe] / 60_000)) : sessions;
}

export const relativeVolumeIndicator: IndicatorDescriptor = single({
  name: "relative_volume",
  family: "volume",
  params: [int("sessions", 20)],
  warmUp: relativeVolumeWarmUp,
  catalogId: "relative_volume_tod_20",
  needsVolume: true,
  batch: (b, p) => relativeVolume(b.ts, volumeOf("relative_volume", b), num(p, "sessions")),
  stream: (p) => new RelativeVolumeStream(num(p, "sessions")),
});
