/**
 * A forecast request's fields, checked before anything is computed: each malformed one is a
 * `bad_request` that names it.
 */
import { DAY_MS, dayMsOf, quoteInput, tickerProblem } from "../../data";
import { ForecastError } from "./forecastTypes";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function checkTicker(ticker: string): string {
  const problem = tickerProblem(ticker);
  if (problem) throw new ForecastError("bad_request", `ticker: ${problem}`, "ticker");
  return ticker;
}

/**
 * `asof` as epoch ms: the forecast is made at the latest bar whose open time is at or before it.
 * A date means the end of that day (UTC), so it takes the day's daily bar and its last intraday
 * bar; a date-time must carry its zone, since a bare local time is ambiguous.
 */
export function parseAsof(asof: string): number {
  const fail = () =>
    new ForecastError(
      "bad_request",
      `asof: expected an ISO date (2024-06-03) or a date-time with its zone (2024-06-03T15:30:00Z), got ${quoteInput(asof)}`,
      "asof",
    );
  if (DATE.test(asof)) {
    let day: number;
    try {
      day = dayMsOf(asof);
    } catch {
      throw fail();
    }
    if (new Date(day).toISOString().slice(0, 10) !== asof) throw fail();
    return day + DAY_MS - 1;
  }
  if (!DATE_TIME.test(asof)) throw fail();
  const ms = Date.parse(asof);
  if (!Number.isFinite(ms)) throw fail();
  return ms;
}
