/**
 * Drift checks of the planted-signal champion (issue 18's cases), on replay markets made from
 * `plantedSignalMarket()` by transforming its series, stored in PostgreSQL, forecast by a
 * Forecaster bar by bar (so the signals carry the live features), with a real MLflow server, a
 * real Redis queue (the retrain) and a loopback webhook receiver:
 *
 * - SENT's close (the champion's top feature by mean |SHAP|, the planted series) shifted by 1 sd
 *   over 60 bars: PSI > 0.2 on it, drift, a retrain enqueued once per day, the webhook told;
 * - a later stretch of the same market (2023-2024, after the reference window, never fitted on):
 *   PSI < 0.1 on every feature and no feature drift. The predicted probability's PSI is not
 *   below 0.2 there (see the case);
 * - a replay where PLNT moves against every forecast (each matured outcome wrong, 110 of them):
 *   the accuracy band is emergency only on the second check, which pauses the version; a
 *   Forecaster without fallback refuses with the reason, one with fallback previous serves it;
 * - `wsp drift` on the shifted window (exit 2, the table, nothing enqueued without --act) and a
 *   `drift` job on a real worker (the retrain of the day deduplicated).
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { driftRetrainJobId, enqueueDriftRetrain } from "../../../jobs";
import { type Bars, barsBetween, isoDate, plantedSignalMarket } from "../../../src/data";
import {
  checkDrift,
  type CheckDriftOptions,
  type DriftReport,
  evaluateSignals,
  Forecaster,
  loadReferenceProfile,
  PAUSED_TAG,
} from "../../../src/pipeline";
import { openStore, type Store } from "../../../src/store";
import { MlflowClient, ModelRegistry, tagRecord } from "../../../src/tracking";
import { killSpawnedWorkers, spawnWorker, uniquePrefix, waitFor } from "../../jobs/_jobs";
import { type Champion, registerAgain, trainChampion } from "../../serving/_champion";
import { testMlflowUri } from "../../setup/testMlflow";
import { postgresTarget, type StoreTarget, TEST_DATABASE_URL } from "../../store/storeFixtures";

const market = plantedSignalMarket();
const TS = [...market.asset.ts];
const indexOf = (day: string) => TS.findIndex((t) => t >= Date.parse(day));

/** The bars of `b` at indexes [i, j). */
const slice = (b: Bars, i: number, j: number) =>
  barsBetween(b, b.ts[i], j < b.ts.length ? b.ts[j] : Number.POSITIVE_INFINITY);

/** SENT with every price raised by `delta` from index `from` on (its level shifted; the open of `from` too). */
function shiftedContext(from: number, delta: number): Bars {
  const c = market.context;
  const up = (x: number, k: number) => (k < from ? x : x + delta);
  return { ...c, open: c.open.map(up), high: c.high.map(up), low: c.low.map(up), close: c.close.map(up) };
}

/** The standard deviation of SENT's close over sessions [0, end). */
function sentCloseSd(end: number): number {
  const c = [...market.context.close.slice(0, end)];
  const mean = c.reduce((s, x) => s + x, 0) / c.length;
  return Math.sqrt(c.reduce((s, x) => s + (x - mean) ** 2, 0) / (c.length - 1));
}

