/** Phase `features`: every ticker's feature frame, from bars ≤ t only (computeFeatures). */
import { isIntraday, loadUniverse } from "../../data";
import { computeFeatures } from "../../features";
import { skippedFeaturesNote } from "../runNotes";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";

export interface FeaturesPhase {
  /** One result per ticker, in `DataPhase.tickerBars` order. */
  results: ReturnType<typeof computeFeatures>[];
  notes: string[];
}

export async function buildFeatures({ config, hooks, timer }: PhaseContext, data: DataPhase): Promise<FeaturesPhase> {
  const notes: string[] = [];
  const universe = config.universe === "bundled" ? loadUniverse(hooks.dataDir) : undefined;
  if (universe) {
    notes.push(
      `universe: ${universe.size} stocks that were S&P 500 members when the file was pulled (Jan 2020): survivorship-biased (names that left the index are missing), so breadth and cross-sectional features look healthier than they were`,
    );
  }
  const { tickerBars } = data;
  // Each ticker sees the context series and the other tickers (benchmark-relative features).
  const results = await timer.run("features", tickerBars.length, (h) =>
    tickerBars.map((bars) => {
      const context = Object.fromEntries([
        ...data.context.map((c) => [c.ticker, c] as const),
        ...tickerBars.filter((b) => b !== bars && !isIntraday(b.timeframe)).map((b) => [b.ticker, b] as const),
      ]);
      const result = computeFeatures(config.features, { bars, context, universe });
      h.tick();
      return result;
    }),
  );
  for (const [k, fr] of results.entries()) {
    const skipped = skippedFeaturesNote(data.tickers[k], fr.report.skipped);
    if (skipped) notes.push(skipped);
  }
  return { results, notes };
}
