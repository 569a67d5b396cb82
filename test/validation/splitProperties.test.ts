import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDuration,
  binomial,
  combinatorialPurgedCV,
  holdoutSplit,
  type LabelSpans,
  parseDuration,
  purgedKFold,
  type SplitPlan,
  SplitError,
  walkForward,
} from "../../src/validation";

const DAY = 86_400_000;

/**
 * Random label sets shaped like real ones: strictly increasing daily-ish bar times with gaps,
 * label windows of varying length (triple-barrier windows end early), some rows absent.
 */
const spansArb = fc
  .record({
    n: fc.integer({ min: 40, max: 260 }),
    gaps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 260, maxLength: 260 }),
    spans: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 260, maxLength: 260 }),
    absent: fc.array(fc.boolean(), { minLength: 260, maxLength: 260 }),
    absentRate: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ n, gaps, spans, absent, absentRate }): LabelSpans => {
    const startTime = new Float64Array(n);
    let t = Date.UTC(2001, 0, 2);
    for (let i = 0; i < n; i++) {
      startTime[i] = t;
      t += gaps[i] * DAY;
    }
    const startIdx = new Int32Array(n);
    const endIdx = new Int32Array(n).fill(-1);
    const endTime = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < n; i++) {
      startIdx[i] = i;
      const e = i + spans[i];
      if (e >= n || (absentRate > 0 && absent[i] && i % (absentRate + 1) === 0)) continue;
      endIdx[i] = e;
      endTime[i] = startTime[e];
    }
    return { startIdx, endIdx, startTime, endTime };
  });

const embargoArb = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom("P3D", "P1W"));
const holdoutArb = fc.option(fc.constantFrom("P30D", "P3M"), { nil: undefined });

/**
 * Brute-force checks of every promise a plan makes, independent of the library's own audit.
 * Violations are collected (an expect per pair would dominate the run time).
 */
