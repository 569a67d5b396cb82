import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixedHorizonLabels, rollingVolatility, tripleBarrierLabels } from "../../src/labels";
import {
  auditSplits,
  combinatorialPurgedCV,
  finalHoldoutSplit,
  holdoutSplit,
  isoTime,
  purgedKFold,
  type Split,
  splitsFromConfig,
  validationConfigSchema,
  walkForward,
} from "../../src/validation";
import { loadDaily, loadSpy1m } from "../labels/realBars";

const spy = loadDaily("SPY");
const vol = rollingVolatility(spy.close, 20);
const labels = tripleBarrierLabels(spy, {
  horizon: 10,
  barriers: { scale: "volatility", volatility: vol, upper: 2, lower: 2 },
});

describe("splitters on real SPY daily triple-barrier labels", () => {
  it("walk-forward P18M/P3M rolling with a P2Y final holdout, from a complete experiment sketch", () => {
    const cfg = validationConfigSchema.parse(
      parse("kind: walk_forward\ntrain: P18M\ntest: P3M\nembargo: 5\nfinal_holdout: P2Y\n"),
    );
    const plan = splitsFromConfig(labels, cfg);
    expect(plan.kind).toBe("walk_forward");
    expect(isoTime(plan.holdoutFrom)).toBe("2024-08-21");
    // 1993-03 (first label after the vol warm-up) + 18 months, then quarterly to mid-2024.
    // First label 1993-03-01 (after the volatility warm-up) + 18 months, then quarterly to the holdout.
    expect(plan.splits.length).toBe(120);
    expect(isoTime(plan.splits[0].window!.testFrom)).toBe("1994-09-01");
    for (const s of plan.splits) {
      // A quarter of daily bars is ~63 sessions; 18 months ~378 minus the purged tail.
      expect(s.test.length).toBeGreaterThan(50);
      expect(s.test.length).toBeLessThan(70);
      expect(s.train.length).toBeGreaterThan(350);
      expect(s.purged).toBeGreaterThan(0);
      expect(s.purged).toBeLessThanOrEqual(10);
    }
    const last = plan.splits[plan.splits.length - 1];
    expect(labels.endTime[last.test[last.test.length - 1]]).toBeLessThan(plan.holdoutFrom);
    expect(plan.holdout.length).toBeGreaterThan(480);
    // The headline split trains on every usable row and tests on the holdout, without overlap.
    const headline = finalHoldoutSplit(plan, labels);
    expect(headline.train).toBe(plan.rows);
    expect(Array.from(headline.test)).toEqual(Array.from(plan.holdout));
    let maxTrainEnd = 0;
    for (const r of headline.train) maxTrainEnd = Math.max(maxTrainEnd, labels.endTime[r]);
    expect(maxTrainEnd).toBeLessThan(labels.startTime[headline.test[0]]);
    expect(() => finalHoldoutSplit(purgedKFold(labels, { folds: 3 }), labels)).toThrow(/reserves no final holdout/);
  });

  it("expanding walk-forward grows the training set", () => {
    const plan = walkForward(labels, { train: "P5Y", test: "P1Y", mode: "expanding" });
    for (let f = 1; f < plan.splits.length; f++) {
      expect(plan.splits[f].train.length).toBeGreaterThan(plan.splits[f - 1].train.length);
      expect(plan.splits[f].trainFrom).toBe(plan.splits[0].trainFrom);
    }
  });

  it("purged k-fold purges on both sides and embargoes after each test fold", () => {
    const plan = purgedKFold(labels, { folds: 6, embargo: 10, finalHoldout: "P1Y" });
    const mid = plan.splits[2];
    expect(mid.purged).toBeGreaterThan(0);
    expect(mid.embargoed).toBeGreaterThan(0);
    expect(plan.splits[5].embargoed).toBe(0);
    const tested = plan.splits.reduce((a, s) => a + s.test.length, 0);
    expect(tested + plan.holdout.length).toBeLessThanOrEqual(labels.y.filter((v) => !Number.isNaN(v)).length);
  });

  it("CPCV N=6, k=2: 15 splits, 5 backtest paths", () => {
    const plan = combinatorialPurgedCV(labels, { groups: 6, testGroups: 2, embargo: "P2W", finalHoldout: "P2Y" });
    expect(plan.splits.length).toBe(15);
    expect(plan.paths!.length).toBe(5);
    expect(plan.splits[0].testGroups).toEqual([0, 1]);
    expect(Array.from(plan.paths![0])).toEqual([0, 0, 1, 2, 3, 4]);
  });

  it("time-ordered holdout of the last 20 %", () => {
    const plan = holdoutSplit(labels, { test: 0.2, embargo: 5 });
    const [s] = plan.splits;
    expect(s.train[s.train.length - 1]).toBeLessThan(s.test[0]);
    expect(s.test.length / (s.test.length + s.train.length)).toBeGreaterThan(0.19);
  });
});

