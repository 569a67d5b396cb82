/**
 * Which group each feature column belongs to, read from the feature plan rather than guessed
 * from column names: the features stage's family rule (src/features/featureFamilies.ts, the
 * one `features.exclude` applies): an indicator's registry family on every timeframe, a
 * context series by its ticker, a transformed column by its source, regime columns `regime`.
 */
import type { Timeframe } from "../data";
import { type FeaturesConfig, type FeaturesConfigInput, featurePlan, parseFeaturesConfig } from "../features";

/** Group name by column name. Callers may add their own columns (a planted or external column). */
export type FeatureGroups = Map<string, string>;

/** The group of every column a features config can make on bars of `baseTimeframe`. */
export function featureGroups(spec: FeaturesConfigInput | FeaturesConfig, baseTimeframe: Timeframe): FeatureGroups {
  return new Map(featurePlan(parseFeaturesConfig(spec), baseTimeframe).families);
}

/** Columns by group, in first-seen order; every name must have a group. */
export function columnsByGroup(names: readonly string[], groups: ReadonlyMap<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of names) {
    const group = groups.get(name);
    if (group === undefined) throw new Error(`featureGroups: no group for column ${name.slice(0, 120)}`);
    const list = out.get(group);
    if (list) list.push(name);
    else out.set(group, [name]);
  }
  return out;
}
