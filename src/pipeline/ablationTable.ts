/** The ablation as a table for a terminal: one row per step, deltas against the step before with their intervals. */
import type { AblationResult, Interval } from "./ablate";

const signed = (x: number, digits: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(digits)}` : "n/a");
const plain = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const interval = (i: Interval, digits: number) => `[${signed(i.lo, digits)}, ${signed(i.hi, digits)}]`;

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows
    .map((r) =>
      r
        .map((c, j) => (j === 0 || j === 3 ? c.padEnd(widths[j]) : c.padStart(widths[j])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function ablationTable(r: AblationResult): string {
  const pct = Math.round(r.level * 100);
  const rows: string[][] = [
    [
      "step",
      "features",
      "calib+size",
      "variant",
      "AUC",
      "ΔAUC",
      `${pct} % interval`,
      "DSR",
      "ΔDSR",
      `${pct} % interval`,
    ],
  ];
  for (const s of r.steps) {
    const name = s.dropBottomK > 0 ? `drop_bottom_${s.dropBottomK}` : s.step;
    rows.push([
      s.sameAs ? `${name} (= ${s.sameAs})` : name,
      String(s.features),
      s.calibrateAndSize ? "yes" : "no",
      s.variant,
      plain(s.auc, 4),
      s.delta ? signed(s.delta.auc, 4) : "",
      s.delta ? interval(s.delta.aucInterval, 4) : "",
      plain(s.deflatedSharpe, 3),
      s.delta ? signed(s.delta.deflatedSharpe, 3) : "",
      s.delta ? interval(s.delta.deflatedSharpeInterval, 3) : "",
    ]);
  }
  const lines = [
    `ablation of ${r.config.name}: each step against the one above it, out of sample (walk-forward test folds before the final holdout)`,
    pad(rows),
    `AUC of P(up) on ${r.oofRows} OOS rows (${r.oofBars} bars); DSR P[SR>SR0] on ${r.returnBars} pre-holdout return bars (${r.basis} basis), deflated by ${r.trials.count} trials`,
    `intervals: paired stationary bootstrap, mean block ${r.meanBlock} bars (the label horizon), ${r.resamples} resamples, seed ${r.seed}`,
    ...r.notes,
    `${r.seconds.toFixed(1)} s`,
  ];
  return lines.join("\n");
}
