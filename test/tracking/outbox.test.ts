/**
 * Resilience against a real MLflow server of this file's own (its own port and store, so it can
 * be stopped mid-run without disturbing the suite's): runs complete into the outbox while it is
 * down, `wsp mlflow sync` replays them, and replaying again, from the state an interrupted replay
 * leaves or from no progress at all, creates no duplicates. Read back through REST and Python.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  listOutboxRuns,
  MlflowClient,
  openRecorder,
  type Recorder,
  type RunRecorder,
  syncOutbox,
  trialCount,
  trialEntry,
  trialKey,
} from "../../src/tracking/index";
import { findRepoRoot, startMlflowServer, stopMlflowServer } from "../../src/services/index";
import { freePort } from "../setup/freePort";

const repoRoot = findRepoRoot();
let storeDir: string;
let port: number;
let uri: string;
let client: MlflowClient;
let outboxDir: string;
let copyDir: string;
let zeroDir: string;
let recorder: Recorder;

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), "wsp-outbox-mlflow-"));
  outboxDir = mkdtempSync(join(tmpdir(), "wsp-outbox-"));
  copyDir = mkdtempSync(join(tmpdir(), "wsp-outbox-copy-"));
  zeroDir = mkdtempSync(join(tmpdir(), "wsp-outbox-zero-"));
  port = await freePort();
  uri = (await startMlflowServer({ repoRoot, storeDir, port })).uri;
  client = new MlflowClient({ trackingUri: uri, retries: 1, backoffMs: 20 });
  recorder = await openRecorder({ client, outboxDir });
});

afterAll(async () => {
  await stopMlflowServer({ repoRoot, storeDir }, 5000);
  for (const d of [storeDir, outboxDir, copyDir, zeroDir]) rmSync(d, { recursive: true, force: true });
});

const experiment = `outbox-${Date.now()}`;
const trial = (variant: string) =>
  trialEntry(trialKey("config", "data", variant), { variant, sharpe: 0.01, activeSharpe: 0, nObs: 100 });
const longValue = "y".repeat(6500);
let parent: RunRecorder;
let child: RunRecorder;
let offline: RunRecorder;

async function runsOf(): Promise<Map<string, string>> {
  const exp = await client.getExperimentByName(experiment);
  const runs = await client.searchAllRuns({ experimentIds: [exp?.experiment_id ?? ""], runViewType: "ALL" });
  return new Map(runs.map((r) => [r.info.run_name ?? "", r.info.run_id]));
}

function python(code: string): string {
  const res = spawnSync(join(repoRoot, ".venv", "bin", "python"), ["-c", code], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return res.stdout.trim();
}

describe("MLflow down mid-run", () => {
  it("records online until the server stops, then finishes every run into the outbox", async () => {
    parent = await recorder.startRun({ experiment, runName: "parent", tags: { owner: "test" } });
    expect(parent.offline).toBe(false);
    await parent.logParams({ "models.0.kind": "gbm", a: 1 });
    await parent.logMetricSeries("loss", [0.9, 0.8]);
    expect((await parent.recordTrials([trial("gbm"), trial("rf")])).size).toBe(2);
    child = await recorder.startRun({ experiment, runName: "gbm", parentRunId: parent.runId });
    await child.logMetrics({ auc: 0.5 }, 0);

    expect(await stopMlflowServer({ repoRoot, storeDir }, 5000)).toBe(true);

    await parent.logMetricSeries("loss", [0.7, 0.6], [2, 3]);
    await child.logMetrics({ auc: 0.52 }, 1);
    await child.logJsonArtifact("model/model.json", { kind: "gbm" });
    expect(await child.end("FINISHED")).toMatchObject({ synced: false });
    expect(child.offline).toBe(true);
    // While down the ledger is the one last seen plus this run's trials: the estimate the runner gets offline.
    expect((await parent.recordTrials([trial("rf"), trial("ensemble")])).size).toBe(3);
    await parent.logArtifact("report.html", "<html>report</html>");

    offline = await recorder.startRun({ experiment, runName: "offline-from-start", parentRunId: parent.runId });
    expect(offline.offline).toBe(true);
    expect(offline.runId).toBe(offline.localId);
    await offline.logParams({ long: longValue });
    expect(await offline.end("FAILED", new Error("control fold 2 diverged"))).toMatchObject({
      synced: false,
      serverRunId: null,
    });
    expect(await parent.end("FINISHED")).toMatchObject({ synced: false, serverRunId: parent.serverRunId });
  }, 120_000);

  it("keeps one append-only JSONL per run with its artifacts beside it, and no locks once ended", () => {
    const runs = listOutboxRuns(outboxDir);
    expect(runs.map((r) => r.localId)).toEqual([parent.localId, child.localId, offline.localId]);
    for (const r of runs) expect(existsSync(r.lockPath)).toBe(false);
    const ops = readFileSync(join(outboxDir, parent.localId, "entries.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).op);
    expect(ops).toEqual([
      "start",
      "params",
      "metrics",
      "tags",
      "trials",
      "metrics",
      "tags",
      "trials",
      "tags",
      "artifact",
      "end",
    ]);
    expect(readFileSync(join(outboxDir, parent.localId, "artifacts", "report.html"), "utf8")).toBe(
      "<html>report</html>",
    );
    // What the server took before it stopped: start, params, first metrics, trials tags.
    expect(runs[0].progress().applied).toBe(5);
    expect(runs[2].progress()).toMatchObject({ applied: 0, serverRunId: null });
    cpSync(outboxDir, copyDir, { recursive: true });
    cpSync(outboxDir, zeroDir, { recursive: true });
  });

  it("`wsp mlflow sync` replays everything once the server is back", async () => {
    await startMlflowServer({ repoRoot, storeDir, port });
    const res = spawnSync(process.execPath, ["bin/wsp.js", "mlflow", "sync", "--outbox", outboxDir], {
      cwd: repoRoot,
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      encoding: "utf8",
    });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("3 of 3 outbox run(s) synced");
    expect(res.stdout).toContain(`synced  ${offline.localId} -> `);
    expect(listOutboxRuns(outboxDir)).toEqual([]);
  }, 120_000);

  async function checkServer(): Promise<void> {
    const runs = await runsOf();
    expect([...runs.keys()].sort()).toEqual(["gbm", "offline-from-start", "parent"]);
    const p = await client.getRun(runs.get("parent") as string);
    expect(p.info.run_id).toBe(parent.serverRunId);
    expect(p.info.status).toBe("FINISHED");
    expect(Object.fromEntries((p.data.params ?? []).map((x) => [x.key, x.value]))).toEqual({
      "models.0.kind": "gbm",
      a: "1",
    });
    const loss = await client.getMetricHistory(p.info.run_id, "loss");
    expect(loss.map((m) => [m.step, m.value]).sort()).toEqual([
      [0, 0.9],
      [1, 0.8],
      [2, 0.7],
      [3, 0.6],
    ]);
    expect((await client.listArtifacts(p.info.run_id)).map((f) => f.path)).toEqual(["report.html"]);
    const c = await client.getRun(runs.get("gbm") as string);
    const ctags = Object.fromEntries((c.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(ctags["mlflow.parentRunId"]).toBe(p.info.run_id);
    expect(c.info.status).toBe("FINISHED");
    expect((await client.getMetricHistory(c.info.run_id, "auc")).length).toBe(2);
    const model = new TextDecoder().decode(await client.downloadArtifact(c.info.run_id, "model/model.json"));
    expect(JSON.parse(model)).toEqual({ kind: "gbm" });
    const o = await client.getRun(runs.get("offline-from-start") as string);
    const otags = Object.fromEntries((o.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(o.info.status).toBe("FAILED");
    expect(otags["wsp.error"]).toBe("Error: control fold 2 diverged");
    expect(otags["mlflow.parentRunId"]).toBe(p.info.run_id);
    expect(otags["wsp.local_run_id"]).toBe(offline.localId);
    expect(o.data.params).toEqual([
      { key: "long", value: `sha256:${createHash("sha256").update(longValue).digest("hex")}` },
    ]);
    const longText = new TextDecoder().decode(await client.downloadArtifact(o.info.run_id, "params/long.txt"));
    expect(longText).toBe(longValue);
    expect(new TextDecoder().decode(await client.downloadArtifact(o.info.run_id, "error.txt"))).toContain(
      "control fold 2 diverged",
    );
    expect(await trialCount(client, experiment)).toBe(3);
  }

  it("holds runs, params, metrics, artifacts and trials as recorded", checkServer);

  it("replays again without duplicates: from an interrupted replay's state and from no progress at all", async () => {
    // The copy holds the progress at the moment the server stopped: a replay interrupted there.
    const again = await syncOutbox(client, copyDir);
    expect(again.map((r) => r.state)).toEqual(["synced", "synced", "synced"]);
    await checkServer();
    // Worst case: every entry already on the server but no progress recorded (as if the replay
    // had crashed after each write, before recording it).
    for (const run of listOutboxRuns(zeroDir)) {
      run.writeProgress({ applied: 0, serverRunId: null, experimentId: null, rejected: [] });
    }
    const zero = await syncOutbox(client, zeroDir);
    expect(zero.map((r) => [r.state, r.serverRunId])).toEqual(again.map((r) => ["synced", r.serverRunId]));
    await checkServer();
  }, 120_000);

  it("reads the synced runs through the Python mlflow client", () => {
    const out = python(
      [
        "import mlflow, json",
        "c = mlflow.MlflowClient()",
        `e = c.get_experiment_by_name("${experiment}")`,
        "runs = c.search_runs([e.experiment_id])",
        `p = c.get_run("${parent.serverRunId}")`,
        `h = sorted((m.step, m.value) for m in c.get_metric_history("${parent.serverRunId}", "loss"))`,
        "print(json.dumps({'n': len(runs), 'status': p.info.status, 'loss': h, 'trials': e.tags.get('wsp.trials')}))",
      ].join("\n"),
    );
    expect(JSON.parse(out)).toEqual({
      n: 3,
      status: "FINISHED",
      loss: [
        [0, 0.9],
        [1, 0.8],
        [2, 0.7],
        [3, 0.6],
      ],
      trials: "3",
    });
  });
});
