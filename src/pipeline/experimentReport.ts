/**
 * What a run shows a reviewer: the figures (importance, SHAP, equity, drawdown, per-fold scores),
 * the evaluation sections (reportSections.ts: ROC and precision-recall curves, confusion
 * matrices, reliability before and after calibration, breakdowns by ticker and by regime), the
 * text summary the CLI prints, and one self-contained `report.html` with
 * plotly inlined once. Figures live in report.html only: a page per figure would carry its own
 * 4.6 MB copy of plotly (35 MB a run, most of the tracking time); their data go out as JSON and
 * the key ones as PNGs. Every artifact the tracker uploads is built here.
 */
import { DSR_LABEL, tradeLogToCsv } from "../backtest";
import { formatReport, isoDate, isoNewYork, isIntraday } from "../data";
import type { Importance } from "../models";
import { barFigure, equityFigure, figureHtml, lineFigure, plotlyJs } from "../viz";
import type { Scores } from "./classificationMetrics";
import type { ExperimentResult } from "./runExperiment";
import type { NamedFigure } from "./namedFigure";
import { reportSections, sectionHtml } from "./reportSections";
import { classCounts, holdoutGapNote } from "./runNotes";

export type { NamedFigure } from "./namedFigure";

function topOf(imp: Importance, k: number): { names: string[]; values: number[] } {
  const order = Array.from(imp.values.keys()).sort((a, b) => imp.values[b] - imp.values[a]);
  const top = order.slice(0, k);
  return { names: top.map((i) => imp.names[i]), values: top.map((i) => imp.values[i]) };
}

/** Importance as JSON: every feature, largest first. */
export function importanceJson(imp: Importance): { feature: string; value: number }[] {
  const order = Array.from(imp.values.keys()).sort((a, b) => imp.values[b] - imp.values[a]);
  return order.map((i) => ({ feature: imp.names[i], value: imp.values[i] }));
}

