/**
 * The forecast routes over real HTTP: each status with its message, scopes, request ids, and the
 * token kept out of the logs. The service behind them is the test one (testForecastService.ts),
 * answering from the bundled daily bars.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBundled } from "../../src/data";
import type { Forecast } from "../../src/pipeline";
import type { ForecastBatchResult } from "../../src/serving";
import { MODEL_NAME, NOT_TRAINED, UNKNOWN } from "./testForecastService";
import { errorOf, jsonOf, startTestServer, type TestServer } from "./testServer";

/** A page of the test service's signals. */
type Page = { signals: { time: number }[]; next: string | null };

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe("POST /v1/forecast", () => {
  it("answers a forecast from the latest bar at or before asof", async () => {
    // 2020-03-14 is a Saturday: the bar is Friday's.
    const res = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "SPY", asof: "2020-03-14" } });
    expect(res.status).toBe(200);
    const f = await jsonOf<Forecast>(res);
    expect(f).toMatchObject({ ticker: "SPY", barTime: "2020-03-13T00:00:00.000Z", cached: false });
    expect(f.model).toEqual({ name: MODEL_NAME, version: "3", alias: "champion", runId: "run-3" });
    const spy = loadBundled("SPY", "1d");
    const friday = spy.ts.indexOf(Date.UTC(2020, 2, 13));
    expect(f.stopLoss).toBe(spy.close[friday] * 0.98);
  });

  it("reads a date-time with a zone in that zone", async () => {
    // 2020-03-14T03:00+05:00 is 2020-03-13T22:00Z: the bar of the 13th, not the 14th's.
    const res = await s.call("/v1/forecast", {
      token: s.tokens.forecast,
      json: { ticker: "QQQ", asof: "2020-03-14T03:00:00+05:00" },
    });
    expect((await jsonOf<Forecast>(res)).barTime).toBe("2020-03-13T00:00:00.000Z");
  });

  it.each([
    [
      { ticker: "SPY", asof: "2020-13-01" },
      "asof",
      /^asof: expected an ISO date \(2024-01-31\) or date-time with a zone/,
    ],
    [{ ticker: "SPY", asof: "2020-02-30" }, "asof", /^asof: expected an ISO date/],
    [{ ticker: "SPY", asof: "2020-03-13T10:00:00" }, "asof", /^asof: expected .*with a zone/],
    [{ ticker: "SPY", asof: 20200313 }, "asof", /^asof: expected string, got number/],
    [{ ticker: "S P Y" }, "ticker", /^ticker: ticker "S P Y" is not valid: expected 1 to 32 characters/],
    [{}, "ticker", /^ticker: required$/],
    [{ ticker: "SPY", tickr: "QQQ" }, "tickr", /^tickr: unknown field; the body takes ticker, asof, model$/],
    [{ ticker: "SPY", model: "a model" }, "model", /^model: expected a model reference/],
    [[1, 2], "body", /^body: expected a JSON object, got a list of 2$/],
  ])("400 on %j, naming %s", async (json, field, message) => {
    const res = await s.call("/v1/forecast", { token: s.tokens.forecast, json });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe("bad_request");
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it("400 on a body that is not JSON, or none", async () => {
    const bad = await s.call("/v1/forecast", {
      token: s.tokens.forecast,
      body: "{ticker: SPY",
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({ code: "bad_request", message: "body: not valid JSON", field: "body" });
    const none = await s.call("/v1/forecast", { method: "POST", token: s.tokens.forecast });
    expect(none.status).toBe(400);
    expect(await errorOf(none)).toMatchObject({ field: "body", message: "body: expected a JSON object, got null" });
  });

  it("400 with the service's field when it cannot read what passed the form check", async () => {
    const early = await s.call("/v1/forecast", {
      token: s.tokens.forecast,
      json: { ticker: "SPY", asof: "1900-01-02" },
    });
    expect(early.status).toBe(400);
    expect(await errorOf(early)).toEqual({
      code: "bad_request",
      message: "asof: before SPY's first bar",
      field: "asof",
    });
  });

  it("404 unknown_symbol, 422 not_trained", async () => {
    const unknown = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: UNKNOWN } });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toEqual({ code: "unknown_symbol", message: `no stored bars for ${UNKNOWN}` });
    const untrained = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: NOT_TRAINED } });
    expect(untrained.status).toBe(422);
    expect(await errorOf(untrained)).toEqual({
      code: "not_trained",
      message: `${MODEL_NAME}/3 was not trained on ${NOT_TRAINED}`,
    });
  });

  it("503 no_model tells how to promote one; 503 unavailable; both recover", async () => {
    const model = s.state.model;
    s.state.model = null;
    try {
      const res = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "SPY" } });
      expect(res.status).toBe(503);
      const err = await errorOf(res);
      expect(err.code).toBe("no_model");
      expect(err.message).toBe(`no version behind ${MODEL_NAME}@champion; promote a run with \`wsp promote <run-id>\``);
    } finally {
      s.state.model = model;
    }
    const other = await s.call("/v1/forecast", {
      token: s.tokens.forecast,
      json: { ticker: "SPY", model: "other@champion" },
    });
    expect(other.status).toBe(503);
    expect((await errorOf(other)).message).toMatch(/^no model other@champion .*`wsp promote <run-id>`$/);

    s.state.storeUp = false;
    try {
      const res = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "SPY" } });
      expect(res.status).toBe(503);
      expect(await errorOf(res)).toEqual({
        code: "unavailable",
        message: "the store at 127.0.0.1:5432 (db test) cannot be reached",
      });
    } finally {
      s.state.storeUp = true;
    }
    expect((await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "SPY" } })).status).toBe(200);
  });

  it("500 on anything else: no stack or internal message to the client, all of it in the log", async () => {
    const failure = new Error("pool exhausted: postgres://wsp:hunter2@db/test");
    s.state.failure = failure;
    let res: Response;
    try {
      res = await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "SPY" } });
    } finally {
      s.state.failure = null;
    }
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/hunter2|pool exhausted|at .*\.ts/);
    const id = res.headers.get("x-request-id") as string;
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: `internal error; the server log has the details under request id ${id}` },
    });
    const logged = s.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === id && l.level === 50);
    expect(logged?.err?.message).toBe(failure.message);
    expect(logged?.err?.stack).toMatch(/http\.test\.ts/);
  });
});

