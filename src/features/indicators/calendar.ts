import { isIntraday, civilFromDays, DAY_MS, weekdayOfDay } from "../../data";
import { define, perBar, type RowFiller, RowFillerStream } from "./_shared/describe";
import type { IndicatorDescriptor } from "./descriptor";
import type { OhlcvBar } from "./indicator";
import { NewYorkClock } from "./newYorkClock";

const CALENDAR = ["dayOfWeek", "month", "dayOfMonth", "weekOfYear"] as const;

/**
 * Calendar of a bar's date, in CALENDAR order: the UTC date for daily/weekly bars (stamped 00:00
 * UTC), else the New York date. The civil date is recomputed only when the day changes.
 */
class CalendarOf implements RowFiller {
  private readonly clock = new NewYorkClock();
  private day = Number.NaN;
  private readonly cached = new Float64Array(4);

  constructor(private readonly intraday: boolean) {}

  fillAt(ts: number, row: Float64Array): void {
    const day = this.intraday ? this.clock.day(ts) : Math.floor(ts / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      const [y, m, d] = civilFromDays(day);
      this.cached[0] = weekdayOfDay(day);
      this.cached[1] = m;
      this.cached[2] = d;
      this.cached[3] = Math.floor((day - Math.floor(Date.UTC(y, 0, 1) / DAY_MS)) / 7) + 1;
    }
    row.set(this.cached);
  }

  fill(bar: OhlcvBar, row: Float64Array): void {
    this.fillAt(bar.ts, row);
  }
}

/** Day of week, month, day of month and week of year of each bar. */
export const calendarIndicator: IndicatorDescriptor = define({
  name: "calendar",
  family: "calendar",
  params: [],
  outputs: CALENDAR,
  warmUp: () => 0,
  catalogId: null,
  baseOnly: true,
  batch: (b) => {
    const cal = new CalendarOf(isIntraday(b.timeframe));
    return perBar(CALENDAR, b.ts.length, (i, row) => cal.fillAt(b.ts[i], row));
  },
  stream: (_p, tf) => new RowFillerStream(CALENDAR, new CalendarOf(isIntraday(tf))),
});
