/**
 * `features.exclude`: each entry is a column name (exact: `rsi_14` leaves `1w:rsi_14`, which is
 * named with its prefix) or a family (featureFamilies.ts: every column of that family, on every
 * timeframe). Excluded columns are taken out of the plan, so an entry left with no column is
 * never computed; an output whose transforms are kept is computed but not emitted. An entry
 * matching nothing is an error listing the closest names and the families, as a typo would
 * otherwise leave the column in silently.
 */
import { FeatureSpecError } from "./featureSpecError";
import type { OutputPlan, PlanStep } from "./planSteps";

/** Excluded column name → index of the `features.exclude` entry that removed it. */
export type Excluded = ReadonlyMap<string, number>;

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Up to five known names closest to `wanted` (by edit distance, then containing it). */
function closest(wanted: string, known: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  return known
    .map((k) => ({ k, d: editDistance(w, k.toLowerCase()) - (k.toLowerCase().includes(w) ? 100 : 0) }))
    .filter(({ k, d }) => d < 0 || d <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map(({ k }) => k);
}

/** Which columns the exclude list removes, given the family of every column the plan makes. */
export function resolveExclusions(exclude: readonly string[], families: ReadonlyMap<string, string>): Excluded {
  const out = new Map<string, number>();
  const familyNames = [...new Set(families.values())];
  exclude.forEach((wanted, i) => {
    if (families.has(wanted)) {
      if (!out.has(wanted)) out.set(wanted, i);
      return;
    }
    if (familyNames.includes(wanted)) {
      for (const [name, family] of families) if (family === wanted && !out.has(name)) out.set(name, i);
      return;
    }
    const near = closest(wanted, [...familyNames, ...families.keys()]);
    throw new FeatureSpecError(
      `features.exclude[${i}]`,
      `${wanted} is no column or family of this feature set${near.length > 0 ? `; close: ${near.join(", ")}` : ""}; families: ${familyNames.join(", ")} (a higher-timeframe column is named with its prefix, 1w:rsi_14)`,
    );
  });
  return out;
}

function keepOutput(out: OutputPlan, excluded: Excluded): OutputPlan | null {
  const chains = out.chains.filter((c) => !excluded.has(c.name));
  const raw = out.raw && !excluded.has(out.name);
  return raw || chains.length > 0 ? { ...out, raw, chains } : null;
}

/** The plan without the excluded columns; steps left with no column are dropped. */
export function applyExclusions(steps: readonly PlanStep[], excluded: Excluded): PlanStep[] {
  if (excluded.size === 0) return [...steps];
  const out: PlanStep[] = [];
  for (const step of steps) {
    if (step.kind === "column") {
      const chains = step.chains.filter((c) => !excluded.has(c.name));
      if (chains.length === 0) continue;
      const by = excluded.get(step.column);
      if (by !== undefined) {
        throw new FeatureSpecError(
          `features.exclude[${by}]`,
          `excludes ${step.column}, which ${step.path} transforms into ${chains.map((c) => c.name).join(", ")}; exclude those too or drop that entry`,
        );
      }
      out.push({ ...step, chains });
      continue;
    }
    const outputs = step.outputs.map((o) => keepOutput(o, excluded)).filter((o): o is OutputPlan => o !== null);
    if (outputs.length > 0) out.push({ ...step, outputs });
  }
  return out;
}
