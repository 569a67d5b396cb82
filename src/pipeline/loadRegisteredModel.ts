/**
 * `loadRegisteredModel("spy-daily@champion")`: a registered model version as something that
 * predicts, for notebooks and services. The version's `model.json` is either one model of the zoo
 * or the runner's ensemble record, whose members live beside it in the same run
 * (`model/<member>/model.json`) and are blended with the weights fitted on out-of-fold predictions.
 *
 * The probabilities are the models' raw ones: the run's calibrator is fitted on its out-of-fold
 * predictions and is not part of the registered artifact yet, so callers calibrate themselves.
 */
import { type FeatureMatrix, loadAnyModel, type Model } from "../models";
import { loadModelArtifact, type MlflowClient } from "../tracking";
import { blend } from "./ensembleWeights";

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
  /** One member with weight 1 for a single model. */
  readonly members: readonly RegisteredModelMember[];
  /** Row-major probabilities as the members give them (binary: P(class 1)), blended by weight. */
  predictProba(X: FeatureMatrix): Float64Array;
}

interface EnsembleRecord {
  kind: "ensemble";
  members: { name: string; weight: number; model: string }[];
}

function isEnsembleRecord(json: unknown): json is EnsembleRecord {
  const r = json as Partial<EnsembleRecord> | null;
  return r?.kind === "ensemble" && Array.isArray(r.members);
}

export async function loadRegisteredModel(ref: string, opts: { client?: MlflowClient } = {}): Promise<RegisteredModel> {
  const artifact = await loadModelArtifact(ref, { client: opts.client });
  const json = artifact.json;
  let members: RegisteredModelMember[];
  if (isEnsembleRecord(json)) {
    members = await Promise.all(
      json.members.map(async (m) => {
        const bytes = await artifact.runArtifact(m.model);
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
  const weights = Float64Array.from(members, (m) => m.weight);
  return {
    name: artifact.name,
    version: artifact.version,
    aliases: artifact.aliases,
    runId: artifact.runId,
    featureNames: members[0].model.featureNames,
    members,
    predictProba: (X) =>
      members.length === 1
        ? members[0].model.predictProba(X)
        : blend(
            members.map((m) => m.model.predictProba(X)),
            weights,
          ),
  };
}
