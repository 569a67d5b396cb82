/**
 * The drift check on the scenarios:
 * - the planted-signal fixture (the runner's own phases on its data): a later sub-window of its
 *   training period, disjoint from the window the profile was built on, is within PSI 0.1 on
 *   every feature and on the prediction, and no drift is declared; the same window with one top
 *   feature shifted by 1 sd is drift on that feature alone;
 * - real SPY daily features (the default set): a 1 sd shift of one feature is PSI > 0.2 on it
 *   and leaves every other feature's PSI as it was; a later window is within 0.1 on scale-free,
 *   short-memory features, while long-memory ones (252-day returns, volatility levels) do move
 *   across market regimes: on real data "no drift on every feature" is not true, and the check
 *   says so.
 * Plus the band's part of the verdict and the refusals.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fromColumns, LogisticModel, takeRows } from "../../src/models";
import {
  buildReferenceProfile,
  driftCheck,
  INITIAL_BAND_STATE,
  predictedProbability,
  PSI_MIN_ROWS,
  type ReferenceProfile,
} from "../../src/monitoring";
import { runPhases } from "../../src/pipeline";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { rowsBetween, spyFeatures, take } from "./_spyFeatures";

const WINDOW = { start: "2000-01-01T00:00:00.000Z", end: "2000-12-31T00:00:00.000Z" };
const BASELINE = { accuracy: 0.56, ece: 0.02, rows: 1000 };

function sdOf(x: Float64Array): number {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
}

describe("drift check on the planted-signal fixture", () => {
  let names: string[];
  let reference: Float64Array[];
  let later: Float64Array[];
  let profile: ReferenceProfile;
  let laterProbs: Float64Array;

  beforeAll(async () => {
    const { rows, splits } = await runPhases(plantedSignalConfig("monitoring-drift"), "splits", { progress: false });
    const train = Array.from(splits.plan.rows);
    // The profile's window: the training period's first 70 %; the live window: its last 250 rows.
    const cut = Math.floor(train.length * 0.7);
    const refRows = train.slice(0, cut);
    const liveRows = train.slice(train.length - 250);
    names = [...rows.cols.names];
    reference = rows.cols.columns.map((c) => take(c, refRows));
    later = rows.cols.columns.map((c) => take(c, liveRows));
    const model = new LogisticModel({ C: 0.1 });
    const X = fromColumns(names, rows.cols.columns);
    await model.fit(takeRows(X, Int32Array.from(refRows)), take(rows.yTarget, refRows));
    const probs = model.predictProba(takeRows(X, Int32Array.from(refRows)));
    laterProbs = predictedProbability(model.predictProba(takeRows(X, Int32Array.from(liveRows))), 1).values;
    profile = buildReferenceProfile({
      variant: "logistic",
      window: WINDOW,
      features: { names, columns: reference },
      probabilities: { values: probs, width: 1 },
      baseline: BASELINE,
      topFeatures: names,
    });
  }, 120_000);

  it("finds no drift in a later, disjoint sub-window of the training period", () => {
    const r = driftCheck({
      profile,
      features: Object.fromEntries(names.map((n, j) => [n, later[j]])),
      predicted: laterProbs,
      rollingAccuracy: 0.55,
      bandState: INITIAL_BAND_STATE,
    });
    for (const f of r.features) expect(f.psi, f.name).toBeLessThan(0.1);
    expect(r.prediction.psi).toBeLessThan(0.1);
    expect(r.verdict).toBe("no_drift");
    expect(r.reasons).toEqual([]);
    expect(r.features.every((f) => f.top)).toBe(true);
  });

  it("declares drift on a top feature shifted by 1 sd, and on that feature only", () => {
    const shifted = names[0];
    const sd = sdOf(reference[0]);
    const live = Object.fromEntries(names.map((n, j) => [n, j === 0 ? later[j].map((v) => v + sd) : later[j]]));
    const r = driftCheck({
      profile,
      features: live,
      predicted: laterProbs,
      rollingAccuracy: 0.55,
      bandState: INITIAL_BAND_STATE,
    });
    const byName = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(byName[shifted].psi).toBeGreaterThan(0.2);
    expect(byName[shifted].ks?.drifted).toBe(true);
    expect(r.verdict).toBe("drift");
    expect(r.reasons).toEqual([expect.stringContaining(`on top feature ${shifted}`)]);
    for (const n of names.slice(1)) expect(byName[n].psiDrifted, n).toBe(false);
  });
});

describe("drift check on real SPY daily features", () => {
  const { ts, names, columns } = spyFeatures();
  const train = rowsBetween(ts, "2004-01-01", "2014-01-01");
  const later = rowsBetween(ts, "2014-01-01", "2016-01-01");
  const profile = buildReferenceProfile({
    variant: "gbm",
    window: { start: "2004-01-02T00:00:00.000Z", end: "2013-12-31T00:00:00.000Z" },
    features: { names, columns: columns.map((c) => take(c, train)) },
    probabilities: { values: Float64Array.from(train, (_, i) => 0.45 + (0.1 * ((i * 7919) % 101)) / 100), width: 1 },
    baseline: BASELINE,
    topFeatures: null,
  });
  const live = Object.fromEntries(names.map((n, j) => [n, take(columns[j], later)]));
  const predicted = Float64Array.from(later, (_, i) => 0.45 + (0.1 * ((i * 7919) % 101)) / 100);
  // Bounded oscillators and standardised returns: their distribution does not depend on the
  // market's level or volatility regime.
  const scaleFree = [
    "zscore_20(ret_1)",
    "rsi_2",
    "willr_14",
    "stochrsi_k_14_14_3",
    "bar_shape_close_location",
    "donchian_position_20",
    "calendar_day_of_week",
    "calendar_month",
  ];

  it("is within PSI 0.1 on scale-free short-memory features in a later window, and no drift when they are the top ones", () => {
    const r = driftCheck({
      profile,
      features: live,
      predicted,
      rollingAccuracy: null,
      bandState: INITIAL_BAND_STATE,
      topFeatures: scaleFree,
    });
    const byName = Object.fromEntries(r.features.map((f) => [f.name, f]));
    for (const n of scaleFree) expect(byName[n].psi, n).toBeLessThan(0.1);
    expect(r.verdict).toBe("no_drift");
    // Long-memory features really do move between 2004–2013 and 2014–2015 (a calm market after a crisis decade).
    expect(byName["donchian_lower_distance_252"].psi).toBeGreaterThan(0.2);
    expect(byName["sma_distance_200"].psi).toBeGreaterThan(0.2);
  });

  it("puts PSI > 0.2 on a feature shifted by 1 sd and leaves the others' PSI unchanged", () => {
    const base = driftCheck({
      profile,
      features: live,
      predicted,
      rollingAccuracy: null,
      bandState: INITIAL_BAND_STATE,
    });
    for (const name of ["rsi_14", "zscore_20(ret_1)", "VIX/close", "ret_1"]) {
      const j = names.indexOf(name);
      const sd = sdOf(take(columns[j], train));
      const shifted = { ...live, [name]: live[name].map((v) => v + sd) };
      const r = driftCheck({
        profile,
        features: shifted,
        predicted,
        rollingAccuracy: null,
        bandState: INITIAL_BAND_STATE,
        topFeatures: [name],
      });
      r.features.forEach((f, k) => {
        if (f.name === name) expect(f.psi, name).toBeGreaterThan(0.2);
        else expect(f.psi).toBe(base.features[k].psi);
      });
      expect(r.verdict).toBe("drift");
      expect(r.reasons[0]).toContain(name);
    }
  });

  it("declares drift on the prediction's PSI and on a confirmed drift or emergency band", () => {
    const calm = { profile, features: live, rollingAccuracy: null, bandState: INITIAL_BAND_STATE, topFeatures: [] };
    const skewed = driftCheck({ ...calm, predicted: predicted.map((p) => p + 0.08) });
    expect(skewed.prediction.psi).toBeGreaterThan(0.2);
    expect(skewed.reasons).toEqual([expect.stringContaining("predicted probability")]);

    const first = driftCheck({ ...calm, predicted, rollingAccuracy: 0.3 }); // −26 points: emergency, once
    expect(first.band).toEqual({
      observed: "emergency",
      state: { confirmed: "normal", pending: "emergency", count: 1 },
    });
    expect(first.verdict).toBe("no_drift");
    const second = driftCheck({ ...calm, predicted, rollingAccuracy: 0.3, bandState: first.band.state });
    expect(second.band.state).toEqual({ confirmed: "emergency", pending: null });
    expect(second.verdict).toBe("drift");
    expect(second.emergency).toBe(true);
    expect(second.reasons[0]).toMatch(/accuracy band emergency/);

    const monitor = driftCheck({
      ...calm,
      predicted,
      rollingAccuracy: 0.5,
      bandState: { confirmed: "monitor", pending: null },
    });
    expect(monitor.verdict).toBe("no_drift"); // monitor is a warning, not drift
  });

  it("names a profiled feature the live window lacks, and counts missing live values", () => {
    const { [names[3]]: _, ...without } = live;
    expect(() =>
      driftCheck({ profile, features: without, predicted, rollingAccuracy: null, bandState: INITIAL_BAND_STATE }),
    ).toThrow(`the live window has no column ${names[3]}`);
    const blank = { ...live, rsi_14: live.rsi_14.map(() => Number.NaN) };
    const r = driftCheck({
      profile,
      features: blank,
      predicted,
      rollingAccuracy: null,
      bandState: INITIAL_BAND_STATE,
      topFeatures: ["rsi_14"],
    });
    const f = r.features.find((x) => x.name === "rsi_14");
    expect(f).toMatchObject({ n: 0, missing: later.length, ks: null });
    expect(r.verdict).toBe("drift");
    expect(r.reasons).toEqual([expect.stringContaining("top feature rsi_14 has no live value")]);
  });
});

describe("a window too small for PSI", () => {
  it("reports its PSI but does not call it drift below PSI_MIN_ROWS values", () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i / 1000);
    const profile = buildReferenceProfile({
      variant: "gbm",
      window: { start: "2020-01-01T00:00:00.000Z", end: "2021-01-01T00:00:00.000Z" },
      features: { names: ["x"], columns: [sorted] },
      probabilities: { values: sorted, width: 1 },
      baseline: { accuracy: 0.56, ece: 0.02, rows: 1000 },
      topFeatures: ["x"],
    });
    // Everything in the top decile: PSI far above 0.2, on 22 values (a daily model's month), then 60.
    const live = (n: number) => Float64Array.from({ length: n }, (_, i) => 0.95 + i / (1000 * n));
    const small = driftCheck({
      profile,
      features: { x: live(22) },
      predicted: live(22),
      rollingAccuracy: null,
      bandState: INITIAL_BAND_STATE,
    });
    expect(small.features[0].psi).toBeGreaterThan(0.2);
    expect(small.features[0].psiDrifted).toBe(false);
    expect(small.prediction.drifted).toBe(false);
    expect(small.verdict).toBe("no_drift");
    const enough = driftCheck({
      profile,
      features: { x: live(PSI_MIN_ROWS + 10) },
      predicted: live(PSI_MIN_ROWS + 10),
      rollingAccuracy: null,
      bandState: INITIAL_BAND_STATE,
    });
    expect(enough.verdict).toBe("drift");
  });
});
