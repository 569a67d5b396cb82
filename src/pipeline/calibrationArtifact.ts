/**
 * `model/<variant>/calibration.json`: the calibration a run applies to a variant's final-holdout
 * predictions, saved beside its `model.json` so a loaded model gives the same calibrated
 * probabilities (`loadRegisteredModel`).
 *
 * - a single model: its calibrator, fitted on all of its out-of-fold predictions (every fold,
 *   before the final holdout), applied to its raw probabilities;
 * - the ensemble: the runner calibrates each member, then blends the calibrated probabilities
 *   (by the record's combiner: weights or a stacking meta-model), so the file holds every
 *   member's calibrator (`order`); a member's `weight` here is its share of the blend.
 *
 * Method "none" is saved too (`members[].calibrator` null): the calibrated prediction is the raw one.
 */
import { type Calibrator, type CalibratorJSON, calibratorFromJSON } from "../calibration";
import type { ExperimentResult, ModelResult } from "./runExperiment";

export const CALIBRATION_SCHEMA_VERSION = 1;

export interface CalibrationArtifact {
  schemaVersion: number;
  variant: string;
  /** "calibrate_then_blend": each member's raw probabilities through its calibrator, then the blend. */
  order: "calibrate_then_blend";
  method: "platt" | "isotonic" | "temperature" | "none";
  perRegime: boolean;
  minRegimeRows: number;
  /** The regime scheme whose ids `apply` takes (one per row), when fitted per regime. */
  regime: { scheme: string; names: readonly string[] } | null;
  fittedOn: {
    /** Every out-of-fold prediction of the walk-forward folds, none from the final holdout. */
    rows: "all_oof_before_final_holdout";
    folds: number;
    /** ISO time where the final holdout starts (the calibrators saw only earlier label rows). */
    holdoutFrom: string | null;
  };
  members: { name: string; weight: number; oofRows: number; calibrator: CalibratorJSON | null }[];
}

function memberEntry(m: ModelResult, weight: number): CalibrationArtifact["members"][number] {
  return { name: m.name, weight, oofRows: m.calibrationRows, calibrator: m.calibrator ? m.calibrator.toJSON() : null };
}

/** The artifact for `variant` ("ensemble" or a model's name) of a finished run. */
export function calibrationArtifact(r: ExperimentResult, variant: string): CalibrationArtifact {
  const c = r.config.calibration;
  let members: CalibrationArtifact["members"];
  if (variant === "ensemble") {
    const e = r.ensemble;
    if (!e) throw new Error("calibrationArtifact: the run has no ensemble");
    members = e.members.map((name, i) => {
      const m = r.models.find((x) => x.name === name);
      if (!m) throw new Error(`calibrationArtifact: ensemble member ${name} is not among the run's models`);
      return memberEntry(m, e.weights[i]);
    });
  } else {
    const m = r.models.find((x) => x.name === variant);
    if (!m) throw new Error(`calibrationArtifact: no model named ${variant}`);
    members = [memberEntry(m, 1)];
  }
  const perRegime = c.method !== "none" && c.per_regime;
  return {
    schemaVersion: CALIBRATION_SCHEMA_VERSION,
    variant,
    order: "calibrate_then_blend",
    method: c.method,
    perRegime,
    minRegimeRows: c.min_regime_rows,
    regime: perRegime ? { scheme: r.regimes.scheme, names: r.regimes.names } : null,
    fittedOn: {
      rows: "all_oof_before_final_holdout",
      folds: r.plan.splits.length,
      holdoutFrom: Number.isFinite(r.plan.holdoutFrom) ? new Date(r.plan.holdoutFrom).toISOString() : null,
    },
    members,
  };
}

export interface LoadedCalibration {
  readonly artifact: CalibrationArtifact;
  /** Calibrators by member name (null: that member is not calibrated, method "none"). */
  readonly calibrators: ReadonlyMap<string, Calibrator | null>;
  /** Whether `apply` needs one regime id per row. */
  readonly needsRegimes: boolean;
}

/** Parses and checks `calibration.json` against the members the model record names. */
export function parseCalibrationArtifact(
  json: unknown,
  memberNames: readonly string[],
  where: string,
): LoadedCalibration {
  const a = json as Partial<CalibrationArtifact> | null;
  if (!a || typeof a !== "object" || a.schemaVersion !== CALIBRATION_SCHEMA_VERSION || !Array.isArray(a.members)) {
    throw new Error(`${where}: not a calibration artifact of schema version ${CALIBRATION_SCHEMA_VERSION}`);
  }
  if (a.order !== "calibrate_then_blend") throw new Error(`${where}: unknown order ${String(a.order)}`);
  const calibrators = new Map<string, Calibrator | null>();
  for (const m of a.members) calibrators.set(m.name, m.calibrator ? calibratorFromJSON(m.calibrator) : null);
  // A single model is named by its kind once loaded; the run names it by its config entry.
  if (memberNames.length === 1 && a.members.length === 1 && !calibrators.has(memberNames[0])) {
    calibrators.set(memberNames[0], calibrators.get(a.members[0].name) ?? null);
  }
  for (const name of memberNames) {
    if (!calibrators.has(name)) throw new Error(`${where}: no calibrator for member ${name}`);
  }
  const needsRegimes = [...calibrators.values()].some((c) => c !== null && c.regimes.length > 0);
  return { artifact: a as CalibrationArtifact, calibrators, needsRegimes };
}
