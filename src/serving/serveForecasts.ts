/**
 * The forecast service as one call: the forecaster (src/pipeline) over a store and the model
 * registry, its HTTP server, and the registry announcements it listens to. `wsp serve`, the
 * docker-compose service, the tests and the serving benchmark all start it here.
 */
import type { FastifyBaseLogger } from "fastify";
import { Forecaster, type ForecasterOptions } from "../pipeline";
import { registryChannel, watchRegistryChanges } from "./registryChanges";
import { type RunningServer, type ServerOptions, startServer } from "./server";

export interface ServeOptions extends ForecasterOptions, Omit<ServerOptions, "service"> {
  host?: string;
  port?: number;
  /** Redis to hear promote and retrain jobs on (their key prefix), or null to rely on the registry poll. */
  announcements?: { url: string; prefix: string } | null;
}

export interface RunningService {
  readonly url: string;
  readonly forecaster: Forecaster;
  readonly server: RunningServer;
  /** Stops listening, then the polls; the store is the caller's to close. */
  close(): Promise<void>;
}

export async function serveForecasts(opts: ServeOptions): Promise<RunningService> {
  let log: FastifyBaseLogger | null = null;
  const forecaster = await Forecaster.open({
    ...opts,
    onPollError: (err) => log?.warn({ err }, "registry or store poll failed; serving what was loaded"),
  });
  let watch: { close: () => Promise<void> } | null = null;
  try {
    const server = await startServer({ ...opts, service: forecaster });
    log = server.app.log;
    if (opts.announcements) {
      const { url, prefix } = opts.announcements;
      watch = await watchRegistryChanges(url, prefix, (model) => {
        if (forecaster.serves(model)) {
          server.app.log.info(
            { model, channel: registryChannel(prefix) },
            "registry change announced: checking aliases",
          );
          void forecaster.checkRegistry().catch((err) => server.app.log.warn({ err }, "registry check failed"));
        }
      });
    }
    return {
      url: server.url,
      forecaster,
      server,
      close: async () => {
        await watch?.close();
        await server.close();
        forecaster.close();
      },
    };
  } catch (err) {
    await watch?.close();
    forecaster.close();
    throw err;
  }
}
