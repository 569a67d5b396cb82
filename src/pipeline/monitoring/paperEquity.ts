/**
 * The monitoring page's paper-trading panel reads through this one function. Paper trading
 * (issue 18, item 4) stores its runs elsewhere; until it is wired here there is no paper run to
 * show, and the panel says so.
 */
import type { Store } from "../../store";

export interface PaperEquity {
  /** The paper run's bars, UTC epoch ms, oldest first. */
  readonly ts: readonly number[];
  /** Paper equity at each bar's close. */
  readonly equity: readonly number[];
  /** The benchmark's equity (buy and hold) at the same bars. */
  readonly benchmark: { readonly name: string; readonly values: readonly number[] };
}

/** The latest paper run of `model/version`, or null when it has none. */
export async function paperEquity(
  _store: Store,
  _model: { name: string; version: string },
): Promise<PaperEquity | null> {
  return null;
}
