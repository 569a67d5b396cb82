import { type Bars3, BarrierRun, type BarrierRunOptions } from "./barrierRun";
import { type BarrierLabelSet, LabelError, META_CLASSES } from "./labelSet";

/** The barriers' `upper` is the profit-taking distance, `lower` the stop-loss distance. */
export type MetaLabelOptions = BarrierRunOptions;

/**
 * Meta-labels for a primary signal (AFML ch. 3.6): for each bar where `side[t]` is +1 (long)
 * or -1 (short) the label says whether taking that trade paid: TAKE (1) when the side-adjusted
 * return at the first barrier is > 0, SKIP (0) otherwise. For a short the profit barrier sits
 * below the entry and the stop above it. Rows without a signal (0 or NaN) are absent. A bar
 * that touches both barriers counts as the stop. `ret` is side-adjusted; `barrier` is +1
 * profit, -1 stop, 0 vertical.
 */
export function metaLabels(bars: Bars3, side: ArrayLike<number>, opts: MetaLabelOptions): BarrierLabelSet {
  const name = "metaLabels";
  const run = new BarrierRun(name, bars, opts, { side });
  const n = bars.ts.length;
  const yOf = (r: number) => (r > 0 ? 1 : 0);
  for (let t = 0; t < n; t++) {
    const s = side[t];
    if (s !== 1 && s !== -1 && !Number.isNaN(s) && s !== 0) {
      throw new LabelError(name, `side[${t}] must be +1, -1, 0 or NaN, got ${s}`);
    }
    if (t + opts.horizon < n && (s === 1 || s === -1)) run.label(t, s, yOf);
  }
  return { kind: "meta", classes: META_CLASSES, barrier: run.barrier, ...run.cols, lostToNaN: run.lostToNaN };
}
