/**
 * `wsp mlflow up|down|status|ui|sync`: the local MLflow tracking server (see src/services/mlflowServer)
 * and the replay of runs recorded while it was down (src/tracking/syncOutbox).
 * With MLFLOW_TRACKING_URI set, every command talks about that server and never starts or stops it.
 */
import { spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { describeAbandoned, endAbandonedRuns, MlflowClient, syncOutbox } from "../tracking";
import {
  DEFAULT_MLFLOW_PORT,
  ensureMlflowServer,
  findRepoRoot,
  type MlflowServerOptions,
  mlflowServerStatus,
  stopMlflowServer,
} from "../services";

interface ServerFlags {
  port: string;
  host: string;
}

function options(flags: ServerFlags): MlflowServerOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`--port: expected an integer 1..65535, got "${flags.port}"`);
  }
  return { port, host: flags.host };
}

function withServerOptions(cmd: Command): Command {
  return cmd
    .option("--port <port>", "port of the local server", String(DEFAULT_MLFLOW_PORT))
    .option("--host <host>", "interface the local server binds to", "127.0.0.1");
}

/** A browser is opened only on a desktop session; on servers and in CI the URL is all there is. */
function canOpenBrowser(): boolean {
  if (process.env.CI || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) return false;
  return spawnSync("sh", ["-c", "command -v xdg-open"], { stdio: "ignore" }).status === 0;
}

export function registerMlflowCommands(program: Command): void {
  const mlflow = program.command("mlflow").description("the local MLflow tracking server (UI and REST API)");

  withServerOptions(mlflow.command("up"))
    .description("start the local MLflow server unless one answers; it keeps running in the background")
    .action(async (flags: ServerFlags) => {
      const server = await ensureMlflowServer(options(flags));
      const how = server.external ? "(MLFLOW_TRACKING_URI)" : server.started ? "started" : "already running";
      console.log(`MLflow ${how}: ${server.uri}`);
    });

  withServerOptions(mlflow.command("down"))
    .description("stop the local MLflow server recorded in mlruns/server.pid")
    .action(async (flags: ServerFlags) => {
      if (process.env.MLFLOW_TRACKING_URI) {
        console.log(`MLFLOW_TRACKING_URI=${process.env.MLFLOW_TRACKING_URI} is not managed here; nothing stopped`);
        return;
      }
      const stopped = await stopMlflowServer(options(flags));
      console.log(stopped ? "MLflow server stopped" : "no local MLflow server was running");
    });

  withServerOptions(mlflow.command("status"))
    .description(
      "whether the MLflow server answers, its URL, pid and log; ends runs of dead processes on this host as KILLED",
    )
    .option("--outbox <dir>", "outbox directory whose stale locks are cleared (default <repo>/mlruns/outbox)")
    .action(async (flags: ServerFlags & { outbox?: string }) => {
      const s = await mlflowServerStatus(options(flags));
      console.log(`MLflow ${s.healthy ? "up" : "down"}: ${s.uri}${s.external ? " (MLFLOW_TRACKING_URI)" : ""}`);
      if (s.pid !== null) console.log(`pid ${s.pid}`);
      if (s.logPath) console.log(`log ${s.logPath}`);
      if (!s.healthy) {
        process.exitCode = 1;
        return;
      }
      const outboxDir = flags.outbox ? resolve(flags.outbox) : join(findRepoRoot(), "mlruns", "outbox");
      const swept = await endAbandonedRuns(new MlflowClient({ trackingUri: s.uri }), outboxDir);
      for (const line of describeAbandoned(swept)) console.log(line);
    });

  withServerOptions(mlflow.command("ui"))
    .description("make sure the server runs and print the UI's URL (opens a browser only on a desktop)")
    .action(async (flags: ServerFlags) => {
      const server = await ensureMlflowServer(options(flags));
      console.log(`MLflow UI: ${server.uri}`);
      if (canOpenBrowser()) spawn("xdg-open", [server.uri], { detached: true, stdio: "ignore" }).unref();
    });

  withServerOptions(mlflow.command("sync"))
    .description(
      "replay runs recorded while MLflow was down (mlruns/outbox) to the server; safe to interrupt and re-run",
    )
    .option("--outbox <dir>", "outbox directory (default <repo>/mlruns/outbox)")
    .action(async (flags: ServerFlags & { outbox?: string }) => {
      const outboxDir = flags.outbox ? resolve(flags.outbox) : join(findRepoRoot(), "mlruns", "outbox");
      const server = await ensureMlflowServer(options(flags));
      const client = new MlflowClient({ trackingUri: server.uri });
      const runs = await syncOutbox(client, outboxDir, (r) => {
        const id = r.serverRunId ? `${r.localId} -> ${r.serverRunId}` : r.localId;
        console.log(`${r.state.padEnd(7)} ${id} (${r.applied}/${r.total} entries)${r.reason ? `: ${r.reason}` : ""}`);
        for (const x of r.rejected) console.log(`  refused entry ${x.index} (${x.op}): ${x.error}`);
      });
      const synced = runs.filter((r) => r.state === "synced").length;
      console.log(`${synced} of ${runs.length} outbox run(s) synced to ${server.uri}`);
      if (synced < runs.length) process.exitCode = 1;
    });
}