describe("POST /v1/forecast/batch", () => {
  it("answers forecasts and per-ticker errors in one 200, cached on a repeat", async () => {
    const tickers = ["SPY", "QQQ", NOT_TRAINED, UNKNOWN];
    const res = await s.call("/v1/forecast/batch", { token: s.tokens.forecast, json: { tickers, asof: "2021-06-30" } });
    expect(res.status).toBe(200);
    const body = await jsonOf<ForecastBatchResult>(res);
    expect(body.forecasts.map((f) => f.ticker)).toEqual(["SPY", "QQQ"]);
    expect(body.errors).toEqual([
      { ticker: NOT_TRAINED, code: "not_trained", message: `${MODEL_NAME}/3 was not trained on ${NOT_TRAINED}` },
      { ticker: UNKNOWN, code: "unknown_symbol", message: `no stored bars for ${UNKNOWN}` },
    ]);
    const again = await jsonOf<ForecastBatchResult>(
      await s.call("/v1/forecast/batch", { token: s.tokens.forecast, json: { tickers: ["SPY"], asof: "2021-06-30" } }),
    );
    expect(again.forecasts[0].cached).toBe(true);
  });

  it.each([
    { name: "no tickers", json: { tickers: [] }, field: "tickers", message: /^tickers: expected at least one ticker$/ },
    {
      name: "a duplicate",
      json: { tickers: ["SPY", "QQQ", "SPY"] },
      field: "tickers[2]",
      message: /^tickers\[2\]: duplicate of tickers\[0\] \(SPY\)$/,
    },
    {
      name: "a bad ticker",
      json: { tickers: ["SPY", "a,b"] },
      field: "tickers[1]",
      message: /^tickers\[1\]: ticker "a,b" is not valid/,
    },
    { name: "a string", json: { tickers: "SPY" }, field: "tickers", message: /^tickers: expected array, got text$/ },
    {
      name: "a bad asof",
      json: { tickers: ["SPY"], asof: "yesterday" },
      field: "asof",
      message: /^asof: expected an ISO date/,
    },
    {
      name: "1001 tickers",
      json: { tickers: Array.from({ length: 1001 }, (_, i) => `T${i}`) },
      field: "tickers",
      message: /^tickers: at most 1000 tickers per request, got 1001$/,
    },
  ])("400 on $name", async ({ json, field, message }) => {
    const res = await s.call("/v1/forecast/batch", { token: s.tokens.forecast, json });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it("maps a failure of the whole batch to its status", async () => {
    const model = s.state.model;
    s.state.model = null;
    try {
      const res = await s.call("/v1/forecast/batch", { token: s.tokens.forecast, json: { tickers: ["SPY"] } });
      expect(res.status).toBe(503);
      expect((await errorOf(res)).code).toBe("no_model");
    } finally {
      s.state.model = model;
    }
  });
});

describe("GET /v1/signals", () => {
  it("passes the query on with instants as epoch ms and its defaults, and pages", async () => {
    for (const asof of ["2019-01-02", "2019-01-03", "2019-01-04"]) {
      await s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker: "QQQ", asof } });
    }
    const res = await s.call("/v1/signals?ticker=QQQ&from=2019-01-02&to=2019-01-04T00:00:00Z&limit=2", {
      token: s.tokens.read,
    });
    expect(res.status).toBe(200);
    expect(s.signalQueries.at(-1)).toEqual({
      ticker: "QQQ",
      from: Date.UTC(2019, 0, 2),
      to: Date.UTC(2019, 0, 4),
      status: "all",
      limit: 2,
    });
    const page = await jsonOf<Page>(res);
    expect(page.signals.map((x) => x.time)).toEqual([Date.UTC(2019, 0, 2), Date.UTC(2019, 0, 3)]);
    expect(page.next).toBe("2");
    const rest = await jsonOf<Page>(
      await s.call(`/v1/signals?ticker=QQQ&from=2019-01-02&to=2019-01-04&limit=2&cursor=${page.next}`, {
        token: s.tokens.read,
      }),
    );
    expect(rest.signals.map((x) => x.time)).toEqual([Date.UTC(2019, 0, 4)]);
    expect(rest.next).toBeNull();
  });

  it.each([
    ["from=2019-01-32", "from", /^from: expected an ISO date/],
    ["to=2019-01-02T10:00", "to", /^to: expected an ISO date .*with a zone/],
    ["from=2019-02-01&to=2019-01-01", "to", /^to: before from; expected from ≤ to$/],
    ["limit=0", "limit", /^limit: expected a whole number from 1 to 1000$/],
    ["limit=1001", "limit", /^limit: expected a whole number from 1 to 1000$/],
    ["limit=ten", "limit", /^limit: expected a whole number from 1 to 1000$/],
    ["status=closed", "status", /^status: expected one of open, expired, executed, all$/],
    ["ticker=SPY&ticker=QQQ", "ticker", /^ticker: expected string, got a list of 2$/],
    ["tickers=SPY", "tickers", /^tickers: unknown parameter; the query takes ticker, from, to, status, limit, cursor$/],
  ])("400 on ?%s, naming %s", async (query, field, message) => {
    const res = await s.call(`/v1/signals?${query}`, { token: s.tokens.read });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err).toMatchObject({ code: "bad_request", field });
    expect(err.message).toMatch(message);
  });
});

