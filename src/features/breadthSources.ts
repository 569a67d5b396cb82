/** The bundled inputs of {@link breadth}: the stock universe and the proxy ETFs, read from data/. */
import type { Bars } from "../data";
import { loadBundled, loadUniverse } from "../data";
import { BREADTH_PROXY_TICKERS } from "./breadth";

export interface BreadthSources {
  universe: Map<string, Bars>;
  proxies: Bars[];
}

/** Loads data/universe and the daily SPY, QQQ, IWM, DIA files (about a second, mostly the universe CSV). */
export function loadBreadthSources(dataDir?: string): BreadthSources {
  return {
    universe: loadUniverse(dataDir),
    proxies: BREADTH_PROXY_TICKERS.map((t) => loadBundled(t, "1d", dataDir)),
  };
}
