/**
 * A cross-sectional panel as the IC, quantile and turnover reports read it (after Qlib's
 * `pred_label` frame): one row per (date, name) with the model's score and the forward return
 * it is judged against. Rows are grouped by date; a row whose score or forward return is not
 * finite is left out, as Qlib drops NaN scores and labels.
 */
export interface CrossSectionRows {
  /** The row's date (any number that sorts in time, e.g. epoch ms). */
  readonly date: ArrayLike<number>;
  /** The row's instrument, for turnover. */
  readonly name: ArrayLike<string>;
  readonly score: ArrayLike<number>;
  /** The return the score forecasts, from the date onwards. */
  readonly forward: ArrayLike<number>;
}

/** One date's usable rows: indices into the panel, ordered by score descending (ties: input order). */
export interface DateSection {
  readonly date: number;
  readonly rows: readonly number[];
}

/** The panel's dates in time order, each with its usable rows by score descending. */
export function sectionsByDate(panel: CrossSectionRows): DateSection[] {
  const n = panel.date.length;
  for (const key of ["name", "score", "forward"] as const) {
    if (panel[key].length !== n) throw new Error(`cross-section: ${key} has ${panel[key].length} rows, date has ${n}`);
  }
  const byDate = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(panel.score[i]) || !Number.isFinite(panel.forward[i])) continue;
    const d = panel.date[i];
    let rows = byDate.get(d);
    if (!rows) {
      rows = [];
      byDate.set(d, rows);
    }
    rows.push(i);
  }
  return [...byDate.keys()]
    .sort((a, b) => a - b)
    .map((date) => {
      const rows = byDate.get(date) as number[];
      // Array.prototype.sort is stable: equal scores keep their input order.
      rows.sort((a, b) => panel.score[b] - panel.score[a]);
      return { date, rows };
    });
}