describe("tokens and scopes", () => {
  it("401 with WWW-Authenticate: Bearer for a missing, malformed or unknown token", async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "missing bearer token: send Authorization: Bearer <token>"],
      [{ authorization: `Basic ${s.tokens.admin}` }, "expected Authorization: Bearer <token>"],
      [{ authorization: `Bearer ${s.tokens.admin.slice(0, -1)}x` }, "unknown token"],
    ];
    for (const [headers, message] of cases) {
      const res = await s.call("/v1/forecast", { json: { ticker: "SPY" }, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="wsp"/);
      expect(await errorOf(res)).toEqual({ code: "unauthorized", message });
    }
  });

  it("read lists signals and metrics only; forecast adds the forecast routes; admin has all", async () => {
    const routes = [
      ["/v1/signals", undefined],
      ["/metrics", undefined],
      ["/v1/forecast", { ticker: "SPY" }],
      ["/v1/forecast/batch", { tickers: ["SPY"] }],
    ] as const;
    const statuses = async (token: string) => {
      const out: number[] = [];
      for (const [path, json] of routes) out.push((await s.call(path, { token, json })).status);
      return out;
    };
    expect(await statuses(s.tokens.read)).toEqual([200, 200, 403, 403]);
    expect(await statuses(s.tokens.forecast)).toEqual([200, 200, 200, 200]);
    expect(await statuses(s.tokens.admin)).toEqual([200, 200, 200, 200]);
  });

  it("403 names the missing scope and the token's", async () => {
    const res = await s.call("/v1/forecast", { token: s.tokens.read, json: { ticker: "SPY" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="wsp", error="insufficient_scope", scope="forecast"',
    );
    expect(await errorOf(res)).toEqual({
      code: "forbidden",
      message: "this route needs scope forecast; token reader has read",
    });
  });

  it("404 not_found for a route that does not exist", async () => {
    const res = await s.call("/v1/forecasts?x=1", { token: s.tokens.admin });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await errorOf(res)).toEqual({ code: "not_found", message: "no route GET /v1/forecasts" });
  });

  it("never logs a token, valid or not", async () => {
    const wrong = `${s.tokens.forecast.slice(0, -4)}beef`;
    for (const token of [s.tokens.read, s.tokens.forecast, s.tokens.admin, wrong]) {
      await s.call("/v1/forecast", { token, json: { ticker: "SPY" } });
      await s.call("/v1/signals?limit=1", { token });
    }
    const text = s.logs.join("\n");
    expect(s.logs.length).toBeGreaterThan(16);
    expect(text).toContain('"authorization":"[redacted]"');
    for (const token of [s.tokens.read, s.tokens.forecast, s.tokens.admin, wrong]) {
      expect(text).not.toContain(token);
      // Nor a recognisable part of it.
      expect(text).not.toContain(token.slice(0, 16));
    }
  });
});

describe("request ids", () => {
  it("echoes a client's x-request-id and logs under it", async () => {
    const res = await s.call("/v1/forecast", {
      token: s.tokens.forecast,
      json: { ticker: "SPY" },
      headers: { "x-request-id": "trace-7f3a.b:1" },
    });
    expect(res.headers.get("x-request-id")).toBe("trace-7f3a.b:1");
    const lines = s.logs.map((l) => JSON.parse(l)).filter((l) => l.reqId === "trace-7f3a.b:1");
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["incoming request", "request completed"]));
    // From the token check on, the lines name the caller.
    expect(lines.find((l) => l.msg === "request completed")?.token).toBe("forecaster");
  });

  it("makes a fresh one when none comes or the one given is not plausible, errors included", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const plain = await s.call("/health");
    const forged = await s.call("/v1/forecast", { json: { ticker: "SPY" }, headers: { "x-request-id": "a b\tc" } });
    expect(forged.status).toBe(401);
    for (const res of [plain, forged]) expect(res.headers.get("x-request-id")).toMatch(uuid);
    expect(plain.headers.get("x-request-id")).not.toBe(forged.headers.get("x-request-id"));
  });
});
