/**
 * `wsp paper --model name@alias --from <date> --to <date> [--speed <x>]`: a registered model
 * traded on paper over a recorded period, bar by bar through the forecast service's path into
 * the backtest's own kernel (pipeline/paper/paperTrade.ts). A progress bar on a terminal, then
 * the daily report and the paper run's id; the signals are in the store.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { isoDate } from "../data";
import { type PaperResult, paperTrade } from "../pipeline";
import { ensureMlflowServer } from "../services";
import { openStoreOf, type StoreFlags, withStoreOptions } from "./data";

function printReport(r: PaperResult): void {
  console.log(["date", "bars", "fills", "closed", "trade_pnl", "pnl", "return", "equity", "exposure"].join("\t"));
  for (const s of r.sessions) {
    console.log(
      [
        s.date,
        s.bars,
        s.fills,
        s.closedTrades,
        s.tradePnl.toFixed(2),
        s.pnl.toFixed(2),
        `${(100 * s.returnPct).toFixed(3)}%`,
        s.equity.toFixed(2),
        s.exposure.toFixed(3),
      ].join("\t"),
    );
  }
  const sim = r.simulation;
  const last = sim.equity[sim.equity.length - 1];
  console.log(
    `${r.model.name}/${r.model.version} on paper ${r.period.from}..${r.period.to}: ${sim.ts.length} ${r.timeframe} bars, ` +
      `${sim.trades.length} trades, equity ${last.toFixed(2)} (${(100 * (last / sim.initialCapital - 1)).toFixed(2)}%), ` +
      `${r.forecasts.length} forecasts, ${r.sourceBars} source bars in ${r.seconds.toFixed(1)} s`,
  );
  if (r.unforecast.length > 0) console.log(`${r.unforecast.length} bars without a forecast (features warming up)`);
  if (r.runId) console.log(`paper run: ${r.runId}`);
}

export function registerPaperCommand(program: Command): void {
  withStoreOptions(program.command("paper"))
    .description(
      "trade a registered model on paper over a recorded period: bars ingested, forecast and filled one by one",
    )
    .requiredOption("--model <ref>", "name (its champion), name@alias or name/version")
    .requiredOption("--from <date>", "first session (YYYY-MM-DD); the store holds the bars before it")
    .requiredOption("--to <date>", "last session (YYYY-MM-DD)")
    .option("--speed <x>", "0: as fast as possible; else a multiple of real time (market seconds per second)", "0")
    .option("--no-record", "do not record a paper run in MLflow")
    .action(async (flags: { model: string; from: string; to: string; speed: string; record: boolean } & StoreFlags) => {
      const speed = Number(flags.speed);
      if (!(speed >= 0 && Number.isFinite(speed))) {
        throw new Error(`wsp paper --speed: expected a number >= 0, got ${JSON.stringify(flags.speed)}`);
      }
      const server = await ensureMlflowServer();
      const store = await openStoreOf(flags);
      const bar = process.stderr.isTTY
        ? new SingleBar({
            format: "paper |{bar}| {value}/{total} bars {when} equity {equity}",
            stream: process.stderr,
            hideCursor: true,
          })
        : null;
      let started = false;
      try {
        const r = await paperTrade(
          flags.model,
          { from: flags.from, to: flags.to },
          {
            store,
            trackingUri: server.uri,
            speed,
            record: flags.record,
            onProgress: (p) => {
              const payload = { when: isoDate(p.barTs), equity: p.equity.toFixed(2) };
              if (!started) {
                bar?.start(p.total, p.done, payload);
                started = true;
              } else bar?.update(p.done, payload);
            },
          },
        );
        bar?.stop();
        printReport(r);
      } finally {
        bar?.stop();
        await store.close();
      }
    });
}
