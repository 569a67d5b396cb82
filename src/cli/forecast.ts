/**
 * `wsp forecast <ticker> [--model name@champion] [--asof time]` and `wsp forecast --all <model>`:
 * what the forecast service answers, from the shell. Features from the streaming path over the
 * store's bars, the registered version's calibrated probabilities, the config's signal, size and
 * stops; each new (ticker, bar, version) stored as a signal (docs/architecture.md, "Serving
 * forecasts"). A request the service would refuse exits 1 with the service's message.
 */
import type { Command } from "commander";
import { type BatchForecast, defaultModel, type Forecast, scoreTickers } from "../pipeline";
import { ensureMlflowServer } from "../services";
import { openStoreOf, type StoreFlags, withStoreOptions } from "./data";

function fixed(v: number | null, digits: number): string {
  return v === null ? "-" : v.toFixed(digits);
}

/** One line per forecast, a desk's columns. */
function printForecasts(forecasts: readonly Forecast[]): void {
  const header = ["ticker", "bar", "probabilities", "direction", "signal", "size", "stop", "target", "regime", "model"];
  console.log(header.join("\t"));
  for (const f of forecasts) {
    const probs = Object.entries(f.probabilities)
      .map(([c, p]) => `${c}=${p.toFixed(3)}`)
      .join(" ");
    console.log(
      [
        f.ticker,
        f.barTime.replace("T00:00:00.000Z", ""),
        probs,
        f.direction,
        f.signal,
        fixed(f.positionSize, 4),
        fixed(f.stopLoss, 2),
        fixed(f.takeProfit, 2),
        f.regime.name ?? "warming up",
        `${f.model.name}/${f.model.version}${f.model.alias ? `@${f.model.alias}` : ""}`,
      ].join("\t"),
    );
  }
}

export function registerForecastCommand(program: Command): void {
  withStoreOptions(program.command("forecast [ticker]"))
    .description("a registered model's forecast for a ticker, as the forecast service gives it; stored as a signal")
    .option("--model <ref>", "name (its champion), name@alias or name/version (default: the one promoted model)")
    .option("--asof <time>", "the latest bar at or before this date (2024-06-03) or date-time with zone")
    .option("--all", "every ticker the model was trained on (the `forecast` job's work)")
    .option("--json", "print the forecasts as JSON")
    .action(
      async (
        ticker: string | undefined,
        flags: { model?: string; asof?: string; all?: boolean; json?: boolean } & StoreFlags,
      ) => {
        if (flags.all === (ticker !== undefined)) {
          throw new Error("wsp forecast: give a ticker, or --all (not both)");
        }
        const server = await ensureMlflowServer();
        const store = await openStoreOf(flags);
        const out: BatchForecast = await scoreTickers(
          {
            model: flags.model ?? defaultModel(),
            tickers: ticker === undefined ? undefined : [ticker],
            asof: flags.asof,
          },
          { trackingUri: server.uri, store },
        ).finally(() => store.close());
        if (flags.json) console.log(JSON.stringify(out, null, 2));
        else {
          if (out.forecasts.length > 0) printForecasts(out.forecasts);
          for (const e of out.errors) console.error(`${e.ticker}: ${e.message}`);
        }
        if (out.errors.length > 0) process.exitCode = 1;
      },
    );
}
