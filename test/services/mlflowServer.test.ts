/**
 * Server management: reuse of a server that answers, MLFLOW_TRACKING_URI, the errors that point
 * at the log, and the CLI's status. The suite's own server comes from test/setup/mlflow.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ensureMlflowServer,
  findRepoRoot,
  mlflowServerStatus,
  startMlflowServer,
  stopMlflowServer,
  trackingUri,
  waitForMlflowHealth,
} from "../../src/services/index";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let port: number;
const savedEnv = process.env.MLFLOW_TRACKING_URI;

beforeAll(async () => {
  uri = await testMlflowUri();
  port = Number(new URL(uri).port);
});

afterEach(() => {
  process.env.MLFLOW_TRACKING_URI = savedEnv;
});

describe("ensureMlflowServer", () => {
  it("reuses a local server that answers instead of starting one", async () => {
    delete process.env.MLFLOW_TRACKING_URI;
    const got = await ensureMlflowServer({ port });
    expect(got).toEqual({ uri, started: false, external: false });
  });

  it("uses the server MLFLOW_TRACKING_URI names and never starts one there", async () => {
    process.env.MLFLOW_TRACKING_URI = `${uri}/`;
    expect(trackingUri({ port: 1 })).toBe(uri);
    expect(await ensureMlflowServer({ port: 1 })).toEqual({ uri, started: false, external: true });
    process.env.MLFLOW_TRACKING_URI = "http://127.0.0.1:9";
    await expect(ensureMlflowServer()).rejects.toThrow(/MLFLOW_TRACKING_URI=http:\/\/127\.0\.0\.1:9 does not answer/);
  });

  it("reports the status of the named server", async () => {
    process.env.MLFLOW_TRACKING_URI = uri;
    expect(await mlflowServerStatus()).toMatchObject({ uri, healthy: true, external: true });
  });
});

describe("start-up errors", () => {
  const dirs: string[] = [];

  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("tells to run the bootstrap when the venv is missing", async () => {
    const fake = mkdtempSync(join(tmpdir(), "wsp-no-venv-"));
    dirs.push(fake);
    writeFileSync(join(fake, "package.json"), "{}");
    writeFileSync(join(fake, "requirements.txt"), "");
    mkdirSync(join(fake, "nested"));
    expect(findRepoRoot(join(fake, "nested"))).toBe(fake);
    await expect(startMlflowServer({ repoRoot: fake, port: 1 })).rejects.toThrow(
      /\.venv\/bin\/mlflow is missing.*bootstrap/,
    );
    expect(await stopMlflowServer({ repoRoot: fake })).toBe(false);
  });

  it("stops waiting as soon as the server process exits, quoting its log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-dead-server-"));
    dirs.push(dir);
    const log = join(dir, "server.log");
    writeFileSync(log, "starting\nERROR: [Errno 98] address already in use\n");
    const t0 = Date.now();
    const err = await waitForMlflowHealth("http://127.0.0.1:9", 60_000, log, () => 1).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(String(err)).toMatch(/exited with code 1 before http:\/\/127\.0\.0\.1:9\/health answered/);
    expect(String(err)).toContain(`last lines of ${log}`);
    expect(String(err)).toContain("address already in use");
  });

  it("names the log when the server does not answer in time", async () => {
    const err = await waitForMlflowHealth("http://127.0.0.1:9", 300, "/nonexistent/server.log").catch(
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(
      /did not answer http:\/\/127\.0\.0\.1:9\/health within 0 s; see \/nonexistent\/server\.log/,
    );
  });
});

describe("wsp mlflow status", () => {
  it("says the server is up", () => {
    const out = spawnSync(process.execPath, ["bin/wsp.js", "mlflow", "status"], {
      encoding: "utf8",
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      timeout: 60_000,
    });
    expect(out.stdout).toContain(`MLflow up: ${uri} (MLFLOW_TRACKING_URI)`);
    expect(out.status).toBe(0);
  });
});
