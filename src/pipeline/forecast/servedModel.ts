/**
 * A registered version as the forecast service serves it: the model, the experiment config its
 * run was trained with (features, signals, sizing, stops, regimes come from there), and the
 * class names its probabilities are reported under.
 */
import { MlflowError, type MlflowClient, ModelRegistry, parseModelRef } from "../../tracking";
import { classCount, type LoadedConfig } from "../config";
import { loadRegisteredModel, type RegisteredModel } from "../loadRegisteredModel";
import { readModelConfig } from "../modelConfig";
import { ForecastError, type ForecastModel } from "./forecastTypes";
import { pausedReason } from "./versionPause";

export interface ServedModel {
  readonly model: RegisteredModel;
  /** Name, version, the alias it was asked by (null when by version) and run. */
  readonly id: ForecastModel;
  readonly loaded: LoadedConfig;
  /** Class names by code: `down`, `up`; or `down`, `flat`, `up`. */
  readonly classes: readonly string[];
}

export interface ModelRequest {
  readonly name: string;
  /** Exactly one of alias and version is set. */
  readonly alias: string | null;
  readonly version: string | null;
}

/** `name` (its champion), `name@alias` or `name/version`; a malformed one is the `model` field's fault. */
export function parseModelRequest(ref: string): ModelRequest {
  const text = ref.trim();
  if (/^[A-Za-z0-9][\w.-]*$/.test(text)) return { name: text, alias: "champion", version: null };
  try {
    return parseModelRef(text);
  } catch (err) {
    throw new ForecastError("bad_request", `model: ${(err as Error).message}`, "model");
  }
}

export function modelRequestText(r: ModelRequest): string {
  return r.alias ? `${r.name}@${r.alias}` : `${r.name}/${r.version}`;
}

/** The version behind a request now, with the reason it is paused (null: no such alias or version). */
export async function resolveVersion(
  client: MlflowClient,
  r: ModelRequest,
): Promise<{ version: string; paused: string | null } | null> {
  const registry = new ModelRegistry(client);
  try {
    const mv = r.alias
      ? await registry.getAlias(r.name, r.alias)
      : await registry.getModelVersion(r.name, r.version as string);
    return mv ? { version: mv.version, paused: pausedReason(mv.tags) } : null;
  } catch (err) {
    throw unavailable(err);
  }
}

/** An MLflow that cannot be reached (network, 5xx) is `unavailable`; anything else is left as it is. */
export function unavailable(err: unknown): unknown {
  const down = err instanceof MlflowError && (err.status === 0 || err.status >= 500);
  return down ? new ForecastError("unavailable", `the model registry cannot be reached: ${err.message}`) : err;
}

const CLASS_NAMES = { 2: ["down", "up"], 3: ["down", "flat", "up"] } as const;

/** The names a version's probabilities are reported under, by label code. */
export function classNamesOf(config: Parameters<typeof classCount>[0]): readonly string[] {
  return CLASS_NAMES[classCount(config)];
}

/** Loads version `version` of the request's model for serving. */
export async function loadServedModel(client: MlflowClient, r: ModelRequest, version: string): Promise<ServedModel> {
  let model: RegisteredModel;
  let loaded: LoadedConfig;
  try {
    model = await loadRegisteredModel(`${r.name}/${version}`, { client });
    loaded = await readModelConfig(client, model);
  } catch (err) {
    throw unavailable(err);
  }
  if (loaded.config.labels.kind === "meta") {
    throw new ForecastError(
      "bad_request",
      `model: ${r.name}/${version} is a meta-label model; it acts on a primary signal the service does not compute`,
      "model",
    );
  }
  if (!model.calibration) {
    throw new ForecastError(
      "bad_request",
      `model: ${r.name}/${version} was saved without calibration.json; the service serves calibrated probabilities only`,
      "model",
    );
  }
  return {
    model,
    id: { name: model.name, version: model.version, alias: r.alias, runId: model.runId },
    loaded,
    classes: classNamesOf(loaded.config),
  };
}
