/**
 * `wsp monitor [--model ref]`: the monitoring page's tables in the terminal (issue 18, item 6):
 * the latest forecasts, the rolling accuracy and its band against the run's baseline, the latest
 * drift check's ten highest PSIs, and the paper run. Same data as `GET /monitor`
 * (pipeline/monitoring/monitorData.ts), read from the store and MLflow directly, so it works
 * without a running forecast service.
 */
import type { Command } from "commander";
import { defaultModel, forecastTable, type MonitorData, monitorData, resolveMonitoredModel } from "../pipeline";
import { ensureMlflowServer } from "../services";
import { MlflowClient } from "../tracking";
import { openStoreOf, printTable, type StoreFlags, withStoreOptions } from "./data";

/** Drift table rows: the features of the latest check with the highest PSI. */
const TOP_DRIFT_ROWS = 10;

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | null, digits: number) => (x === null || Number.isNaN(x) ? "-" : x.toFixed(digits));

function printForecasts(d: MonitorData): void {
  console.log(`latest forecasts (${d.forecasts.length})`);
  if (d.forecasts.length === 0) console.log("  none stored for this version yet");
  else {
    const { header, rows } = forecastTable(d);
    printTable(header, rows, [false, false, false, true, false, false, false, false]);
  }
}

function printAccuracy(d: MonitorData): void {
  const a = d.accuracy;
  const m = a.metrics;
  console.log(`\nrolling accuracy (last ${a.window} labelled outcomes)`);
  const rows: [string, string][] = [
    ["outcomes in window", `${m.n} of ${a.window}`],
    [
      "rolling accuracy",
      m.rollingAccuracy === null ? `- (partial window: ${pct(m.accuracy)})` : pct(m.rollingAccuracy),
    ],
    ["baseline (run oos_accuracy)", pct(a.baseline)],
    ...a.thresholds.map((t): [string, string] => [`${t.band} below`, pct(t.accuracy)]),
    ["band", a.band ?? "-"],
    ["live ECE / run", `${fixed(m.ece, 4)} / ${fixed(m.baseline.ece, 4)}`],
    ["live Brier", fixed(m.brier, 4)],
  ];
  printTable(["figure", "value"], rows, [false, true]);
  if (m.byRegime.length > 0) {
    console.log("");
    printTable(
      ["regime", "n", "hits", "hit rate"],
      m.byRegime.map((r) => [r.regime ?? "warming up", String(r.n), String(r.hits), pct(r.hitRate)]),
      [false, true, true, true],
    );
  }
}

function printDrift(d: MonitorData): void {
  const { checks, features, psi } = d.drift;
  const last = checks[checks.length - 1];
  if (last === undefined) {
    console.log("\ndrift\n  no drift check has run for this version yet");
    return;
  }
  const when = new Date(last.checkedAt).toISOString();
  console.log(
    `\ndrift (latest of ${checks.length} checks, ${when}): verdict ${last.verdict}, band ${last.band ?? "-"}, ` +
      `confirmed ${last.confirmedBand ?? "-"}, prediction PSI ${fixed(last.predictionPsi, 3)}`,
  );
  // The panel orders features by the latest check's PSI, highest first.
  const j = checks.length - 1;
  const drifted = new Set(last.driftedFeatures);
  const rows = features
    .slice(0, TOP_DRIFT_ROWS)
    .map((name, i) => [name, fixed(psi[i][j], 4), drifted.has(name) ? "drift" : ""]);
  if (rows.length === 0) console.log("  the check stored no PSI per feature");
  else printTable(["feature", "psi", ""], rows, [false, true, false]);
}

function printPaper(d: MonitorData): void {
  const p = d.paper;
  console.log("\npaper trading");
  if (p === null) {
    console.log("  no paper run for this version");
    return;
  }
  const last = p.ts.length - 1;
  const growth = (v: readonly number[]) => pct(v[last] / v[0] - 1);
  printTable(
    ["from", "to", "bars", "paper return", `${p.benchmark.name} return`],
    [
      [
        new Date(p.ts[0]).toISOString(),
        new Date(p.ts[last]).toISOString(),
        String(p.ts.length),
        growth(p.equity),
        growth(p.benchmark.values),
      ],
    ],
    [false, false, true, true, true],
  );
}

export function registerMonitorCommand(program: Command): void {
  withStoreOptions(program.command("monitor"))
    .description("the monitoring page's tables: latest forecasts, rolling accuracy and band, drift, paper run")
    .option("--model <ref>", "name (its champion), name@alias or name/version (default: the one promoted model)")
    .option("--forecasts <n>", "latest forecasts listed", "20")
    .action(async (flags: { model?: string; forecasts: string } & StoreFlags) => {
      const forecasts = Number(flags.forecasts);
      if (!Number.isInteger(forecasts) || forecasts < 1 || forecasts > 1000) {
        throw new Error(`--forecasts ${flags.forecasts}: expected an integer in 1..1000`);
      }
      const server = await ensureMlflowServer();
      const client = new MlflowClient({ trackingUri: server.uri, retries: 3, backoffMs: 200 });
      const model = await resolveMonitoredModel(client, flags.model ?? defaultModel());
      const store = await openStoreOf(flags);
      const d = await monitorData({ store, client, model, forecasts }).finally(() => store.close());
      console.log(`${model.name}/${model.version}${model.alias ? ` (@${model.alias})` : ""}, ${d.timeframe} bars\n`);
      printForecasts(d);
      printAccuracy(d);
      printDrift(d);
      printPaper(d);
      console.log(`\nqueue dashboard: ${d.dashboardUrl} (wsp dashboard)`);
    });
}
