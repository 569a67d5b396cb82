/**
 * A paper run's record: a run in the model's own experiment, beside its training run and its
 * backtests, tagged `wsp.role=paper` and with the model's run (`wsp.paper.model_run`), so the
 * monitoring page and `wsp promote`'s readers find it where they find the model. It holds the
 * period and speed as params, the headline figures as metrics, the equity per session as a metric
 * series, and three small CSVs: the daily report, the portfolio per bar and the trades. The
 * signals themselves are in the store (`trading_signals`), written by the forecaster.
 */
import { tradeLogToCsv } from "../../backtest";
import { type MlflowClient, openRecorder } from "../../tracking";
import { bookCsv, sessionsCsv } from "./paperReport";
import type { PaperResult } from "./paperTypes";

export async function recordPaper(
  client: MlflowClient,
  where: { experiment: string; outboxDir?: string; speed: number },
  r: PaperResult,
): Promise<string> {
  const recorder = await openRecorder({ client, outboxDir: where.outboxDir });
  const model = `${r.model.name}/${r.model.version}`;
  const run = await recorder.startRun({
    experiment: where.experiment,
    runName: `paper-${r.model.name}-v${r.model.version}-${r.period.from}`,
    tags: {
      "mlflow.source.name": `wsp paper ${model}`,
      "mlflow.source.type": "LOCAL",
      "wsp.role": "paper",
      "wsp.paper.model": model,
      "wsp.paper.model_run": r.model.runId,
    },
  });
  try {
    await run.logParams({
      model,
      from: r.period.from,
      to: r.period.to,
      speed: where.speed,
      timeframe: r.timeframe,
      tickers: r.book.tickers.join(","),
    });
    const sim = r.simulation;
    const n = sim.equity.length;
    await run.logMetrics({
      final_equity: sim.equity[n - 1],
      total_return: sim.equity[n - 1] / sim.initialCapital - 1,
      max_drawdown: sim.drawdown.reduce((m, v) => Math.min(m, v), 0),
      trades: sim.trades.length,
      bars: n,
      sessions: r.sessions.length,
      forecasts: r.forecasts.length,
      unforecast_bars: r.unforecast.length,
      seconds: r.seconds,
      replay_seconds: r.replaySeconds,
    });
    await run.logMetricSeries(
      "session_equity",
      r.sessions.map((s) => s.equity),
      r.sessions.map((_, k) => k),
    );
    await run.logArtifact("paper/daily.csv", sessionsCsv(r.sessions));
    await run.logArtifact("paper/portfolio.csv", bookCsv(r.book));
    await run.logArtifact("paper/trades.csv", tradeLogToCsv(sim.trades));
  } catch (err) {
    await run.end("FAILED", err);
    throw err;
  }
  await run.end("FINISHED");
  return run.runId;
}
