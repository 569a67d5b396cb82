/**
 * `wsp serve`: the forecast service (docs/architecture.md, "Serving forecasts"). The
 * default model is the one promoted model's champion; the store is --db or DATABASE_URL's
 * PostgreSQL, else PGlite (then the service must be the store's only process); MLflow is the
 * project's server.
 * Promote and retrain jobs announce alias moves on Redis when it is reachable; the registry is
 * polled regardless. SIGINT/SIGTERM close the server, then the store.
 */
import type { Command } from "commander";
import { DEFAULT_DASHBOARD_URL, defaultModel } from "../pipeline";
import { discoverRedis, ensureMlflowServer } from "../services";
import { DEFAULT_HOST, DEFAULT_PORT, serveForecasts } from "../serving";
import { MlflowClient } from "../tracking";
import { openStoreOf, type StoreFlags, withStoreOptions } from "./data";

function positiveInt(name: string, text: string, min = 0): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} ${text}: expected an integer ≥ ${min}`);
  return v;
}

/** Redis for announcements, found as the job runner finds it; without one the registry poll remains. */
async function announcementsOf(prefix: string): Promise<{ url: string; prefix: string } | null> {
  try {
    const found = await discoverRedis();
    return { url: found.url, prefix };
  } catch {
    return null;
  }
}

export function registerServeCommand(program: Command): void {
  withStoreOptions(program.command("serve"))
    .description("the forecast service over HTTP: the champion's calibrated signals, stored as they are made")
    .option("--model <ref>", "name (its champion), name@alias or name/version (default: the one promoted model)")
    .option("--host <host>", "address to listen on", DEFAULT_HOST)
    .option("--port <port>", "port to listen on (0: any free one)", String(DEFAULT_PORT))
    .option("--fallback <previous|none>", "when the champion is removed: serve `previous`, or answer 503", "none")
    .option("--poll <ms>", "registry poll interval", "10000")
    .option("--refresh <ms>", "store poll interval for new bars", "1000")
    .option(
      "--prefix <prefix>",
      "job runner key prefix whose announcements to hear",
      process.env.WSP_QUEUE_PREFIX ?? "wsp",
    )
    .option("--anonymous", "no tokens, loopback only: a developer's machine (and a browser can open /monitor)")
    .option("--dashboard <url>", "the queue dashboard the monitoring page links to", DEFAULT_DASHBOARD_URL)
    .action(
      async (
        flags: {
          model?: string;
          host: string;
          port: string;
          fallback: string;
          poll: string;
          refresh: string;
          prefix: string;
          anonymous?: boolean;
          dashboard: string;
        } & StoreFlags,
      ) => {
        if (flags.fallback !== "previous" && flags.fallback !== "none") {
          throw new Error(`--fallback ${flags.fallback}: expected previous or none`);
        }
        const model = flags.model ?? defaultModel();
        const mlflow = await ensureMlflowServer();
        const store = await openStoreOf(flags);
        try {
          const service = await serveForecasts({
            model,
            store,
            client: new MlflowClient({ trackingUri: mlflow.uri, retries: 3, backoffMs: 200 }),
            fallback: flags.fallback,
            pollMs: positiveInt("poll", flags.poll),
            refreshMs: positiveInt("refresh", flags.refresh),
            host: flags.host,
            port: positiveInt("port", flags.port),
            allowAnonymous: flags.anonymous,
            dashboardUrl: flags.dashboard,
            announcements: await announcementsOf(flags.prefix),
          });
          const served = service.forecaster.served();
          console.error(
            `serving ${served ? `${served.name}/${served.version}${served.alias ? ` (@${served.alias})` : ""}` : `nothing yet for ${model} (no champion)`} at ${service.url} (docs: ${service.url}/docs; store: ${store.backend} ${store.location})`,
          );
          await new Promise<void>((resolve) => {
            const stop = () => resolve();
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
          });
          await service.close();
        } finally {
          await store.close();
        }
      },
    );
}
