import type { Timeframe } from "../data";

/** Bars per year: 252 sessions; intraday bars per 6.5-hour regular session (early closes ignored). */
export function periodsPerYear(timeframe: Timeframe): number {
  switch (timeframe) {
    case "1d":
      return 252;
    case "1w":
      return 52;
    case "1h":
      return 252 * 6.5;
    case "15m":
      return 252 * 26;
    case "5m":
      return 252 * 78;
    case "1m":
      return 252 * 390;
  }
}
