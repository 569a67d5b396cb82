/**
 * The recorder against the suite's real MLflow server: params flattened (long values as
 * artifacts), metric series by step, artifacts listable and downloadable, failed runs, parent and
 * child runs, trial accounting; read back through REST and through the Python `mlflow` client.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flattenParams,
  MlflowClient,
  OutboxRun,
  openRecorder,
  ledgerStats,
  type Recorder,
  readLedger,
  syncOutbox,
  trialCount,
  trialEntry,
  trialKey,
  writeTrials,
} from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let client: MlflowClient;
let recorder: Recorder;
let outboxDir: string;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  outboxDir = mkdtempSync(join(tmpdir(), "wsp-outbox-"));
  recorder = await openRecorder({ client, outboxDir });
});

afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

function unique(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

function python(code: string): string {
  const res = spawnSync(join(process.cwd(), ".venv", "bin", "python"), ["-c", code], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return res.stdout.trim();
}

describe("flattenParams", () => {
  it("gives dotted keys, array indices, and keeps empty containers visible", () => {
    const flat = flattenParams({
      name: "spy",
      data: { tickers: ["SPY", "QQQ"], start: new Date("2020-01-02T00:00:00Z") },
      models: [
        { kind: "gbm", params: { max_depth: 5, subsample: 0.8 } },
        { kind: "logistic", params: {} },
      ],
      controls: { shuffled_labels: true, seed: null, skip: undefined },
      tags: [],
    });
    expect(flat).toEqual({
      name: "spy",
      "data.tickers.0": "SPY",
      "data.tickers.1": "QQQ",
      "data.start": "2020-01-02T00:00:00.000Z",
      "models.0.kind": "gbm",
      "models.0.params.max_depth": "5",
      "models.0.params.subsample": "0.8",
      "models.1.kind": "logistic",
      "models.1.params": "{}",
      "controls.shuffled_labels": "true",
      "controls.seed": "null",
      tags: "[]",
    });
  });

  it("rejects a scalar at the top level", () => {
    expect(() => flattenParams(3)).toThrow(/top level/);
  });
});

describe("a run recorded online", () => {
  const experiment = unique("rec");
  let runId: string;
  const longValue = "x".repeat(7000);
  const auc = [0.51, 0.55, Number.NaN, 0.53];

  beforeAll(async () => {
    const run = await recorder.startRun({ experiment, runName: "parent", tags: { owner: "test" } });
    expect(run.offline).toBe(false);
    runId = run.runId;
    expect(runId).toBe(run.serverRunId);
    await run.logParams({ ...flattenParams({ models: [{ params: { max_depth: 5 } }] }), "features.list": longValue });
    await run.logMetricSeries("gbm.oos_auc", auc);
    await run.logMetricSeries("window.sharpe", [1.5, -0.5], [10, 20]);
    await run.logMetrics({ sharpe: 1.25, max_drawdown: -0.2 });
    await run.setTags({ "wsp.promote_model": "gbm" });
    await run.logArtifact("report.html", "<html><body>report</body></html>");
    await run.logJsonArtifact("model/model.json", { kind: "gbm", trees: [1, 2, 3] });
    const end = await run.end("FINISHED");
    expect(end).toEqual({ synced: true, serverRunId: runId, rejected: [] });
    expect(run.uiUrl).toMatch(new RegExp(`^${uri}/#/experiments/\\d+/runs/${runId}$`));
  });

  it("leaves no outbox behind once the server holds the run", () => {
    expect(readdirSync(outboxDir).filter((d) => existsSync(join(outboxDir, d, "entries.jsonl")))).toEqual([]);
  });

  it("stores dotted params and a long value as its hash plus an artifact", async () => {
    const run = await client.getRun(runId);
    const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
    expect(params["models.0.params.max_depth"]).toBe("5");
    expect(params["features.list"]).toBe(`sha256:${createHash("sha256").update(longValue).digest("hex")}`);
    const text = new TextDecoder().decode(await client.downloadArtifact(runId, "params/features.list.txt"));
    expect(text).toBe(longValue);
    expect(run.info.status).toBe("FINISHED");
    const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags.owner).toBe("test");
    expect(tags["mlflow.runName"]).toBe("parent");
    expect(tags["wsp.local_run_id"]).toMatch(/^local-[0-9a-f]{32}$/);
  });

  it("keeps metric series by step, NaN included", async () => {
    const hist = await client.getMetricHistory(runId, "gbm.oos_auc");
    hist.sort((a, b) => a.step - b.step);
    expect(hist.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    expect(hist.map((m) => String(m.value))).toEqual(["0.51", "0.55", "NaN", "0.53"]);
    const win = await client.getMetricHistory(runId, "window.sharpe");
    expect(win.map((m) => [m.step, m.value]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [10, 1.5],
      [20, -0.5],
    ]);
  });

  it("makes artifacts listable and downloadable", async () => {
    const top = await client.listArtifacts(runId);
    expect(top.map((f) => f.path).sort()).toEqual(["model", "params", "report.html"]);
    expect((await client.listArtifacts(runId, "model")).map((f) => f.path)).toEqual(["model/model.json"]);
    const model = JSON.parse(new TextDecoder().decode(await client.downloadArtifact(runId, "model/model.json")));
    expect(model).toEqual({ kind: "gbm", trees: [1, 2, 3] });
  });

  it("reads the same through the Python mlflow client", () => {
    const out = python(
      [
        "import mlflow, json",
        "c = mlflow.MlflowClient()",
        `r = c.get_run("${runId}")`,
        `h = sorted((m.step, m.value) for m in c.get_metric_history("${runId}", "window.sharpe"))`,
        `a = sorted(f.path for f in c.list_artifacts("${runId}", "model"))`,
        "print(json.dumps({'status': r.info.status, 'depth': r.data.params['models.0.params.max_depth'], 'sharpe': r.data.metrics['sharpe'], 'hist': h, 'art': a}))",
      ].join("\n"),
    );
    expect(JSON.parse(out)).toEqual({
      status: "FINISHED",
      depth: "5",
      sharpe: 1.25,
      hist: [
        [10, 1.5],
        [20, -0.5],
      ],
      art: ["model/model.json"],
    });
  });
});

describe("failures, children and refusals", () => {
  it("marks a failed run FAILED with the error as a tag and an artifact", async () => {
    const run = await recorder.startRun({ experiment: unique("fail"), runName: "boom" });
    await run.logMetrics({ step_done: 1 });
    const res = await run.end("FAILED", new RangeError("fold 3: no positive labels"));
    expect(res.synced).toBe(true);
    const got = await client.getRun(run.runId);
    expect(got.info.status).toBe("FAILED");
    const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags["wsp.error"]).toBe("RangeError: fold 3: no positive labels");
    const stack = new TextDecoder().decode(await client.downloadArtifact(run.runId, "error.txt"));
    expect(stack).toContain("fold 3: no positive labels");
    expect(stack).toContain("recorder.test.ts");
  });

  it("links a child to its parent", async () => {
    const experiment = unique("tree");
    const parent = await recorder.startRun({ experiment, runName: "parent" });
    const child = await recorder.startRun({ experiment, runName: "gbm", parentRunId: parent.runId });
    await child.end("FINISHED");
    await parent.end("FINISHED");
    const tags = Object.fromEntries(((await client.getRun(child.runId)).data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags["mlflow.parentRunId"]).toBe(parent.runId);
  });

  it("throws when the server refuses a write, and refuses writes after end", async () => {
    const run = await recorder.startRun({ experiment: unique("refuse"), runName: "r" });
    await run.logParams({ a: 1 });
    await run.logParams({ a: 1 }); // the same value again is accepted
    await expect(run.logParams({ a: 2 })).rejects.toThrow(/refused params.*INVALID_PARAMETER_VALUE/);
    const end = await run.end("FINISHED");
    expect(end.rejected.map((r) => r.op)).toEqual(["params"]);
    expect(end.synced).toBe(true);
    await expect(run.logMetrics({ x: 1 })).rejects.toThrow(/has ended/);
    expect(() => flattenParams({ a: 1 })).not.toThrow();
  });

  it("refuses a run without an experiment before writing anything", async () => {
    await expect(recorder.startRun({ experiment: "", runName: "r" })).rejects.toThrow(/non-empty/);
    expect(readdirSync(outboxDir).filter((d) => d.startsWith("local-"))).toEqual([]);
  });

  it("creates experiments as model-training ones and marks an existing untagged one", async () => {
    const fresh = unique("kind-new");
    await (await recorder.startRun({ experiment: fresh, runName: "r" })).end("FINISHED");
    const kindOf = async (name: string) =>
      (await client.getExperimentByName(name))?.tags?.find((t) => t.key === "mlflow.experimentKind")?.value;
    expect(await kindOf(fresh)).toBe("custom_model_development");
    // Made elsewhere without the tag (another client, an older version of this one).
    const old = unique("kind-old");
    await client.createExperiment(old);
    expect(await kindOf(old)).toBeUndefined();
    await (await recorder.startRun({ experiment: old, runName: "r" })).end("FINISHED");
    expect(await kindOf(old)).toBe("custom_model_development");
    // A kind someone chose is left alone.
    const chosen = unique("kind-chosen");
    await client.createExperiment(chosen, { "mlflow.experimentKind": "genai_development" });
    await (await recorder.startRun({ experiment: chosen, runName: "r" })).end("FINISHED");
    expect(await kindOf(chosen)).toBe("genai_development");
  });

  it("rejects artifact paths that leave the run's tree", async () => {
    const run = await recorder.startRun({ experiment: unique("path"), runName: "r" });
    await expect(run.logArtifact("../x.txt", "x")).rejects.toThrow(/no "\.\."/);
    await expect(run.logArtifact("/etc/x", "x")).rejects.toThrow(/relative/);
    await run.end("FINISHED");
  });
});

describe("the trial ledger", () => {
  const trial = (config: string, variant: string, sharpe: number) =>
    trialEntry(trialKey(config, "data-hash", variant), { variant, sharpe, activeSharpe: sharpe / 2, nObs: 500 });
  const runTrials = [trial("cfg-a", "gbm", 0.02), trial("cfg-a", "rf", 0.01), trial("cfg-a", "ensemble", 0.03)];

  it("holds each distinct trial once: a rerun adds nothing, concurrent writers lose nothing", async () => {
    const experiment = unique("trials");
    const a = await recorder.startRun({ experiment, runName: "a" });
    const b = await recorder.startRun({ experiment, runName: "b" });
    expect((await a.recordTrials(runTrials)).size).toBe(3);
    // At once: a rerun of the same config (same keys), and two sweeps with their own variants.
    const sweep1 = [1, 2, 3, 4, 5].map((i) => trial("cfg-b", `v${i}`, i / 100));
    const sweep2 = [1, 2, 3].map((i) => trial("cfg-c", `v${i}`, -i / 100));
    await Promise.all([
      b.recordTrials(runTrials),
      recorder.recordTrials(experiment, sweep1),
      recorder.recordTrials(experiment, sweep2),
    ]);
    expect((await a.recordTrials(runTrials)).size).toBe(11);
    await a.end("FINISHED");
    await b.end("FINISHED");
    expect(await trialCount(client, experiment)).toBe(11);
    const exp = await client.getExperimentByName(experiment);
    expect(exp?.tags?.find((t) => t.key === "wsp.trials")?.value).toBe("11");
    const tagsA = Object.fromEntries(((await client.getRun(a.runId)).data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tagsA["wsp.trial_ids"].split(",")).toEqual(runTrials.map((t) => t.key.slice("wsp.trial.".length)));
    expect(tagsA["wsp.pid"]).toBe(String(process.pid));
    // The deflated Sharpe's inputs: the count and the variance of the distinct trials' Sharpes.
    const sharpes = [0.02, 0.01, 0.03, 0.01, 0.02, 0.03, 0.04, 0.05, -0.01, -0.02, -0.03];
    const mean = sharpes.reduce((x, y) => x + y) / sharpes.length;
    const v = sharpes.reduce((x, y) => x + (y - mean) ** 2, 0) / (sharpes.length - 1);
    const stats = ledgerStats(await readLedger(client, experiment), 500);
    expect(stats.count).toBe(11);
    expect(stats.sharpeVariance).toBeCloseTo(v, 15);
    expect(stats.activeSharpeVariance).toBeCloseTo(v / 4, 15);
  });

  it("with fewer than two Sharpes, uses the null's sampling variance 1/T", () => {
    expect(ledgerStats(new Map(), 400)).toEqual({
      count: 1,
      sharpeVariance: 1 / 400,
      activeSharpeVariance: 1 / 400,
    });
  });

  it("refuses a key outside the ledger", async () => {
    await expect(writeTrials(client, unique("t"), [{ key: "wsp.trials.x", value: "{}" }])).rejects.toThrow(
      /expected wsp\.trial\.<id>/,
    );
  });
});

describe("syncOutbox on the suite's server", () => {
  it("ends a run whose recording process died as KILLED, and leaves runs a live process holds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-outbox-sync-"));
    try {
      const experiment = unique("abandoned");
      const start = (localId: string, startTime: number) =>
        ({ op: "start", localId, experiment, runName: localId, tags: {}, startTime }) as const;
      const dead = OutboxRun.create(dir, start("local-dead", 1));
      dead.append({ op: "metrics", metrics: [{ key: "m", value: 1, step: 0, timestamp: 5 }] });
      // The process died in the middle of an append: a torn last line.
      appendFileSync(dead.entriesPath, '{"op":"tags","tags":{"half');
      const exited = spawnSync("true");
      writeFileSync(dead.lockPath, `${exited.pid}\n`);
      const live = OutboxRun.create(dir, start("local-live", 2));
      const report = await syncOutbox(client, dir);
      expect(report.map((r) => [r.localId, r.state])).toEqual([
        ["local-dead", "synced"],
        ["local-live", "locked"],
      ]);
      const got = await client.getRun(report[0].serverRunId as string);
      expect(got.info.status).toBe("KILLED");
      const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
      expect(tags["wsp.error"]).toMatch(/exited without ending it/);
      expect(tags.half).toBeUndefined();
      expect((await client.getMetricHistory(got.info.run_id, "m")).map((m) => m.value)).toEqual([1]);
      expect(existsSync(dead.dir)).toBe(false);
      expect(existsSync(live.entriesPath)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records an entry the server refuses and goes on with the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-outbox-sync-"));
    try {
      const run = OutboxRun.create(dir, {
        op: "start",
        localId: "local-refused",
        experiment: unique("refused"),
        runName: "r",
        tags: {},
        startTime: Date.now(),
      });
      run.append({ op: "params", params: { a: "1" } });
      run.append({ op: "params", params: { a: "2" } });
      run.append({ op: "tags", tags: { after: "yes" } });
      run.append({ op: "end", status: "FINISHED", endTime: Date.now() });
      run.unlock();
      const corrupt = OutboxRun.create(dir, {
        op: "start",
        localId: "local-corrupt",
        experiment: "x",
        runName: "r",
        tags: {},
        startTime: 1,
      });
      appendFileSync(corrupt.entriesPath, "garbage\n");
      corrupt.unlock();
      const [bad, r] = await syncOutbox(client, dir);
      expect(bad).toMatchObject({
        localId: "local-corrupt",
        state: "failed",
        reason: expect.stringMatching(/:2: not a JSON/),
      });
      expect(r.state).toBe("synced");
      expect(r.rejected).toEqual([
        { index: 2, op: "params", error: expect.stringContaining("INVALID_PARAMETER_VALUE") },
      ]);
      const got = await client.getRun(r.serverRunId as string);
      expect(got.data.params).toEqual([{ key: "a", value: "1" }]);
      expect(got.data.tags).toContainEqual({ key: "after", value: "yes" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A TCP pass-through to the suite's server that can be shut and reopened at once (no server restart). */
