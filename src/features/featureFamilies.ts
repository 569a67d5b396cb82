/**
 * The family of every column a plan makes, the single rule behind `features.exclude` (and the
 * one src/explain/featureGroups.ts applies): an indicator step's columns carry its registry
 * family (trend, momentum, volatility, volume, returns, microstructure, cross_asset, calendar,
 * breadth) on every timeframe, a step computed on a context series is grouped by that series
 * (`VIX`: another asset's information, whatever indicator made it), a `column` entry's
 * transforms inherit the family of the column they transform, and regime columns are `regime`.
 */
import type { PlanStep } from "./planSteps";
import { REGIME_COLUMNS, REGIME_FAMILY, type RegimeFeature } from "./regimeFeatureNames";

/** Family by column name, in plan order (regime columns last, as computed). */
export function familiesOf(steps: readonly PlanStep[], regimes: readonly RegimeFeature[]): Map<string, string> {
  const families = new Map<string, string>();
  for (const step of steps) {
    if (step.kind === "column") {
      const family = families.get(step.column);
      if (family === undefined) continue;
      for (const chain of step.chains) families.set(chain.name, family);
      continue;
    }
    const family = step.source.kind === "context" ? step.source.ticker : step.def.family;
    for (const out of step.outputs) {
      families.set(out.name, family);
      for (const chain of out.chains) families.set(chain.name, family);
    }
  }
  for (const scheme of regimes) for (const name of REGIME_COLUMNS[scheme]) families.set(name, REGIME_FAMILY);
  return families;
}
