/**
 * A registered model version's `model.json`, by reference: `<name>@<alias>` (`spy-daily@champion`),
 * `<name>/<version>` (`spy-daily/3`), with or without MLflow's `models:/` prefix. Returns the parsed
 * JSON and the version's details; turning the JSON into a model is `loadModel` in src/models.
 */
import { MlflowClient } from "./mlflowClient";
import { trackingUri } from "../services";
import { ModelRegistry, tagRecord } from "./registry";

export interface ModelRef {
  name: string;
  alias: string | null;
  version: string | null;
}

export interface LoadedModelArtifact {
  name: string;
  version: string;
  aliases: string[];
  runId: string | null;
  source: string;
  tags: Record<string, string>;
  description: string;
  /** The parsed model.json. */
  json: unknown;
  /**
   * Another file of the version's run, by its path from the run's artifact root: the ensemble
   * record of a version registered before logged models names its members that way
   * (`model/gbm/model.json`).
   */
  runArtifact(path: string): Promise<Uint8Array>;
  /** Another file of the version's model directory (`members/gbm/model.json` of a logged ensemble). */
  modelFile(path: string): Promise<Uint8Array>;
}

export function parseModelRef(ref: string): ModelRef {
  const body = ref.startsWith("models:/") ? ref.slice("models:/".length) : ref;
  const at = body.lastIndexOf("@");
  if (at > 0 && at < body.length - 1) return { name: body.slice(0, at), alias: body.slice(at + 1), version: null };
  const slash = body.lastIndexOf("/");
  if (slash > 0 && /^\d+$/.test(body.slice(slash + 1))) {
    return { name: body.slice(0, slash), alias: null, version: body.slice(slash + 1) };
  }
  throw new Error(`model reference "${ref}": expected <name>@<alias> (e.g. spy-daily@champion) or <name>/<version>`);
}

export async function loadModelArtifact(
  ref: string,
  opts: { client?: MlflowClient; file?: string } = {},
): Promise<LoadedModelArtifact> {
  const client = opts.client ?? new MlflowClient({ trackingUri: trackingUri() });
  const registry = new ModelRegistry(client);
  const parsed = parseModelRef(ref);
  const mv = parsed.alias
    ? await registry.getAlias(parsed.name, parsed.alias)
    : await registry.getModelVersion(parsed.name, parsed.version as string);
  if (!mv) {
    throw new Error(
      `model reference "${ref}": ${parsed.alias ? `no version of ${parsed.name} has the alias ${parsed.alias}` : `${parsed.name} has no version ${parsed.version}`} (see \`wsp models show ${parsed.name}\`)`,
    );
  }
  const file = opts.file ?? "model.json";
  const bytes = await client.downloadArtifactUri(`${mv.source.replace(/\/+$/, "")}/${file}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${mv.source}/${file} (${parsed.name} v${mv.version}): not JSON (${(err as Error).message})`);
  }
  return {
    name: mv.name,
    version: mv.version,
    aliases: mv.aliases ?? [],
    runId: mv.run_id ?? null,
    source: mv.source,
    tags: tagRecord(mv.tags),
    description: mv.description ?? "",
    json,
    modelFile: (path: string) => client.downloadArtifactUri(`${mv.source.replace(/\/+$/, "")}/${path}`),
    runArtifact: async (path: string) => {
      if (!mv.run_id) throw new Error(`${parsed.name} v${mv.version} has no run: ${path} cannot be read`);
      return client.downloadArtifact(mv.run_id, path);
    },
  };
}