describe("splitters on real SPY 1-minute labels", () => {
  const m = loadSpy1m();
  const l = fixedHorizonLabels(m.ts, m.close, { horizon: 30, classes: 2 });

  it("walk-forward P1M/P10D with a 30-bar embargo and a P10D holdout", () => {
    const plan = walkForward(l, { train: "P1M", test: "P10D", embargo: 30, finalHoldout: "P10D" });
    expect(plan.splits.length).toBeGreaterThan(10);
    for (const s of plan.splits) expect(s.purged).toBe(30);
  });

  it("purged k-fold and CPCV", () => {
    const k = purgedKFold(l, { folds: 5, embargo: 60 });
    for (const s of k.splits.slice(1, 4)) {
      expect(s.purged).toBe(60);
      expect(s.embargoed).toBe(60);
    }
    const c = combinatorialPurgedCV(l, { groups: 8, testGroups: 2, embargo: 60, finalHoldout: "P5D" });
    expect(c.splits.length).toBe(28);
    expect(c.paths!.length).toBe(7);
  });
});

describe("bad input: errors name the fold and its dates", () => {
  it("a fold with a single class", () => {
    // Binary labels (BULLISH vs the rest) forced to one class inside 2009: a quarterly fold there is single-class.
    const y = Float64Array.from(labels.y, (v, i) =>
      Number.isNaN(v) ? v : spy.ts[i] >= Date.UTC(2009, 0, 1) && spy.ts[i] < Date.UTC(2010, 0, 1) ? 1 : v === 2 ? 1 : 0,
    );
    expect(() => walkForward({ ...labels, y }, { train: "P2Y", test: "P3M" })).toThrow(
      /walk_forward fold \d+ \(train \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d, test 2009-0\d-\d\d\.\.2009-\d\d-\d\d\): the test set holds a single class/,
    );
  });

  it("an empty fold", () => {
    // Labels absent for all of 2005: the walk-forward fold testing 2005 is empty.
    const endTime = Float64Array.from(labels.endTime);
    for (let i = 0; i < endTime.length; i++) {
      if (spy.ts[i] >= Date.UTC(2005, 0, 1) && spy.ts[i] < Date.UTC(2006, 0, 1)) endTime[i] = Number.NaN;
    }
    expect(() => walkForward({ ...labels, y: undefined, endTime }, { train: "P1Y", test: "P6M" })).toThrow(
      /walk_forward fold \d+ \(test window 2005-\d\d-\d\d\.\.2005-\d\d-\d\d\): the test set is empty/,
    );
  });

  it("a horizon longer than the data leaves no labels", () => {
    const short = {
      ...spy,
      ts: spy.ts.subarray(0, 40),
      high: spy.high.subarray(0, 40),
      low: spy.low.subarray(0, 40),
      close: spy.close.subarray(0, 40),
    };
    const l = tripleBarrierLabels(short, {
      horizon: 30,
      barriers: { scale: "volatility", volatility: vol.subarray(0, 40), upper: 2, lower: 2 },
    });
    expect(() => purgedKFold(l, { folds: 3 })).toThrow(
      /purged_kfold: no row carries a label \(is the horizon longer than the data\?\)/,
    );
  });

  it("a holdout longer than the data, and a training window beyond it", () => {
    expect(() => purgedKFold(labels, { folds: 5, finalHoldout: "P40Y" })).toThrow(
      /final_holdout P40Y starts 1986-08-21, before the first label/,
    );
    expect(() => walkForward(labels, { train: "P30Y", test: "P3M", finalHoldout: "P5Y" })).toThrow(
      /training window P30Y/,
    );
  });

  it("a plan whose training overlaps the holdout or a test window is rejected by the audit", () => {
    const plan = purgedKFold(labels, { folds: 5, finalHoldout: "P2Y" });
    const s = plan.splits[0];
    const leakHoldout: Split = { ...s, train: Int32Array.from([...s.train, plan.holdout[0]]) };
    expect(() => auditSplits({ ...plan, splits: [leakHoldout] }, labels)).toThrow(
      /purged_kfold fold 0 \(train .*, test 1993-\d\d-\d\d\.\.\d{4}-\d\d-\d\d\): training row \d+ \(label 2024-08-21\.\.2024-\d\d-\d\d\) overlaps the final holdout starting 2024-08-21/,
    );
    const firstAfter = s.test[s.test.length - 1] + 1;
    const leakTest: Split = { ...s, train: Int32Array.from([firstAfter, ...s.train]).sort() };
    expect(() => auditSplits({ ...plan, splits: [leakTest] }, labels)).toThrow(
      /purged_kfold fold 0 .* overlaps a test label window ending/,
    );
    const s2 = plan.splits[2];
    const justBefore: Split = { ...s2, train: Int32Array.from([...s2.train, s2.test[0] - 1]).sort() };
    expect(() => auditSplits({ ...plan, splits: [justBefore] }, labels)).toThrow(
      /purged_kfold fold 2 .*: training row \d+ .* overlaps a test label window starting/,
    );
    const unsorted: Split = { ...s, train: Int32Array.from([s.train[5], ...s.train]) };
    expect(() => auditSplits({ ...plan, splits: [unsorted] }, labels)).toThrow(/training rows are not in time order/);
    const embargoPlan = purgedKFold(labels, { folds: 5, embargo: 20 });
    const e0 = embargoPlan.splits[0];
    const inEmbargo = e0.test[e0.test.length - 1] + 15;
    const leakEmbargo: Split = { ...e0, train: Int32Array.from([inEmbargo, ...e0.train].sort((a, b) => a - b)) };
    expect(() => auditSplits({ ...embargoPlan, splits: [leakEmbargo] }, labels)).toThrow(
      /lies inside the embargo after the test labels/,
    );
  });

  it("config errors name the field", () => {
    const r = validationConfigSchema.safeParse({ kind: "walk_forward", train: "18 months", test: "P3M" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["train"]);
    expect(validationConfigSchema.safeParse({ kind: "cpcv", groups: 4, test_groups: 4 }).success).toBe(false);
    expect(validationConfigSchema.safeParse({ kind: "random_shuffle" }).success).toBe(false);
  });
});

describe("walk-forward windows on 1-minute bars are anchored at UTC midnight", () => {
  it("no test window starts inside a session", () => {
    const m = loadSpy1m();
    const l = fixedHorizonLabels(m.ts, m.close, { horizon: 10, classes: 2 });
    const plan = walkForward(l, { train: "P20D", test: "P7D", embargo: 10 });
    for (const s of plan.splits) {
      expect(s.window!.testFrom % 86_400_000).toBe(0);
      // The first test row is a session's first bar: 09:30 New York = 13:30 or 14:30 UTC.
      const d = new Date(s.testFrom);
      expect([13, 14]).toContain(d.getUTCHours());
      expect(d.getUTCMinutes()).toBe(30);
    }
  });
});
