/**
 * The monitoring tables (migration 0007) on both backends: outcomes stored once per signal with
 * the signal's own identity and probabilities, the signal's performance written with them,
 * nothing written when one outcome of a batch is bad (the error names its field), drift
 * checks read back field for field (with the pending band of migration 0008), and a version's
 * signals by bar window or its latest n.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bars, loadBundled } from "../../src/data";
import { type NewDriftCheck, type NewSignal, openStore, type Store, StoreError } from "../../src/store";
import { pgliteTarget, postgresTarget, type StoreTarget } from "./storeFixtures";

const spy = loadBundled("SPY", "1d");
const DAY = 86_400_000;

/** A forecast at bar i of SPY's daily bars, with made-up but valid probabilities. */
function signalAt(bars: Bars, i: number, modelName: string): NewSignal {
  const up = 0.3 + (0.4 * ((i * 7919) % 100)) / 100;
  return {
    symbol: bars.ticker,
    signalType: "none",
    confidence: Math.max(up, 1 - up),
    targetPrice: null,
    stopLoss: null,
    positionSize: 0,
    reasoning: "test",
    modelName,
    modelVersion: "1",
    barTs: bars.ts[i],
    features: { ret_1: bars.close[i] / bars.close[i - 1] - 1 },
    featureHash: createHash("sha256").update(String(i)).digest("hex"),
    probabilities: { down: 1 - up, up },
    regime: i % 2 === 0 ? "bull_calm" : null,
    expiresAt: bars.ts[i + 5],
    createdAt: bars.ts[i] + DAY,
  };
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe.each([
  ["postgres", postgresTarget],
  ["pglite", pgliteTarget],
] as const)("signal outcomes and drift checks on %s", (_name, makeTarget) => {
  let target: StoreTarget;
  let store: Store;
  const ids: number[] = [];
  const first = spy.ts.length - 60;

  beforeAll(async () => {
    target = makeTarget();
    store = await openStore(target.options);
    for (let i = first; i < first + 10; i++) ids.push((await store.insertSignal(signalAt(spy, i, "outcomes"))).id);
    await store.insertSignal(signalAt(spy, first, "other-model"));
  });

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it("lists the signals without an outcome, by model, and pages by id", async () => {
    const all = await store.unevaluatedSignals({ model: "outcomes" });
    expect(all.map((s) => s.id)).toEqual(ids);
    const page = await store.unevaluatedSignals({ model: "outcomes", afterId: ids[3], limit: 2 });
    expect(page.map((s) => s.id)).toEqual(ids.slice(4, 6));
    expect((await store.unevaluatedSignals()).length).toBe(11);
  });

  it("stores an outcome once per signal, from the signal's own row, and its performance with it", async () => {
    const evaluatedAt = Date.UTC(2026, 11, 7, 10, 0, 0, 123);
    const outcomes = ids.slice(0, 6).map((signalId, k) => ({
      signalId,
      horizonEndTs: spy.ts[first + k + 5],
      realized: k === 5 ? null : { className: k % 2 === 0 ? "up" : "down", return: (k - 2) / 100 },
      predictedClass: "up",
      evaluatedAt,
    }));
    expect(await store.recordOutcomes(outcomes)).toBe(6);
    // A second recording of the same signals, even with other values, changes nothing.
    expect(await store.recordOutcomes(outcomes.map((o) => ({ ...o, predictedClass: "down" })))).toBe(0);

    const labelled = await store.recentOutcomes({ model: "outcomes" });
    expect(labelled.map((o) => o.signalId)).toEqual(ids.slice(0, 5).reverse());
    const withAll = await store.recentOutcomes({ model: "outcomes", includeUnlabelled: true, limit: 3 });
    expect(withAll.map((o) => o.signalId)).toEqual([ids[5], ids[4], ids[3]]);
    expect(withAll[0].realized).toBeNull();

    const k = 2;
    const signal = signalAt(spy, first + k, "outcomes");
    const got = labelled.find((o) => o.signalId === ids[k])!;
    expect(got).toEqual({
      signalId: ids[k],
      symbol: "SPY",
      barTs: signal.barTs,
      modelName: "outcomes",
      modelVersion: "1",
      horizonEndTs: spy.ts[first + k + 5],
      realized: { className: "up", return: 0, pRealized: signal.probabilities.up, correct: true },
      predictedClass: "up",
      probabilities: signal.probabilities,
      regime: signal.regime,
      evaluatedAt,
    });
    expect(labelled.find((o) => o.signalId === ids[1])!.realized).toMatchObject({ correct: false, return: -0.01 });

    const { signals } = await store.listSignals({ ticker: "SPY", limit: 1000 });
    const byId = new Map(signals.map((s) => [s.id, s]));
    expect(byId.get(ids[1])!.performance).toEqual({
      realizedClass: "down",
      realizedReturn: -0.01,
      correct: false,
      evaluatedAt: "2026-12-07T10:00:00.123Z",
    });
    expect(byId.get(ids[5])!.performance).toEqual({
      realizedClass: null,
      realizedReturn: null,
      correct: null,
      evaluatedAt: "2026-12-07T10:00:00.123Z",
    });
    expect(byId.get(ids[6])!.performance).toBeNull();
    expect((await store.unevaluatedSignals({ model: "outcomes" })).map((s) => s.id)).toEqual(ids.slice(6));
  });

  it("writes nothing when one outcome is bad, and names its field", async () => {
    const good = {
      signalId: ids[6],
      horizonEndTs: spy.ts[first + 11],
      realized: null,
      predictedClass: "up",
      evaluatedAt: 1,
    };
    const cases: [unknown, string, string][] = [
      [{ ...good, signalId: 9_999_999 }, "bad_outcome", "outcomes[1].signalId"],
      [{ ...good, signalId: ids[7], horizonEndTs: spy.ts[first + 7] }, "bad_outcome", "outcomes[1].horizonEndTs"],
      [
        { ...good, signalId: ids[7], realized: { className: "flat", return: 0 } },
        "bad_outcome",
        "outcomes[1].realized.className",
      ],
      [
        { ...good, signalId: ids[7], realized: { className: "up", return: Number.NaN } },
        "bad_outcome",
        "outcomes[1].realized.return",
      ],
      [{ ...good, signalId: ids[7], predictedClass: "" }, "bad_outcome", "outcomes[1].predictedClass"],
      [{ ...good }, "bad_outcome", "outcomes[1].signalId"],
    ];
    for (const [bad, code, field] of cases) {
      const err = await storeError(store.recordOutcomes([good, bad as typeof good]));
      expect(err.code).toBe(code);
      expect(err.field, err.message).toBe(field);
      expect(err.message).toContain(field);
    }
    expect((await store.unevaluatedSignals({ model: "outcomes" })).map((s) => s.id)).toEqual(ids.slice(6));
    expect((await storeError(store.recentOutcomes({ model: "outcomes", limit: 0 }))).field).toBe("limit");
    expect((await storeError(store.unevaluatedSignals({ afterId: -1 }))).field).toBe("afterId");
  });

  it("stores each outcome once when two evaluations race", async () => {
    const batch = (predictedClass: string, evaluatedAt: number) =>
      ids.slice(6).map((signalId, k) => ({
        signalId,
        horizonEndTs: spy.ts[first + 6 + k + 5],
        realized: { className: "up", return: 0.01 },
        predictedClass,
        evaluatedAt,
      }));
    const counts = await Promise.all([store.recordOutcomes(batch("up", 1)), store.recordOutcomes(batch("down", 2))]);
    expect(counts[0] + counts[1]).toBe(4);
    const stored = (await store.recentOutcomes({ model: "outcomes", limit: 100 })).filter((o) => o.signalId >= ids[6]);
    expect(stored).toHaveLength(4);
    // Each row's outcome and its signal's performance come from the same batch.
    const { signals } = await store.listSignals({ ticker: "SPY", limit: 1000 });
    for (const o of stored) {
      const p = signals.find((s) => s.id === o.signalId)?.performance;
      expect(p?.correct).toBe(o.realized?.correct);
      expect(p?.evaluatedAt).toBe(new Date(o.evaluatedAt).toISOString());
    }
    expect(await store.unevaluatedSignals({ model: "outcomes" })).toEqual([]);
  });

  it("stores drift checks and reads them back, the latest first", async () => {
    const check: NewDriftCheck = {
      modelName: "outcomes",
      modelVersion: "1",
      checkedAt: Date.UTC(2026, 0, 5),
      windowFrom: spy.ts[first],
      windowTo: spy.ts[first + 9],
      nRows: 10,
      accuracy: { rolling: 0.51, band: "monitor" },
      baselineAccuracy: 0.57,
      confirmedBand: "normal",
      pending: { band: "monitor", count: 1 },
      verdict: "ok",
      predictionPsi: 0.04,
      maxFeaturePsi: 0.12,
      driftedFeatures: [],
      report: { features: [{ name: "ret_1", psi: 0.12 }] },
      mlflowRunId: null,
    };
    const later = {
      ...check,
      checkedAt: check.checkedAt + DAY,
      accuracy: null,
      verdict: "drift" as const,
      driftedFeatures: ["ret_1"],
    };
    const a = await store.recordDriftCheck(check);
    const b = await store.recordDriftCheck(later);
    expect(await store.driftChecks({ model: "outcomes" })).toEqual([
      { id: b, ...later },
      { id: a, ...check },
    ]);
    expect(await store.driftChecks({ model: "outcomes", version: "2" })).toEqual([]);
    const bad = await storeError(store.recordDriftCheck({ ...check, verdict: "fine" as never }));
    expect([bad.code, bad.field]).toEqual(["bad_drift_check", "verdict"]);
    const badBand = await storeError(store.recordDriftCheck({ ...check, accuracy: { rolling: 1.2, band: "normal" } }));
    expect(badBand.field).toBe("accuracy.rolling");
    const badPending = await storeError(store.recordDriftCheck({ ...check, pending: { band: "monitor", count: 0 } }));
    expect(badPending.field).toBe("pending.count");
  });

  it("reads one version's signals by bar, oldest first: a window of bars or the latest n", async () => {
    const bars = (q: Parameters<Store["versionSignals"]>[0]) =>
      store.versionSignals(q).then((s) => s.map((x) => x.barTs));
    const all = spy.ts.slice(first, first + 10);
    expect(await bars({ model: "outcomes", version: "1" })).toEqual([...all]);
    expect(await bars({ model: "outcomes", version: "1", from: spy.ts[first + 2], to: spy.ts[first + 4] })).toEqual([
      ...all.slice(2, 5),
    ]);
    expect(await bars({ model: "outcomes", version: "1", last: 3 })).toEqual([...all.slice(7)]);
    expect(await bars({ model: "outcomes", version: "2" })).toEqual([]);
    expect(await bars({ model: "other-model", version: "1" })).toEqual([spy.ts[first]]);
    const bad = await storeError(store.versionSignals({ model: "outcomes", version: "1", last: 0 }));
    expect([bad.code, bad.field]).toEqual(["bad_query", "last"]);
    const backwards = await storeError(store.versionSignals({ model: "outcomes", version: "1", from: 2, to: 1 }));
    expect(backwards.field).toBe("to");
  });
});
