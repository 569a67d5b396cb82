/**
 * The REST client against the real MLflow server of the suite (test/setup/mlflow.ts), read back
 * by the client itself and by the Python `mlflow` package from the project venv.
 */
import { spawnSync } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlflowClient, MlflowError } from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let client: MlflowClient;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
});

function unique(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

describe("experiments", () => {
  it("creates an experiment once and returns the same one after", async () => {
    const name = unique("exp");
    expect(await client.getExperimentByName(name)).toBeNull();
    const a = await client.getOrCreateExperiment(name, { owner: "test" });
    const b = await client.getOrCreateExperiment(name);
    expect(b.experiment_id).toBe(a.experiment_id);
    expect(a.name).toBe(name);
    expect(a.lifecycle_stage).toBe("active");
    expect(a.tags).toContainEqual({ key: "owner", value: "test" });
  });

  it("restores a deleted experiment instead of failing on its reserved name", async () => {
    const name = unique("deleted");
    const exp = await client.getOrCreateExperiment(name);
    await client.deleteExperiment(exp.experiment_id);
    expect((await client.getExperimentByName(name))?.lifecycle_stage).toBe("deleted");
    const again = await client.getOrCreateExperiment(name);
    expect(again.experiment_id).toBe(exp.experiment_id);
    expect(again.lifecycle_stage).toBe("active");
  });
});

describe("runs, logging and artifacts", () => {
  let experimentId: string;
  let runId: string;
  const params: Record<string, string> = {};
  for (let i = 0; i < 130; i++) params[`p${String(i).padStart(3, "0")}`] = `v${i}`;
  const tags: Record<string, string> = {};
  for (let i = 0; i < 105; i++) tags[`t${i}`] = `tag${i}`;
  // 1500 points of one metric plus 250 params+tags: four log-batch requests at MLflow's limits.
  const metrics = Array.from({ length: 1500 }, (_, step) => ({ key: "loss", value: 1 / (step + 1), step }));

  beforeAll(async () => {
    experimentId = (await client.getOrCreateExperiment(unique("runs"))).experiment_id;
    const run = await client.createRun({ experimentId, runName: "gbm-fold-0", tags: { kind: "gbm" } });
    runId = run.info.run_id;
    expect(run.info.status).toBe("RUNNING");
    expect(run.info.artifact_uri).toMatch(/^mlflow-artifacts:\//);
  });

  it("logs params, tags and metrics beyond one batch's limits and reads them back", async () => {
    await client.logBatch(runId, { params, tags, metrics: [...metrics, { key: "auc", value: 0.61 }] });
    await client.logMetric(runId, "sharpe", 1.25, 3);
    await client.logParam(runId, "model", "gbm");
    await client.setTag(runId, "stage", "cv");
    const run = await client.getRun(runId);
    const got = new Map((run.data.params ?? []).map((p) => [p.key, p.value]));
    expect(got.size).toBe(131);
    expect(got.get("p129")).toBe("v129");
    expect(got.get("model")).toBe("gbm");
    const gotTags = new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(gotTags.get("t104")).toBe("tag104");
    expect(gotTags.get("stage")).toBe("cv");
    expect(gotTags.get("mlflow.runName")).toBe("gbm-fold-0");
    const latest = new Map((run.data.metrics ?? []).map((m) => [m.key, m]));
    expect(latest.get("auc")?.value).toBe(0.61);
    expect(latest.get("sharpe")).toMatchObject({ value: 1.25, step: 3 });
    expect(latest.get("loss")).toMatchObject({ step: 1499 });
    const history = await client.getMetricHistory(runId, "loss");
    expect(history).toHaveLength(1500);
    expect(history.map((m) => m.step).sort((a, b) => a - b)[1499]).toBe(1499);
  });

  it("sends NaN as MLflow's string form instead of invalid JSON", async () => {
    await client.logBatch(runId, { metrics: [{ key: "undefined_ratio", value: Number.NaN }] });
    const m = (await client.getRun(runId)).data.metrics?.find((x) => x.key === "undefined_ratio");
    expect(m?.value).toBe("NaN");
  });

  it("uploads, lists and downloads artifacts through the server's proxy", async () => {
    const html = "<html><body>report</body></html>";
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.uploadArtifact(runId, "report.html", html, "text/html");
    await client.uploadArtifact(runId, "model/weights bin", bytes);
    const top = await client.listArtifacts(runId);
    expect(top.map((f) => [f.path, f.is_dir]).sort()).toEqual([
      ["model", true],
      ["report.html", false],
    ]);
    const model = await client.listArtifacts(runId, "model");
    expect(model).toEqual([{ path: "model/weights bin", is_dir: false, file_size: 5 }]);
    expect(new TextDecoder().decode(await client.downloadArtifact(runId, "report.html"))).toBe(html);
    expect(Array.from(await client.downloadArtifact(runId, "model/weights bin"))).toEqual(Array.from(bytes));
  });

  it("finishes the run and finds it by search", async () => {
    const info = await client.endRun(runId);
    expect(info.status).toBe("FINISHED");
    const found = await client.searchAllRuns({ experimentIds: [experimentId], filter: "params.model = 'gbm'" });
    expect(found.map((r) => r.info.run_id)).toEqual([runId]);
    const none = await client.searchRuns({ experimentIds: [experimentId], filter: "params.model = 'rf'" });
    expect(none.runs).toEqual([]);
  });

  it("is read identically by the Python mlflow client (cross-client check)", () => {
    const script = [
      "import json, sys, mlflow",
      "from mlflow import MlflowClient",
      "c = MlflowClient()",
      "r = c.get_run(sys.argv[1])",
      "p = mlflow.artifacts.download_artifacts(run_id=sys.argv[1], artifact_path='report.html')",
      "print(json.dumps({'params': len(r.data.params), 'model': r.data.params['model'], 'auc': r.data.metrics['auc'],",
      "  'status': r.info.status, 'name': r.info.run_name, 'loss': len(c.get_metric_history(sys.argv[1], 'loss')),",
      "  'report': open(p).read()}))",
    ].join("\n");
    const py = spawnSync(join(process.cwd(), ".venv", "bin", "python"), ["-c", script, runId], {
      encoding: "utf8",
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      timeout: 90_000,
    });
    expect(py.stderr.includes("Traceback") ? py.stderr : "").toBe("");
    expect(py.status).toBe(0);
    const got = JSON.parse(py.stdout.trim().split("\n").pop() ?? "{}");
    expect(got).toEqual({
      params: 131,
      model: "gbm",
      auc: 0.61,
      status: "FINISHED",
      name: "gbm-fold-0",
      loss: 1500,
      report: "<html><body>report</body></html>",
    });
  });
});

describe("errors and retries", () => {
  it("fails at once on INVALID_PARAMETER_VALUE when a logged param changes", async () => {
    const exp = await client.getOrCreateExperiment(unique("immutable"));
    const run = await client.createRun({ experimentId: exp.experiment_id });
    await client.logParam(run.info.run_id, "depth", 5);
    const err = await client.logParam(run.info.run_id, "depth", 6).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: "INVALID_PARAMETER_VALUE", status: 400, attempts: 1 });
  });

  it("retries network failures, then reports NETWORK_ERROR with the attempt count", async () => {
    const dead = new MlflowClient({ trackingUri: "http://127.0.0.1:9", retries: 2, backoffMs: 5 });
    const err = await dead.getExperimentByName("x").catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: "NETWORK_ERROR", status: 0, attempts: 3 });
  });

  describe("through a flaky proxy in front of the real server", () => {
    let proxy: Server;
    let proxyUri: string;
    let failuresLeft = 0;
    let failStatus = 503;
    let requests = 0;

    beforeAll(async () => {
      const target = new URL(uri);
      proxy = createServer((req, res) => {
        requests++;
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(failStatus, { "content-type": "application/json", "retry-after": "0" });
          res.end(
            JSON.stringify({
              error_code: failStatus === 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE",
              message: "try later",
            }),
          );
          return;
        }
        const up = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
      const addr = proxy.address();
      proxyUri = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    });

    afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

    it("does not retry RESOURCE_DOES_NOT_EXIST (one request reaches the server)", async () => {
      const viaProxy = new MlflowClient({ trackingUri: proxyUri, retries: 4, backoffMs: 5 });
      failuresLeft = 0;
      requests = 0;
      const err = await viaProxy.getRun("0123456789abcdef0123456789abcdef").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MlflowError);
      expect(err).toMatchObject({ errorCode: "RESOURCE_DOES_NOT_EXIST", status: 404 });
      expect(requests).toBe(1);
    });

    it("retries 503 and 429 until the server answers", async () => {
      const flaky = new MlflowClient({ trackingUri: proxyUri, retries: 4, backoffMs: 5 });
      for (const status of [503, 429]) {
        failStatus = status;
        failuresLeft = 3;
        requests = 0;
        const exp = await flaky.getOrCreateExperiment(unique(`flaky-${status}`));
        expect(exp.lifecycle_stage).toBe("active");
        expect(failuresLeft).toBe(0);
        expect(requests).toBeGreaterThan(3);
      }
    });

    it("gives up after the configured retries with MLflow's error_code", async () => {
      const flaky = new MlflowClient({ trackingUri: proxyUri, retries: 1, backoffMs: 5 });
      failStatus = 503;
      failuresLeft = 5;
      requests = 0;
      const err = await flaky.getExperimentByName("anything").catch((e: unknown) => e);
      expect(err).toMatchObject({ errorCode: "TEMPORARILY_UNAVAILABLE", status: 503, attempts: 2 });
      expect(requests).toBe(2);
      failuresLeft = 0;
    });
  });
});
