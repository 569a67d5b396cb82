/**
 * "A model's aliases moved": a message on Redis that promote and retrain jobs (and `wsp promote`)
 * publish after they decide, so a running forecast service swaps at once instead of at its next
 * registry poll. The poll stays the guarantee (a message sent while the service was restarting is
 * lost, as pub/sub messages are); the message only makes it prompt.
 */
import { Redis } from "ioredis";

/** The channel, under the job runner's key prefix (`wsp`, or WSP_QUEUE_PREFIX). */
export function registryChannel(prefix: string): string {
  return `${prefix}:registry`;
}

/** Tells listening services that `model`'s aliases may have moved. */
export async function announceRegistryChange(redis: Redis, prefix: string, model: string): Promise<void> {
  await redis.publish(registryChannel(prefix), JSON.stringify({ model }));
}

/**
 * Calls `onChange(model)` for each announcement until closed. A connection of its own: a
 * subscribed connection can do nothing else. Reconnects on its own (ioredis) after a Redis restart.
 */
export async function watchRegistryChanges(
  url: string,
  prefix: string,
  onChange: (model: string) => void,
): Promise<{ close: () => Promise<void> }> {
  const sub = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  await sub.connect();
  sub.on("message", (_channel: string, message: string) => {
    try {
      const { model } = JSON.parse(message) as { model?: unknown };
      if (typeof model === "string") onChange(model);
    } catch {
      // Not ours (another publisher on the channel): ignored.
    }
  });
  // Errors after the first connect are retried by ioredis; without a listener they would be thrown.
  sub.on("error", () => undefined);
  await sub.subscribe(registryChannel(prefix));
  return {
    close: async () => {
      sub.disconnect();
    },
  };
}
