/**
 * The feedback loop on the planted-signal champion, a real MLflow server and both store
 * backends: 125 daily forecasts stored by a Forecaster (asof each bar), then evaluated. Only the
 * signals whose horizon has passed in the stored bars get outcomes; the rest mature once later
 * bars are stored; every outcome equals a recomputation from the stored bars by the labels
 * stage's rule (fixed horizon 5: UP when close[t+5]/close[t] − 1 > 0, a zero return DOWN); the
 * rolling accuracy and Brier equal a hand count over the last 100; a second evaluation stores
 * nothing and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bars, DAY_MS, isoDate, plantedSignalMarket } from "../../../src/data";
import { evaluateSignals, Forecaster } from "../../../src/pipeline";
import { openStore, type SignalOutcome, type SignalRecord, type Store, StoreError } from "../../../src/store";
import { MlflowClient } from "../../../src/tracking";
import { type Champion, ingestPlanted, trainChampion } from "../../serving/_champion";
import { testMlflowUri } from "../../setup/testMlflow";
import { pgliteTarget, postgresTarget, type StoreTarget } from "../../store/storeFixtures";

const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const HORIZON = 5;
const FORECASTS = 125;
/** The last session stored at first; the sessions after it arrive later. */
const CUT = Date.parse("2024-10-31");
const market = plantedSignalMarket();
/** The last FORECASTS sessions up to CUT: each gets a forecast. */
const forecastBars = [...market.asset.ts].filter((t) => t <= CUT).slice(-FORECASTS);

/** What an outcome must be, recomputed from the stored bars and the signal alone. */
function expectedOutcome(bars: Bars, s: SignalRecord) {
  const t = bars.ts.indexOf(s.barTs);
  expect(t).toBeGreaterThanOrEqual(0);
  const r = bars.close[t + HORIZON] / bars.close[t] - 1;
  const realized = r > 0 ? "up" : "down";
  const up = s.probabilities.up;
  const predicted = up > 0.5 ? "up" : up < 0.5 ? "down" : "flat";
  return { t, r, realized, predicted, pRealized: s.probabilities[realized], horizonEndTs: bars.ts[t + HORIZON] };
}

