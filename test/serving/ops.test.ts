/**
 * The operator's side over real HTTP: probes, Prometheus metrics (parsed by the Prometheus
 * project's own Python parser, prometheus_client, from the project venv), the OpenAPI document
 * and its page, the per-token rate limit and the body limit.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_NAME, NOT_TRAINED } from "./testForecastService";
import { errorOf, jsonOf, startTestServer, type TestServer } from "./testServer";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The families and samples of a Prometheus text exposition, as prometheus_client parses it (it throws on malformed text). */
function parsePrometheus(text: string): { types: Record<string, string>; samples: Sample[] } {
  const script = [
    "import json, sys",
    "from prometheus_client.parser import text_string_to_metric_families",
    "fams = list(text_string_to_metric_families(sys.stdin.read()))",
    "print(json.dumps({'types': {f.name: f.type for f in fams},",
    "  'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for f in fams for s in f.samples]}))",
  ].join("\n");
  const out = execFileSync(join(process.cwd(), ".venv", "bin", "python"), ["-c", script], { input: text });
  return JSON.parse(out.toString("utf8"));
}

const sampleValue = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe("probes and metrics", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it("/health answers without a token", async () => {
    const res = await s.call("/health");
    expect(res.status).toBe(200);
    const body = await jsonOf<{ status: string; uptimeSeconds: number }>(res);
    expect(body.status).toBe("ok");
    expect(body.uptimeSeconds).toBeGreaterThan(0);
  });

  it("/ready: 200 when every check passes, 503 with the checks otherwise, without a token", async () => {
    const ok = await s.call("/ready");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ready: true,
      checks: {
        model: { ok: true, detail: `${MODEL_NAME}/3 loaded` },
        store: { ok: true, detail: "127.0.0.1:5432 answers" },
      },
    });
    s.state.storeUp = false;
    try {
      const down = await s.call("/ready");
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        ready: false,
        checks: {
          model: { ok: true, detail: `${MODEL_NAME}/3 loaded` },
          store: { ok: false, detail: "127.0.0.1:5432 refused" },
        },
      });
    } finally {
      s.state.storeUp = true;
    }
  });

  it("/ready: a check that throws is a failed check, its message kept in the log", async () => {
    s.state.failure = new Error("secret dsn postgres://u:pw@h/db");
    let res: Response;
    try {
      res = await s.call("/ready");
    } finally {
      s.state.failure = null;
    }
    expect(res.status).toBe(503);
    const id = res.headers.get("x-request-id");
    expect(await res.json()).toEqual({
      ready: false,
      checks: { readiness: { ok: false, detail: `the check threw; the server log has it under request id ${id}` } },
    });
    expect(s.logs.some((l) => l.includes(id as string) && l.includes("secret dsn"))).toBe(true);
  });

  it("/metrics needs a token with read, and parses as Prometheus text", async () => {
    expect((await s.call("/metrics")).status).toBe(401);
    const res = await s.call("/metrics", { token: s.tokens.read });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types } = parsePrometheus(await res.text());
    expect(types).toMatchObject({
      wsp_forecast_duration_seconds: "histogram",
      wsp_forecasts: "counter",
      wsp_forecast_batch_item_errors: "counter",
      wsp_http_errors: "counter",
      wsp_process_cpu_user_seconds: "counter",
      wsp_nodejs_eventloop_lag_seconds: "gauge",
    });
  });

  it("counts forecasts by model version and cached, times them, and counts errors by code and status", async () => {
    const ask = (ticker: string) =>
      s.call("/v1/forecast", { token: s.tokens.forecast, json: { ticker, asof: "2022-05-02" } });
    await ask("SPY");
    await ask("SPY");
    await ask("QQQ");
    const model = s.state.model;
    s.state.model = model && { ...model, version: "4", runId: "run-4" };
    try {
      await ask("SPY");
      await s.call("/v1/forecast/batch", {
        token: s.tokens.forecast,
        json: { tickers: ["QQQ", NOT_TRAINED], asof: "2022-05-02" },
      });
    } finally {
      s.state.model = model;
    }
    await ask(NOT_TRAINED);
    await s.call("/v1/forecast", { token: s.tokens.read, json: { ticker: "SPY" } });

    const { samples } = parsePrometheus(await (await s.call("/metrics", { token: s.tokens.admin })).text());
    const forecasts = (version: string, cached: string) =>
      sampleValue(samples, "wsp_forecasts_total", { model: MODEL_NAME, version, cached });
    expect([forecasts("3", "false"), forecasts("3", "true"), forecasts("4", "false"), forecasts("4", "true")]).toEqual([
      2,
      1,
      2,
      undefined,
    ]);
    expect(sampleValue(samples, "wsp_forecast_duration_seconds_count", { route: "single" })).toBe(5);
    expect(sampleValue(samples, "wsp_forecast_duration_seconds_count", { route: "batch" })).toBe(1);
    const bounds = samples.filter(
      (x) => x.name === "wsp_forecast_duration_seconds_bucket" && x.labels.route === "single",
    );
    expect(bounds.map((x) => x.labels.le)).toEqual([
      ...["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1"],
      "+Inf",
    ]);
    expect(sampleValue(samples, "wsp_forecast_duration_seconds_bucket", { route: "single", le: "+Inf" })).toBe(5);
    expect(sampleValue(samples, "wsp_forecast_batch_item_errors_total", { code: "not_trained" })).toBe(1);
    expect(sampleValue(samples, "wsp_http_errors_total", { code: "not_trained", status: "422" })).toBe(1);
    expect(sampleValue(samples, "wsp_http_errors_total", { code: "forbidden", status: "403" })).toBe(1);
    // The 401 of the test before.
    expect(sampleValue(samples, "wsp_http_errors_total", { code: "unauthorized", status: "401" })).toBe(1);
  });

  it("/monitor needs read; the page says what it lacks; no model is 503", async () => {
    expect((await s.call("/monitor")).status).toBe(401);
    const res = await s.call("/monitor", { token: s.tokens.read });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain('<p id="monitor-forecasts" class="wsp-note">No forecasts stored for this version yet.</p>');
    expect(page).toContain('<p id="monitor-paper" class="wsp-note">No paper run for this version.</p>');
    expect(page).toContain('<a id="monitor-dashboard-link" href="http://127.0.0.1:3030">');
    const model = s.state.model;
    s.state.model = null;
    try {
      const none = await s.call("/monitor", { token: s.tokens.read });
      expect(none.status).toBe(503);
      expect(await errorOf(none)).toMatchObject({ code: "no_model" });
    } finally {
      s.state.model = model;
    }
  });
});

