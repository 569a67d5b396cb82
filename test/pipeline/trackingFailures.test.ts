/**
 * What a tracked run does when things go wrong: with MLflow unreachable the run completes into
 * the outbox and `syncOutbox` (what `wsp mlflow sync` runs) later replays the whole parent/child
 * run to the server; a run whose pipeline throws is recorded as FAILED with the error.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, runTracked, runTrainJob } from "../../src/pipeline";
import { MlflowClient, syncOutbox } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";

const experiment = `pipeline-failures-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

function config(tickers: string): string {
  return `name: small
tracking: { experiment: ${experiment} }
data: { tickers: [${tickers}], timeframe: 1d, start: 2014-01-01, end: 2024-12-31 }
features: { set: [{ indicator: rsi, params: { period: 14 } }, { indicator: roc, params: { period: 10 } }] }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models: [{ kind: gbm, params: { n_trees: 5, max_depth: 2 } }]
calibration: { method: platt }
controls: { shuffled_labels: true }
`;
}

let uri: string;
let client: MlflowClient;
let dir: string;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  dir = mkdtempSync(join(tmpdir(), "wsp-pipeline-failures-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tracking failures", () => {
  it("a train job whose earlier attempt went to the outbox replays it and returns that run", async () => {
    const outboxDir = join(dir, "outbox-job");
    // An experiment of its own: the next test counts the runs of the shared one.
    const loaded = parseConfig(config("QQQ").replace(experiment, `${experiment}-job`));
    const jobId = `train-${"5a".repeat(16)}`;
    const quiet = { outboxDir, jobId, progress: false, png: false } as const;
    const first = await runTracked(loaded, { ...quiet, trackingUri: "http://127.0.0.1:9" });
    expect(first.offline).toBe(true);
    const job = await runTrainJob(loaded, { ...quiet, trackingUri: uri });
    expect(job.reused).toBe(true);
    expect(job.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(job.runUrl).toContain(job.runId);
    expect((await client.getRun(job.runId)).info.status).toBe("FINISHED");
    expect(existsSync(outboxDir) ? readdirSync(outboxDir).length : 0).toBe(0);
  });

  it("completes into the outbox with MLflow down, and the replay lands the whole run", async () => {
    const outboxDir = join(dir, "outbox");
    // Port 9 (discard) refuses connections on loopback: the server is "down".
    const run = await runTracked(parseConfig(config("SPY")), {
      trackingUri: "http://127.0.0.1:9",
      outboxDir,
      progress: false,
      png: false,
    });
    expect(run.offline).toBe(true);
    expect(run.runUrl).toBeNull();
    expect(run.runId).toMatch(/^local-/);
    expect(run.result.models[0].oos.rows).toBeGreaterThan(500);
    expect(readdirSync(outboxDir).length).toBe(4); // parent, gbm, backtest, control
    const synced = await syncOutbox(client, outboxDir);
    expect(synced).toHaveLength(4);
    const exp = await client.getExperimentByName(experiment);
    const runs = await client.searchAllRuns({ experimentIds: [exp?.experiment_id ?? ""] });
    const parent = runs.find((r) => /^small-[0-9a-f]{7}$/.test(r.info.run_name ?? ""));
    expect(parent?.info.status).toBe("FINISHED");
    // The logged model waited in the outbox too: created on replay, linked to the run, READY.
    const models = await client.searchLoggedModels(
      [exp?.experiment_id ?? ""],
      `source_run_id = '${parent?.info.run_id}'`,
    );
    expect(models.map((m) => [m.info.name, m.info.status])).toEqual([["gbm", "LOGGED_MODEL_READY"]]);
    expect((await client.getRunOutputs(parent?.info.run_id ?? "")).map((o) => o.model_id)).toEqual([
      models[0].info.model_id,
    ]);
    const mlmodel = new TextDecoder().decode(
      await client.downloadArtifactUri(`models:/${models[0].info.model_id}/MLmodel`),
    );
    expect(mlmodel).toContain(`run_id: ${parent?.info.run_id}`);
    expect(mlmodel).toContain("loader_module: wsp_pyfunc");
    const children = runs.filter((r) => r.data.tags?.some((t) => t.key === "mlflow.parentRunId"));
    expect(children.map((c) => c.info.run_name).sort()).toEqual(["backtest", "control", "gbm"]);
    const report = await client.downloadArtifact(parent?.info.run_id ?? "", "report.html");
    expect(report.length).toBeGreaterThan(1_000_000);
    expect(existsSync(outboxDir) ? readdirSync(outboxDir).length : 0).toBe(0);
  });

  it("marks the parent run FAILED with the error when the pipeline throws", async () => {
    await expect(
      runTracked(parseConfig(config("NOPE")), {
        trackingUri: uri,
        outboxDir: join(dir, "outbox-failed"),
        progress: false,
        png: false,
      }),
    ).rejects.toThrow(/unknown ticker NOPE/);
    const exp = await client.getExperimentByName(experiment);
    const runs = await client.searchAllRuns({
      experimentIds: [exp?.experiment_id ?? ""],
      filter: "attributes.status = 'FAILED'",
    });
    expect(runs).toHaveLength(1);
    const tags = Object.fromEntries((runs[0].data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags["wsp.error"]).toMatch(/unknown ticker NOPE/);
  });
});
