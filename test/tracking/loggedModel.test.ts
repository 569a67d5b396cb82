/**
 * A logged model (MLflow 3) written while MLflow is down: it waits in the outbox and `wsp mlflow
 * sync` creates it on the real server, linked to its run; replaying the same outbox again (an
 * interrupted replay's files, from no progress at all) creates nothing twice.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { promoteRun } from "../../src/pipeline";
import { MlflowClient, ModelRegistry, openRecorder, syncOutbox } from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let client: MlflowClient;
let dir: string;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  dir = mkdtempSync(join(tmpdir(), "wsp-logged-model-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("logged models through the outbox", () => {
  it("are created on sync, once, however often the replay runs", async () => {
    const experiment = `logged-model-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const outboxDir = join(dir, "outbox");
    // Port 9 (discard) refuses connections on loopback: the server is "down".
    const recorder = await openRecorder({ trackingUri: "http://127.0.0.1:9", outboxDir });
    const run = await recorder.startRun({ experiment, runName: "offline" });
    await run.logMetrics({ "gbm.holdout_auc": 0.61 }, 0, 1_700_000_000_000);
    await run.logModel({
      name: "gbm",
      modelType: "classifier",
      params: { n_trees: "20" },
      tags: { "wsp.variant": "gbm" },
      files: [
        { path: "MLmodel", content: "flavors:\n  wsp:\n    kind: gbm\n" },
        { path: "model.json", content: '{"kind":"gbm"}\n' },
      ],
      metrics: { "gbm.holdout_auc": 0.61 },
      metricsTimestamp: 1_700_000_000_000,
    });
    // A later record step's file for the same model (the drift reference profile).
    await run.logModelFiles("gbm", [{ path: "reference_profile.json", content: '{"variant":"gbm"}\n' }]);
    const ended = await run.end("FINISHED");
    expect(ended.synced).toBe(false);
    const copy = join(dir, "outbox-copy");
    cpSync(outboxDir, copy, { recursive: true });

    const first = await syncOutbox(client, outboxDir);
    expect(first.map((r) => r.state)).toEqual(["synced"]);
    const runId = first[0].serverRunId ?? "";
    const exp = await client.getExperimentByName(experiment);
    const search = () => client.searchLoggedModels([exp?.experiment_id ?? ""], `source_run_id = '${runId}'`);
    const [model] = await search();
    expect(model.info).toMatchObject({ name: "gbm", status: "LOGGED_MODEL_READY", model_type: "classifier" });
    const mlmodel = parse(
      new TextDecoder().decode(await client.downloadArtifactUri(`models:/${model.info.model_id}/MLmodel`)),
    );
    // The ids only the server knows, filled in at replay.
    expect(mlmodel).toMatchObject({ model_id: model.info.model_id, run_id: runId, flavors: { wsp: { kind: "gbm" } } });
    const profileFile = () => client.downloadArtifactUri(`models:/${model.info.model_id}/reference_profile.json`);
    expect(new TextDecoder().decode(await profileFile())).toBe('{"variant":"gbm"}\n');

    // The same outbox again, as an interrupted replay leaves it (nothing marked applied).
    const second = await syncOutbox(client, copy);
    expect(second.map((r) => [r.state, r.serverRunId])).toEqual([["synced", runId]]);
    expect((await search()).map((m) => m.info.model_id)).toEqual([model.info.model_id]);
    expect((await client.getRunOutputs(runId)).map((o) => o.model_id)).toEqual([model.info.model_id]);
    const full = await client.getLoggedModel(model.info.model_id);
    expect(full.data?.metrics?.map((m) => [m.key, m.value])).toEqual([["gbm.holdout_auc", 0.61]]);
    expect(full.data?.params).toEqual([{ key: "n_trees", value: "20" }]);
    expect(await client.getMetricHistory(runId, "gbm.holdout_auc")).toHaveLength(1);
  });

  it("refuses files for a model the run has not logged, naming it", async () => {
    const experiment = `logged-files-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const recorder = await openRecorder({ client, outboxDir: join(dir, "outbox-files") });
    const run = await recorder.startRun({ experiment, runName: "r" });
    await expect(run.logModelFiles("rf", [{ path: "reference_profile.json", content: "{}\n" }])).rejects.toThrow(
      /files for logged model rf, which run \w+ has not logged/,
    );
    await run.end("FINISHED");
  });

  it("promotion registers the run's logged model, unless wsp.promote_path names the run's own files", async () => {
    const experiment = `logged-promote-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const recorder = await openRecorder({ client, outboxDir: join(dir, "outbox-online") });
    const record = async (tags: Record<string, string>) => {
      const run = await recorder.startRun({ experiment, runName: "r", tags: { "wsp.promote_model": "gbm", ...tags } });
      await run.logModel({
        name: "gbm",
        modelType: "classifier",
        files: [
          { path: "MLmodel", content: "flavors: {}\n" },
          { path: "model.json", content: '{"kind":"gbm","from":"logged"}\n' },
        ],
      });
      await run.logJsonArtifact("export/model.json", { kind: "gbm", from: "run" });
      await run.end("FINISHED");
      return run.runId;
    };
    const a = await promoteRun(client, await record({}), { modelName: experiment });
    const b = await promoteRun(client, await record({ "wsp.promote_path": "export" }), { modelName: experiment });
    const registry = new ModelRegistry(client);
    const va = await registry.getModelVersion(experiment, a.version);
    const exp = await client.getExperimentByName(experiment);
    const [model] = await client.searchLoggedModels([exp?.experiment_id ?? ""], `source_run_id = '${a.runId}'`);
    expect(va?.source).toBe(`models:/${model.info.model_id}`);
    expect((await registry.getModelVersion(experiment, b.version))?.source).toMatch(/\/artifacts\/export$/);
  });
});
