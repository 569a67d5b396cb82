/**
 * The retraining scenario on the planted-signal fixture, for the pipeline's and the jobs' tests:
 * a champion trained with the market's last months held back (`data.end` = HELD_BACK_END), and
 * the store fed in two steps, first the bars the champion saw, then the held-back months.
 */
import { barsBetween, dayMsOf, plantedSignalMarket } from "../../src/data";
import type { Store } from "../../src/store";

/** The champion's last session: the fixture's market runs on to 2024-12-31. */
export const HELD_BACK_END = "2024-06-28";

function slice(from: number, to: number) {
  const m = plantedSignalMarket();
  return [barsBetween(m.asset, from, to), barsBetween(m.context, from, to)];
}

/** Ingests the bars the champion trained on (up to HELD_BACK_END). */
export async function ingestSeen(store: Store): Promise<void> {
  await store.ingest(slice(Number.NEGATIVE_INFINITY, dayMsOf(HELD_BACK_END) + 86_400_000), {
    source: "synthetic:planted-signal (seen)",
  });
}

/** Ingests the held-back months (after HELD_BACK_END): the fresh bars a retrain finds. */
export async function ingestFresh(store: Store): Promise<void> {
  await store.ingest(slice(dayMsOf(HELD_BACK_END) + 86_400_000, Number.POSITIVE_INFINITY), {
    source: "synthetic:planted-signal (fresh)",
  });
}
