/**
 * docker-compose.yml without a Docker engine: its structure (pinned images, a healthcheck on
 * every service, MLflow's backend store in the postgres service with the driver installed, Redis
 * with noeviction) and its agreement with README.md (every compose service the README names
 * exists, and the URLs it lists carry compose's credentials, ports and database).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = process.cwd();

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const readme = readFileSync(join(root, "README.md"), "utf8");

/** An exact release tag: digits and dots, optionally a suffix (`7.4.2-alpine`, `v3.17.2`, `2.17.2-pg16`). */
const PINNED = /:v?\d+\.\d+\.\d+[\w.-]*$/;

function dockerfileOf(s: ComposeService): string | null {
  if (!s.build) return null;
  const context = typeof s.build === "string" ? s.build : s.build.context;
  const file = typeof s.build === "string" ? "Dockerfile" : (s.build.dockerfile ?? "Dockerfile");
  return readFileSync(join(root, context, file), "utf8");
}

/** The host port a service publishes for `containerPort`. */
function hostPort(name: string, containerPort: number): number {
  const mapping = (services[name].ports ?? []).find((p) => p.endsWith(`:${containerPort}`));
  expect(mapping, `${name} publishes ${containerPort}`).toBeDefined();
  return Number(mapping?.split(":")[0]);
}

function readmeVariable(name: string): URL {
  const m = readme.match(new RegExp(`${name}=(\\S+?)\``));
  expect(m, `README.md lists ${name}=…`).not.toBeNull();
  return new URL(m?.[1] ?? "");
}

describe("docker-compose.yml", () => {
  it("pins every image to a release (no :latest), the Dockerfile's base image included", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name}.image`).toMatch(PINNED);
      const dockerfile = dockerfileOf(s);
      if (dockerfile) {
        for (const from of dockerfile.match(/^FROM\s+\S+/gm) ?? [])
          expect(from, `${name}'s Dockerfile`).toMatch(PINNED);
        for (const pip of dockerfile.match(/pip install .*/g) ?? []) {
          for (const pkg of pip.split(/\s+/).filter((w) => /^[a-z]/i.test(w) && w !== "pip" && w !== "install")) {
            expect(pkg, `${name}'s Dockerfile pins what pip installs`).toMatch(/==\d/);
          }
        }
      }
    }
  });

  it("gives every service a healthcheck", () => {
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test, `${name}.healthcheck`).toBeTruthy();
  });

  it("keeps MLflow's backend store in the postgres service, with the driver in its image", () => {
    const pg = services.postgres.environment ?? {};
    const mlflow = services.mlflow;
    const backend = (mlflow.command ?? []).find((a) => a.startsWith("--backend-store-uri="));
    expect(backend).toBe(
      `--backend-store-uri=postgresql://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/mlflow`,
    );
    expect(mlflow.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(dockerfileOf(mlflow)).toMatch(/pip install .*psycopg2-binary==/);
    // The mlflow database is created by an init script mounted into the postgres service.
    const init = (services.postgres.volumes ?? []).find((v) => v.includes("/docker-entrypoint-initdb.d/"));
    const initFile = init?.split(":")[0] ?? "";
    expect(existsSync(join(root, initFile)), initFile).toBe(true);
    expect(readFileSync(join(root, initFile), "utf8")).toMatch(/CREATE DATABASE mlflow\b/);
  });

  it("runs Redis with noeviction, as BullMQ needs", () => {
    expect((services.redis.command ?? []).join(" ")).toMatch(/--maxmemory-policy noeviction/);
  });
});

describe("README.md against docker-compose.yml", () => {
  it("names only compose services that exist", () => {
    const named = [...readme.matchAll(/^\| `([a-z0-9_-]+)` \| `[A-Z_]+=/gm)].map((m) => m[1]);
    const fromCommands = [...readme.matchAll(/docker compose up -d ([a-z0-9_-]+)/g)].map((m) => m[1]);
    expect(named.sort()).toEqual(["mlflow", "postgres", "redis"]);
    for (const name of [...named, ...fromCommands]) expect(Object.keys(services)).toContain(name);
  });

  it("lists DATABASE_URL, REDIS_URL and MLFLOW_TRACKING_URI with compose's credentials and ports", () => {
    const pg = services.postgres.environment ?? {};
    const db = readmeVariable("DATABASE_URL");
    expect([db.protocol, db.username, db.password, db.hostname, Number(db.port), db.pathname]).toEqual([
      "postgres:",
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      "127.0.0.1",
      hostPort("postgres", 5432),
      `/${pg.POSTGRES_DB}`,
    ]);
    const redis = readmeVariable("REDIS_URL");
    expect([redis.protocol, redis.hostname, Number(redis.port)]).toEqual([
      "redis:",
      "127.0.0.1",
      hostPort("redis", 6379),
    ]);
    const mlflow = readmeVariable("MLFLOW_TRACKING_URI");
    const port = Number((services.mlflow.command ?? []).find((a) => a.startsWith("--port="))?.slice(7));
    expect([mlflow.protocol, mlflow.hostname, Number(mlflow.port)]).toEqual([
      "http:",
      "127.0.0.1",
      hostPort("mlflow", port),
    ]);
  });
});
