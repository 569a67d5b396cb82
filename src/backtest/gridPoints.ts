/**
 * The points of a `backtest.grid:` block: the product long_above × short_above × sizing, each
 * left-out key holding the run's own setting, and each point's name (its trial's variant suffix).
 */
import type { SignalsConfig } from "./config";
import { type GridConfig, type GridSizing, thresholdValues } from "./gridConfig";

export interface GridPoint {
  long_above: number;
  short_above: number;
  /** The grid's sizing entry laid over the run's `sizing:`; null: the run's own. */
  sizing: GridSizing | null;
  /** `long_above=0.55,short_above=0.55` (+ `,sizing=kind:fixed;fraction:0.5`): the point's identity. */
  name: string;
}

export function gridPoints(grid: GridConfig, signals: Pick<SignalsConfig, "long_above" | "short_above">): GridPoint[] {
  const longs = grid.long_above ? thresholdValues(grid.long_above) : [signals.long_above];
  const shorts =
    grid.short_above === "same" ? null : grid.short_above ? thresholdValues(grid.short_above) : [signals.short_above];
  const sizings: (GridSizing | null)[] = grid.sizing ?? [null];
  const out: GridPoint[] = [];
  for (const sizing of sizings) {
    for (const long_above of longs) {
      for (const short_above of shorts ?? [long_above]) {
        // An empty entry is the run's own sizing: the same strategy, the same name (and trial).
        const sized =
          sizing && Object.keys(sizing).length > 0
            ? `,sizing=${Object.entries(sizing)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => `${k}:${v}`)
                .join(";")}`
            : "";
        out.push({
          long_above,
          short_above,
          sizing,
          name: `long_above=${long_above},short_above=${short_above}${sized}`,
        });
      }
    }
  }
  return out;
}
