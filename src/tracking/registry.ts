/**
 * MLflow's model registry over REST: registered models, model versions (from a run's artifact
 * path), aliases (`champion`, `challenger`; stages are deprecated), version tags and
 * descriptions. Errors are `MlflowError`s; "not found" answers become null where asked for.
 */
import type { MlflowClient } from "./mlflowClient";
import { MlflowError } from "./mlflowError";
import type { KeyValue, LoggedModel } from "./types";

const ALIAS_ATTEMPTS = 4;

/** A write that lost a race to insert the same unique row (SQLite's and PostgreSQL's wording). */
function isUniqueKeyConflict(err: unknown): boolean {
  return err instanceof MlflowError && /UNIQUE constraint failed|duplicate key value/i.test(err.detail);
}

export type ModelVersionStatus = "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY";

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  /** Where the model files are: `models:/<model_id>`, `runs:/<run>/model` or `mlflow-artifacts:/…/model`. */
  source: string;
  run_id?: string;
  /** The logged model the version was made from (MLflow 3). */
  model_id?: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface CreateModelVersionInput {
  name: string;
  /** `models:/<model_id>` (a logged model), `runs:/<run>/<path>` or an artifact URI of the tracking server. */
  source: string;
  runId?: string;
  /** The logged model the version is made from (MLflow 3 lineage; its source is `models:/<model_id>`). */
  modelId?: string;
  tags?: Record<string, string>;
  description?: string;
  /** How long to wait for READY; default 60 s. */
  readyTimeoutMs?: number;
}

const API = "/api/2.0/mlflow";

