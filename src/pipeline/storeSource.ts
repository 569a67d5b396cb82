/**
 * `data.source: store` for the runner's callers (a retrain, a model's backtest, `wsp run`): the
 * operational store's query as the data layer takes it (src/data/dataConfig.ts), and a store
 * opened for the call when the caller brings none.
 */
import type { LoadDataOptions } from "../data";
import { openStore, type Store } from "../store";

export type StoreQuery = NonNullable<LoadDataOptions["fromStore"]>;

/** The store's bars for `data.source: store`, in the data block's [from, to) window. */
export function storeQuery(store: Store): StoreQuery {
  return (ticker, timeframe, from, to) =>
    store.query(ticker, timeframe, {
      from: Number.isFinite(from) ? from : undefined,
      to: Number.isFinite(to) ? to : undefined,
    });
}

export interface StoreChoice {
  /** An open store (left open). */
  store?: Store;
  /** Else one is opened (DATABASE_URL, else PGlite) with this schema (default `public`), and closed after. */
  schema?: string;
}

/** Runs `fn` with the store's query when `source` is `store` (undefined otherwise). */
export async function withStoreQuery<T>(
  source: string,
  choice: StoreChoice,
  fn: (fromStore: StoreQuery | undefined) => Promise<T>,
): Promise<T> {
  if (source !== "store") return fn(undefined);
  if (choice.store) return fn(storeQuery(choice.store));
  const store = await openStore({ schema: choice.schema });
  try {
    return await fn(storeQuery(store));
  } finally {
    await store.close();
  }
}
