/**
 * docker-compose.yml without a Docker engine: its structure (pinned images, a healthcheck on
 * every service, MLflow's backend store in the postgres service with the driver installed, Redis
 * with noeviction, a scalable `worker` wired to the other services) and its agreement with README.md (every compose service the README names
 * exists, and the URLs it lists carry compose's credentials, ports and database).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HEARTBEAT_INTERVAL_MS } from "../../jobs/heartbeat";

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
  stop_grace_period?: string;
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

/** The container port of `name`'s published mapping (`host:container`). */
function containerPort(name: string): number {
  return Number((services[name].ports ?? [])[0]?.split(":")[1]);
}

function seconds(duration: string | undefined): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? "");
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : Number.NaN;
}

describe("docker-compose.yml worker service", () => {
  const worker = services.worker;
  const command = worker.command ?? [];
  const flag = (name: string) => command[command.indexOf(name) + 1];

  it("builds the workspace image and runs `wsp worker` under node, with no port and no shared disk", () => {
    expect(worker.build).toEqual({ context: ".", dockerfile: "docker/workspace/Dockerfile" });
    const dockerfile = dockerfileOf(worker) ?? "";
    expect(dockerfile).toMatch(/^FROM node:20\.\d+\.\d+-\S*slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev --ignore-scripts/m);
    expect(command.slice(0, 3)).toEqual(["node", "bin/wsp.js", "worker"]);
    // `--scale worker=4` needs no published port; artifacts go through MLflow, not a volume.
    expect(worker.ports).toBeUndefined();
    expect(worker.volumes).toBeUndefined();
    expect(services.mlflow.command).toContain("--serve-artifacts");
  });

  it("points REDIS_URL, DATABASE_URL and MLFLOW_TRACKING_URI at the compose services, started healthy", () => {
    const env = worker.environment ?? {};
    const pg = services.postgres.environment ?? {};
    const redis = new URL(env.REDIS_URL);
    expect([redis.protocol, redis.hostname, Number(redis.port)]).toEqual(["redis:", "redis", containerPort("redis")]);
    const db = new URL(env.DATABASE_URL);
    expect([db.protocol, db.username, db.password, db.hostname, Number(db.port), db.pathname]).toEqual([
      "postgres:",
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      "postgres",
      containerPort("postgres"),
      `/${pg.POSTGRES_DB}`,
    ]);
    const mlflowArgs = services.mlflow.command ?? [];
    const port = Number(mlflowArgs.find((a) => a.startsWith("--port="))?.slice(7));
    const mlflow = new URL(env.MLFLOW_TRACKING_URI);
    expect([mlflow.protocol, mlflow.hostname, Number(mlflow.port)]).toEqual(["http:", "mlflow", port]);
    // MLflow 3 answers only the Host headers it allows.
    const allowed = mlflowArgs
      .find((a) => a.startsWith("--allowed-hosts="))
      ?.slice(16)
      .split(",");
    expect(allowed).toContain(mlflow.host);
    for (const dep of ["postgres", "redis", "mlflow"])
      expect(worker.depends_on?.[dep]?.condition).toBe("service_healthy");
  });

  it("is healthy while its heartbeat file is fresh, and gets its grace period on stop", () => {
    const file = flag("--heartbeat");
    const test = worker.healthcheck?.test as string[];
    expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(test[3]).toContain(`'${file}'`);
    const maxAge = Number(/Date\.now\(\) - t < (\d+)/.exec(test[3])?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(3 * HEARTBEAT_INTERVAL_MS);
    // docker stop waits out the worker's grace before SIGKILL.
    expect(seconds(worker.stop_grace_period)).toBeGreaterThan(Number(flag("--grace")));
  });

  it("passes `wsp worker` only options it has", () => {
    const help = spawnSync(process.execPath, ["bin/wsp.js", "worker", "--help"], { cwd: root, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    for (const option of command.filter((a) => a.startsWith("--"))) expect(help.stdout).toContain(`${option} <`);
  }, 60_000);
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

describe("docker-compose.yml forecast service", () => {
  const forecast = services.forecast;
  const command = forecast.command ?? [];
  const flag = (name: string) => command[command.indexOf(name) + 1];

  it("runs `wsp serve` from the workspace image on every interface, its port published", () => {
    expect(forecast.build).toEqual(services.worker.build);
    expect(forecast.image).toBe(services.worker.image);
    expect(command.slice(0, 3)).toEqual(["node", "bin/wsp.js", "serve"]);
    expect(flag("--host")).toBe("0.0.0.0");
    expect(forecast.ports).toEqual([`${flag("--port")}:${flag("--port")}`]);
    expect(flag("--model")).toMatch(/^\$\{WSP_SERVE_MODEL:-[\w.-]+\}$/);
  });

  it("reads its tokens from a compose secret, since a server beyond the loopback refuses to start without", () => {
    const env = forecast.environment ?? {};
    expect(env.WSP_API_TOKENS_FILE).toBe("/run/secrets/wsp_api_tokens");
    expect((forecast as { secrets?: string[] }).secrets).toEqual(["wsp_api_tokens"]);
    expect(env.DATABASE_URL).toBe(services.worker.environment?.DATABASE_URL);
    expect(env.MLFLOW_TRACKING_URI).toBe(services.worker.environment?.MLFLOW_TRACKING_URI);
    for (const dep of ["postgres", "redis", "mlflow"]) {
      expect(forecast.depends_on?.[dep]?.condition).toBe("service_healthy");
    }
  });

  it("is healthy when /ready answers 200 on the port it serves", () => {
    const test = forecast.healthcheck?.test ?? [];
    expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(test[3]).toContain(`http://127.0.0.1:${flag("--port")}/ready`);
  });
});
