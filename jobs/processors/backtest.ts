/**
 * `backtest`: a registered model (`name@alias`, `name/version`) or a registered run's id × a
 * backtest block → a run recording the backtest, tagged with the model's run
 * (pipeline/backtestModel.ts). Runs sandboxed (worker.ts).
 */
import { backtestModel } from "../../src/pipeline";
import { failFastOnInput, payloadOf, sandboxed } from "../processorKit";

export default sandboxed(async (job) => {
  const p = payloadOf("backtest", job);
  const r = await failFastOnInput(() =>
    backtestModel(p.model, p.backtest, { store: { schema: p.schema }, jobId: job.id, progress: false }),
  );
  // The per-bar predictions stay out of Redis; the run holds the statistics.
  return { runId: r.runId, model: r.model, report: { returns: r.report.returns, trades: r.report.trades } };
});
