/**
 * Importance is not necessity: correlated columns stand in for each other. Ablation refits the
 * same models on the same splits and rows without one feature group and compares out-of-fold
 * AUCs; the shuffled-label null refits with the labels permuted, where any AUC away from 0.5
 * would mean the splits or the pipeline leak.
 */
import { column } from "../models";
import { shuffleLabels } from "../validation";
import { columnsByGroup } from "./featureGroups";
import { fitOof, matrixOf, type OofFits } from "./oofFits";

export interface NullSpreadOptions {
  /**
   * Bars each label spans (a 10-day horizon: 10). Overlapping labels make the effective sample
   * about that many times smaller than the row count, so the Mann-Whitney null spread, which
   * takes rows as independent, is widened by √labelSpan. Default 1 (no overlap).
   */
  labelSpan?: number;
}

export interface Ablation {
  group: string;
  dropped: string[];
  fits: OofFits;
  /** Ablated OOF AUC − base OOF AUC (negative: the group was worth something out of sample). */
  aucDelta: number;
  /** The base AUC's null standard deviation, widened by √labelSpan. */
  nullSpread: number;
  withinNull: boolean;
}

function widened(base: OofFits, opts: NullSpreadOptions): number {
  const span = opts.labelSpan ?? 1;
  if (!(span >= 1)) throw new Error(`labelSpan must be ≥ 1, got ${span}`);
  return base.score.nullStd * Math.sqrt(span);
}

/** Refits `base` without the columns of `group` and compares the OOF AUCs. */
export async function ablateGroup(
  base: OofFits,
  group: string,
  groups: ReadonlyMap<string, string>,
  opts: NullSpreadOptions = {},
): Promise<Ablation> {
  const byGroup = columnsByGroup(base.names, groups);
  const dropped = byGroup.get(group);
  if (!dropped) throw new Error(`ablateGroup: no column of group ${group}; groups: ${[...byGroup.keys()].join(", ")}`);
  const kept = base.names.filter((n) => !dropped.includes(n));
  if (kept.length === 0) throw new Error(`ablateGroup: group ${group} holds every column`);
  const all = { names: base.names, columns: base.names.map((_, j) => column(base.X, j)) };
  const fits = await fitOof(base.make, matrixOf(all, kept), base.y, base.plan);
  const aucDelta = fits.score.auc - base.score.auc;
  const nullSpread = widened(base, opts);
  return { group, dropped, fits, aucDelta, nullSpread, withinNull: Math.abs(aucDelta) <= nullSpread };
}

export interface ShuffledNull {
  fits: OofFits;
  /** (OOF AUC − 0.5) / null standard deviation. */
  z: number;
}

/** The same fits on seeded, permuted labels (absent rows stay absent); the OOF AUC must be ≈ 0.5. */
export async function shuffledLabelNull(base: OofFits, seed: number): Promise<ShuffledNull> {
  const fits = await fitOof(base.make, base.X, shuffleLabels(base.y, seed), base.plan);
  return { fits, z: (fits.score.auc - 0.5) / fits.score.nullStd };
}
