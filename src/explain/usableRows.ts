/**
 * Which label rows an explanation may use: none before `from` (the warm-up of long look-backs),
 * and none where a feature value is missing, so that every model of a comparison (all columns,
 * a group dropped, shuffled labels) is fitted and scored on exactly the same rows.
 */
export interface UsableLabels {
  /** The labels with absent rows set to NaN (the splitters leave NaN rows out). */
  y: Float64Array;
  /** Labelled rows from `from` on left out for a missing feature value. */
  droppedForNaN: number;
}

export function usableLabels(
  y: ArrayLike<number>,
  ts: ArrayLike<number>,
  columns: readonly ArrayLike<number>[],
  opts: { from?: number } = {},
): UsableLabels {
  if (ts.length !== y.length) throw new Error(`usableLabels: ${ts.length} timestamps for ${y.length} labels`);
  columns.forEach((c, j) => {
    if (c.length !== y.length) throw new Error(`usableLabels: column ${j} has ${c.length} rows, labels ${y.length}`);
  });
  const from = opts.from ?? Number.NEGATIVE_INFINITY;
  const out = Float64Array.from(y);
  let droppedForNaN = 0;
  for (let i = 0; i < out.length; i++) {
    if (ts[i] < from) out[i] = Number.NaN;
    else if (!Number.isNaN(out[i]) && columns.some((c) => !Number.isFinite(c[i]))) {
      out[i] = Number.NaN;
      droppedForNaN++;
    }
  }
  return { y: out, droppedForNaN };
}
