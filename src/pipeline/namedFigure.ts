import type { Figure } from "../viz";

/** A report figure and the artifact path it is known by. */
export interface NamedFigure {
  /** Artifact path without extension, e.g. `backtest/equity` (its PNG is `backtest/equity.png`). */
  name: string;
  figure: Figure;
}
