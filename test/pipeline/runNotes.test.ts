/**
 * The console lines of a run: skipped preset entries on one line with their reasons, label rows
 * without a label by cause, a holdout AUC that departs from walk-forward beyond the null spread,
 * the deflated Sharpe labelled as the probability it is, and a signal below chance said as such.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ExperimentResult, experimentSummary, runExperiment } from "../../src/pipeline";
import { holdoutGapNote, labelCoverageNote, skippedFeaturesNote } from "../../src/pipeline/runNotes";
import type { Scores } from "../../src/pipeline";
import { evaluateGates } from "../../src/promotion";
import { aucNullStd } from "../../src/validation";
import { plantedSignalConfig } from "./plantedSignal";

const scores = (auc: number, rows: number): Scores => ({ rows, auc, logloss: 0.69, ece: 0.02, accuracy: 0.55 });

describe("skippedFeaturesNote", () => {
  it("puts every skipped entry on one line, grouped by reason, with the count", () => {
    const note = skippedFeaturesNote("SPY", [
      { path: "features.set(default)[47] (vwap)", reason: "vwap needs intraday bars, the bars are 1d" },
      { path: "features.set(default)[73] (clock)", reason: "clock needs intraday bars, the bars are 1d" },
      { path: "features.set(default)[76] (beta)", reason: "the bars are the benchmark SPY itself" },
      { path: "features.set(default)[77] (correlation)", reason: "the bars are the benchmark SPY itself" },
      { path: "features.set(default)[78] (correlation)", reason: "the bars are the benchmark SPY itself" },
    ]);
    expect(note).toBe(
      "features (SPY): 5 preset entries skipped: vwap, clock (needs intraday bars, the bars are 1d); beta, correlation ×2 (the bars are the benchmark SPY itself)",
    );
    expect(skippedFeaturesNote("SPY", [])).toBeNull();
  });
});

describe("labelCoverageNote", () => {
  it("counts rows without a label by cause: warm-up, past the end, NaN inputs", () => {
    const y = Float64Array.from([Number.NaN, Number.NaN, 1, 0, Number.NaN, 1, Number.NaN, 0, Number.NaN]);
    const z = Float64Array.from([1, 0, Number.NaN]);
    expect(
      labelCoverageNote([
        { ticker: "SPY", y, lostToNaN: 2 },
        { ticker: "QQQ", y: z, lostToNaN: 0 },
      ]),
    ).toBe(
      "labels (SPY, QQQ): 6 of 12 rows labelled; 6 without a label (2 warm-up, 2 past the end, 2 removed by NaN inputs)",
    );
  });

  it("reads the NaN count from the label sets, not from every gap: the rest is named as other", () => {
    const y = Float64Array.from([Number.NaN, 1, Number.NaN, 0, Number.NaN, 1, 0]);
    expect(labelCoverageNote([{ ticker: "SPY", y, lostToNaN: 1 }])).toBe(
      "labels (SPY): 4 of 7 rows labelled; 3 without a label (1 warm-up, 0 past the end, 1 removed by NaN inputs, 1 other (a session end inside the window, no primary signal))",
    );
  });
});

describe("holdoutGapNote", () => {
  const counts = (rows: number) => ({ positives: Math.round(rows * 0.53), rows });
  it("flags a holdout AUC beyond 2 null sd of its difference from walk-forward, either side", () => {
    // 2,000 OOS and 500 holdout rows: the difference's null sd is about 0.029.
    const above = holdoutGapNote("gbm", scores(0.557, 2000), scores(0.654, 500), counts(2000), counts(500));
    expect(above).toMatch(
      /^holdout gap: gbm holdout AUC 0\.6540 is 3\.\d\d null sd above its walk-forward AUC 0\.5570/,
    );
    const below = holdoutGapNote("gbm", scores(0.6, 2000), scores(0.5, 500), counts(2000), counts(500));
    expect(below).toMatch(/is 3\.\d\d null sd below its walk-forward AUC/);
    expect(holdoutGapNote("gbm", scores(0.57, 2000), scores(0.6, 500), counts(2000), counts(500))).toBeNull();
  });
});

describe("promotion gate text", () => {
  it("says a signal below chance is below 0.5, not a negative distance above it", () => {
    const gates = evaluateGates(
      {
        metric: "oos_logloss",
        margin: 0.002,
        min_deflated_sharpe: 0.5,
        dsr_basis: "active",
        beat_control: false,
        holdout_reuse_limit: 5,
      },
      {
        oos: scores(0.42, 2000),
        holdout: scores(0.5, 500),
        nPositive: 1000,
        nRows: 2000,
        deflatedSharpe: 0.43,
        control: null,
        leakageFlags: [],
      },
    );
    const signal = gates.checks.find((c) => c.name === "signal");
    expect(signal?.detail).toBe("OOS AUC 0.4200 is 6.20 null standard deviations below 0.5 (need >= 2 above)");
    const dsr = gates.checks.find((c) => c.name === "deflated_sharpe");
    expect(dsr?.detail).toBe("DSR P[SR>SR0] on active returns vs the benchmark 0.430 (need >= 0.5)");
  });
});

describe("the run summary", () => {
  let r: ExperimentResult;
  beforeAll(async () => {
    r = await runExperiment(plantedSignalConfig("run-notes"), { progress: false });
  }, 60_000);

  it("labels every deflated Sharpe as a probability and notes the label coverage", () => {
    const text = experimentSummary(r, null);
    expect(text).not.toMatch(/deflated Sharpe/);
    expect(text).toMatch(/ {2}Sharpe \d\.\d{3} {2}DSR P\[SR>SR0\] \d\.\d{3} \(absolute, 3 trials\)/);
    expect(text).toMatch(/gated DSR P\[SR>SR0\] \(promotion\.dsr_basis active\): \d\.\d{3}/);
    expect(text).toContain(
      "labels (PLNT): 3,517 of 3,522 rows labelled; 5 without a label (0 warm-up, 5 past the end, 0 removed by NaN inputs)",
    );
  });

  it("the signal gate's null spread counts the rows the OOS AUC was scored on", () => {
    // Walk-forward's first training window has no OOF prediction: its rows are not in the AUC.
    const ensemble = r.ensemble;
    if (!ensemble) throw new Error("the fixture has an ensemble");
    let pos = 0;
    let neg = 0;
    for (const row of r.plan.rows) {
      if (Number.isNaN(ensemble.oofProbs[row]) || Number.isNaN(r.y[row])) continue;
      if (r.y[row] === 1) pos++;
      else neg++;
    }
    expect(pos + neg).toBe(ensemble.oos.rows);
    expect(pos + neg).toBeLessThan(r.plan.rows.length);
    const z = (ensemble.oos.auc - 0.5) / aucNullStd(pos, neg);
    const signal = r.gates.checks.find((c) => c.name === "signal");
    expect(signal?.detail).toContain(`is ${z.toFixed(2)} null standard deviations above 0.5`);
  });

  it("flags a holdout that departs from walk-forward beyond the null spread, and only then", () => {
    expect(experimentSummary(r, null)).not.toContain("holdout gap:");
    const ensemble = r.ensemble;
    if (!ensemble) throw new Error("the fixture has an ensemble");
    const off = { ...r, ensemble: { ...ensemble, holdout: { ...ensemble.holdout, auc: ensemble.oos.auc + 0.1 } } };
    const lines = experimentSummary(off, null).split("\n");
    expect(lines.filter((l) => l.startsWith("holdout gap:"))).toEqual([
      expect.stringMatching(
        /^holdout gap: ensemble holdout AUC 0\.6\d{3} is [3-4]\.\d\d null sd above its walk-forward AUC 0\.5\d{3}/,
      ),
    ]);
  });
});
