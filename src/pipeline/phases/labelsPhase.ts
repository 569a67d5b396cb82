/** What phase `labels` (buildLabels.ts) gives the later phases. */
import type { LabelSet } from "../../labels";

export interface LabelsPhase {
  /** One label set per ticker, in `DataPhase.tickerBars` order. */
  sets: LabelSet[];
  /** Class names by label code. */
  classes: readonly string[];
  /** Probabilities per label row: 1 (P(class 1)) for binary labels, else one per class. */
  width: number;
  /**
   * Meta labels: the primary side per ticker's bar (+1 long, −1 short, 0 or NaN none), which the
   * backtest trades when the model says TAKE; null for direction labels.
   */
  primarySide: Float64Array[] | null;
  notes: string[];
}
