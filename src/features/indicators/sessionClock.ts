import {
  INTRADAY_TIMEFRAME_MS,
  isIntraday,
  type Timeframe,
  isSession,
  sessionClose,
  sessionOpen,
  DAY_MS,
} from "../../data";
import { define, perBar, type RowFiller, RowFillerStream } from "./_shared/describe";
import type { IndicatorDescriptor } from "./descriptor";
import type { OhlcvBar } from "./indicator";
import { NewYorkClock } from "./newYorkClock";

const CLOCK = ["hour", "minutesSinceOpen", "minutesToClose", "sessionSegment", "sessionHours"] as const;

/**
 * Intraday clock of a bar, in CLOCK order: New York hour, minutes from the session open to the
 * bar's open, minutes from the bar's close to the session close, the session segment (0 first
 * 30 minutes, 1 to 12:00, 2 to 14:00, 3 until the last 30 minutes, 4 the last 30 minutes; NaN
 * outside regular hours) and the hours (−1 pre-market, 0 regular, 1 after hours; NaN on a
 * non-session). Session bounds are looked up once per day.
 */
class ClockOf implements RowFiller {
  private readonly clock = new NewYorkClock();
  private day = Number.NaN;
  private open = Number.NaN;
  private close = Number.NaN;

  constructor(private readonly stepMs: number) {}

  fillAt(ts: number, row: Float64Array): void {
    const day = this.clock.day(ts) * DAY_MS;
    if (day !== this.day) {
      this.day = day;
      const session = isSession(day);
      this.open = session ? sessionOpen(day) : Number.NaN;
      this.close = session ? sessionClose(day) : Number.NaN;
    }
    const minute = this.clock.minuteOfDay(ts);
    row[0] = Math.floor(minute / 60);
    if (Number.isNaN(this.open)) {
      row[1] = row[2] = row[3] = row[4] = Number.NaN;
      return;
    }
    const since = (ts - this.open) / 60_000;
    const toClose = (this.close - (ts + this.stepMs)) / 60_000;
    row[1] = since;
    row[2] = toClose;
    const regular = ts >= this.open && ts < this.close;
    row[4] = ts < this.open ? -1 : regular ? 0 : 1;
    row[3] = !regular
      ? Number.NaN
      : since < 30
        ? 0
        : toClose < 30 - this.stepMs / 60_000
          ? 4
          : minute < 12 * 60
            ? 1
            : minute < 14 * 60
              ? 2
              : 3;
  }

  fill(bar: OhlcvBar, row: Float64Array): void {
    this.fillAt(bar.ts, row);
  }
}

function stepOf(tf: Timeframe): number {
  return isIntraday(tf) ? INTRADAY_TIMEFRAME_MS[tf] : DAY_MS;
}

/** Where each intraday bar sits in its New York session. */
export const sessionClockIndicator: IndicatorDescriptor = define({
  name: "clock",
  family: "calendar",
  params: [],
  outputs: CLOCK,
  warmUp: () => 0,
  catalogId: null,
  baseOnly: true,
  intradayOnly: true,
  batch: (b) => {
    const clock = new ClockOf(stepOf(b.timeframe));
    return perBar(CLOCK, b.ts.length, (i, row) => clock.fillAt(b.ts[i], row));
  },
  stream: (_p, tf) => new RowFillerStream(CLOCK, new ClockOf(stepOf(tf))),
});
