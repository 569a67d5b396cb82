/**
 * `backtest.grid:` and the go/no-go gates in the runner, untracked, on the planted-signal fixture:
 * the grid's configured point is the headline backtest (the sweep and the event engine agree),
 * its PBO is pbo.ts on the grid's own out-of-sample matrix, its points are trials, and the
 * holdout never selects. Bad values name their YAML path; a leaky run fails the accuracy gate as
 * leakage. The tracked run (`wsp run`, grid.json, the ledger, `wsp promote`) is gridRun.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { probabilityOfBacktestOverfitting } from "../../src/backtest";
import { ConfigError, runPhases } from "../../src/pipeline";
import { plantedSignalConfig } from "./plantedSignal";

function configWith(edit: (doc: Document) => void) {
  return plantedSignalConfig("grid-unit", "grid-unit-model", (doc) => {
    doc.setIn(["controls", "shuffled_labels"], false);
    edit(doc);
  });
}

function issuesOf(edit: (doc: Document) => void): string[] {
  try {
    configWith(edit);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

describe("backtest.grid in the runner", { timeout: 60_000 }, () => {
  it("trades the selected variant at every point; the configured point is the headline; PBO is pbo.ts on its matrix", async () => {
    const loaded = configWith((doc) => {
      doc.setIn(["backtest", "grid"], doc.createNode({ long_above: [0.5, 0.55, 0.6], short_above: "same" }));
    });
    const p = await runPhases(loaded, "backtest", { progress: false });
    const bt = p.backtest.backtest;
    const g = bt.grid;
    if (!g) throw new Error("no grid");
    expect(g.variant).toBe(bt.variant);
    expect(g.points.map((x) => x.point.name)).toEqual([
      "long_above=0.5,short_above=0.5",
      "long_above=0.55,short_above=0.55",
      "long_above=0.6,short_above=0.6",
    ]);
    // The configured point (0.55 / 0.55, the run's sizing) swept is the event engine's headline.
    const configured = g.points[1];
    const sim = bt.run.simulation;
    expect(configured.sharpePerPeriod).toBeCloseTo(bt.run.report.returns.sharpePerPeriod, 10);
    expect(configured.oos.sharpe).toBeCloseTo(bt.segments.oos.sharpe, 10);
    const column = g.oosReturns.matrix.subarray(g.oosReturns.rows, 2 * g.oosReturns.rows);
    expect(Array.from(column)).toEqual(Array.from(sim.returns.subarray(1, bt.holdoutStart)));
    expect(g.oosReturns.rows).toBe(bt.holdoutStart - 1);
    // PBO: pbo.ts on the same matrix, and it reads no holdout bar.
    const again = probabilityOfBacktestOverfitting(g.oosReturns.matrix, g.oosReturns.rows, 3, 16);
    expect(g.pbo?.pbo).toBe(again.pbo);
    expect(g.pbo?.splits).toBe(12870);
    // Best by out-of-sample Sharpe only.
    const sharpes = g.points.map((x) => x.oos.sharpe);
    expect(g.best).toBe(sharpes.indexOf(Math.max(...sharpes)));
    expect(g.bestHoldout.bars).toBe(sim.returns.length - bt.holdoutStart);
    // Every point is a trial beside the run's three variants (gbm, logistic, ensemble).
    expect(p.backtest.trials.count).toBe(3 + 3);
    expect(p.backtest.notes[0]).toMatch(
      /^backtest\.grid: 3 points on \w+, PBO [\d.]+ \(CSCV, 16 blocks, 12870 splits\); best by out-of-sample Sharpe: long_above=/,
    );
  });

  it("refuses bad grids by YAML path, and a grid over 1000 points naming backtest.grid", () => {
    expect(issuesOf((doc) => doc.setIn(["backtest", "grid"], doc.createNode({ long_above: [0.5, 1.5] })))).toEqual([
      expect.stringMatching(/backtest\.grid\.long_above/),
    ]);
    expect(
      issuesOf((doc) =>
        doc.setIn(["backtest", "grid"], doc.createNode({ long_above: { from: 0.6, to: 0.5, step: 0.01 } })),
      ),
    ).toEqual([expect.stringMatching(/backtest\.grid\.long_above/)]);
    expect(issuesOf((doc) => doc.setIn(["backtest", "grid"], doc.createNode({ sizing: [{ kind: "kelly" }] })))).toEqual(
      [expect.stringMatching(/backtest\.grid\.sizing\[0\]\.kind: expected one of fixed, vol_target/)],
    );
    expect(issuesOf((doc) => doc.setIn(["backtest", "grid"], doc.createNode({ pbo_blocks: 15 })))).toEqual([
      expect.stringMatching(/backtest\.grid\.pbo_blocks/),
    ]);
    const huge = issuesOf((doc) =>
      doc.setIn(
        ["backtest", "grid"],
        doc.createNode({
          long_above: { from: 0, to: 1, step: 0.001 },
          short_above: { from: 0, to: 1, step: 0.01 },
        }),
      ),
    );
    expect(huge).toEqual([
      expect.stringMatching(
        /backtest\.grid: 101101 points \(long_above 1001 x short_above 101 x sizing 1\) exceed the limit of 1000/,
      ),
    ]);
  });

  it("refuses a grid on several tickers and gates on figures the config cannot produce, before any phase", async () => {
    const two = configWith((doc) => {
      doc.setIn(["data", "tickers"], doc.createNode(["PLNT", "SENT"]));
      doc.setIn(["backtest", "grid"], doc.createNode({ long_above: [0.55, 0.6] }));
    });
    await expect(runPhases(two, "data", { progress: false })).rejects.toThrow(
      "backtest.grid: the vectorised sweep trades one series, this run trades 2 tickers (data.tickers)",
    );
    const pbo = configWith((doc) => doc.setIn(["promotion", "max_pbo"], 0.5));
    await expect(runPhases(pbo, "data", { progress: false })).rejects.toThrow(
      "promotion.max_pbo: gates the PBO of a threshold grid: add a backtest.grid block",
    );
    const stress = configWith((doc) => doc.setIn(["promotion", "max_stress_drawdown"], 0.25));
    await expect(runPhases(stress, "data", { progress: false })).rejects.toThrow(
      "promotion.max_stress_drawdown: gates the drawdown in the stress windows: name them in backtest.stress",
    );
  });
});

describe("go/no-go gates in the runner", { timeout: 60_000 }, () => {
  it("refuses bad thresholds by YAML path", () => {
    expect(issuesOf((doc) => doc.setIn(["promotion", "min_accuracy"], 55))).toEqual([
      expect.stringMatching(/promotion\.min_accuracy: expected a number in \(0, 1\], got 55/),
    ]);
    expect(issuesOf((doc) => doc.setIn(["promotion", "go_no_go_on"], "test"))).toEqual([
      expect.stringMatching(/promotion\.go_no_go_on: expected one of holdout, oos, got "test"/),
    ]);
  });

  it("a leaky run fails the accuracy gate as leakage, named with its value and threshold, and is refused", async () => {
    const leaky = configWith((doc) => {
      doc.setIn(["controls", "inject_leak"], true);
      doc.setIn(["promotion", "min_accuracy"], 0.55);
    });
    const p = await runPhases(leaky, "gates", { progress: false });
    const gate = p.gates.checks.find((c) => c.name === "min_accuracy");
    expect(gate?.passed).toBe(false);
    expect(gate?.threshold).toBe(0.55);
    expect(gate?.value).toBeGreaterThan(0.7);
    expect(gate?.detail).toMatch(
      /^final-holdout direction accuracy 0\.\d+ is above leakage\.max_direction_accuracy 0\.7: suspected leakage, refused$/,
    );
    expect(p.leakage.flags.some((f) => /direction accuracy 0\.\d+ > 0\.7 on the final holdout on PLNT/.test(f))).toBe(
      true,
    );
    expect(p.gates.checks.find((c) => c.name === "leakage")?.passed).toBe(false);
  });
});
