/** Per-feature importance summed by feature group (featureGroups.ts). */
import type { Importance } from "../models";
import { columnsByGroup } from "./featureGroups";

export interface GroupImportance {
  group: string;
  columns: string[];
  /** Sum of the group's per-feature values. */
  value: number;
}

/** Groups by summed importance, largest first. */
export function groupImportance(imp: Importance, groups: ReadonlyMap<string, string>): GroupImportance[] {
  const index = new Map(imp.names.map((n, j) => [n, j]));
  return [...columnsByGroup(imp.names, groups)]
    .map(([group, columns]) => ({
      group,
      columns,
      value: columns.reduce((s, n) => s + imp.values[index.get(n) as number], 0),
    }))
    .sort((a, b) => b.value - a.value);
}