export function experimentFigures(r: ExperimentResult): NamedFigure[] {
  const figures: NamedFigure[] = [];
  const sel = r.models.find((m) => m.name === r.selected) ?? r.models[0];
  const gain = topOf(sel.importance, 25);
  figures.push({
    name: "features/importance",
    figure: barFigure(gain.names, [{ name: `${sel.name} gain`, values: gain.values }], {
      title: `feature importance (${sel.name}, split gain, top 25)`,
      horizontal: true,
    }),
  });
  if (sel.shap) {
    const shap = topOf(sel.shap, 25);
    figures.push({
      name: "shap/summary",
      figure: barFigure(shap.names, [{ name: "mean |SHAP|", values: shap.values }], {
        title: `SHAP summary (${sel.name}, mean |SHAP| on holdout rows, top 25)`,
        horizontal: true,
      }),
    });
  }
  const bt = r.backtest;
  const sim = bt.run.simulation;
  figures.push({
    name: "backtest/equity",
    figure: equityFigure(sim.ts, sim.equity, {
      timeframe: bt.bars.timeframe,
      logY: true,
      title: `equity (${bt.variant}, after costs) vs buy-and-hold`,
      benchmark: bt.benchmark ? { name: `${bt.benchmark.ticker} buy-and-hold`, values: bt.benchmark.close } : undefined,
    }),
  });
  figures.push({
    name: "backtest/drawdown",
    figure: lineFigure([{ name: "drawdown", ts: sim.ts, values: sim.drawdown }], {
      timeframe: bt.bars.timeframe,
      title: "drawdown",
      yTitle: "below peak",
    }),
  });
  const folds = r.plan.splits.map((s) => isoDate(s.testFrom));
  figures.push({
    name: "validation/folds",
    figure: barFigure(
      folds,
      r.models.map((m) => ({ name: `${m.name} AUC`, values: m.foldScores.map((f) => f.auc) })),
      { title: "walk-forward AUC per test fold (raw probabilities)", valueTitle: "ROC-AUC" },
    ),
  });
  figures.push(...reportSections(r).flatMap((s) => s.figures));
  return figures;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function f(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

function scoreRow(name: string, s: Scores): string {
  return `${pad(name, 12)}${pad(f(s.auc), 9)}${pad(f(s.logloss), 10)}${pad(f(s.ece), 9)}${pad(f(s.accuracy), 9)}${s.rows}`;
}

/** A line per variant whose holdout AUC departs from its walk-forward AUC beyond the null spread. */
function holdoutGapLines(r: ExperimentResult): string[] {
  const positive = r.width === 1 ? 1 : r.width - 1;
  const variants = [
    ...r.models.map((m) => ({ name: m.name, oos: m.oos, holdout: m.holdout, oof: m.oofProbs, ho: m.holdoutProbs })),
    ...(r.ensemble
      ? [
          {
            name: "ensemble",
            oos: r.ensemble.oos,
            holdout: r.ensemble.holdout,
            oof: r.ensemble.oofProbs,
            ho: r.ensemble.holdoutProbs,
          },
        ]
      : []),
  ];
  return variants.flatMap((v) => {
    const note = holdoutGapNote(
      v.name,
      v.oos,
      v.holdout,
      classCounts(r.y, v.oof, r.width, r.plan.rows, positive),
      classCounts(r.y, v.ho, r.width, r.plan.holdout, positive),
    );
    return note ? [note] : [];
  });
}

function when(ts: number, intraday: boolean): string {
  return intraday ? isoNewYork(ts).slice(0, 16) : isoDate(ts);
}

/** The text the CLI prints and report.html opens with. */
export function experimentSummary(r: ExperimentResult, runUrl: string | null): string {
  const lines: string[] = [];
  const c = r.config;
  const intraday = isIntraday(r.backtest.bars.timeframe);
  const plan = r.plan;
  if (c.description) lines.push(c.description.trim(), "");
  lines.push(
    `experiment ${c.name}: ${r.tickers.join(", ")} ${c.data.timeframe}, ${r.features.names.length} features, labels ${c.labels.kind} (${r.classes.join("/")})`,
  );
  lines.push(
    `validation ${plan.kind}: ${plan.splits.length} folds on ${plan.rows.length} rows; final holdout ${plan.holdout.length} rows from ${when(plan.holdoutFrom, intraday)}`,
  );
  const header = `${pad("model", 12)}${pad("AUC", 9)}${pad("log-loss", 10)}${pad("ECE", 9)}${pad("accuracy", 9)}rows`;
  lines.push("", "out of sample (walk-forward, calibrated):", header);
  for (const m of r.models) lines.push(scoreRow(m.name, m.oos));
  if (r.ensemble) lines.push(scoreRow("ensemble", r.ensemble.oos));
  lines.push("", "final holdout:", header);
  for (const m of r.models) lines.push(scoreRow(m.name, m.holdout));
  if (r.ensemble) {
    lines.push(scoreRow("ensemble", r.ensemble.holdout));
    const e = r.ensemble;
    // Stacking has no weights: its numbers are each member's share of the meta-model's |coefficients|.
    const what =
      e.kind === "stacking" ? "member shares of the stacking model" : e.kind === "fixed" ? "fixed weights" : "weights";
    const fitted = e.kind === "mean" || e.kind === "fixed" ? "" : " (fitted on OOF)";
    lines.push(
      `ensemble ${e.kind}, ${what}${fitted}: ${e.members.map((n, i) => `${n} ${f(e.weights[i], 3)}`).join(", ")}`,
    );
  }
  lines.push(...holdoutGapLines(r));
  const rep = r.backtest.run.report;
  const bench = rep.returns.informationRatio;
  lines.push(
    "",
    `backtest (${r.backtest.variant}, costs included, ${when(r.backtest.bars.ts[0], intraday)}..${when(r.backtest.bars.ts[r.backtest.bars.ts.length - 1], intraday)}):`,
    `  Sharpe ${f(rep.returns.sharpe, 3)}  ${DSR_LABEL} ${f(rep.deflatedSharpe, 3)} (absolute, ${r.backtest.trials} trials)  max drawdown ${f(rep.returns.maxDrawdown * 100, 1)} %  win rate ${f(rep.trades.winRate * 100, 1)} % (${rep.trades.trades} trades)`,
    `  annual return ${f(rep.returns.annualReturn * 100, 2)} %  volatility ${f(rep.returns.annualVolatility * 100, 2)} %  exposure ${f(rep.exposure * 100, 1)} %`,
  );
  if (rep.active) {
    lines.push(
      `  active vs ${c.backtest.benchmark} (strategy - beta x benchmark${c.sizing.kind === "vol_target" ? " held at the vol target" : ""}, beta ${f(rep.active.beta, 3)}): Sharpe ${f(rep.active.sharpe, 3)}  ${DSR_LABEL} ${f(rep.active.deflatedSharpe, 3)}`,
    );
  }
  lines.push(`  gated ${DSR_LABEL} (promotion.dsr_basis ${c.promotion.dsr_basis}): ${f(r.backtest.deflatedSharpe, 3)}`);
  if (r.backtest.benchmark) {
    const b = benchmarkStats(r);
    lines.push(
      `  buy-and-hold ${r.backtest.benchmark.ticker}: Sharpe ${f(b.sharpe, 3)}  max drawdown ${f(b.maxDrawdown * 100, 1)} %  total return ${f(b.totalReturn * 100, 1)} % (strategy ${f(rep.returns.totalReturn * 100, 1)} %; information ratio ${f(bench, 3)})`,
    );
  }
  for (const s of rep.stress)
    lines.push(`  stress ${s.name}: Sharpe ${f(s.sharpe, 2)}, return ${f(s.totalReturn * 100, 1)} %`);
  for (const s of rep.byRegime) {
    lines.push(
      `  regime ${s.name} (${r.tickers[0]}): ${s.bars} bars, Sharpe ${f(s.sharpe, 2)}, exposure ${f(s.exposure * 100, 1)} %`,
    );
  }
  lines.push("", "leakage checks:");
  if (r.leakage.flags.length === 0)
    lines.push(
      `  none flagged (univariate AUC screen > ${c.leakage.auc_threshold}, accuracy > ${c.leakage.max_direction_accuracy})`,
    );
  for (const l of r.leakage.flags) lines.push(`  ${l}`);
  if (r.control) {
    lines.push(
      "",
      `shuffled-label control (${r.control.model}): OOS AUC ${f(r.control.oos.auc)}, log-loss ${f(r.control.oos.logloss)}, Sharpe ${f(r.control.sharpe, 3)}, ${DSR_LABEL} ${f(r.control.deflatedSharpeAbsolute, 3)} absolute, active Sharpe ${f(r.control.activeSharpe, 3)}, ${DSR_LABEL} ${f(r.control.deflatedSharpeActive, 3)} active`,
    );
  }
  lines.push(
    "",
    `promotion gates: ${r.gates.passed ? "PASSED" : "REFUSED"} (the champion comparison happens at \`wsp promote\`)`,
  );
  for (const g of r.gates.checks) lines.push(`  [${g.passed ? "ok" : "no"}] ${g.name}: ${g.detail}`);
  if (r.notes.length > 0) {
    lines.push("", "notes:");
    for (const n of r.notes) lines.push(`  ${n}`);
  }
  lines.push(
    "",
    `timings: ${Object.entries(r.timings)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(", ")}`,
  );
  if (runUrl) lines.push(`MLflow run: ${runUrl}`);
  return lines.join("\n");
}

/** Buy-and-hold statistics of the benchmark over the backtest bars (price return). */
export function benchmarkStats(r: ExperimentResult): { sharpe: number; maxDrawdown: number; totalReturn: number } {
  const b = r.backtest.benchmark;
  if (!b) return { sharpe: Number.NaN, maxDrawdown: Number.NaN, totalReturn: Number.NaN };
  const ppy = r.backtest.run.simulation.periodsPerYear;
  let sum = 0;
  let sq = 0;
  let peak = b.close[0];
  let mdd = 0;
  const n = b.close.length - 1;
  for (let t = 1; t <= n; t++) {
    const ret = b.close[t] / b.close[t - 1] - 1;
    sum += ret;
    sq += ret * ret;
    peak = Math.max(peak, b.close[t]);
    mdd = Math.min(mdd, b.close[t] / peak - 1);
  }
  const mean = sum / n;
  const sd = Math.sqrt((sq - n * mean * mean) / (n - 1));
  return { sharpe: (mean / sd) * Math.sqrt(ppy), maxDrawdown: mdd, totalReturn: b.close[n] / b.close[0] - 1 };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * One page: the summary, the run's figures, then the evaluation sections (reportSections.ts)
 * with their tables and figures; plotly inlined once.
 */
export function reportHtml(r: ExperimentResult, figures: readonly NamedFigure[], summary: string): string {
  const rendered = new Map(figures.map((nf, i) => [nf.name, figureHtml(nf.figure, { id: `figure-${i}` })]));
  const sections = reportSections(r);
  const inSections = new Set(sections.flatMap((s) => s.figures.map((nf) => nf.name)));
  const plain = figures.filter((nf) => !inSections.has(nf.name)).flatMap((nf) => rendered.get(nf.name) ?? []);
  const evaluation = sections.map((s) =>
    sectionHtml(
      s,
      s.figures.flatMap((nf) => rendered.get(nf.name) ?? []),
    ),
  );
  const body = [...plain, ...evaluation].join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(r.config.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px}pre{background:#f6f6f6;padding:12px;overflow-x:auto}.wsp-figure{margin-bottom:24px}.wsp-note{color:#555}.wsp-table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}.wsp-table caption{text-align:left;font-weight:600;padding-bottom:4px}.wsp-table th,.wsp-table td{border:1px solid #ddd;padding:3px 8px;text-align:right}.wsp-table th:first-child,.wsp-table td:first-child{text-align:left}</style>
<script>${plotlyJs()}</script>
</head>
<body>
<h1>${escapeHtml(r.config.name)}</h1>
<pre>${escapeHtml(summary)}</pre>
${body}
</body>
</html>
`;
}

/** Predictions per label row as CSV: time (and ticker when several), label, every variant's probabilities. */
export function predictionsCsv(r: ExperimentResult, which: "oof" | "holdout"): string {
  const rows = which === "oof" ? r.plan.rows : r.plan.holdout;
  const intraday = isIntraday(r.backtest.bars.timeframe);
  const variants = [
    ...r.models.map((m) => ({ name: m.name, probs: which === "oof" ? m.oofProbs : m.holdoutProbs })),
    ...(r.ensemble
      ? [{ name: "ensemble", probs: which === "oof" ? r.ensemble.oofProbs : r.ensemble.holdoutProbs }]
      : []),
  ];
  const cls = r.width === 1 ? [r.classes[1]] : [...r.classes];
  const several = r.tickers.length > 1;
  const header = [
    "time",
    ...(several ? ["ticker"] : []),
    "label",
    ...variants.flatMap((v) => cls.map((c) => `${v.name}_p_${c}`)),
  ];
  const lines = [header.join(",")];
  for (const row of rows) {
    const cells = [when(r.panel.ts[row], intraday)];
    if (several) cells.push(r.tickers[r.panel.rowTicker[row]]);
    cells.push(Number.isNaN(r.y[row]) ? "" : r.classes[r.y[row]]);
    for (const v of variants) for (let c = 0; c < r.width; c++) cells.push(String(v.probs[row * r.width + c]));
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function tradesCsv(r: ExperimentResult): string {
  return tradeLogToCsv(r.backtest.run.simulation.trades);
}

export function validationReportText(r: ExperimentResult): string {
  return formatReport(r.validation, 5);
}
