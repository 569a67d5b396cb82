/**
 * `wsp dashboard`: bull-board over every queue (queues.ts), served on 127.0.0.1 only: the board
 * can retry, promote and remove jobs and has no login, so it is never exposed beyond this machine
 * (reach it from elsewhere through an SSH tunnel).
 *
 * Each job links to its MLflow run (bull-board's `externalJobUrl`). A finished job's result carries
 * its run's URL (pipeline/trainJob.ts, `TrainJobResult.runUrl`) and links there directly; any other
 * job links to `/runs/<queue>/<id>` on this server, which looks the run up when clicked by the
 * job's content key, the runs' `wsp.job_id` tag (a running job has a run from its first phase on),
 * and redirects to it.
 */
import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import { Queue } from "bullmq";
import Fastify, { type FastifyInstance } from "fastify";
import { runUrlOf } from "../src/pipeline";
import { trackingUri as defaultTrackingUri } from "../src/services";
import { JOB_ID_TAG, jobRunsOf, MlflowClient, type Run } from "../src/tracking";
import { type ConnectionOptions, openConnection } from "./connection";
import { isQueueName, QUEUE_NAMES, type QueueName } from "./queues";

/** The board listens on the loopback only (see above). */
export const DASHBOARD_HOST = "127.0.0.1";
export const DEFAULT_DASHBOARD_PORT = 3030;

export interface DashboardOptions extends ConnectionOptions {
  /** Default 3030; 0 lets the OS pick one. */
  port?: number;
  /** The MLflow server runs are looked up on; default MLFLOW_TRACKING_URI, else the local one. */
  trackingUri?: string;
}

export interface Dashboard {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The listening socket's address, as the OS reports it. */
  readonly address: AddressInfo;
  readonly prefix: string;
  readonly redisUrl: string;
  close(): Promise<void>;
}

/** A queue's one-line description on the board (a queue added later shows none until it gets one here). */
const DESCRIPTIONS: Partial<Record<QueueName, string>> = {
  train: "one experiment config → one tracked parent run (what `wsp run` records)",
  ingest: "data files → validation report → store (what `wsp data ingest` does)",
  promote: "the promotion policy on a parent run (what `wsp promote` does)",
};

/** The run URL a job's result carries (train jobs, and any result shaped like TrainJobResult), or null. */
export function resultRunUrl(returnvalue: unknown): string | null {
  if (returnvalue === null || typeof returnvalue !== "object") return null;
  const url = (returnvalue as { runUrl?: unknown }).runUrl;
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

/** The `wsp.job_id` a job's runs carry: its payload's content key, else its id (submitted jobs use the key as id). */
export function jobRunKey(job: { id?: string; data?: unknown }): string | null {
  const key = (job.data as { key?: unknown } | undefined)?.key;
  return typeof key === "string" ? key : (job.id ?? null);
}

/** Where a job's "MLflow run" link points: its run, or this server's lookup by tag. */
export function jobRunLink(queue: QueueName, job: { id?: string | number | null; returnvalue?: unknown }): string {
  return resultRunUrl(job.returnvalue) ?? `/runs/${queue}/${encodeURIComponent(String(job.id ?? ""))}`;
}

/** Runs tagged `wsp.job_id = key` in any experiment (a job's config names its experiment), newest first. */
async function runsTagged(mlflowUri: string, key: string): Promise<Run[]> {
  const client = new MlflowClient({ trackingUri: mlflowUri, retries: 1, backoffMs: 200 });
  const experiments = await client.searchExperiments();
  if (experiments.length === 0) return [];
  return jobRunsOf(
    client,
    experiments.map((e) => e.experiment_id),
    key,
  );
}

export async function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  const conn = await openConnection(opts);
  const queues = new Map(QUEUE_NAMES.map((n) => [n, new Queue(n, { connection: conn.redis, prefix: conn.prefix })]));
  const mlflowUri = (opts.trackingUri ?? defaultTrackingUri()).replace(/\/+$/, "");
  const server: FastifyInstance = Fastify();
  try {
    const board = new FastifyAdapter();
    createBullBoard({
      queues: [...queues].map(
        ([name, queue]) =>
          new BullMQAdapter(queue, {
            description: DESCRIPTIONS[name] ?? "",
            externalJobUrl: (job) => ({ displayText: "MLflow run", href: jobRunLink(name, job) }),
          }),
      ),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: `wsp queues (${conn.prefix})` } },
    });
    board.setBasePath("/");
    await server.register(board.registerPlugin(), { prefix: "/" });
    server.get<{ Params: { queue: string; id: string } }>("/runs/:queue/:id", async (req, reply) => {
      const { queue, id } = req.params;
      if (!isQueueName(queue)) return reply.code(404).type("text/plain").send(`no queue '${queue}'`);
      const job = await queues.get(queue)?.getJob(id);
      const direct = resultRunUrl(job?.returnvalue);
      if (direct) return reply.redirect(direct);
      // A removed job's runs still carry its id when it was submitted under its content key.
      const key = job ? jobRunKey(job) : id;
      let newest: Run | undefined;
      try {
        newest = key ? (await runsTagged(mlflowUri, key))[0] : undefined;
      } catch (err) {
        const why = `MLflow at ${mlflowUri} could not be searched for job ${queue}/${id}'s run: ${(err as Error).message}`;
        return reply.code(502).type("text/plain").send(why);
      }
      if (newest) return reply.redirect(runUrlOf(mlflowUri, newest.info.experiment_id, newest.info.run_id));
      const state = job ? await job.getState() : "not in the queue: removed, or never queued";
      return reply
        .code(404)
        .type("text/plain")
        .send(
          `job ${queue}/${id} (${state}) has no MLflow run at ${mlflowUri} (none tagged ${JOB_ID_TAG}=${key}); ` +
            "a queued job's run appears when a worker starts it",
        );
    });
    await server.listen({ host: DASHBOARD_HOST, port: opts.port ?? DEFAULT_DASHBOARD_PORT });
  } catch (err) {
    await server.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    conn.redis.disconnect();
    throw err;
  }
  const address = server.server.address() as AddressInfo;
  return {
    url: `http://${DASHBOARD_HOST}:${address.port}`,
    address,
    prefix: conn.prefix,
    redisUrl: conn.url,
    close: async () => {
      await server.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      conn.redis.disconnect();
    },
  };
}