/** A loopback receiver: every POST body, parsed. */
async function webhookReceiver(): Promise<{ url: string; received: unknown[]; server: Server }> {
  const received: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alert`, received, server };
}

describe("drift checks of the planted-signal champion", { timeout: 900_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let champion: Champion;
  let sentFeature: string;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let redis: Redis;
  let retrainQueue: Queue;
  const prefix = uniquePrefix("drift");
  const outboxDir = mkdtempSync(join(tmpdir(), "wsp-drift-outbox-"));
  const targets: StoreTarget[] = [];
  /** The shifted market's store schema (the first case's), for the CLI and the job. */
  let shiftedSchema: string;
  const stores: Store[] = [];
  const newStore = async () => {
    const t = postgresTarget();
    targets.push(t);
    const s = await openStore(t.options);
    stores.push(s);
    return s;
  };
  /** Forecasts of `model` at each bar (asof its date), stored as signals. */
  const forecastBars = async (store: Store, bars: readonly number[], model = champion.modelName) => {
    const f = await Forecaster.open({ store, client, model, pollMs: 0, refreshMs: 0 });
    try {
      for (const t of bars) await f.forecast({ ticker: "PLNT", asof: isoDate(t) });
    } finally {
      f.close();
    }
  };
  const check = (store: Store, extra: Partial<CheckDriftOptions> = {}) =>
    checkDrift({
      store,
      client,
      model: champion.modelName,
      webhookUrl: hook.url,
      outboxDir,
      log: () => undefined,
      onDrift: async (d) => {
        await enqueueDriftRetrain({
          model: d.model,
          checkedAt: d.checkedAt,
          promotedDir: champion.promotedDir,
          redisUrl: inject("testRedisUrl"),
          prefix,
        });
      },
      ...extra,
    });

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
    const { profile } = await loadReferenceProfile(client, `${champion.modelName}@champion`);
    // The champion's top feature by mean |SHAP| is one of the planted series' columns.
    sentFeature = profile.topFeatures?.[0] as string;
    expect(sentFeature).toMatch(/^SENT\//);
    hook = await webhookReceiver();
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    retrainQueue = new Queue("retrain", { connection: redis, prefix });
  }, 300_000);

  afterAll(async () => {
    killSpawnedWorkers();
    await retrainQueue?.obliterate({ force: true }).catch(() => undefined);
    await retrainQueue?.close();
    redis?.disconnect();
    hook?.server.close();
    for (const s of stores) await s.close();
    for (const t of targets) await t.cleanup();
    champion?.cleanup();
    rmSync(outboxDir, { recursive: true, force: true });
  });

  it("finds the top feature shifted by 1 sd: PSI > 0.2 on it, drift, one retrain a day, the webhook told", async () => {
    const store = await newStore();
    shiftedSchema = targets[targets.length - 1].options.schema as string;
    const from = indexOf("2024-01-02");
    const sd = sentCloseSd(indexOf("2023-01-01"));
    await store.ingest([market.asset, shiftedContext(from, sd)], { source: "test:shifted-sentiment" });
    await forecastBars(store, TS.slice(from, from + 60));
    const now = Date.now();
    const r = await check(store, { window: { last: 60 }, now });

    expect(r.window).toEqual({ from: TS[from], to: TS[from + 59], rows: 60 });
    const sent = r.features.find((f) => f.name === sentFeature);
    expect(sent?.psi).toBeGreaterThan(0.2);
    expect(sent?.drifted).toBe(true);
    // Top features first: the planted one leads the table.
    expect(r.features[0].name).toBe(sentFeature);
    expect(r.verdict).toBe("drift");
    expect(r.reasons.some((x) => x.includes(`top feature ${sentFeature}`))).toBe(true);
    expect(r.rollingAccuracy).toBeNull();
    expect(r.paused).toBe(false);

    // The retrain: the promoted config's text, under the day's id; a second check that day adds none.
    const jobId = driftRetrainJobId(champion.modelName, now);
    expect(jobId).toBe(`retrain-drift-${champion.modelName}-${new Date(now).toISOString().slice(0, 10)}`);
    const job = await retrainQueue.getJob(jobId);
    expect(job?.name).toBe("retrain");
    expect(job?.data.model).toBe(champion.modelName);
    expect(job?.data.config.yaml).toContain("source: store");
    await check(store, { window: { last: 60 }, now: now + 60_000 });
    expect(await retrainQueue.getJobCounts("waiting")).toEqual({ waiting: 1 });

    // The webhook heard both checks, with the run's link.
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]).toMatchObject({
      model: champion.modelName,
      version: champion.version,
      verdict: "drift",
      checkId: r.checkId,
      run: r.runUrl,
    });
    expect(r.alert).toEqual({ sent: true, status: 204 });

    // The row: the report's per-feature table the /monitor heat map reads, and the run's id.
    const [, row] = await store.driftChecks({ model: champion.modelName });
    expect(row.id).toBe(r.checkId);
    expect(row).toMatchObject({
      verdict: "drift",
      nRows: 60,
      mlflowRunId: r.runId,
      confirmedBand: "normal",
      pending: null,
    });
    expect(row.driftedFeatures).toContain(sentFeature);
    const reported = (row.report as { features: { name: string; psi: number }[] }).features;
    expect(reported.find((f) => f.name === sentFeature)?.psi).toBe(sent?.psi);

    // The run in the monitoring experiment.
    const run = await client.getRun(r.runId as string);
    const tags = tagRecord(run.data.tags);
    expect(tags["wsp.drift.verdict"]).toBe("drift");
    expect(tagRecord(run.data.params)).toMatchObject({ model: champion.modelName, version: champion.version });
    const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
    expect(metrics.get("max_psi")).toBe(Math.max(...r.features.map((f) => f.psi ?? 0)));
    expect(metrics.get("prediction_psi")).toBe(r.prediction.psi);
    expect(run.info.experiment_id).toBe((await client.getExperimentByName("monitoring"))?.experiment_id);
    const csv = new TextDecoder().decode(await client.downloadArtifact(r.runId as string, "drift_features.csv"));
    expect(csv.split("\n")[1].startsWith(`${sentFeature},true,${sent?.psi},`)).toBe(true);
  });

  it("finds no feature drift on a later stretch of the same market (2023-2024, after the reference window)", async () => {
    const store = await newStore();
    await store.ingest([market.asset, market.context], { source: "test:planted" });
    const from = indexOf("2023-01-03");
    const to = TS.length;
    await forecastBars(store, TS.slice(from, to));
    const r = await check(store, { window: { from: TS[from], to: TS[to - 1] }, webhookUrl: undefined, act: false });
    expect(r.window.rows).toBe(to - from);
    for (const f of r.features) {
      expect(f.psi, f.name).toBeLessThan(0.1);
      expect(f.drifted, f.name).toBe(false);
    }
    expect(r.band).toBeNull();
    // The prediction's reference is the final model's holdout predictions, which is this window:
    // the served model gives them again (the features are the test here; the prediction's
    // reference was once the out-of-fold predictions, whose PSI against the refit's was 0.45).
    expect(r.prediction.psi).toBeLessThan(0.1);
    expect(r.verdict).toBe("ok");
    expect(r.reasons).toEqual([]);
  });

  it("reaches emergency only on the second check of a market moving against every forecast, and pauses the version", async () => {
    // A second version of the same model as champion, the first as previous: what is paused is
    // the champion, and a service with fallback previous has one to serve.
    const registry = new ModelRegistry(client);
    const v2 = await registerAgain(client, champion);
    await registry.setAlias(champion.modelName, "previous", champion.version);
    await registry.setAlias(champion.modelName, "champion", v2.version);

    const store = await newStore();
    const k0 = indexOf("2023-06-30");
    const N = 110;
    const a = market.asset;
    const bars: Bars = {
      ...a,
      open: Float64Array.from(a.open),
      high: Float64Array.from(a.high),
      low: Float64Array.from(a.low),
      close: Float64Array.from(a.close),
    };
    await store.ingest([slice(a, 0, k0 + 5), market.context], { source: "test:against-forecasts" });
    const f = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    try {
      for (let k = k0; k < k0 + N; k++) {
        const fc = await f.forecast({ ticker: "PLNT", asof: isoDate(TS[k]) });
        expect(fc.barTime).toBe(new Date(TS[k]).toISOString());
        // Bar k + 5 closes against the forecast at k: with the original day's move in size,
        // more when the four bars between went the forecast's way.
        const dir = fc.probabilities.up > 0.5 ? 1 : -1;
        const j = k + 5;
        const move = Math.abs(Math.log(a.close[j] / a.close[j - 1]));
        const between = Math.log(bars.close[j - 1] / bars.close[k]);
        let x = -dir * move;
        if (Math.sign(between + x) !== -dir) x = -dir * (Math.abs(between) + move + 1e-4);
        bars.open[j] = bars.close[j - 1];
        bars.close[j] = bars.close[j - 1] * Math.exp(x);
        bars.high[j] = Math.max(bars.open[j], bars.close[j]) * Math.exp(0.002);
        bars.low[j] = Math.min(bars.open[j], bars.close[j]) * Math.exp(-0.002);
        await store.ingest([slice(bars, j, j + 1)], { source: "test:against-forecasts" });
      }
    } finally {
      f.close();
    }
    const evaluation = await evaluateSignals({ store, client, model: champion.modelName, now: Date.UTC(2026, 0, 5) });
    expect(evaluation.stored).toBe(N);
    expect(evaluation.versions[0].metrics.rollingAccuracy).toBe(0);

    const paused = async () =>
      tagRecord((await registry.getModelVersion(champion.modelName, v2.version))?.tags)[PAUSED_TAG] ?? null;
    // First check: emergency seen once, pending; nothing paused. A dead webhook does not fail it.
    const first: DriftReport = await check(store, { webhookUrl: "http://127.0.0.1:9/alert", webhookTimeoutMs: 2000 });
    expect(first.version).toBe(v2.version);
    // The default window: 30 days hold ~21 daily signals, fewer than 250, so the latest 250 (all 110).
    expect(first.window).toEqual({ from: TS[k0], to: TS[k0 + N - 1], rows: N });
    expect(first.rollingAccuracy).toBe(0);
    expect(first.band).toBe("emergency");
    expect(first.bandState).toEqual({ confirmed: "normal", pending: "emergency", count: 1 });
    expect(first.verdict).not.toBe("emergency");
    expect(first.paused).toBe(false);
    expect(first.alert?.sent ?? false).toBe(false);
    expect(await paused()).toBeNull();
    // Second check: the band resumes from the stored row, is confirmed, and the version is paused.
    const second = await check(store);
    expect(second.bandState).toEqual({ confirmed: "emergency", pending: null });
    expect(second.verdict).toBe("emergency");
    expect(second.paused).toBe(true);
    expect(second.reasons.some((x) => x.startsWith("accuracy band emergency"))).toBe(true);
    const reason = await paused();
    expect(reason).toContain(`drift check ${second.checkId}: `);
    const [row] = await store.driftChecks({ model: champion.modelName, version: v2.version, limit: 1 });
    expect(row).toMatchObject({
      verdict: "emergency",
      confirmedBand: "emergency",
      accuracy: { rolling: 0, band: "emergency" },
    });

    const strict = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    const lenient = await Forecaster.open({
      store,
      client,
      model: champion.modelName,
      fallback: "previous",
      pollMs: 0,
      refreshMs: 0,
    });
    try {
      await expect(strict.forecast({ ticker: "PLNT" })).rejects.toThrow(
        `${champion.modelName}/${v2.version} is paused (${reason})`,
      );
      const served = await lenient.forecast({ ticker: "PLNT" });
      expect(served.model).toMatchObject({ version: champion.version, alias: "previous" });
    } finally {
      strict.close();
      lenient.close();
      await registry.setAlias(champion.modelName, "champion", champion.version);
      await registry.deleteAlias(champion.modelName, "previous");
    }
  });

  it("wsp drift prints the table, top feature first, exits 2 on drift, and acts only with --act", async () => {
    const args = ["bin/wsp.js", "drift", champion.modelName, "--last", "60", "--db", TEST_DATABASE_URL];
    const env = { ...process.env, MLFLOW_TRACKING_URI: uri, WSP_ALERT_WEBHOOK: "" };
    const run = (extra: string[], more: Record<string, string> = {}) =>
      promisify(execFile)("node", [...args, "--schema", shiftedSchema, ...extra], { env: { ...env, ...more } }).then(
        () => ({ code: 0, stdout: "", stderr: "" }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const waiting = await retrainQueue.getJobCounts("waiting");
    const text = await run([]);
    expect(text.code).toBe(2);
    const lines = text.stdout.split("\n");
    expect(lines[1]).toBe("feature\ttop\tpsi\tks\tks_p\tdrifted");
    expect(lines[2]).toMatch(new RegExp(`^${sentFeature.replace(/[()]/g, "\\$&")}\ttop\t\\d+\\.\\d{3}\t.*\tPSI>0.2$`));
    expect(text.stdout).toMatch(/\nverdict drift: PSI \d+\.\d{3} > 0\.2 on top feature /);
    expect(text.stdout).toContain("not acted on (--act would enqueue a retrain)");
    const json = await run(["--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ model: champion.modelName, verdict: "drift", paused: false });
    // Nothing enqueued without --act; with it, on this file's Redis and prefix, the day's retrain
    // (queued by the first case already, so still one).
    expect(await retrainQueue.getJobCounts("waiting")).toEqual(waiting);
    const acted = await run(["--act"], {
      REDIS_URL: inject("testRedisUrl"),
      WSP_QUEUE_PREFIX: prefix,
      WSP_PROMOTED_DIR: champion.promotedDir,
    });
    expect(acted.code).toBe(2);
    expect(acted.stderr).toMatch(/retrain retrain-drift-.* after drift is queued already/);
    expect(acted.stdout).not.toContain("not acted on");
    expect(await retrainQueue.getJobCounts("waiting")).toEqual({ waiting: 1 });
  });

  it("a drift job on a real worker checks, logs and enqueues the day's retrain once", async () => {
    await spawnWorker(prefix, ["--queues", "drift"], "wsp", {
      MLFLOW_TRACKING_URI: uri,
      WSP_PROMOTED_DIR: champion.promotedDir,
    });
    const drift = new Queue("drift", { connection: redis, prefix });
    try {
      const job = await drift.add("drift", { model: champion.modelName, window: { last: 60 }, schema: shiftedSchema });
      await waitFor(async () => (await job.isCompleted()) || (await job.isFailed()), 180_000, "the drift job");
      const done = await drift.getJob(job.id as string);
      expect(done?.failedReason).toBeUndefined();
      expect(done?.returnvalue).toMatchObject({ model: champion.modelName, verdict: "drift", paused: false });
      const { checkedAt } = (done?.returnvalue ?? {}) as { checkedAt: number };
      expect(await retrainQueue.getJob(driftRetrainJobId(champion.modelName, checkedAt))).toBeDefined();
      // The first case enqueued the same day's retrain: still one.
      expect(await retrainQueue.getJobCounts("waiting")).toEqual({ waiting: 1 });
      const logs = (await drift.getJobLogs(job.id as string)).logs.join("\n");
      expect(logs).toMatch(/drift check \d+ of .*: drift: PSI/);
      expect(logs).toMatch(/retrain retrain-drift-.* after drift is queued already/);
    } finally {
      await drift.obliterate({ force: true }).catch(() => undefined);
      await drift.close();
    }
  });
});
