/**
 * Every indicator a feature spec can name, by name: the library's descriptor table
 * (indicators/table.ts) and breadth, which reads the universe (breadth.ts). Each descriptor
 * declares its parameters, outputs, warm-up, batch function and streaming twin in its own file.
 */
import { breadthIndicator } from "./breadth";
import type { IndicatorDescriptor } from "./indicators/descriptor";
import { INDICATOR_TABLE } from "./indicators/table";

const BY_NAME = new Map<string, IndicatorDescriptor>([...INDICATOR_TABLE, breadthIndicator].map((d) => [d.name, d]));

export function featureIndicator(name: string): IndicatorDescriptor | undefined {
  return BY_NAME.get(name);
}

/** Names a spec may use, sorted. */
export function featureIndicatorNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