async function gate(targetPort: number): Promise<{ uri: string; open(): Promise<void>; shut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    uri: `http://127.0.0.1:${port}`,
    open: () => new Promise<void>((r) => server.listen(port, "127.0.0.1", r)),
    shut: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("a run that starts while MLflow is down", () => {
  it("sends itself and its waiting children when the server is back by the time it ends", async () => {
    const g = await gate(Number(new URL(uri).port));
    const dir = mkdtempSync(join(tmpdir(), "wsp-outbox-gate-"));
    try {
      const rec = await openRecorder({ client: new MlflowClient({ trackingUri: g.uri, retries: 0 }), outboxDir: dir });
      expect(rec.online).toBe(true);
      const experiment = unique("late");
      const earlier = await rec.startRun({ experiment, runName: "earlier" });
      const five = ["a", "b", "c", "d", "e"].map((v) =>
        trialEntry(trialKey("c", "d", v), { variant: v, sharpe: 0, activeSharpe: 0, nObs: 10 }),
      );
      expect((await earlier.recordTrials(five)).size).toBe(5);
      await earlier.end("FINISHED");
      await g.shut();
      const parent = await rec.startRun({ experiment, runName: "parent" });
      const child = await rec.startRun({ experiment, runName: "child", parentRunId: parent.runId });
      expect([parent.offline, child.offline, parent.runId]).toEqual([true, true, parent.localId]);
      // Offline: the other runs' trials as last seen (cached beside the outbox) plus this run's.
      const three = ["f", "g", "h"].map((v) =>
        trialEntry(trialKey("c", "d", v), { variant: v, sharpe: 0, activeSharpe: 0, nObs: 10 }),
      );
      expect((await parent.recordTrials(three)).size).toBe(8);
      await child.logMetrics({ auc: 0.51 }, 1);
      expect((await child.end("FINISHED")).synced).toBe(false);
      await g.open();
      const end = await parent.end("FINISHED");
      expect(end.synced).toBe(true);
      expect(child.done).toBe(true);
      const got = await client.getRun(child.serverRunId as string);
      const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
      expect(tags["mlflow.parentRunId"]).toBe(parent.serverRunId);
      expect(got.data.metrics).toMatchObject([{ key: "auc", value: 0.51, step: 1 }]);
      expect(await trialCount(client, experiment)).toBe(8);
      const ptags = Object.fromEntries(
        ((await client.getRun(parent.serverRunId as string)).data.tags ?? []).map((t) => [t.key, t.value]),
      );
      expect(ptags["wsp.trials_estimated"]).toBe("true");
      expect(readdirSync(dir)).toEqual(["trials-cache.json"]);
      await g.shut();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
