/**
 * The report's evaluation sections, each a heading, a line on how to read it, tables of its
 * numbers (HTML text, so a reader can copy them) and its figures: ROC and precision-recall
 * curves, confusion matrices, reliability before and after calibration, breakdowns by ticker and
 * by regime. Numbers come from reportEvaluation.ts.
 */
import { type Curve, type CurvePanel, confusionFigure, curveFigure, escapeHtml, htmlTable } from "../viz";
import type { ConfusionTable } from "./confusionTables";
import type { ExperimentResult } from "./experimentResult";
import type { NamedFigure } from "./namedFigure";
import type { EvaluationSet, RankingCurve } from "./rankingCurves";
import type { SliceScores } from "./reportBreakdowns";
import { reportEvaluation } from "./reportEvaluation";

export interface ReportTable {
  id: string;
  caption: string;
  header: string[];
  rows: string[][];
}

export interface ReportSection {
  id: string;
  heading: string;
  note: string;
  tables: ReportTable[];
  figures: NamedFigure[];
}

/** The report's number format: fixed digits, "n/a" where undefined. */
export function reportNumber(x: number | null, digits = 4): string {
  return x !== null && Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

const percent = (x: number) => reportNumber(x * 100, 1);

const SET_TITLE: Record<EvaluationSet, string> = {
  oos: "out of sample (walk-forward, calibrated)",
  holdout: "final holdout",
};

function curveName(c: RankingCurve, width: number): string {
  return width === 1 ? c.variant : `${c.variant}: ${c.positive} vs rest`;
}

function curvePanels(
  curves: readonly RankingCurve[],
  point: (c: RankingCurve) => Curve,
  reference: (set: EvaluationSet, own: readonly RankingCurve[]) => CurvePanel["reference"],
): CurvePanel[] {
  return (["oos", "holdout"] as const).map((set) => {
    const own = curves.filter((c) => c.set === set);
    return { title: SET_TITLE[set], curves: own.map(point), reference: reference(set, own) };
  });
}

function rankingSection(r: ExperimentResult): ReportSection {
  const curves = reportEvaluation(r).curves;
  const roc = curveFigure(
    curvePanels(
      curves,
      (c) => ({ name: curveName(c, r.width), x: c.roc.fpr, y: c.roc.tpr, highlight: c.selected }),
      () => ({ name: "chance", x: [0, 1], y: [0, 1] }),
    ),
    {
      title: `ROC curves (selected: ${r.selected}, drawn thick)`,
      xTitle: "false positive rate",
      yTitle: "true positive rate",
    },
  );
  const pr = curveFigure(
    curvePanels(
      curves,
      (c) => ({ name: curveName(c, r.width), x: c.pr.recall, y: c.pr.precision, highlight: c.selected }),
      // The base rate is what a random ranking scores; with K classes each class has its own.
      (_, own) =>
        r.width === 1 && own.length > 0
          ? { name: "base rate", x: [0, 1], y: [own[0].positives / own[0].rows, own[0].positives / own[0].rows] }
          : undefined,
    ),
    { title: `precision-recall curves (selected: ${r.selected}, drawn thick)`, xTitle: "recall", yTitle: "precision" },
  );
  return {
    id: "ranking",
    heading: "ROC and precision-recall curves",
    note:
      r.width === 1
        ? `P(${r.classes[1]}) ranks the rows; average precision is the step sum Σ (R_i − R_{i+1}) · P_i (scikit-learn's), against the base rate a random ranking scores.`
        : `One curve per class, P(class) against the rest; the run's AUC is their macro mean. Average precision is scikit-learn's step sum.`,
    tables: [
      {
        id: "ranking-table",
        caption: "ROC-AUC and average precision per variant and set",
        header: [
          "variant",
          "selected",
          "set",
          "positive class",
          "rows",
          "positives",
          "ROC-AUC",
          "average precision",
          "base rate",
        ],
        rows: curves.map((c) => [
          c.variant,
          c.selected ? "yes" : "",
          c.set,
          c.positive,
          String(c.rows),
          String(c.positives),
          reportNumber(c.auc),
          reportNumber(c.pr.averagePrecision),
          reportNumber(c.positives / c.rows),
        ]),
      },
    ],
    figures: [
      { name: "evaluation/roc", figure: roc },
      { name: "evaluation/precision_recall", figure: pr },
    ],
  };
}

function confusionTable(id: string, caption: string, t: ConfusionTable): ReportTable {
  return {
    id,
    caption,
    header: ["true \\ predicted", ...t.predictedLabels, "rows"],
    rows: t.counts.map((row, i) => [t.trueLabels[i], ...row.map(String), String(row.reduce((a, b) => a + b, 0))]),
  };
}

function confusionSection(r: ExperimentResult): ReportSection {
  const { argmax, signal } = reportEvaluation(r).confusion;
  const s = r.config.signals;
  const thresholds = `long at P(up) >= ${s.long_above}, short at P(down) >= ${s.short_above}`;
  return {
    id: "confusion",
    heading: "Confusion matrices",
    note: `The selected variant (${argmax.variant}) on its ${argmax.rows} out-of-sample rows: its arg-max class, and the position the signals take (${thresholds}), against the label.`,
    tables: [
      confusionTable("confusion-argmax", "arg-max class against the label (counts)", argmax),
      confusionTable("confusion-signal", `signal position against the label (${thresholds})`, signal),
    ],
    figures: [
      {
        name: "evaluation/confusion",
        figure: confusionFigure(argmax.trueLabels, argmax.predictedLabels, argmax.counts, {
          title: `confusion matrix (${argmax.variant}, out of sample, arg-max)`,
        }),
      },
      {
        name: "evaluation/confusion_signal",
        figure: confusionFigure(signal.trueLabels, signal.predictedLabels, signal.counts, {
          title: `signal positions against the label (${signal.variant}, out of sample)`,
          xTitle: "position",
        }),
      },
    ],
  };
}

function reliabilitySection(r: ExperimentResult): ReportSection {
  const rel = reportEvaluation(r).reliability;
  const points = (t: { count: Float64Array; meanPredicted: Float64Array; observed: Float64Array }) => {
    const x: number[] = [];
    const y: number[] = [];
    t.count.forEach((c, b) => {
      if (c > 0) {
        x.push(t.meanPredicted[b]);
        y.push(t.observed[b]);
      }
    });
    return { x, y };
  };
  const diagonal = { name: "perfect", x: [0, 1], y: [0, 1] };
  const before: Curve[] = rel.flatMap((v) =>
    v.before ? [{ name: v.variant, ...points(v.before.table), highlight: v.selected, markers: true }] : [],
  );
  const after: Curve[] = rel.map((v) => ({
    name: v.variant,
    ...points(v.after.table),
    highlight: v.selected,
    markers: true,
  }));
  const folds = r.plan.splits.length;
  return {
    id: "reliability",
    heading: "Reliability before and after calibration",
    note: `Out-of-fold rows, 10 equal-width bins of ${r.width === 1 ? `P(${r.classes[1]})` : "the top class's confidence"}; calibration method ${r.config.calibration.method}, each fold calibrated on earlier folds only (the first folds, with too little earlier data, stay raw). The ensemble blends calibrated members: it has no raw curve.`,
    tables: [
      {
        id: "reliability-table",
        caption: "expected calibration error and log-loss, out of fold",
        header: [
          "variant",
          "selected",
          "ECE before",
          "ECE after",
          "log-loss before",
          "log-loss after",
          "calibrated folds",
        ],
        rows: rel.map((v) => [
          v.variant,
          v.selected ? "yes" : "",
          reportNumber(v.before?.scores.ece ?? null),
          reportNumber(v.after.scores.ece),
          reportNumber(v.before?.scores.logloss ?? null),
          reportNumber(v.after.scores.logloss),
          v.calibratedFolds === null ? "n/a" : `${v.calibratedFolds} of ${folds}`,
        ]),
      },
    ],
    figures: [
      {
        name: "calibration/reliability",
        figure: curveFigure(
          [
            { title: "before: raw out-of-fold probabilities", curves: before, reference: diagonal },
            { title: `after: ${r.config.calibration.method} calibration`, curves: after, reference: diagonal },
          ],
          {
            title: "calibration reliability (out of fold)",
            xTitle: r.width === 1 ? `predicted P(${r.classes[1]})` : "top-class confidence",
            yTitle: "observed frequency",
          },
        ),
      },
    ],
  };
}

function sliceCells(s: SliceScores): string[] {
  return [String(s.rows), reportNumber(s.auc), reportNumber(s.accuracy)];
}

function tickerSection(r: ExperimentResult): ReportSection {
  const rows = reportEvaluation(r).byTicker;
  return {
    id: "by-ticker",
    heading: "Breakdown by ticker",
    note: `The selected variant (${r.selected}) on each ticker's rows; the backtest columns trade the ticker alone with the run's signal, sizing and cost blocks, and give its trades' net P&L inside the portfolio as a share of the initial capital.`,
    tables: [
      {
        id: "by-ticker-table",
        caption: "scores and backtest per ticker",
        header: [
          "ticker",
          "OOS rows",
          "OOS AUC",
          "OOS accuracy",
          "holdout rows",
          "holdout AUC",
          "holdout accuracy",
          "Sharpe (alone)",
          "return % (alone)",
          "max drawdown % (alone)",
          "trades (alone)",
          "portfolio P&L %",
        ],
        rows: rows.map((t) => [
          t.ticker,
          ...sliceCells(t.oos),
          ...sliceCells(t.holdout),
          reportNumber(t.backtest.sharpe, 3),
          percent(t.backtest.totalReturn),
          percent(t.backtest.maxDrawdown),
          String(t.backtest.trades),
          percent(t.backtest.contribution),
        ]),
      },
    ],
    figures: [],
  };
}

function regimeSection(r: ExperimentResult): ReportSection {
  const schemes = r.regimeBreakdown.splits.filter((x) => x.split !== "ticker");
  return {
    id: "by-regime",
    heading: "Breakdown by regime",
    note: `Each regime scheme of the run (trend3 always; those in features.regimes), causal per bar with the regimes: block's settings (regimes/breakdown.json holds the same numbers). Scores on each regime's label rows (every ticker's own regime); the backtest columns are the traded portfolio's returns in the bars where ${r.tickers[0]} is in the regime. The undefined row (warm-up bars) closes each table, so its rows and bars add up to the whole.`,
    tables: schemes.map((x) => ({
      id: `by-regime-${x.split}`,
      caption: `${x.split}: scores and backtest per regime`,
      header: [
        "regime",
        "OOS rows",
        "OOS AUC",
        "OOS accuracy",
        "holdout rows",
        "holdout AUC",
        "holdout accuracy",
        "bars",
        "Sharpe",
        "return %",
        "exposure %",
        "hit rate %",
      ],
      rows: x.scores.map((g, k) => {
        const bt = x.backtest?.[k];
        return [
          x.codes[k] === g.name ? g.name : `${x.codes[k]} (${g.name})`,
          ...sliceCells(g.oos),
          ...sliceCells(g.holdout),
          bt ? String(bt.bars) : "0",
          reportNumber(bt?.sharpe ?? null, 3),
          bt ? percent(bt.totalReturn) : "n/a",
          bt ? percent(bt.exposure) : "n/a",
          bt ? percent(bt.hitRate) : "n/a",
        ];
      }),
    })),
    figures: [],
  };
}

export function reportSections(r: ExperimentResult): ReportSection[] {
  return [rankingSection(r), confusionSection(r), reliabilitySection(r), tickerSection(r), regimeSection(r)];
}

/** A section as HTML around its figures, already rendered (the page numbers every figure's div). */
export function sectionHtml(s: ReportSection, renderedFigures: readonly string[]): string {
  const tables = s.tables.map((t) => htmlTable(t.header, t.rows, { id: t.id, caption: t.caption })).join("\n");
  return `<section id="${escapeHtml(s.id)}">
<h2>${escapeHtml(s.heading)}</h2>
<p class="wsp-note">${escapeHtml(s.note)}</p>
${tables}
${renderedFigures.join("\n")}
</section>`;
}