describe("the OpenAPI document", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it("/docs/json lists every route with its schemas, statuses and security", async () => {
    const res = await s.call("/docs/json");
    expect(res.status).toBe(200);
    type Operation = {
      security?: unknown[];
      requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
      parameters?: { name: string; in: string }[];
      responses: Record<string, unknown>;
    };
    const doc = await jsonOf<{ openapi: string; paths: Record<string, Record<string, Operation>> }>(res);
    expect(doc.openapi).toBe("3.0.3");
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routes.sort()).toEqual([
      "get /health",
      "get /metrics",
      "get /monitor",
      "get /ready",
      "get /v1/signals",
      "post /v1/admin/reload",
      "post /v1/forecast",
      "post /v1/forecast/batch",
    ]);
    const forecast = doc.paths["/v1/forecast"].post;
    expect(Object.keys(forecast.requestBody?.content["application/json"].schema.properties ?? {})).toEqual([
      "ticker",
      "asof",
      "model",
    ]);
    expect(Object.keys(forecast.responses).sort()).toEqual(
      ["200", "400", "401", "403", "404", "413", "422", "429", "500", "503"].sort(),
    );
    expect(forecast.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/v1/signals"].get.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      "query:ticker",
      "query:from",
      "query:to",
      "query:status",
      "query:limit",
      "query:cursor",
    ]);
    expect(doc.paths["/health"].get.security).toBeUndefined();
  });

  it("/docs serves the Swagger UI page, which loads the document above", async () => {
    const res = await s.call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await res.text();
    const initializer = /src="([^"]*swagger-initializer\.js)"/.exec(page)?.[1] as string;
    expect(initializer).toBe("/docs/static/swagger-initializer.js");
    const script = await s.call(initializer);
    expect(script.status).toBe(200);
    // Relative to /docs/: /docs/json.
    expect(await script.text()).toContain("resolveUrl('./json')");
  });
});

describe("limits", () => {
  it("429 with Retry-After once a token spends its window, the other tokens unaffected; then it recovers", async () => {
    const s = await startTestServer({ rateLimit: { max: 3, windowMs: 1500 } });
    try {
      const signals = (token: string) => s.call("/v1/signals", { token });
      for (let i = 0; i < 3; i++) expect((await signals(s.tokens.read)).status).toBe(200);
      const limited = await signals(s.tokens.read);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      expect(await errorOf(limited)).toEqual({
        code: "rate_limited",
        message: expect.stringMatching(/^token reader passed 3 requests in 1\.5 s; retry in \d+ seconds?$/),
      });
      expect((await signals(s.tokens.admin)).status).toBe(200);
      // The probes are never limited.
      expect((await s.call("/health")).status).toBe(200);
      await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
      expect((await signals(s.tokens.read)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("413 past the body limit (1 MiB by default), 415 on a body that is not JSON", async () => {
    const s = await startTestServer();
    try {
      const big = JSON.stringify({ ticker: "SPY", pad: "x".repeat(1024 * 1024) });
      const res = await s.call("/v1/forecast", {
        token: s.tokens.forecast,
        body: big,
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toEqual({
        code: "payload_too_large",
        message: "body: larger than the limit of 1048576 bytes",
        field: "body",
      });
      const xml = await s.call("/v1/forecast", {
        token: s.tokens.forecast,
        body: "<ticker>SPY</ticker>",
        headers: { "content-type": "application/xml" },
      });
      expect(xml.status).toBe(415);
      expect(await errorOf(xml)).toEqual({
        code: "unsupported_media_type",
        message: "body: send it as application/json",
        field: "body",
      });
    } finally {
      await s.close();
    }
  });

  it("a smaller body limit applies as configured", async () => {
    const s = await startTestServer({ bodyLimit: 64 });
    try {
      const res = await s.call("/v1/forecast/batch", {
        token: s.tokens.forecast,
        json: { tickers: ["SPY", "QQQ", "DIA", "IWM", "VIX", "GSPC", "IXIC", "ABCDEFGHIJ"] },
      });
      expect(res.status).toBe(413);
      expect((await errorOf(res)).message).toBe("body: larger than the limit of 64 bytes");
    } finally {
      await s.close();
    }
  });
});