describe("evaluating the planted-signal champion's signals", { timeout: 600_000 }, () => {
  let client: MlflowClient;
  let champion: Champion;

  beforeAll(async () => {
    const uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
  }, 300_000);

  afterAll(() => champion?.cleanup());

  describe.each([
    ["postgres", postgresTarget],
    ["pglite", pgliteTarget],
  ] as const)("on %s", (_name, makeTarget) => {
    let target: StoreTarget;
    let store: Store;
    let signals: SignalRecord[];
    const evaluate = (now: number) => evaluateSignals({ store, client, model: champion.modelName, now });
    const outcomesOf = async () =>
      store.recentOutcomes({ model: champion.modelName, includeUnlabelled: true, limit: 1000 });

    beforeAll(async () => {
      target = makeTarget();
      store = await openStore(target.options);
      await ingestPlanted(store, Number.NEGATIVE_INFINITY, CUT + DAY_MS);
      const forecaster = await Forecaster.open({
        store,
        client,
        model: champion.modelName,
        pollMs: 0,
        refreshMs: 0,
      });
      try {
        for (const t of forecastBars) await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
      } finally {
        forecaster.close();
      }
      signals = (await store.listSignals({ ticker: "PLNT", limit: 1000 })).signals;
      expect(signals.map((s) => s.barTs).sort((a, b) => a - b)).toEqual(forecastBars);
    }, 300_000);

    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    it("gives outcomes only to the signals whose horizon has passed in the stored bars", async () => {
      // The clock says every horizon has long passed; the stored bars say the last five have not.
      const first = await evaluate(Date.UTC(2026, 0, 2));
      expect(first.skipped).toEqual([]);
      expect(first.versions).toHaveLength(1);
      expect(first.versions[0]).toMatchObject({
        model: champion.modelName,
        version: champion.version,
        examined: FORECASTS,
        stored: FORECASTS - HORIZON,
        pending: HORIZON,
        unmatched: [],
      });
      const stored = await outcomesOf();
      expect(stored.map((o) => o.barTs).sort((a, b) => a - b)).toEqual(forecastBars.slice(0, -HORIZON));
      // 120 matured: the window is full.
      expect(first.versions[0].metrics.n).toBe(100);
      expect(first.versions[0].metrics.rollingAccuracy).not.toBeNull();
    });

    it("matures the rest once later bars are stored, each equal to a recomputation from the bars", async () => {
      await ingestPlanted(store, CUT + DAY_MS);
      const second = await evaluate(Date.UTC(2026, 0, 3));
      expect(second.versions[0]).toMatchObject({ examined: HORIZON, stored: HORIZON, pending: 0 });
      const bars = await store.query("PLNT", "1d");
      const stored = await outcomesOf();
      expect(stored).toHaveLength(FORECASTS);
      const byId = new Map(signals.map((s) => [s.id, s]));
      const { signals: withPerformance } = await store.listSignals({ ticker: "PLNT", limit: 1000 });
      const performance = new Map(withPerformance.map((s) => [s.id, s.performance]));
      let ups = 0;
      for (const o of stored) {
        const s = byId.get(o.signalId) as SignalRecord;
        const e = expectedOutcome(bars, s);
        const where = `${isoDate(s.barTs)}: ${JSON.stringify(o)}`;
        expect(o.realized, where).not.toBeNull();
        const realized = o.realized as NonNullable<SignalOutcome["realized"]>;
        expect(realized.className, where).toBe(e.realized);
        expect(equal(realized.return, e.r), where).toBe(true);
        expect(realized.pRealized, where).toBe(e.pRealized);
        expect(realized.correct, where).toBe(e.predicted === e.realized);
        expect(o.predictedClass, where).toBe(e.predicted);
        expect(o.horizonEndTs, where).toBe(e.horizonEndTs);
        expect([o.symbol, o.barTs, o.modelVersion, o.regime]).toEqual([s.symbol, s.barTs, s.modelVersion, s.regime]);
        expect(performance.get(o.signalId), where).toEqual({
          realizedClass: e.realized,
          realizedReturn: realized.return,
          correct: e.predicted === e.realized,
          evaluatedAt: new Date(o.evaluatedAt).toISOString(),
        });
        if (e.realized === "up") ups++;
      }
      // Both classes occur: a rule that always answered one class would not pass.
      expect(ups).toBeGreaterThan(20);
      expect(ups).toBeLessThan(FORECASTS - 20);

      // The rolling figures by hand: the 100 latest decided (horizon end, then bar, descending).
      const last100 = [...signals]
        .map((s) => ({ s, e: expectedOutcome(bars, s) }))
        .sort((a, b) => b.e.horizonEndTs - a.e.horizonEndTs || b.s.barTs - a.s.barTs)
        .slice(0, 100);
      const hits = last100.filter(({ e }) => e.predicted === e.realized).length;
      const brier =
        last100.reduce((sum, { s, e }) => sum + (s.probabilities.up - (e.realized === "up" ? 1 : 0)) ** 2, 0) / 100;
      const m = second.versions[0].metrics;
      expect(m.n).toBe(100);
      expect(m.rollingAccuracy).toBe(hits / 100);
      expect(equal(m.brier as number, brier)).toBe(true);
      expect(m.baseline.accuracy).toBeGreaterThan(0.5);
      const regimes = new Map<string | null, number>();
      for (const { s } of last100) regimes.set(s.regime, (regimes.get(s.regime) ?? 0) + 1);
      expect(new Map(m.byRegime.map((r) => [r.regime, r.n]))).toEqual(regimes);
    });

    it("stores nothing new and changes nothing on a second run", async () => {
      const before = await outcomesOf();
      const again = await evaluate(Date.UTC(2026, 0, 4));
      expect(again).toEqual({ evaluatedAt: Date.UTC(2026, 0, 4), stored: 0, versions: [], skipped: [] });
      expect(await outcomesOf()).toEqual(before);
      // Recording a stored outcome again, however it differs, is also a no-op.
      const o = before[0];
      const repeat = { ...o, predictedClass: "flat", realized: null, evaluatedAt: Date.UTC(2026, 0, 5) };
      expect(await store.recordOutcomes([repeat])).toBe(0);
      expect(await outcomesOf()).toEqual(before);
    });

    it("names the field of a bad outcome and writes nothing", async () => {
      const s = signals[0];
      const bad = { signalId: s.id, horizonEndTs: s.barTs, realized: null, predictedClass: "up", evaluatedAt: 0 };
      const err = await store.recordOutcomes([bad]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).field).toBe("outcomes[0].horizonEndTs");
      expect((err as StoreError).message).toMatch(
        /outcomes\[0\]\.horizonEndTs = .*: expected a time after the signal's bar/,
      );
    });
  });
});
