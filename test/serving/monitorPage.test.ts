/**
 * The monitoring page (issue 18, item 5) and `wsp monitor` (item 6) on the planted-signal
 * champion: 125 daily forecasts stored by a Forecaster over PostgreSQL, judged by
 * `evaluateSignals`, three drift checks stored by `recordDriftCheck`, and a signal of another
 * model that must not show.
 *
 * - the data: the latest forecasts are the model's newest signals; every point of the rolling
 *   series equals a hand count over 100 stored outcomes, the last one the evaluation's rolling
 *   accuracy; the bands sit 5, 15 and 25 points under the run's logged oos_accuracy; the heat
 *   map holds each check's PSI per feature (NaN where a check has none), ordered by the latest;
 * - the page in headless Chromium, served by the real service with a read token: the panel ids,
 *   plotly's SVG in every figure, screenshots of each figure with many colours (a blank one has
 *   one), no console or page error; no token (or one in the query string) is refused;
 * - `wsp monitor` prints the same tables.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoDate, plantedSignalMarket } from "../../src/data";
import {
  type Evaluation,
  evaluateSignals,
  Forecaster,
  MONITOR_PANEL_IDS,
  type MonitorData,
  monitorData,
} from "../../src/pipeline";
import { type RunningService, serveForecasts, TokenSet } from "../../src/serving";
import { type NewDriftCheck, openStore, type SignalOutcome, type SignalRecord, type Store } from "../../src/store";
import { MlflowClient } from "../../src/tracking";
import { chromiumMissing, chromiumPath } from "../../src/viz";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget, TEST_DATABASE_URL } from "../store/storeFixtures";
import { type Champion, ingestPlanted, trainChampion } from "./_champion";
import { decodePng, distinctColours } from "./_png";

const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const FORECASTS = 125;
const market = plantedSignalMarket();
/** The last FORECASTS sessions up to the cut, each forecast as of its own bar; all mature in the stored bars. */
const forecastBars = [...market.asset.ts].filter((t) => t <= Date.parse("2024-10-31")).slice(-FORECASTS);
const readToken = randomBytes(24).toString("hex");
const DASHBOARD = "http://127.0.0.1:3999/queues";
const CHECKED = Date.parse("2024-11-04T21:00:00Z");
const HOUR = 3_600_000;
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function driftCheck(model: Champion, checkedAt: number, report: unknown, drifted: string[]): NewDriftCheck {
  return {
    modelName: model.modelName,
    modelVersion: model.version,
    checkedAt,
    windowFrom: checkedAt - 30 * 24 * HOUR,
    windowTo: checkedAt,
    nRows: 20,
    accuracy: null,
    baselineAccuracy: null,
    confirmedBand: null,
    pending: null,
    verdict: drifted.length > 0 ? "drift" : "ok",
    predictionPsi: 0.05,
    maxFeaturePsi: null,
    driftedFeatures: drifted,
    report,
    mlflowRunId: null,
  };
}

