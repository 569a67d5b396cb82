/**
 * The components a component ablation adds one at a time, read from the feature groups
 * (featureGroups.ts, themselves read from the feature plan): *patterns* are the single-series
 * indicator families (what the traded series' own bars say), *regime* the regime columns,
 * *context* another asset's information (a context series, cross-asset indicators such as beta
 * and correlation against the benchmark, market breadth), and *other* what fits none of them
 * (calendar columns, a caller's own column), which only the full feature set holds.
 */
import { type planFeatures, REGIME_FAMILY } from "../features";
import { columnsByGroup } from "./featureGroups";

export type FeatureComponent = "patterns" | "regime" | "context" | "other";

type Family = Extract<ReturnType<typeof planFeatures>[number], { def: unknown }>["def"]["family"];

/** Every registry family has a component: a new family fails to compile until it is placed here. */
const FAMILY_COMPONENT: Record<Family, FeatureComponent> = {
  trend: "patterns",
  momentum: "patterns",
  volatility: "patterns",
  volume: "patterns",
  returns: "patterns",
  microstructure: "patterns",
  cross_asset: "context",
  breadth: "context",
  calendar: "other",
};

/** The component of a feature group; `contextTickers` are the config's `data.context` series. */
export function componentOfGroup(group: string, contextTickers: readonly string[]): FeatureComponent {
  if (contextTickers.includes(group)) return "context";
  if (group === REGIME_FAMILY) return "regime";
  return Object.hasOwn(FAMILY_COMPONENT, group) ? FAMILY_COMPONENT[group as Family] : "other";
}

/**
 * The columns of each component, in the order of `names`. A column with no group in `groups` (the
 * leak canary, a caller's own column) is "other": only the full feature set holds it.
 */
export function columnsByComponent(
  names: readonly string[],
  groups: ReadonlyMap<string, string>,
  contextTickers: readonly string[],
): Record<FeatureComponent, string[]> {
  const out: Record<FeatureComponent, string[]> = { patterns: [], regime: [], context: [], other: [] };
  const known = names.filter((n) => groups.has(n));
  const byGroup = columnsByGroup(known, groups);
  const componentOf = new Map<string, FeatureComponent>();
  for (const [group, cols] of byGroup)
    for (const c of cols) componentOf.set(c, componentOfGroup(group, contextTickers));
  for (const n of names) out[componentOf.get(n) ?? "other"].push(n);
  return out;
}
