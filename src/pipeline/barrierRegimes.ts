/**
 * The regime id per bar that regime-specific barriers (`labels.barriers.scale: regime`) look up,
 * from the features stage's regimes at bars ≤ t: `trend3` (trend / range / volatile, the
 * `regimes.trend` settings) or `grid12` (VIX tercile × breadth × ATR, `regimes.grid`; daily bars
 * with VIX in `data.context`). NaN where a regime is undefined (its warm-up): no label there.
 */
import { type Bars, isIntraday } from "../data";
import { breadth, gridRegime, loadBreadthSources, trendRegime } from "../features";
import type { RegimeScheme } from "../labels";
import type { ExperimentConfig } from "./config";
import { ExperimentError } from "./experimentResult";

function idsOf(ids: Int32Array): Float64Array {
  return Float64Array.from(ids, (id) => (id < 0 ? Number.NaN : id));
}

export function barrierRegimes(
  scheme: RegimeScheme,
  config: Pick<ExperimentConfig, "regimes">,
  tickerBars: readonly Bars[],
  context: readonly Bars[],
  dataDir?: string,
): Float64Array[] {
  if (scheme === "trend3") return tickerBars.map((b) => idsOf(trendRegime(b, config.regimes.trend).ids));
  const vix = context.find((c) => c.ticker === "VIX");
  if (!vix) {
    throw new ExperimentError(
      "labels.barriers.regimes",
      "grid12 needs VIX as a context series (add VIX to data.context)",
    );
  }
  if (tickerBars.some((b) => isIntraday(b.timeframe))) {
    throw new ExperimentError(
      "labels.barriers.regimes",
      `grid12 is defined on daily bars; the bars are ${tickerBars[0].timeframe} (use trend3)`,
    );
  }
  const sources = loadBreadthSources(dataDir);
  return tickerBars.map((bars) => {
    const br = breadth(bars.ts, sources, { period: config.regimes.grid.breadthPeriod });
    return idsOf(gridRegime(bars, { vix, breadth: br }, config.regimes.grid).ids);
  });
}