function isNotFound(err: unknown): boolean {
  return err instanceof MlflowError && err.errorCode === "RESOURCE_DOES_NOT_EXIST";
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

function toKeyValues(record: Record<string, string> | undefined): KeyValue[] {
  return record ? Object.entries(record).map(([key, value]) => ({ key, value })) : [];
}

/** Tags of a registry object as a record. */
export function tagRecord(tags: KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}

export class ModelRegistry {
  constructor(readonly client: MlflowClient) {}

  async getRegisteredModel(name: string): Promise<RegisteredModel | null> {
    try {
      const res = await this.client.call<{ registered_model: RegisteredModel }>("GET", `${API}/registered-models/get`, {
        query: { name },
      });
      return res.registered_model;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** The registered model `name`, created when missing (and re-read after losing a creation race). */
  async getOrCreateRegisteredModel(
    name: string,
    opts: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<RegisteredModel> {
    const existing = await this.getRegisteredModel(name);
    if (existing) return existing;
    try {
      const res = await this.client.call<{ registered_model: RegisteredModel }>(
        "POST",
        `${API}/registered-models/create`,
        { body: { name, description: opts.description ?? "", tags: toKeyValues(opts.tags) } },
      );
      return res.registered_model;
    } catch (err) {
      if (err instanceof MlflowError && err.errorCode === "RESOURCE_ALREADY_EXISTS") {
        const winner = await this.getRegisteredModel(name);
        if (winner) return winner;
      }
      throw err;
    }
  }

  /** Registered models, optionally filtered (`name LIKE 'spy%'`), following page tokens. */
  async searchRegisteredModels(filter?: string): Promise<RegisteredModel[]> {
    const out: RegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { max_results: "1000" };
      if (filter) query.filter = filter;
      if (pageToken) query.page_token = pageToken;
      const res = await this.client.call<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(
        "GET",
        `${API}/registered-models/search`,
        { query },
      );
      out.push(...(res.registered_models ?? []));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  /** Creates a version of `name` (which must exist) and waits until it is READY. */
  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const body: Record<string, unknown> = {
      name: input.name,
      source: input.source,
      tags: toKeyValues(input.tags),
      description: input.description ?? "",
    };
    if (input.runId) body.run_id = input.runId;
    if (input.modelId) body.model_id = input.modelId;
    const res = await this.client.call<{ model_version: ModelVersion }>("POST", `${API}/model-versions/create`, {
      body,
    });
    return this.waitUntilReady(input.name, res.model_version.version, input.readyTimeoutMs ?? 60_000);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion | null> {
    try {
      const res = await this.client.call<{ model_version: ModelVersion }>("GET", `${API}/model-versions/get`, {
        query: { name, version },
      });
      return res.model_version;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * Polls until the version is READY. The SQL registry creates versions READY at once; a
   * registry that copies files (Databricks, say) passes through PENDING_REGISTRATION first.
   */
  async waitUntilReady(name: string, version: string, timeoutMs: number): Promise<ModelVersion> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(2000, delay * 2)) {
      const mv = await this.getModelVersion(name, version);
      if (!mv)
        throw new MlflowError("RESOURCE_DOES_NOT_EXIST", 0, "model-versions/get", `${name}/${version} vanished`, 1);
      if (mv.status === "READY") return mv;
      if (mv.status === "FAILED_REGISTRATION") {
        throw new MlflowError(
          "FAILED_REGISTRATION",
          0,
          "model-versions/get",
          `${name}/${version}: ${mv.status_message ?? "registration failed"}`,
          1,
        );
      }
      if (Date.now() >= deadline) {
        throw new MlflowError(
          "TIMEOUT",
          0,
          "model-versions/get",
          `${name}/${version} not READY after ${timeoutMs} ms`,
          1,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async setModelVersionDescription(name: string, version: string, description: string): Promise<void> {
    await this.client.call("PATCH", `${API}/model-versions/update`, { body: { name, version, description } });
  }

  async setModelVersionTags(name: string, version: string, tags: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      await this.client.call("POST", `${API}/model-versions/set-tag`, { body: { name, version, key, value } });
    }
  }

  /** Removes one tag of a version; a tag that is not there is not an error. */
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    try {
      await this.client.call("DELETE", `${API}/model-versions/delete-tag`, { body: { name, version, key } });
    } catch (err) {
      if (!(err instanceof MlflowError && err.errorCode === "RESOURCE_DOES_NOT_EXIST")) throw err;
    }
  }

  /** Sets (or overwrites) one tag of the registered model itself. */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.client.call("POST", `${API}/registered-models/set-tag`, { body: { name, key, value } });
  }

  /** Versions of `name` (newest first), following page tokens. */
  async searchModelVersions(name: string): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { filter: `name = ${quote(name)}`, max_results: "10000" };
      if (pageToken) query.page_token = pageToken;
      const res = await this.client.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
        "GET",
        `${API}/model-versions/search`,
        { query },
      );
      out.push(...(res.model_versions ?? []));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  }

  /**
   * MLflow sets an alias by looking it up, then inserting or updating, without a lock: two
   * writers setting one alias at once (concurrent promotions) can both insert, and the second
   * fails on the table's unique key. Setting an alias is idempotent, so that writer tries again
   * and then finds the row to update.
   */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.call("POST", `${API}/registered-models/alias`, { body: { name, alias, version } });
        return;
      } catch (err) {
        if (attempt >= ALIAS_ATTEMPTS || !isUniqueKeyConflict(err)) throw err;
        await new Promise((wake) => setTimeout(wake, 25 * attempt));
      }
    }
  }

  /**
   * The version `alias` points to, or null. Read from the registered model's alias list: MLflow
   * answers an unknown alias with INVALID_PARAMETER_VALUE, the same code as a malformed request.
   */
  async getAlias(name: string, alias: string): Promise<ModelVersion | null> {
    const model = await this.getRegisteredModel(name);
    const hit = model?.aliases?.find((a) => a.alias === alias);
    return hit ? this.getModelVersion(name, hit.version) : null;
  }

  /** Removes `alias` from `name`; returns false when it was not set. */
  async deleteAlias(name: string, alias: string): Promise<boolean> {
    const model = await this.getRegisteredModel(name);
    if (!model?.aliases?.some((a) => a.alias === alias)) return false;
    await this.client.call("DELETE", `${API}/registered-models/alias`, { body: { name, alias } });
    return true;
  }

  /** Where the version's files are, as MLflow resolves it. */
  async getDownloadUri(name: string, version: string): Promise<string> {
    const res = await this.client.call<{ artifact_uri: string }>("GET", `${API}/model-versions/get-download-uri`, {
      query: { name, version },
    });
    return res.artifact_uri;
  }
}

/**
 * The READY logged model named `name` that run `runId` produced (what MLflow 3 registers a version
 * from), or null when the run logged none by that name (runs recorded before logged models).
 */
export async function findRunLoggedModel(
  client: MlflowClient,
  experimentId: string,
  runId: string,
  name: string,
): Promise<LoggedModel | null> {
  const found = await client.searchLoggedModels(
    [experimentId],
    `source_run_id = ${quote(runId)} AND name = ${quote(name)}`,
  );
  return found.find((m) => m.info.status === "LOGGED_MODEL_READY") ?? null;
}