describe("the monitoring page on the planted-signal champion", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let champion: Champion;
  let target: StoreTarget;
  let store: Store;
  let evaluation: Evaluation;
  let signals: SignalRecord[];
  /**
   * The drift checks' rows: twelve, more than the ten `wsp monitor` lists (the planted model has
   * four features; the page reads whatever names a check stored).
   */
  const names = Array.from({ length: 12 }, (_, i) => `feature_${String(i).padStart(2, "0")}`);
  /** PSI of names[i] in the oldest check and the latest (null: none there). */
  const firstPsi = (i: number) => 0.01 * (i + 1);
  const latestPsi = (i: number): number | null => (i === 3 ? null : i === 11 ? null : 0.02 * (11 - i));

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
    target = postgresTarget();
    store = await openStore(target.options);
    await ingestPlanted(store);
    const forecaster = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    try {
      for (const t of forecastBars) await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
    } finally {
      forecaster.close();
    }
    evaluation = await evaluateSignals({ store, client, model: champion.modelName, now: Date.UTC(2026, 0, 2) });
    signals = (await store.listSignals({ limit: 1000 })).signals;
    // Another model's signal, stored last: the newest in the table, and not this model's.
    const { id: _id, executed: _e, expiredAt: _x, performance: _p, status: _s, ...newest } = signals[0];
    await store.insertSignal({ ...newest, modelName: `${champion.modelName}-other`, createdAt: Date.now() + 1000 });

    const features = (psiOf: (i: number) => number | null, count: number) =>
      names.slice(0, count).map((name, i) => ({ name, psi: psiOf(i), ksP: 0.5, drifted: false }));
    await store.recordDriftCheck(driftCheck(champion, CHECKED, { features: features(firstPsi, 12) }, []));
    // A check that stored no per-feature table: a column of gaps.
    await store.recordDriftCheck(driftCheck(champion, CHECKED + HOUR, { note: "prediction only" }, []));
    // The latest lacks names[11] and has no value for names[3].
    await store.recordDriftCheck(
      driftCheck(champion, CHECKED + 2 * HOUR, { features: features(latestPsi, 11) }, [names[0]]),
    );
  }, 400_000);

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
    champion?.cleanup();
  });

  describe("its data", () => {
    let data: MonitorData;
    let labelled: SignalOutcome[];
    beforeAll(async () => {
      data = await monitorData({
        store,
        client,
        model: { name: champion.modelName, version: champion.version, alias: "champion" },
        dashboardUrl: DASHBOARD,
      });
      labelled = (await store.recentOutcomes({ model: champion.modelName, limit: 1000 })).reverse();
    });

    it("lists the model's newest forecasts, not another model's", async () => {
      expect(evaluation.versions[0]).toMatchObject({ examined: FORECASTS, stored: FORECASTS, pending: 0 });
      const own = signals.filter((s) => s.modelName === champion.modelName);
      expect(data.forecasts.map((f) => f.id)).toEqual(own.slice(0, 20).map((s) => s.id));
      expect(data.forecasts.every((f) => f.correct !== null)).toBe(true);
      expect(data.timeframe).toBe("1d");
      expect(data.dashboardUrl).toBe(DASHBOARD);
      expect(data.paper).toBeNull();
      // The store's filter: a version alone would match any model's version 1.
      await expect(store.listSignals({ version: "1" })).rejects.toThrow(
        'signal query field version = "1": expected a version string, given with model',
      );
    });

    it("draws the rolling accuracy over 100 outcomes, each point a hand count", async () => {
      expect(labelled.length).toBeGreaterThan(110);
      const a = data.accuracy;
      expect(a.accuracy).toHaveLength(labelled.length - 99);
      a.accuracy.forEach((acc, k) => {
        const window = labelled.slice(k, k + 100);
        const hits = window.filter((o) => o.realized?.correct).length;
        expect(acc, `point ${k}`).toBe(hits / 100);
        expect(a.ts[k]).toBe(window[99].horizonEndTs);
      });
      // The last point is the evaluation's rolling accuracy, and the series moves.
      expect(a.accuracy[a.accuracy.length - 1]).toBe(evaluation.versions[0].metrics.rollingAccuracy);
      expect(new Set(a.accuracy).size).toBeGreaterThan(1);

      const run = await client.getRun(champion.runId);
      const oos = Number(run.data.metrics?.find((m) => m.key === "oos_accuracy")?.value);
      expect(Number.isFinite(oos)).toBe(true);
      expect(a.baseline).toBe(oos);
      expect(a.thresholds.map((t) => t.band)).toEqual(["monitor", "drift", "emergency"]);
      [0.05, 0.15, 0.25].forEach((drop, i) => {
        expect(equal(a.thresholds[i].accuracy, oos - drop)).toBe(true);
      });
      const last = a.accuracy[a.accuracy.length - 1];
      const points = Math.round((oos - last) * 100 * 1e9) / 1e9;
      const band = points > 25 ? "emergency" : points > 15 ? "drift" : points > 5 ? "monitor" : "normal";
      expect(a.band).toBe(band);
    });

    it("maps each drift check's PSI per feature, the latest's highest first", () => {
      const d = data.drift;
      expect(d.checks.map((c) => c.checkedAt)).toEqual([CHECKED, CHECKED + HOUR, CHECKED + 2 * HOUR]);
      expect(d.checks[2]).toMatchObject({ verdict: "drift", driftedFeatures: [names[0]] });
      // By the latest PSI (0.22, 0.20, 0.18, then 0.14 …), then the two it has none for, by name.
      const expected = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10].map((i) => names[i]);
      expected.push(...[names[3], names[11]].sort());
      expect(d.features).toEqual(expected);
      d.features.forEach((name, row) => {
        const i = names.indexOf(name);
        const cells = [...d.psi[row]];
        expect(cells[0], name).toBe(firstPsi(i));
        expect(cells[1], name).toBeNaN();
        const latest = latestPsi(i);
        if (latest === null) expect(cells[2], name).toBeNaN();
        else expect(cells[2], name).toBe(latest);
      });
    });
  });

  describe("the page in headless Chromium", () => {
    const missing = chromiumMissing();
    if (missing) console.log(`skipping the monitoring page's browser test: ${missing}`);
    let service: RunningService;

    beforeAll(async () => {
      service = await serveForecasts({
        model: champion.modelName,
        store,
        client,
        pollMs: 0,
        refreshMs: 0,
        port: 0,
        logger: false,
        announcements: null,
        dashboardUrl: DASHBOARD,
        tokens: TokenSet.of([{ name: "viewer", scopes: ["read"], token: readToken }]),
      });
    }, 300_000);
    afterAll(async () => service?.close());

    it("refuses a request without the bearer header, and a token in the query string", async () => {
      const bare = await fetch(`${service.url}/monitor`);
      expect(bare.status).toBe(401);
      const query = await fetch(`${service.url}/monitor?token=${readToken}&access_token=${readToken}`);
      expect(query.status).toBe(401);
      const ok = await fetch(`${service.url}/monitor`, { headers: { authorization: `Bearer ${readToken}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await ok.text();
      // plotly is inlined: the page loads nothing else.
      expect(html).not.toMatch(/<script[^>]+src=/);
    });

    it.skipIf(Boolean(missing))("loads, draws every figure and logs no error", async () => {
      const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") problems.push(`console: ${m.text()}`);
        });
        page.on("pageerror", (err) => problems.push(`page: ${err.message}`));
        page.on("requestfailed", (r) => problems.push(`request: ${r.url()} ${r.failure()?.errorText}`));

        // The control: a blank page's screenshot has one colour, so the counts below mean something.
        await page.setContent("<!DOCTYPE html><html><body style='margin:0;background:#fff'></body></html>");
        expect(distinctColours(decodePng(await page.screenshot()))).toBe(1);

        await page.setExtraHTTPHeaders({ authorization: `Bearer ${readToken}` });
        const res = await page.goto(`${service.url}/monitor`, { waitUntil: "load" });
        expect(res?.status()).toBe(200);
        for (const id of Object.values(MONITOR_PANEL_IDS)) expect(await page.locator(`#${id}`).count(), id).toBe(1);
        const link = page.locator(`#${MONITOR_PANEL_IDS.dashboardLink}`);
        expect(await link.getAttribute("href")).toBe(DASHBOARD);
        expect(await page.locator(`#${MONITOR_PANEL_IDS.paper}`).textContent()).toBe("No paper run for this version.");

        const figures = [MONITOR_PANEL_IDS.forecasts, MONITOR_PANEL_IDS.accuracy, MONITOR_PANEL_IDS.drift];
        for (const id of figures) {
          const svg = page.locator(`#${id} .main-svg`).first();
          await svg.waitFor({ state: "attached", timeout: 30_000 });
          const shot = decodePng(await page.locator(`#${id}`).screenshot());
          expect(shot.width, id).toBeGreaterThan(600);
          expect(distinctColours(shot), id).toBeGreaterThan(50);
        }
        // The figures' contents: 20 forecast rows, the accuracy line with its four levels, one heat map.
        expect(await page.locator(`#${MONITOR_PANEL_IDS.accuracy} .scatterlayer .trace`).count()).toBe(5);
        expect(await page.locator(`#${MONITOR_PANEL_IDS.drift} .hm`).count()).toBe(1);
        const cells = await page.locator(`#${MONITOR_PANEL_IDS.forecasts} .cell-text`).allTextContents();
        const own = signals.filter((s) => s.modelName === champion.modelName);
        // The model's 20 newest bars, not the 21st (plotly may draw the cells in any order).
        expect(cells.filter((c) => c === "PLNT")).toHaveLength(20);
        expect(cells).toContain(isoDate(own[0].barTs));
        expect(cells).toContain(isoDate(own[19].barTs));
        expect(cells).not.toContain(isoDate(own[20].barTs));
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe("wsp monitor", () => {
    function wsp(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const env = { ...process.env, MLFLOW_TRACKING_URI: uri };
        const child = spawn(process.execPath, ["bin/wsp.js", ...args], { cwd: process.cwd(), env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b) => {
          stdout += b;
        });
        child.stderr.on("data", (b) => {
          stderr += b;
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    }

    it("prints the page's tables", async () => {
      const schema = target.options.schema as string;
      const { code, stdout, stderr } = await wsp([
        "monitor",
        "--model",
        champion.modelName,
        "--db",
        TEST_DATABASE_URL,
        "--schema",
        schema,
        "--forecasts",
        "5",
      ]);
      expect(code, stderr).toBe(0);
      const lines = stdout.split("\n");
      expect(lines[0]).toBe(`${champion.modelName}/${champion.version} (@champion), 1d bars`);
      expect(stdout).toContain("latest forecasts (5)");
      const own = signals.filter((s) => s.modelName === champion.modelName);
      const newest = lines.find((l) => l.startsWith(isoDate(own[0].barTs)));
      expect(newest).toMatch(
        new RegExp(`^${isoDate(own[0].barTs)}\\s+PLNT\\s+(long|short|none)\\s+${own[0].confidence.toFixed(3)}`),
      );
      const rolling = evaluation.versions[0].metrics.rollingAccuracy as number;
      expect(stdout).toMatch(new RegExp(`rolling accuracy\\s+${(100 * rolling).toFixed(1)}%`));
      expect(stdout).toContain("verdict drift");
      const featureRows = lines.filter((l) => names.some((n) => l.startsWith(`${n} `)));
      expect(featureRows).toHaveLength(10);
      expect(featureRows[0]).toMatch(new RegExp(`^${literal(names[0])}\\s+0\\.2200\\s+drift$`));
      expect(featureRows[1]).toMatch(new RegExp(`^${literal(names[1])}\\s+0\\.2000$`));
      expect(stdout).toContain("no paper run for this version");
      expect(stdout).toContain("queue dashboard: http://127.0.0.1:3030");
    });
  });
});
