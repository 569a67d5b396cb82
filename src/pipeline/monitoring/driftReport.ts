/**
 * The per-feature PSI of one stored drift check, read out of its `report` JSON. The drift check
 * writes the report; this is the one place that knows its shape, so the page follows the check
 * by changing this accessor alone.
 */
import type { DriftCheckRecord } from "../../store";

export interface FeaturePsi {
  readonly name: string;
  /** null: the check had no live value for the feature (the report's NaN is JSON null). */
  readonly psi: number | null;
}

/**
 * `report.features[]` as `{ name, psi }`; a check whose report has no `features` table read
 * nothing per feature (an empty list). A table that is there but malformed is an error naming
 * the check and the entry.
 */
export function featurePsiOf(check: Pick<DriftCheckRecord, "id" | "report">): FeaturePsi[] {
  const report = check.report;
  if (report === null || typeof report !== "object" || !("features" in report)) return [];
  const features = (report as { features: unknown }).features;
  const where = `drift_monitoring id ${check.id}: report.features`;
  if (!Array.isArray(features)) throw new Error(`${where} is not an array`);
  return features.map((f: unknown, i) => {
    const entry = f as { name?: unknown; psi?: unknown } | null;
    if (entry === null || typeof entry !== "object" || typeof entry.name !== "string") {
      throw new Error(`${where}[${i}].name is not a string`);
    }
    if (entry.psi !== null && typeof entry.psi !== "number") {
      throw new Error(`${where}[${i}].psi (${entry.name}) is neither a number nor null`);
    }
    return { name: entry.name, psi: entry.psi };
  });
}
