/**
 * Which group each feature column belongs to, read from the feature plan rather than guessed
 * from column names: a column made by an indicator step carries that indicator's registry
 * family (trend, momentum, volatility, volume, returns, microstructure, cross_asset, calendar,
 * breadth), a column computed on a context series is grouped by that series (`VIX`: another
 * asset's information, whatever indicator made it), and a `column` entry's transforms inherit
 * the group of the column they transform. Higher-timeframe copies (`1w:rsi_14`) keep their
 * indicator's family.
 */
import type { Timeframe } from "../data";
import { type FeaturesConfig, type FeaturesConfigInput, parseFeaturesConfig, planFeatures } from "../features";

/** Group name by column name. Callers may add their own columns (a planted or external column). */
export type FeatureGroups = Map<string, string>;

/** The group of every column a features config can make on bars of `baseTimeframe`. */
export function featureGroups(spec: FeaturesConfigInput | FeaturesConfig, baseTimeframe: Timeframe): FeatureGroups {
  const groups: FeatureGroups = new Map();
  for (const step of planFeatures(parseFeaturesConfig(spec), baseTimeframe)) {
    if (step.kind === "column") {
      // planFeatures only accepts a column made by an earlier step, so its group is known.
      const group = groups.get(step.column) as string;
      for (const chain of step.chains) groups.set(chain.name, group);
      continue;
    }
    const group = step.source.kind === "context" ? step.source.ticker : step.def.family;
    for (const out of step.outputs) {
      groups.set(out.name, group);
      for (const chain of out.chains) groups.set(chain.name, group);
    }
  }
  return groups;
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
