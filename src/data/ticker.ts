/**
 * What a ticker may be: 1 to 32 characters, none of them whitespace, a comma or a control
 * character. The CSV loaders apply it to every ticker they read (so `wsp data validate` refuses
 * what an ingest would), and the store to every series it writes. The bars table's CHECK
 * (store migration 0001, `^[^[:space:],]{1,32}$`) is the database's copy of the same rule;
 * control characters are refused here as well, since PostgreSQL text cannot hold a NUL.
 */
import { quoteInput } from "./quoteInput";

const TICKER = /^[^\s,\p{Cc}]{1,32}$/u;

export const TICKER_RULE = "1 to 32 characters without spaces, commas or control characters";

/** Null for a valid ticker, else what is wrong with it (the ticker quoted). */
export function tickerProblem(ticker: string): string | null {
  return TICKER.test(ticker) ? null : `ticker ${quoteInput(ticker)} is not valid: expected ${TICKER_RULE}`;
}
