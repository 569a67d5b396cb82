/**
 * `wsp drift <model> [--window 30d | --last n] [--json] [--act]`: a drift check of the model's
 * champion now (pipeline/monitoring/checkDrift.ts; docs/architecture.md "Drift checks"): the
 * per-feature table (top features first), the prediction's PSI, the accuracy band and the
 * verdict. The check is recorded as the job's is (a drift_monitoring row, a run in `monitoring`,
 * the webhook when WSP_ALERT_WEBHOOK is set). It acts only with `--act`: a retrain enqueued on
 * drift, the version paused on emergency; without it, it says what the job would do.
 *
 * Exit code: 0 no drift, 2 drift, 3 emergency (1 an error), so a shell or cron can branch on it.
 */
import type { Command } from "commander";
import { enqueueDriftRetrain } from "../../jobs";
import { checkDrift, type DriftReport, type DriftWindow } from "../pipeline";
import { ensureMlflowServer } from "../services";
import { MlflowClient } from "../tracking";
import { openStoreOf, type StoreFlags, withStoreOptions } from "./data";

export const DRIFT_EXIT = { ok: 0, drift: 2, emergency: 3 } as const;

function windowOf(flags: { window?: string; last?: string }): DriftWindow | undefined {
  if (flags.window !== undefined && flags.last !== undefined)
    throw new Error("wsp drift: give --window or --last, not both");
  if (flags.last !== undefined) {
    const n = Number(flags.last);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--last '${flags.last}': expected a number of signals ≥ 1`);
    return { last: n };
  }
  if (flags.window === undefined) return undefined;
  const m = /^(\d+)d$/.exec(flags.window);
  if (!m || Number(m[1]) < 1) throw new Error(`--window '${flags.window}': expected days such as 30d`);
  return { days: Number(m[1]) };
}

const num = (x: number | null, digits = 3) => (x === null ? "-" : x.toFixed(digits));

function printReport(r: DriftReport, act: boolean): void {
  const when = (t: number) => new Date(t).toISOString().slice(0, 10);
  console.log(`${r.model}/${r.version}: ${r.window.rows} signals, bars ${when(r.window.from)}..${when(r.window.to)}`);
  console.log(["feature", "top", "psi", "ks", "ks_p", "drifted"].join("\t"));
  for (const f of r.features) {
    const p = f.ksP === null ? "-" : f.ksP.toPrecision(3);
    console.log([f.name, f.top ? "top" : "", num(f.psi), num(f.ksStatistic), p, f.drifted ? "PSI>0.2" : ""].join("\t"));
  }
  console.log(`prediction PSI ${num(r.prediction.psi)}${r.prediction.drifted ? " (> 0.2)" : ""}`);
  const s = r.bandState;
  const pending = s.pending === null ? "" : `, ${s.pending} pending (${s.count} of 2 checks)`;
  console.log(
    `accuracy ${num(r.rollingAccuracy)} over the last 100 (baseline ${num(r.baselineAccuracy)}): band ${r.band ?? "- (fewer than 100 matured)"}, confirmed ${s.confirmed}${pending}`,
  );
  console.log(`verdict ${r.verdict}${r.reasons.length > 0 ? `: ${r.reasons.join("; ")}` : ""}`);
  if (r.verdict !== "ok" && !act) {
    const would = r.verdict === "emergency" ? "enqueue a retrain and pause the version" : "enqueue a retrain";
    console.log(`not acted on (--act would ${would})`);
  }
  console.log(`check ${r.checkId}${r.runUrl ? `, run ${r.runUrl}` : ""}`);
}

export function registerDriftCommand(program: Command): void {
  withStoreOptions(program.command("drift <model>"))
    .description("check a model's champion for drift (PSI, KS, accuracy band); exits 2 on drift, 3 on emergency")
    .option(
      "--window <days>",
      "its signals of the last days up to its latest one, e.g. 30d (default: 30d, and at least its latest 250)",
    )
    .option("--last <n>", "its latest n signals")
    .option("--json", "print the check as JSON")
    .option("--act", "act as the drift job does: enqueue a retrain on drift, pause the version on emergency")
    .action(
      async (model: string, flags: { window?: string; last?: string; json?: boolean; act?: boolean } & StoreFlags) => {
        const window = windowOf(flags);
        const server = await ensureMlflowServer();
        const store = await openStoreOf(flags);
        const act = flags.act === true;
        const r = await checkDrift({
          store,
          client: new MlflowClient({ trackingUri: server.uri }),
          model,
          window,
          act,
          log: (line) => console.error(line),
          onDrift: async (d) => {
            const e = await enqueueDriftRetrain({ model: d.model, checkedAt: d.checkedAt, schema: flags.schema });
            console.error(e.line);
          },
        }).finally(() => store.close());
        if (flags.json) console.log(JSON.stringify(r, null, 2));
        else printReport(r, act);
        process.exitCode = DRIFT_EXIT[r.verdict];
      },
    );
}
