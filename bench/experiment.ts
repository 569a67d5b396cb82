/**
 * `npm run bench -- experiment`: `npm start`'s default experiment (experiments/spy-daily.yaml)
 * end to end without the bootstrap and the data ingest, tracked to the local MLflow server (one
 * that answers is used; otherwise one is started for the benchmark and stopped after it). Prints
 * the per-phase breakdown, the process's CPU seconds and the load; the goal is < 30 s (the floor
 * < 3 minutes) with tracking < 5 % of the total. Last line: {"default_experiment_s", "tracking_share"}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_EXPERIMENT } from "../src/cli/start";
import { loadConfigFile, runTracked } from "../src/pipeline";
import { ensureMlflowServer, stopMlflowServer } from "../src/services";

const server = await ensureMlflowServer();
const outboxDir = mkdtempSync(join(tmpdir(), "wsp-bench-outbox-"));
try {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const run = await runTracked(loadConfigFile(DEFAULT_EXPERIMENT), {
    trackingUri: server.uri,
    outboxDir,
    progress: false,
  });
  const total = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const t = run.result.timings;
  const phases: [string, number][] = [
    ["load (read + validate)", (t.load ?? 0) + (t.validate ?? 0)],
    ["features", t.features ?? 0],
    ["labels + splits", (t.labels ?? 0) + (t.splits ?? 0)],
    ["CV training (all folds + holdout refit)", t.training ?? 0],
    ["calibration", t.calibration ?? 0],
    ["ensemble weights", t.ensemble ?? 0],
    ["backtest (every variant)", t.backtest ?? 0],
    ["leakage screen", t.leakage ?? 0],
    ["shuffled-label control", t.control ?? 0],
    ["report (figures, report.html, PNGs)", run.reportSeconds],
    ["tracking (MLflow writes)", run.trackingSeconds],
  ];
  const accounted = phases.reduce((s, [, v]) => s + v, 0);
  phases.push(["other (summary, TreeSHAP, scoring)", total - accounted]);
  console.log(
    `${DEFAULT_EXPERIMENT} on ${run.result.tickers.join(", ")}: ${run.result.models.length} models, ${run.result.plan.splits.length} folds`,
  );
  for (const [name, s] of phases) {
    console.log(`  ${name.padEnd(42)} ${s.toFixed(2).padStart(8)} s  ${((100 * s) / total).toFixed(1).padStart(5)} %`);
  }
  console.log(
    `  ${"total".padEnd(42)} ${total.toFixed(2).padStart(8)} s   (goal < 30 s, floor < 180 s, tracking < 5 %)`,
  );
  console.log(
    `  CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (every thread of this process; the MLflow server apart), load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  console.log(`run: ${run.runUrl ?? run.runId}`);
  console.log("(2-core machine shared with other engineers: figures are noisy)");
  console.log(JSON.stringify({ default_experiment_s: total, tracking_share: run.trackingSeconds / total }));
} finally {
  rmSync(outboxDir, { recursive: true, force: true });
  if (server.started) await stopMlflowServer();
}
