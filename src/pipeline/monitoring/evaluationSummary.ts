/**
 * An evaluation as a job keeps it (Redis holds the result with the job, so it stays small): per
 * version the counts and the live figures beside the run's, the unmatched signals by count only
 * (the store and `wsp` show them one by one).
 */
import type { BaselineFigures } from "../../monitoring";
import type { Evaluation } from "./evaluate";

export interface VersionSummary {
  readonly model: string;
  readonly version: string;
  readonly examined: number;
  readonly stored: number;
  readonly pending: number;
  /** Signals whose bar or ticker is not in the stored bars (evaluate.ts says why, per signal). */
  readonly unmatched: number;
  /** Outcomes in the rolling window (100 once that many have matured). */
  readonly n: number;
  readonly rollingAccuracy: number | null;
  readonly accuracy: number | null;
  readonly ece: number | null;
  readonly brier: number | null;
  readonly baseline: BaselineFigures;
}

export interface EvaluationSummary {
  /** ISO time the outcomes are stamped with. */
  readonly evaluatedAt: string;
  readonly stored: number;
  readonly pending: number;
  readonly versions: readonly VersionSummary[];
  readonly skipped: Evaluation["skipped"];
}

export function summarizeEvaluation(e: Evaluation): EvaluationSummary {
  const versions = e.versions.map(
    (v): VersionSummary => ({
      model: v.model,
      version: v.version,
      examined: v.examined,
      stored: v.stored,
      pending: v.pending,
      unmatched: v.unmatched.length,
      n: v.metrics.n,
      rollingAccuracy: v.metrics.rollingAccuracy,
      accuracy: v.metrics.accuracy,
      ece: v.metrics.ece,
      brier: v.metrics.brier,
      baseline: v.metrics.baseline,
    }),
  );
  return {
    evaluatedAt: new Date(e.evaluatedAt).toISOString(),
    stored: e.stored,
    pending: versions.reduce((sum, v) => sum + v.pending, 0),
    versions,
    skipped: e.skipped,
  };
}
