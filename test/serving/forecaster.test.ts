/**
 * The forecaster on the planted-signal champion, a real MLflow server and the suite's
 * PostgreSQL: online equals offline on 50 held-out bars (probabilities to 1e-9, the same
 * features), each (ticker, bar, version) computed and stored once, new bars streamed as they are
 * stored, and every error a request can end in, with its message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barsBetween, DAY_MS, isoDate, plantedSignalMarket } from "../../src/data";
import {
  Forecaster,
  ForecastError,
  loadRegisteredModel,
  pauseVersion,
  predictPanelRows,
  readModelConfig,
  resumeVersion,
  runPhases,
  storeQuery,
} from "../../src/pipeline";
import { openStore, type Store } from "../../src/store";
import { MlflowClient, ModelRegistry } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { pgliteTarget, postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { type Champion, ingestPlanted, registerAgain, trainChampion } from "./_champion";

const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** The last session the store holds at first: the final 30 sessions arrive later. */
const FIRST_PART_END = "2024-11-15";

describe("forecaster on the planted-signal champion", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let target: StoreTarget;
  let store: Store;
  let champion: Champion;
  let forecaster: Forecaster;
  /** The offline pipeline's calibrated P(up) by bar time, on the whole market. */
  const offline = new Map<number, number>();
  let heldOut: number[];
  const scratch: StoreTarget[] = [];
  /** A store of its own for one case (dropped after the suite). */
  const scratchStore = () => {
    const t = postgresTarget();
    scratch.push(t);
    return openStore(t.options);
  };

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
    target = postgresTarget();
    store = await openStore(target.options);
    await ingestPlanted(store, Number.NEGATIVE_INFINITY, Date.parse(FIRST_PART_END) + DAY_MS);
    // Offline: the run's config read back, the runner's phases over the whole market (the same
    // series, from the store), the registered version's predictions on every row.
    const model = await loadRegisteredModel(`${champion.modelName}@champion`, { client });
    const loaded = await readModelConfig(client, model);
    const full = await scratchStore();
    try {
      await ingestPlanted(full);
      const { config: _c, ...rest } = loaded;
      const { end: _e, ...data } = loaded.config.data;
      const { rows } = await runPhases(
        { ...rest, config: { ...loaded.config, data: { ...data, source: "store" } } },
        "rows",
        { progress: false, fromStore: storeQuery(full) },
      );
      const n = rows.panel.ts.length;
      const tail = Int32Array.from({ length: 60 }, (_, k) => n - 60 + k);
      const p = predictPanelRows(model, rows.panel, tail, { scheme: rows.trend[0].scheme, ids: rows.regimeIds });
      for (const [k, r] of tail.entries()) offline.set(rows.panel.ts[r], p[k]);
      // The 50 last bars: inside the run's final holdout (the last two years), never fitted on.
      heldOut = [...rows.panel.ts.slice(-50)];
    } finally {
      await full.close();
    }
    forecaster = await Forecaster.open({
      store,
      client,
      model: champion.modelName,
      pollMs: 0,
      refreshMs: 0,
      keep: 16,
    });
  }, 300_000);

  afterAll(async () => {
    forecaster?.close();
    await store?.close();
    await target?.cleanup();
    for (const t of scratch) await t.cleanup();
    champion?.cleanup();
  });

  it("gives the offline pipeline's probability on 50 held-out bars, streaming the later ones as they are stored", async () => {
    const firstPart = heldOut.filter((t) => t <= Date.parse(FIRST_PART_END));
    expect(firstPart.length).toBe(20);
    // Bars stored after the forecaster opened are read on the next refresh.
    await ingestPlanted(store, Date.parse(FIRST_PART_END) + DAY_MS);
    expect(await forecaster.refreshBars()).toBe(60);
    for (const t of heldOut) {
      const f = await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
      expect(f.barTime).toBe(new Date(t).toISOString());
      const expected = offline.get(t) as number;
      expect(equal(f.probabilities.up, expected), `${isoDate(t)}: ${f.probabilities.up} vs ${expected}`).toBe(true);
      expect(f.probabilities.down + f.probabilities.up).toBeCloseTo(1, 12);
      expect(f.model).toEqual({
        name: champion.modelName,
        version: champion.version,
        alias: "champion",
        runId: champion.runId,
      });
    }
  });

  it("takes the latest bar at or before asof, and the latest stored bar without one", async () => {
    const last = heldOut[heldOut.length - 1];
    const latest = await forecaster.forecast({ ticker: "PLNT" });
    expect(latest.barTime).toBe(new Date(last).toISOString());
    // A Saturday: the Friday's bar.
    const friday = heldOut.find((t) => new Date(t).getUTCDay() === 5) as number;
    const saturday = await forecaster.forecast({ ticker: "PLNT", asof: isoDate(friday + DAY_MS) });
    expect(saturday.barTime).toBe(new Date(friday).toISOString());
    const midday = await forecaster.forecast({ ticker: "PLNT", asof: `${isoDate(friday)}T15:30:00-05:00` });
    expect(midday.barTime).toBe(new Date(friday).toISOString());
  });

  it("computes a (ticker, bar, version) once: the repeat comes from memory, and one signal is stored", async () => {
    const t = heldOut[10];
    const a = await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
    const b = await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
    expect(b.cached).toBe(true);
    expect({ ...b, cached: a.cached, latencyMs: a.latencyMs }).toEqual(a);
    const page = await forecaster.signals({ ticker: "PLNT", status: "all", limit: 1000 });
    const atBar = page.signals.filter((s) => s.barTs === t);
    expect(atBar).toHaveLength(1);
    expect(atBar[0].featureHash).toBe(a.featureHash);
    expect(atBar[0].modelVersion).toBe(champion.version);
    expect(atBar[0].signalType).toBe(a.signal);
    // 50 held-out bars, each stored once, whatever the number of requests.
    expect(page.signals.filter((s) => heldOut.includes(s.barTs))).toHaveLength(50);
  });

  it("names what is wrong with a request", async () => {
    const code = async (req: Parameters<Forecaster["forecast"]>[0]) => {
      try {
        await forecaster.forecast(req);
        return "ok";
      } catch (err) {
        expect(err).toBeInstanceOf(ForecastError);
        return `${(err as ForecastError).code} ${(err as ForecastError).field ?? ""}: ${(err as Error).message}`;
      }
    };
    expect(await code({ ticker: "PLNT", asof: "2024-13-01" })).toMatch(/^bad_request asof: asof: expected an ISO date/);
    expect(await code({ ticker: "PLNT", asof: "2024-06-03 10:00" })).toMatch(/^bad_request asof: .*with its zone/);
    expect(await code({ ticker: "PLNT", asof: "1999-01-04" })).toMatch(
      /^bad_request asof: .*before PLNT's first served bar/,
    );
    expect(await code({ ticker: "PLNT", model: "no such/model/x" })).toMatch(
      /^bad_request model: model: model reference/,
    );
    expect(await code({ ticker: "pl nt" })).toMatch(/^bad_request ticker: ticker: ticker "pl nt" is not valid/);
    expect(await code({ ticker: "ZZZZ" })).toMatch(/^unknown_symbol ticker: no stored bars for ZZZZ/);
    // SENT is stored (PLNT's context), but the model was trained on PLNT alone.
    expect(await code({ ticker: "SENT" })).toMatch(/^not_trained ticker: .* was trained on PLNT, not SENT/);
    expect(await code({ ticker: "PLNT", model: `${champion.modelName}@challenger` })).toMatch(
      /^no_model : no version of .* has the alias challenger; promote a run with `wsp promote <run-id>`/,
    );
    expect(await code({ ticker: "PLNT", model: "never-registered" })).toMatch(/^no_model /);
  });

  it("falls back to previous when the champion is removed, if told to, and refuses without", async () => {
    const registry = new ModelRegistry(client);
    const strict = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    const lenient = await Forecaster.open({
      store,
      client,
      model: champion.modelName,
      fallback: "previous",
      pollMs: 0,
      refreshMs: 0,
    });
    try {
      await registry.setAlias(champion.modelName, "previous", champion.version);
      await registry.deleteAlias(champion.modelName, "champion");
      await strict.checkRegistry();
      await lenient.checkRegistry();
      await expect(strict.forecast({ ticker: "PLNT" })).rejects.toThrow(/no version of .* has the alias champion/);
      expect((await strict.readiness()).ready).toBe(false);
      const f = await lenient.forecast({ ticker: "PLNT" });
      expect(f.model.alias).toBe("previous");
      expect(f.model.version).toBe(champion.version);
    } finally {
      await registry.setAlias(champion.modelName, "champion", champion.version);
      await registry.deleteAlias(champion.modelName, "previous");
      strict.close();
      lenient.close();
    }
  });

  it("stops serving a paused version: previous when told to, else a refusal with the reason", async () => {
    const registry = new ModelRegistry(client);
    const v2 = await registerAgain(client, champion);
    await registry.setAlias(champion.modelName, "previous", champion.version);
    await registry.setAlias(champion.modelName, "champion", v2.version);
    const strict = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    const lenient = await Forecaster.open({
      store,
      client,
      model: champion.modelName,
      fallback: "previous",
      pollMs: 0,
      refreshMs: 0,
    });
    try {
      expect((await strict.forecast({ ticker: "PLNT" })).model.version).toBe(v2.version);
      await pauseVersion(client, champion.modelName, v2.version, "accuracy band emergency on 2 checks");
      await strict.checkRegistry();
      await lenient.checkRegistry();
      await expect(strict.forecast({ ticker: "PLNT" })).rejects.toThrow(
        new RegExp(
          `${champion.modelName}/${v2.version} is paused \\(accuracy band emergency on 2 checks\\); \`wsp models resume`,
        ),
      );
      const f = await lenient.forecast({ ticker: "PLNT" });
      expect(f.model).toMatchObject({ version: champion.version, alias: "previous" });
      await resumeVersion(client, champion.modelName, v2.version);
      await strict.checkRegistry();
      expect((await strict.forecast({ ticker: "PLNT" })).model.version).toBe(v2.version);
    } finally {
      await registry.setAlias(champion.modelName, "champion", champion.version);
      await registry.deleteAlias(champion.modelName, "previous");
      strict.close();
      lenient.close();
    }
  });

  it("serves the same forecast from a PGlite store", async () => {
    const lite = pgliteTarget();
    scratch.push(lite);
    const liteStore = await openStore(lite.options);
    try {
      await ingestPlanted(liteStore);
      const f = await Forecaster.open({ store: liteStore, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
      try {
        for (const t of heldOut.slice(-5)) {
          const a = await f.forecast({ ticker: "PLNT", asof: isoDate(t) });
          const b = await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
          expect(a.featureHash).toBe(b.featureHash);
          expect(a.probabilities).toEqual(b.probabilities);
        }
        const stored = await f.signals({ ticker: "PLNT", status: "all" });
        expect(stored.signals).toHaveLength(5);
      } finally {
        f.close();
      }
    } finally {
      await liteStore.close();
    }
  });

  it("streams a bar only once its context bar is stored, and then equals offline", async () => {
    const late = await scratchStore();
    const m = plantedSignalMarket();
    const cut = heldOut[40];
    const next = heldOut[41];
    try {
      // PLNT through `next`, SENT through `cut` only: PLNT's bar at `next` waits for SENT's.
      await late.ingest([
        barsBetween(m.asset, Number.NEGATIVE_INFINITY, next + 1),
        barsBetween(m.context, Number.NEGATIVE_INFINITY, cut + 1),
      ]);
      const f = await Forecaster.open({
        store: late,
        client,
        model: champion.modelName,
        pollMs: 0,
        refreshMs: 0,
        storeSignals: false,
      });
      try {
        expect((await f.forecast({ ticker: "PLNT" })).barTime).toBe(new Date(cut).toISOString());
        await late.ingest([barsBetween(m.context, cut + 1, next + 1)]);
        expect(await f.refreshBars()).toBe(1);
        const after = await f.forecast({ ticker: "PLNT" });
        expect(after.barTime).toBe(new Date(next).toISOString());
        expect(equal(after.probabilities.up, offline.get(next) as number)).toBe(true);
      } finally {
        f.close();
      }
    } finally {
      await late.close();
    }
  });
});
