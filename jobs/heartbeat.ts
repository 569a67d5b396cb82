/**
 * `wsp worker --heartbeat <file>`: the worker writes the time (ms since the epoch) to a file every
 * few seconds while its event loop runs and its Redis answers, so a container healthcheck can
 * tell a live worker from a hung or disconnected one by the file's age (docker-compose.yml's
 * `worker` service). The file is replaced whole (write, then rename): a reader never sees half a
 * number.
 */
import { renameSync, writeFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** How often the file is written; a healthcheck allows several missed beats (compose: 30 s). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** Beats until stopped; a beat is skipped (the file ages) while Redis does not answer PING. */
export function startHeartbeat(file: string, redis: Redis, intervalMs = HEARTBEAT_INTERVAL_MS): () => void {
  const tmp = `${file}.${process.pid}.tmp`;
  let stopped = false;
  const beat = async () => {
    try {
      await redis.ping();
      // A PING answered after stop() writes nothing: a stopped worker never looks alive again.
      if (stopped) return;
      writeFileSync(tmp, String(Date.now()));
      renameSync(tmp, file);
    } catch (err) {
      process.stderr.write(`heartbeat ${file}: ${(err as Error).message}\n`);
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
