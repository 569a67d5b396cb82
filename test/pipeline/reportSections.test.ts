/**
 * report.html's evaluation sections carry the run's own numbers. A tracked run of the
 * planted-signal fixture (binary, one ticker) through the suite's MLflow server: the uploaded
 * report.html's tables against the result and against counts made here from its probabilities,
 * and evaluation.json against the tables. A three-class run on two bundled tickers: one-vs-rest
 * curves per class, a 3 × 3 confusion matrix, a row per ticker.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rocAuc } from "../../src/calibration";
import {
  type ExperimentResult,
  experimentFigures,
  experimentSummary,
  parseConfig,
  reportHtml,
  runExperiment,
  runTracked,
} from "../../src/pipeline";
import { scoreProbabilities } from "../../src/pipeline/classificationMetrics";
import { reportNumber } from "../../src/pipeline/reportSections";
import { MlflowClient } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";

/** The rows of the HTML table `id`, each a list of cell texts (header row first). */
function tableOf(html: string, id: string): string[][] {
  const m = html.match(new RegExp(`<table id="${id}"[^>]*>([\\s\\S]*?)</table>`));
  if (!m) throw new Error(`no table ${id}`);
  return [...m[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd]>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/&amp;/g, "&")),
  );
}

/** The table as records keyed by its header. */
function recordsOf(html: string, id: string): Record<string, string>[] {
  const [header, ...rows] = tableOf(html, id);
  return rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

function selectedProbs(r: ExperimentResult): { oof: Float64Array; holdout: Float64Array } {
  if (r.selected === "ensemble" && r.ensemble) return { oof: r.ensemble.oofProbs, holdout: r.ensemble.holdoutProbs };
  const m = r.models.find((x) => x.name === r.selected);
  if (!m) throw new Error(`no variant ${r.selected}`);
  return { oof: m.oofProbs, holdout: m.holdoutProbs };
}

const SECTIONS = ["ranking", "confusion", "reliability", "by-ticker", "by-regime"];

describe("report.html of a tracked binary run", () => {
  let r: ExperimentResult;
  let html: string;
  let evaluation: {
    curves: { variant: string; set: string; roc_auc: number; average_precision: number }[];
    confusion: { argmax: { counts: number[][] }; signal: { counts: number[][] } };
  };

  beforeAll(async () => {
    const uri = await testMlflowUri();
    const text = readFileSync(join(process.cwd(), "experiments/fixtures/planted-signal.yaml"), "utf8").replace(
      /experiment: planted-signal,/,
      `experiment: report-sections-${Date.now()}-${Math.random().toString(36).slice(2, 8)},`,
    );
    const tracked = await runTracked(parseConfig(text, "planted-signal.yaml"), {
      trackingUri: uri,
      progress: false,
      png: false,
    });
    r = tracked.result;
    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    const decode = async (path: string) => new TextDecoder().decode(await client.downloadArtifact(tracked.runId, path));
    html = await decode("report.html");
    evaluation = JSON.parse(await decode("evaluation.json"));
  }, 120_000);

  it("has every evaluation section, each with its figures", () => {
    for (const id of SECTIONS) expect(html).toContain(`<section id="${id}">`);
    const sections = html.slice(html.indexOf('<section id="ranking">'));
    // ROC, PR, two confusion matrices, the reliability diagram.
    expect(sections.match(/Plotly\.newPlot\(/g)?.length).toBe(5);
  });

  it("ROC-AUC per variant and set equals the run's scores; average precision equals evaluation.json", () => {
    const rows = recordsOf(html, "ranking-table");
    const variants = [...r.models.map((m) => ({ name: m.name, s: m })), { name: "ensemble", s: r.ensemble }];
    expect(rows.map((x) => `${x.variant}/${x.set}`)).toEqual(
      variants.flatMap((v) => [`${v.name}/oos`, `${v.name}/holdout`]),
    );
    for (const v of variants) {
      for (const set of ["oos", "holdout"] as const) {
        const row = rows.find((x) => x.variant === v.name && x.set === set);
        const scores = set === "oos" ? v.s?.oos : v.s?.holdout;
        expect(row?.["ROC-AUC"]).toBe(reportNumber(scores?.auc ?? Number.NaN));
        expect(row?.rows).toBe(String(scores?.rows));
        expect(row?.selected).toBe(v.name === r.selected ? "yes" : "");
        const json = evaluation.curves.find((c) => c.variant === v.name && c.set === set);
        expect(row?.["average precision"]).toBe(reportNumber(json?.average_precision ?? Number.NaN));
        expect(json?.roc_auc).toBe(scores?.auc);
      }
    }
  });

  it("confusion matrices equal counts made here from the selected variant's OOF probabilities", () => {
    const { oof } = selectedProbs(r);
    const argmax = [
      [0, 0],
      [0, 0],
    ];
    const signal = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    const { long_above, short_above } = r.config.signals;
    for (const row of r.plan.rows) {
      const y = r.y[row];
      const p = oof[row];
      if (Number.isNaN(y) || Number.isNaN(p)) continue;
      argmax[y][p > 0.5 ? 1 : 0]++;
      const long = p >= long_above;
      const short = 1 - p >= short_above;
      signal[y][long && short ? (p > 1 - p ? 2 : 1 - p > p ? 0 : 1) : long ? 2 : short ? 0 : 1]++;
    }
    const cells = (id: string) => tableOf(html, id).slice(1);
    expect(cells("confusion-argmax")).toEqual(
      argmax.map((c, i) => [r.classes[i], ...c.map(String), String(c[0] + c[1])]),
    );
    expect(tableOf(html, "confusion-signal")[0]).toEqual(["true \\ predicted", "short", "flat", "long", "rows"]);
    expect(cells("confusion-signal")).toEqual(
      signal.map((c, i) => [r.classes[i], ...c.map(String), String(c[0] + c[1] + c[2])]),
    );
    expect(evaluation.confusion.argmax.counts).toEqual(argmax);
    expect(evaluation.confusion.signal.counts).toEqual(signal);
  });

  it("reliability before and after calibration: ECE and log-loss of raw and calibrated OOF", () => {
    const rows = recordsOf(html, "reliability-table");
    for (const m of r.models) {
      const row = rows.find((x) => x.variant === m.name);
      expect(row?.["ECE before"]).toBe(reportNumber(m.oosRaw.ece));
      expect(row?.["ECE after"]).toBe(reportNumber(m.oos.ece));
      expect(row?.["log-loss before"]).toBe(reportNumber(m.oosRaw.logloss));
      expect(row?.["log-loss after"]).toBe(reportNumber(m.oos.logloss));
      expect(row?.["calibrated folds"]).toBe(`${m.calibratedFolds} of ${r.plan.splits.length}`);
      // The raw probabilities the "before" curve reads score as the run's uncalibrated scores.
      expect(scoreProbabilities(r.y, m.oofRawProbs, r.width, r.plan.rows)).toEqual(m.oosRaw);
    }
    expect(rows.find((x) => x.variant === "ensemble")?.["ECE before"]).toBe("n/a");
  });

  it("by ticker: one ticker's rows are all rows; traded alone it is the portfolio", () => {
    const [row] = recordsOf(html, "by-ticker-table");
    const s = r.ensemble?.oos;
    const rep = r.backtest.run.report;
    const sim = r.backtest.run.simulation;
    let pnl = 0;
    for (const x of sim.trades.pnl) pnl += x;
    expect(row).toMatchObject({
      ticker: "PLNT",
      "OOS rows": String(s?.rows),
      "OOS AUC": reportNumber(s?.auc ?? Number.NaN),
      "OOS accuracy": reportNumber(s?.accuracy ?? Number.NaN),
      "holdout AUC": reportNumber(r.ensemble?.holdout.auc ?? Number.NaN),
      "Sharpe (alone)": reportNumber(rep.returns.sharpe, 3),
      "return % (alone)": reportNumber(rep.returns.totalReturn * 100, 1),
      "trades (alone)": String(rep.trades.trades),
      "portfolio P&L %": reportNumber((pnl / sim.initialCapital) * 100, 1),
    });
  });

  it("by regime: scores on each trend regime's rows, the backtest's regime statistics, warm-up last", () => {
    const rows = recordsOf(html, "by-regime-trend3");
    const { oof } = selectedProbs(r);
    expect(rows.map((x) => x.regime)).toEqual([...r.regimes.names, "undefined"]);
    r.regimes.names.forEach((name, k) => {
      const own = r.plan.rows.filter((row) => r.regimes.ids[row] === k);
      const s = scoreProbabilities(r.y, oof, r.width, own);
      const bt = r.backtest.run.report.byRegime.find((g) => g.name === name);
      expect(rows[k]).toMatchObject({
        "OOS rows": String(s.rows),
        "OOS AUC": reportNumber(s.auc),
        "OOS accuracy": reportNumber(s.accuracy),
        bars: String(bt?.bars),
        Sharpe: reportNumber(bt?.sharpe ?? Number.NaN, 3),
      });
    });
    const sum = (key: string) => rows.reduce((t, x) => t + Number(x[key]), 0);
    expect(sum("OOS rows")).toBe(scoreProbabilities(r.y, oof, r.width, r.plan.rows).rows);
    expect(sum("bars")).toBe(r.backtest.run.simulation.returns.length - 1); // bar 0 has no return
  });
});

describe("report.html of a three-class run on two tickers", () => {
  let r: ExperimentResult;
  let html: string;

  beforeAll(async () => {
    const config = `name: report-three-class
tracking: { experiment: report-three-class }
data: { tickers: [SPY, QQQ], timeframe: 1d, start: 2012-01-01, end: 2024-12-31 }
features:
  set:
    - { indicator: ret, params: { period: 1 } }
    - { indicator: ret, params: { period: 5 } }
    - { indicator: volume_zscore }
labels: { kind: triple_barrier, horizon: 5, barriers: { upper: 1, lower: 1, scale: vol_20 }, output: three_class }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models:
  - { kind: gbm, params: { n_trees: 20, max_depth: 2, learning_rate: 0.1, min_child_weight: 20 } }
  - { kind: logistic, params: { C: 0.1 } }
ensemble: { kind: weighted }
calibration: { method: temperature }
backtest: { benchmark: SPY, stress: [] }
`;
    r = await runExperiment(parseConfig(config, "three.yaml"), { progress: false });
    html = reportHtml(r, experimentFigures(r), experimentSummary(r, null));
  }, 120_000);

  it("one-vs-rest curves per class: each AUC as computed here, their mean the run's AUC", () => {
    expect(r.width).toBe(3);
    const rows = recordsOf(html, "ranking-table");
    for (const m of r.models) {
      const own = rows.filter((x) => x.variant === m.name && x.set === "oos");
      expect(own.map((x) => x["positive class"])).toEqual([...r.classes]);
      const aucs = r.classes.map((_, c) => {
        const present = Array.from(r.plan.rows).filter(
          (row) => !Number.isNaN(r.y[row]) && !Number.isNaN(m.oofProbs[row * 3]),
        );
        return rocAuc(
          present.map((row) => (r.y[row] === c ? 1 : 0)),
          present.map((row) => m.oofProbs[row * 3 + c]),
        );
      });
      expect(own.map((x) => x["ROC-AUC"])).toEqual(aucs.map((a) => reportNumber(a)));
      expect(Math.abs(aucs.reduce((a, b) => a + b, 0) / 3 - m.oos.auc)).toBeLessThan(1e-12);
    }
  });

  it("a 3 × 3 arg-max confusion matrix and the signal's three positions", () => {
    const { oof } = selectedProbs(r);
    const counts = [0, 1, 2].map(() => [0, 0, 0]);
    for (const row of r.plan.rows) {
      const y = r.y[row];
      if (Number.isNaN(y) || Number.isNaN(oof[row * 3])) continue;
      const p = [0, 1, 2].map((c) => oof[row * 3 + c]);
      counts[y][p.indexOf(Math.max(...p))]++;
    }
    expect(tableOf(html, "confusion-argmax").slice(1)).toEqual(
      counts.map((c, i) => [r.classes[i], ...c.map(String), String(c[0] + c[1] + c[2])]),
    );
    const signal = tableOf(html, "confusion-signal");
    expect(signal[0]).toEqual(["true \\ predicted", "short", "flat", "long", "rows"]);
    expect(signal.slice(1).map((x) => x[0])).toEqual([...r.classes]);
  });

  it("a row per ticker; its trades' P&L shares add up to the portfolio's", () => {
    const rows = recordsOf(html, "by-ticker-table");
    expect(rows.map((x) => x.ticker)).toEqual(["SPY", "QQQ"]);
    expect(rows.reduce((a, x) => a + Number(x["OOS rows"]), 0)).toBe(r.ensemble?.oos.rows);
    const sim = r.backtest.run.simulation;
    const shares = r.backtest.byTicker.reduce((a, t) => a + t.contribution, 0);
    let pnl = 0;
    for (const x of sim.trades.pnl) pnl += x;
    expect(Math.abs(shares - pnl / sim.initialCapital)).toBeLessThan(1e-9);
    // Traded alone, each ticker is a backtest of its own, not the portfolio's numbers again.
    expect(r.backtest.byTicker[0].sharpe).not.toBe(r.backtest.byTicker[1].sharpe);
    for (const t of r.backtest.byTicker) expect(Number.isFinite(t.sharpe)).toBe(true);
  });
});
