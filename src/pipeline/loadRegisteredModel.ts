/**
 * `loadRegisteredModel("spy-daily@champion")`: a registered model version as something that
 * predicts, for notebooks and services. The version's `model.json` is either one model of the zoo
 * or the runner's ensemble record, whose members live beside it in the same logged model
 * (`members/<member>/model.json`; in the run's `model/<member>/` for versions registered before
 * logged models) and are blended by the record's combiner (linear weights or a stacking
 * meta-model) fitted on out-of-fold predictions.
 *
 * `predictProba` is calibrated as the run calibrated that variant's final holdout: the version's
 * `calibration.json` (beside `model.json`, see calibrationArtifact.ts) holds each member's
 * calibrator, fitted on all of the run's out-of-fold predictions; members are calibrated, then
 * blended. When the calibration is per regime, `predictProba` needs one regime id per row (of the
 * scheme `calibration.regime.scheme` names; NaN: no regime, the pooled calibrator). Versions saved
 * without `calibration.json` load, but only `predictRawProba` works for them.
 */
import type { CalibrationMethod } from "../calibration";
import {
  type BlendCombiner,
  combineMembers,
  combinerFromJSON,
  type FeatureMatrix,
  loadAnyModel,
  type Model,
  type SavedCombiner,
} from "../models";
import { loadModelArtifact, type MlflowClient, MlflowError } from "../tracking";
import { type CalibrationArtifact, type LoadedCalibration, parseCalibrationArtifact } from "./calibrationArtifact";

export interface RegisteredModelMember {
  readonly name: string;
  readonly weight: number;
  readonly model: Model;
}

export interface RegisteredModel {
  readonly name: string;
  readonly version: string;
  readonly aliases: readonly string[];
  readonly runId: string | null;
  /** Feature names in the order `predictProba` expects them. */
  readonly featureNames: readonly string[];
  /** One member with weight 1 for a single model; an ensemble's weights are each member's share. */
  readonly members: readonly RegisteredModelMember[];
  /** The saved calibration (null: the version has no `calibration.json`). */
  readonly calibration: {
    readonly method: CalibrationMethod | "none";
    /** Set when fitted per regime: `predictProba` then needs one regime id of this scheme per row. */
    readonly regime: CalibrationArtifact["regime"];
    readonly artifact: CalibrationArtifact;
  } | null;
  /**
   * Calibrated probabilities (binary: P(class 1); else row-major per class), as the run's own
   * final-holdout predictions: each member calibrated, then blended. `regimes`: one
   * regime id per row, required when the calibration is per regime.
   */
  predictProba(X: FeatureMatrix, regimes?: ArrayLike<number>): Float64Array;
  /** Row-major probabilities as the members give them (binary: P(class 1)), blended; no calibration. */
  predictRawProba(X: FeatureMatrix): Float64Array;
}

/**
 * The runner's ensemble record. Members are files of the same logged model (`path`, relative to
 * the model directory); versions registered before logged models name them in the run (`model`).
 */
interface BlendRecord {
  kind: "ensemble";
  members: ({ name: string; weight: number } & ({ path: string } | { model: string }))[];
  /** Absent in versions saved before ensemble kinds: the members' weights, linearly. */
  combiner?: SavedCombiner;
}

function isBlendRecord(json: unknown): json is BlendRecord {
  const r = json as Partial<BlendRecord> | null;
  return r?.kind === "ensemble" && Array.isArray(r.members);
}

export async function loadRegisteredModel(ref: string, opts: { client?: MlflowClient } = {}): Promise<RegisteredModel> {
  const artifact = await loadModelArtifact(ref, { client: opts.client });
  const json = artifact.json;
  let members: RegisteredModelMember[];
  let combiner: BlendCombiner | null = null;
  if (isBlendRecord(json)) {
    combiner = json.combiner
      ? combinerFromJSON(json.combiner, `${ref} model.json combiner`)
      : { kind: "linear", weights: Float64Array.from(json.members, (m) => m.weight) };
    members = await Promise.all(
      json.members.map(async (m) => {
        const bytes = await ("path" in m ? artifact.modelFile(m.path) : artifact.runArtifact(m.model));
        return { name: m.name, weight: m.weight, model: loadAnyModel(Buffer.from(bytes).toString("utf8")) };
      }),
    );
    const names = members[0].model.featureNames;
    for (const m of members) {
      if (m.model.featureNames.join("\u0000") !== names.join("\u0000")) {
        throw new Error(`${ref}: ensemble member ${m.name} was fitted on other features than ${members[0].name}`);
      }
    }
  } else {
    const model = loadAnyModel(json as Parameters<typeof loadAnyModel>[0]);
    members = [{ name: model.kind, weight: 1, model }];
  }
  const ref0 = `${artifact.name}/${artifact.version}`;
  let calibration: LoadedCalibration | null = null;
  let calibrationJson: unknown = null;
  try {
    calibrationJson = (await loadModelArtifact(ref0, { client: opts.client, file: "calibration.json" })).json;
  } catch (err) {
    // Only a missing file means "saved without calibration"; anything else (server down, bad JSON) is an error.
    const missing = err instanceof MlflowError && (err.status === 404 || err.errorCode === "RESOURCE_DOES_NOT_EXIST");
    if (!missing) throw err;
  }
  if (calibrationJson !== null) {
    calibration = parseCalibrationArtifact(
      calibrationJson,
      members.map((m) => m.name),
      `${ref0} calibration.json`,
    );
  }
  const rawOf = (X: FeatureMatrix) => members.map((m) => m.model.predictProba(X));
  const combine = (probs: Float64Array[], X: FeatureMatrix) =>
    combiner ? combineMembers(combiner, probs, X.nRows > 0 ? probs[0].length / X.nRows : 1) : probs[0];
  return {
    name: artifact.name,
    version: artifact.version,
    aliases: artifact.aliases,
    runId: artifact.runId,
    featureNames: members[0].model.featureNames,
    members,
    calibration: calibration
      ? { method: calibration.artifact.method, regime: calibration.artifact.regime, artifact: calibration.artifact }
      : null,
    predictRawProba: (X) => combine(rawOf(X), X),
    predictProba: (X, regimes) => {
      if (!calibration) {
        throw new Error(
          `${ref0}: no calibration.json beside its model (saved before calibrators were); predictProba cannot calibrate, use predictRawProba for the raw probabilities`,
        );
      }
      if (calibration.needsRegimes) {
        const scheme = calibration.artifact.regime?.scheme ?? "the run's regime scheme";
        if (!regimes) {
          throw new Error(
            `${ref0}: calibrated per regime: predictProba(X, regimes) needs one ${scheme} regime id per row (${X.nRows} rows; NaN for none)`,
          );
        }
        if (regimes.length !== X.nRows) {
          throw new Error(`${ref0}: regimes has ${regimes.length} entries, expected one per row (${X.nRows})`);
        }
      }
      const cal = calibration;
      return combine(
        rawOf(X).map((p, i) => {
          const c = cal.calibrators.get(members[i].name);
          return c ? c.apply(p, cal.needsRegimes ? regimes : undefined) : p;
        }),
        X,
      );
    },
  };
}
