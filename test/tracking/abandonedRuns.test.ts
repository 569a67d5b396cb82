/**
 * Runs left RUNNING by a process that died (kill -9) against the suite's real MLflow server: the
 * rule (RUNNING, this host, recorded pid dead) on runs and outbox locks made for the purpose, and
 * a real `wsp run` killed with -9 once its run exists, which `wsp mlflow status` then ends KILLED;
 * a tracked run ends only its own experiment's abandoned runs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, runTracked } from "../../src/pipeline";
import {
  describeAbandoned,
  endAbandonedRuns,
  MlflowClient,
  OutboxRun,
  type Run,
  syncOutbox,
  tagRecord,
} from "../../src/tracking/index";
import { findRepoRoot } from "../../src/services/index";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let client: MlflowClient;
let outboxDir: string;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  outboxDir = mkdtempSync(join(tmpdir(), "wsp-abandoned-"));
});

afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

function unique(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const pid = spawnSync("true").pid;
  if (!pid) throw new Error("could not spawn `true`");
  return pid;
}

describe("abandoned runs", () => {
  it("ends RUNNING runs of dead processes on this host KILLED and clears their stale outbox locks", async () => {
    const experimentId = (await client.getOrCreateExperiment(unique("abandoned"))).experiment_id;
    const dead = deadPid();
    const start = (runName: string, pid: number, host: string) =>
      client.createRun({ experimentId, runName, tags: { "wsp.pid": String(pid), "wsp.host": host } });
    const orphan = await start("orphan", dead, hostname());
    const live = await start("live", process.pid, hostname());
    const elsewhere = await start("elsewhere", dead, "another-host");
    const finished = await start("finished", dead, hostname());
    await client.endRun(finished.info.run_id, "FINISHED");

    const outbox = (localId: string, lock: string | null) => {
      const run = OutboxRun.create(outboxDir, {
        op: "start",
        localId,
        experiment: "x",
        runName: localId,
        tags: {},
        startTime: 1,
      });
      if (lock === null) run.unlock();
      else writeFileSync(run.lockPath, lock);
      return run;
    };
    const stale = outbox("local-stale", `${dead} ${hostname()}\n`);
    const legacy = outbox("local-legacy", `${dead}\n`);
    const held = outbox("local-held", `${process.pid} ${hostname()}\n`);
    const remote = outbox("local-remote", `${dead} another-host\n`);

    const swept = await endAbandonedRuns(client, outboxDir);
    expect(swept.killed.filter((r) => r.experimentId === experimentId)).toEqual([
      { runId: orphan.info.run_id, runName: "orphan", experimentId, pid: dead },
    ]);
    expect(swept.unlocked.sort()).toEqual(["local-legacy", "local-stale"]);
    const got = await client.getRun(orphan.info.run_id);
    expect(got.info.status).toBe("KILLED");
    expect(Number(got.info.end_time)).toBeGreaterThan(0);
    expect(tagRecord(got.data.tags)["wsp.error"]).toBe(
      `abandoned: process ${dead} on ${hostname()} exited without ending the run; ended KILLED`,
    );
    for (const [r, status] of [
      [live, "RUNNING"],
      [elsewhere, "RUNNING"],
      [finished, "FINISHED"],
    ] as const) {
      expect((await client.getRun(r.info.run_id)).info.status).toBe(status);
    }
    expect([stale, legacy, held, remote].map((r) => existsSync(r.lockPath))).toEqual([false, false, true, true]);
    await client.endRun(live.info.run_id, "FINISHED");
    await client.endRun(elsewhere.info.run_id, "FINISHED");
  });

  it("a pid reused by a process that started after the run is not the run's writer", async () => {
    const experimentId = (await client.getOrCreateExperiment(unique("abandoned-reused"))).experiment_id;
    // This process's pid, recorded by a run that started a day before this process did (the pid's
    // earlier owner died, after a reboot say, and this process got its number).
    const processStart = Math.round(Date.now() - process.uptime() * 1000);
    const before = await client.createRun({
      experimentId,
      runName: "before",
      startTime: processStart - 86_400_000,
      tags: { "wsp.pid": String(process.pid), "wsp.host": hostname() },
    });
    const mine = await client.createRun({
      experimentId,
      runName: "mine",
      tags: { "wsp.pid": String(process.pid), "wsp.host": hostname() },
    });
    // A lock file older than its holder's process is stale too.
    const dir = mkdtempSync(join(tmpdir(), "wsp-abandoned-reused-"));
    const run = OutboxRun.create(dir, {
      op: "start",
      localId: "local-old",
      experiment: "x",
      runName: "old",
      tags: {},
      startTime: 1,
    });
    const old = new Date(processStart - 86_400_000);
    utimesSync(run.lockPath, old, old);
    try {
      const swept = await endAbandonedRuns(client, dir);
      expect(swept.killed.filter((r) => r.experimentId === experimentId).map((r) => r.runName)).toEqual(["before"]);
      expect(swept.unlocked).toEqual(["local-old"]);
      expect((await client.getRun(mine.info.run_id)).info.status).toBe("RUNNING");
      expect(tagRecord((await client.getRun(before.info.run_id)).data.tags)["wsp.error"]).toBe(
        `abandoned: process ${process.pid} on ${hostname()} exited without ending the run; ended KILLED`,
      );
    } finally {
      await client.endRun(mine.info.run_id, "FINISHED");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves a run alone when its outbox here settles it: a live replay, or an end only waiting for sync", async () => {
    const experiment = unique("abandoned-outbox");
    const experimentId = (await client.getOrCreateExperiment(experiment)).experiment_id;
    const dir = mkdtempSync(join(tmpdir(), "wsp-abandoned-outbox-"));
    const dead = deadPid();
    // As the recorder leaves them: the server run carries its writer's (now dead) pid and its local id.
    const serverRun = (localId: string) =>
      client.createRun({
        experimentId,
        runName: localId,
        tags: { "wsp.pid": String(dead), "wsp.host": hostname(), "wsp.local_run_id": localId },
      });
    const outbox = (localId: string, lock: string, ended: boolean) => {
      const run = OutboxRun.create(dir, { op: "start", localId, experiment, runName: localId, tags: {}, startTime: 1 });
      if (ended) run.append({ op: "end", status: "FINISHED", endTime: Date.now() });
      writeFileSync(run.lockPath, lock);
    };
    const ids = ["local-replaying", "local-finished", "local-orphan"].map((s) => `${s}${"0".repeat(4)}`);
    const [replaying, finished, orphan] = await Promise.all(ids.map(serverRun));
    // `wsp mlflow sync` in this (live) process is replaying it: its writer's pid is dead, the replayer's is not.
    outbox(ids[0], `${process.pid} ${hostname()}\n`, false);
    // Finished while MLflow was down: the outbox holds its end, the server has not heard yet.
    outbox(ids[1], `${dead} ${hostname()}\n`, true);
    outbox(ids[2], `${dead} ${hostname()}\n`, false);
    try {
      const swept = await endAbandonedRuns(client, dir);
      expect(swept.killed.filter((r) => r.experimentId === experimentId).map((r) => r.runId)).toEqual([
        orphan.info.run_id,
      ]);
      expect(swept.unlocked.sort()).toEqual([ids[1], ids[2]]);
      expect((await client.getRun(replaying.info.run_id)).info.status).toBe("RUNNING");
      // The sync then ends it as it ended, with no abandonment on record.
      const synced = await syncOutbox(client, dir);
      expect(synced.find((r) => r.localId === ids[1])?.state).toBe("synced");
      const got = await client.getRun(finished.info.run_id);
      expect(got.info.status).toBe("FINISHED");
      expect(tagRecord(got.data.tags)["wsp.error"]).toBeUndefined();
    } finally {
      await client.endRun(replaying.info.run_id, "FINISHED");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a `wsp run` killed with -9 stays RUNNING until `wsp mlflow status` ends it KILLED", async () => {
    const repo = findRepoRoot();
    const experiment = unique("killed");
    const dir = mkdtempSync(join(tmpdir(), "wsp-killed-"));
    const config = join(dir, "killed.yaml");
    writeFileSync(
      config,
      `name: killed
tracking: { experiment: ${experiment} }
data: { tickers: [SPY], timeframe: 1d, start: 2008-01-01, end: 2024-12-31, context: [VIX] }
labels: { kind: triple_barrier, horizon: 5, barriers: { upper: 1.5, lower: 1.5, scale: vol_20 }, output: binary }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models:
  - { kind: gbm, params: { n_trees: 20, max_depth: 3, learning_rate: 0.1, min_child_weight: 20 } }
  - { kind: rf, params: { n_trees: 16, max_depth: 6, min_samples_leaf: 20 } }
`,
    );
    const env = { ...process.env, MLFLOW_TRACKING_URI: uri };
    // One process (node with tsx's loader), so the pid the run records is the one killed.
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "run", config, "--no-png"], {
      cwd: repo,
      env,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let run: Run | undefined;
    let localId = "";
    try {
      const deadline = Date.now() + 60_000;
      while (!run && Date.now() < deadline) {
        const exp = await client.getExperimentByName(experiment);
        if (exp) {
          run = (await client.searchRuns({ experimentIds: [exp.experiment_id] })).runs.find(
            (r) => tagRecord(r.data.tags)["wsp.pid"] === String(child.pid),
          );
        }
        if (!run) await new Promise((r) => setTimeout(r, 100));
      }
      if (!run) throw new Error("the run never appeared on the server");
      child.kill("SIGKILL");
      await exited;
      const runId = run.info.run_id;
      localId = tagRecord(run.data.tags)["wsp.local_run_id"];
      const lock = join(repo, "mlruns", "outbox", localId, "lock");
      expect((await client.getRun(runId)).info.status).toBe("RUNNING");
      expect(readFileSync(lock, "utf8")).toBe(`${child.pid} ${hostname()}\n`);

      const status = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "mlflow", "status"], {
        cwd: repo,
        env,
        encoding: "utf8",
      });
      expect(status.stderr).toBe("");
      expect(status.status).toBe(0);
      expect(status.stdout).toContain(`ended abandoned run ${runId} (`);
      expect(status.stdout).toContain(`as KILLED: its process ${child.pid} is gone`);
      expect(status.stdout).toContain(`cleared the stale outbox lock of ${localId}`);
      const after = await client.getRun(runId);
      expect(after.info.status).toBe("KILLED");
      expect(Number(after.info.end_time)).toBeGreaterThanOrEqual(Number(after.info.start_time));
      expect(existsSync(lock)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      if (localId) rmSync(join(repo, "mlruns", "outbox", localId), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("`wsp run` ends the abandoned runs of its own experiment only; the others wait for `status`", async () => {
    // Sweeping every experiment, a run in one suite ended another suite's killed run before the
    // `wsp mlflow status` that suite was testing (which then had nothing to report).
    const experiment = unique("abandoned-own");
    const own = (await client.getOrCreateExperiment(experiment)).experiment_id;
    const other = (await client.getOrCreateExperiment(unique("abandoned-other"))).experiment_id;
    const dead = deadPid();
    const tags = { "wsp.pid": String(dead), "wsp.host": hostname() };
    const mine = await client.createRun({ experimentId: own, runName: "mine", tags });
    const theirs = await client.createRun({ experimentId: other, runName: "theirs", tags });
    const dir = mkdtempSync(join(tmpdir(), "wsp-abandoned-own-"));
    try {
      const tracked = await runTracked(plantedSignalConfig(experiment), {
        trackingUri: uri,
        outboxDir: join(dir, "outbox"),
        progress: false,
        png: false,
      });
      expect(tracked.abandoned.killed.map((r) => r.runId)).toEqual([mine.info.run_id]);
      expect((await client.getRun(mine.info.run_id)).info.status).toBe("KILLED");
      expect((await client.getRun(theirs.info.run_id)).info.status).toBe("RUNNING");
      const swept = await endAbandonedRuns(client, join(dir, "outbox"));
      expect(swept.killed.map((r) => r.runId)).toContain(theirs.info.run_id);
    } finally {
      await client.endRun(theirs.info.run_id, "FINISHED").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a sweep the server refuses does not stop `wsp run`: the run is recorded, the refusal noted", async () => {
    // The real server behind a proxy that refuses the run search the sweep makes.
    const target = new URL(uri);
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.url?.includes("/runs/search") && body.includes("RUNNING")) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error_code: "INVALID_PARAMETER_VALUE", message: "search refused by the test proxy" }));
        return;
      }
      const r = await fetch(new URL(req.url ?? "/", target), {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await r.arrayBuffer()));
    });
    await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const experiment = unique("sweep-refused");
    await client.getOrCreateExperiment(experiment);
    try {
      const run = await runTracked(
        parseConfig(
          `name: sweep-refused
tracking: { experiment: ${experiment} }
data: { tickers: [SPY], timeframe: 1d, start: 2008-01-01, end: 2024-12-31, context: [VIX] }
labels: { kind: triple_barrier, horizon: 5, barriers: { upper: 1.5, lower: 1.5, scale: vol_20 }, output: binary }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models:
  - { kind: gbm, params: { n_trees: 10, max_depth: 3, learning_rate: 0.1, min_child_weight: 20 } }
controls: { shuffled_labels: false }
`,
          "sweep-refused.yaml",
        ),
        { trackingUri: proxied, outboxDir, progress: false, png: false },
      );
      expect(run.offline).toBe(false);
      expect((await client.getRun(run.runId)).info.status).toBe("FINISHED");
      expect(run.abandoned.error).toMatch(/search refused by the test proxy/);
      expect(describeAbandoned(run.abandoned)).toEqual([
        expect.stringMatching(/^could not look for abandoned runs on the server: .*search refused by the test proxy/),
      ]);
    } finally {
      await new Promise((ok) => proxy.close(ok));
    }
  }, 120_000);
});
