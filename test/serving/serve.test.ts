/**
 * The forecast service end to end: `serveForecasts` over the planted-signal champion, the suite's
 * MLflow server, PostgreSQL and Redis, a real server on a free port. Each error status with its
 * message from the real forecaster; the champion's alias moved (and announced on Redis) while a
 * request loop runs: no failed request, and the next ones name the new version; signals read back
 * after a restart.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Forecast } from "../../src/pipeline";
import { announceRegistryChange, type RunningService, serveForecasts, TokenSet } from "../../src/serving";
import { openStore, type Store } from "../../src/store";
import { MlflowClient, ModelRegistry } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { type Champion, ingestPlanted, registerAgain, trainChampion } from "./_champion";

const REDIS_URL = "redis://127.0.0.1:6379";
const tokens = { read: randomBytes(24).toString("hex"), forecast: randomBytes(24).toString("hex") };
const prefix = `serve-${randomBytes(4).toString("hex")}`;

describe("the forecast service over HTTP", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let target: StoreTarget;
  let store: Store;
  let champion: Champion;
  let service: RunningService;

  const start = (opts: { model?: string; rateLimit?: { max: number; windowMs: number } } = {}) =>
    serveForecasts({
      model: opts.model ?? champion.modelName,
      store,
      client,
      pollMs: 0,
      refreshMs: 0,
      port: 0,
      logger: false,
      rateLimit: opts.rateLimit,
      announcements: { url: REDIS_URL, prefix },
      tokens: TokenSet.of([
        { name: "reader", scopes: ["read"], token: tokens.read },
        { name: "desk", scopes: ["forecast"], token: tokens.forecast },
      ]),
    });

  const call = (s: RunningService, path: string, body?: unknown, token = tokens.forecast) =>
    fetch(`${s.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
    target = postgresTarget();
    store = await openStore(target.options);
    await ingestPlanted(store);
    service = await start();
  }, 300_000);

  afterAll(async () => {
    await service?.close();
    await store?.close();
    await target?.cleanup();
    champion?.cleanup();
  });

  it("answers a forecast, then the same bar from memory", async () => {
    const res = await call(service, "/v1/forecast", { ticker: "PLNT", asof: "2024-06-03" });
    expect(res.status).toBe(200);
    const f = (await res.json()) as Forecast;
    expect(f.barTime).toBe("2024-06-03T00:00:00.000Z");
    expect(f.model).toMatchObject({ name: champion.modelName, version: champion.version, alias: "champion" });
    expect(f.cached).toBe(false);
    const again = (await (
      await call(service, "/v1/forecast", { ticker: "PLNT", asof: "2024-06-03" })
    ).json()) as Forecast;
    expect(again.cached).toBe(true);
    expect(again.featureHash).toBe(f.featureHash);
  });

  it("answers each error status with the forecaster's message", async () => {
    const expectError = async (res: Response, status: number, code: string, message: RegExp) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);
    };
    await expectError(
      await call(service, "/v1/forecast", { ticker: "PLNT", asof: "2024-06-31" }),
      400,
      "bad_request",
      /asof/,
    );
    await expectError(
      await call(service, "/v1/forecast", { ticker: "PLNT", model: "a/b/c" }),
      400,
      "bad_request",
      /model reference/,
    );
    await expectError(await call(service, "/v1/forecast", { ticker: "PLNT" }, ""), 401, "unauthorized", /token/);
    await expectError(
      await call(service, "/v1/forecast", { ticker: "PLNT" }, tokens.read),
      403,
      "forbidden",
      /forecast/,
    );
    await expectError(await call(service, "/v1/admin/reload", {}), 403, "forbidden", /needs scope admin; token desk/);
    await expectError(await call(service, "/v1/forecast", { ticker: "ZZZZ" }), 404, "unknown_symbol", /ZZZZ/);
    await expectError(await call(service, "/v1/forecast", { ticker: "SENT" }), 422, "not_trained", /trained on PLNT/);
    const nobody = await start({ model: `nobody-${prefix}` });
    try {
      await expectError(
        await call(nobody, "/v1/forecast", { ticker: "PLNT" }),
        503,
        "no_model",
        /no version of nobody-.* has the alias champion; promote a run with `wsp promote <run-id>`/,
      );
      expect((await call(nobody, "/ready", undefined, "")).status).toBe(503);
    } finally {
      await nobody.close();
    }
    const limited = await start({ rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 2; i++) expect((await call(limited, "/v1/forecast", { ticker: "PLNT" })).status).toBe(200);
      const res = await call(limited, "/v1/forecast", { ticker: "PLNT" });
      expect(res.headers.get("retry-after")).not.toBeNull();
      await expectError(res, 429, "rate_limited", /token desk passed 2 requests in 60 s; retry in/);
    } finally {
      await limited.close();
    }
  });

  it("swaps to the version the alias moves to while requests run, with no failed request", async () => {
    const registry = new ModelRegistry(client);
    const v2 = await registerAgain(client, champion);
    const seen: string[] = [];
    let stop = false;
    const loop = (async () => {
      let i = 0;
      while (!stop) {
        const res = await call(service, "/v1/forecast/batch", { tickers: ["PLNT"], asof: `2024-0${1 + (i++ % 9)}-15` });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { forecasts: Forecast[]; errors: unknown[] };
        expect(body.errors).toEqual([]);
        seen.push(body.forecasts[0].model.version);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await registry.setAlias(champion.modelName, "champion", v2.version);
    const redis = new Redis(REDIS_URL);
    try {
      await announceRegistryChange(redis, prefix, champion.modelName);
    } finally {
      redis.disconnect();
    }
    const deadline = Date.now() + 60_000;
    while (seen.at(-1) !== v2.version && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await loop;
    expect(seen[0]).toBe(champion.version);
    expect(seen.at(-1)).toBe(v2.version);
    // Once the new version answers, no request goes back to the old one.
    const first = seen.indexOf(v2.version);
    expect(seen.slice(first).every((v) => v === v2.version)).toBe(true);
    await registry.setAlias(champion.modelName, "champion", champion.version);
    await service.forecaster.checkRegistry();
  });

  it("keeps its signals across a restart", async () => {
    const before = await call(service, "/v1/signals?ticker=PLNT&status=all&limit=1000", undefined, tokens.read);
    expect(before.status).toBe(200);
    const listed = ((await before.json()) as { signals: { barTs: number; featureHash: string }[] }).signals;
    expect(listed.length).toBeGreaterThan(0);
    await service.close();
    await store.close();
    store = await openStore(target.options);
    service = await start();
    const after = await call(service, "/v1/signals?ticker=PLNT&status=all&limit=1000", undefined, tokens.read);
    const relisted = ((await after.json()) as { signals: { barTs: number; featureHash: string }[] }).signals;
    expect(relisted.map((s) => [s.barTs, s.featureHash])).toEqual(listed.map((s) => [s.barTs, s.featureHash]));
    // The same bar again is not stored twice after the restart (the memory is new, the store is not).
    await call(service, "/v1/forecast", { ticker: "PLNT", asof: "2024-06-03" });
    const again = await call(service, "/v1/signals?ticker=PLNT&status=all&limit=1000", undefined, tokens.read);
    expect(((await again.json()) as { signals: unknown[] }).signals).toHaveLength(relisted.length);
  });
});