function checkPlan(plan: SplitPlan, spans: LabelSpans, embargo: number | string) {
  const bad: string[] = [];
  const present = (i: number) => !Number.isNaN(spans.endTime[i]);
  const inHoldout = new Set(plan.holdout);
  const hasHoldout = !Number.isNaN(plan.holdoutFrom);
  const embargoD = typeof embargo === "string" ? parseDuration(embargo) : null;
  for (const r of plan.holdout) if (!(spans.startTime[r] >= plan.holdoutFrom)) bad.push(`holdout row ${r} early`);
  for (const split of plan.splits) {
    const f = `fold ${split.fold}`;
    if (split.test.length === 0 || split.train.length === 0) bad.push(`${f}: empty`);
    const testSet = new Set(split.test);
    for (const j of split.train) {
      if (!present(j)) bad.push(`${f}: absent train row ${j}`);
      if (testSet.has(j)) bad.push(`${f}: row ${j} in train and test`);
      // The holdout is never used: neither its rows nor labels that reach into it.
      if (inHoldout.has(j) || (hasHoldout && !(spans.endTime[j] < plan.holdoutFrom)))
        bad.push(`${f}: train ${j} uses the holdout`);
      for (const r of split.test) {
        // No training label interval overlaps a test label interval (closed intervals).
        if (spans.startTime[j] <= spans.endTime[r] && spans.startTime[r] <= spans.endTime[j]) {
          bad.push(`${f}: train ${j} overlaps test ${r}`);
        }
        // The embargo holds after every test label.
        if (spans.startIdx[j] > spans.startIdx[r]) {
          const ok = embargoD
            ? spans.startTime[j] > addDuration(spans.endTime[r], embargoD)
            : spans.startIdx[j] > spans.endIdx[r] + (embargo as number);
          if (!ok) bad.push(`${f}: train ${j} inside the embargo after test ${r}`);
        }
      }
    }
    for (const r of split.test) {
      if (!present(r)) bad.push(`${f}: absent test row ${r}`);
      if (inHoldout.has(r) || (hasHoldout && !(spans.endTime[r] < plan.holdoutFrom)))
        bad.push(`${f}: test ${r} uses the holdout`);
    }
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

/** Runs a splitter; inputs it rejects must be rejected with a SplitError naming the fold or the parameter. */
function tryPlan(build: () => SplitPlan): SplitPlan | null {
  try {
    return build();
  } catch (e) {
    expect(e).toBeInstanceOf(SplitError);
    // Only input the splitter cannot serve; a failed internal audit (overlap, embargo) is a bug.
    expect(String(e)).toMatch(
      /fold \d+ .*: the (training|test) set is empty|final_holdout|no labelled row|training window|(folds|groups) must be an integer in \[2, \d+\] \(the usable rows\)/,
    );
    return null;
  }
}

const RUNS = { numRuns: 60, seed: 20261126 };

describe("splitter properties (fast-check)", () => {
  it("purged k-fold: no overlap, embargo holds, holdout unused", () => {
    let built = 0;
    fc.assert(
      fc.property(
        spansArb,
        fc.integer({ min: 2, max: 8 }),
        embargoArb,
        holdoutArb,
        (spans, folds, embargo, finalHoldout) => {
          const plan = tryPlan(() => purgedKFold(spans, { folds, embargo, finalHoldout }));
          if (!plan) return;
          built++;
          expect(plan.splits.length).toBe(folds);
          // Every usable row is tested exactly once across the folds.
          const tested = plan.splits.flatMap((s) => Array.from(s.test));
          expect(new Set(tested).size).toBe(tested.length);
          checkPlan(plan, spans, embargo);
        },
      ),
      RUNS,
    );
    expect(built).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it("walk-forward (rolling and expanding): training precedes test, no overlap, holdout unused", () => {
    let built = 0;
    fc.assert(
      fc.property(
        spansArb,
        fc.constantFrom("P2M", "P3M", "P40D"),
        fc.constantFrom("P1M", "P20D"),
        fc.constantFrom("rolling", "expanding") as fc.Arbitrary<"rolling" | "expanding">,
        embargoArb,
        holdoutArb,
        (spans, train, test, mode, embargo, finalHoldout) => {
          const plan = tryPlan(() => walkForward(spans, { train, test, mode, embargo, finalHoldout }));
          if (!plan) return;
          built++;
          for (const s of plan.splits) {
            expect(spans.startTime[s.train[s.train.length - 1]]).toBeLessThan(spans.startTime[s.test[0]]);
            const w = s.window!;
            expect(s.testFrom).toBeGreaterThanOrEqual(w.testFrom);
            expect(s.testTo).toBeLessThan(w.testTo);
            const first = new Date(spans.startTime[spans.endTime.findIndex((e) => !Number.isNaN(e))]);
            const firstLabel = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
            expect(w.trainFrom).toBe(
              mode === "rolling" ? addDuration(w.testFrom, parseDuration(train), -1) : firstLabel,
            );
            if (mode === "rolling") expect(s.trainFrom).toBeGreaterThanOrEqual(w.trainFrom);
          }
          checkPlan(plan, spans, embargo);
        },
      ),
      RUNS,
    );
    expect(built).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it("CPCV: C(N,k) splits; every path covers every usable row exactly once", () => {
    let built = 0;
    fc.assert(
      fc.property(
        spansArb,
        fc.integer({ min: 3, max: 7 }).chain((N) => fc.tuple(fc.constant(N), fc.integer({ min: 1, max: N - 1 }))),
        embargoArb,
        holdoutArb,
        (spans, [N, k], embargo, finalHoldout) => {
          const plan = tryPlan(() => combinatorialPurgedCV(spans, { groups: N, testGroups: k, embargo, finalHoldout }));
          if (!plan) return;
          built++;
          expect(plan.splits.length).toBe(binomial(N, k));
          const paths = plan.paths!;
          const groups = plan.groups!;
          expect(paths.length).toBe((k / N) * binomial(N, k));
          const usable = groups.flatMap((g) => Array.from(g));
          for (const path of paths) {
            const covered: number[] = [];
            for (let g = 0; g < N; g++) {
              const split = plan.splits[path[g]];
              expect(split.testGroups).toContain(g);
              const test = new Set(split.test);
              for (const r of groups[g]) {
                expect(test.has(r)).toBe(true);
                covered.push(r);
              }
            }
            expect(covered.sort((a, b) => a - b)).toEqual([...usable].sort((a, b) => a - b));
          }
          // Each split appears in exactly k paths' group slots.
          const uses = new Int32Array(plan.splits.length);
          for (const path of paths) for (const s of path) uses[s]++;
          for (const u of uses) expect(u).toBe(k);
          checkPlan(plan, spans, embargo);
        },
      ),
      { ...RUNS, numRuns: 40 },
    );
    expect(built).toBeGreaterThan(20);
  });

  it("time-ordered holdout: test is the last stretch, training before it", () => {
    fc.assert(
      fc.property(
        spansArb,
        fc.constantFrom(0.2, 0.3, "P2M"),
        embargoArb,
        holdoutArb,
        (spans, test, embargo, finalHoldout) => {
          const plan = tryPlan(() => holdoutSplit(spans, { test, embargo, finalHoldout }));
          if (!plan) return;
          const [s] = plan.splits;
          expect(s.train[s.train.length - 1]).toBeLessThan(s.test[0]);
          checkPlan(plan, spans, embargo);
        },
      ),
      RUNS,
    );
  });
});
