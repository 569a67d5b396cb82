/**
 * `wsp services` as a user runs it (`npx wsp services …`): a server named by its
 * environment variable is reported as the user's and never stopped, and an unknown service name
 * is refused with the valid ones. Starting and stopping the local servers is in
 * test/services/discovery.test.ts.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { redisAnswers } from "../../src/services";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function wsp(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/wsp.js", "services", ...args], {
      cwd: process.cwd(),
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("wsp services", { timeout: 60_000 }, () => {
  it("reports a server named by REDIS_URL as the user's, and leaves it running on down", async () => {
    const url = inject("testRedisUrl");
    const env = { ...process.env, REDIS_URL: url };
    const status = await wsp(["status", "redis"], env);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    expect(status.stdout).toBe(`redis     up    ${url}  (REDIS_URL)\n`);
    const down = await wsp(["down", "redis"], env);
    expect(down.stdout).toBe("redis    REDIS_URL is set: not managed here, left running\n");
    expect(await redisAnswers(url)).toBe(true);
  });

  it("refuses an unknown service, naming the known ones", async () => {
    const run = await wsp(["up", "mongodb"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: unknown service 'mongodb': expected postgres, redis, mlflow\n");
  });
});
