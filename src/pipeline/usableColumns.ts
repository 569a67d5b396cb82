/**
 * Which feature columns the models see. A column missing on more than 10 % of the rows before
 * the final holdout is dropped (and reported); rows missing any kept value are then left out of
 * every split. Only pre-holdout rows count: the holdout must not decide what the models are
 * built from, whether a column happens to be complete there or not.
 */
export interface UsableColumns {
  names: string[];
  columns: Float64Array[];
  /** Dropped columns with their missing count among the pre-holdout rows. */
  dropped: { name: string; missing: number }[];
}

/** Share of pre-holdout rows a column may miss and still be kept. */
export const MAX_MISSING_SHARE = 0.1;

/**
 * `preHoldout`: how many leading rows (the rows are in time order) come before the final
 * holdout; every row when none is reserved.
 */
export function usableColumns(
  allNames: readonly string[],
  allColumns: readonly Float64Array[],
  preHoldout: number,
): UsableColumns {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const dropped: { name: string; missing: number }[] = [];
  allColumns.forEach((c, j) => {
    let missing = 0;
    for (let i = 0; i < preHoldout; i++) if (!Number.isFinite(c[i])) missing++;
    if (missing > MAX_MISSING_SHARE * preHoldout) dropped.push({ name: allNames[j], missing });
    else {
      names.push(allNames[j]);
      columns.push(c);
    }
  });
  return { names, columns, dropped };
}
