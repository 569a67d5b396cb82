/**
 * The forecast service in a process of its own, for the serving benchmark: the client's
 * (autocannon's) event loop then does not share the server's. Reads its settings from
 * BENCH_SERVE (JSON, see ServeSettings), tells the parent its URL and warm-up time over IPC,
 * and closes when the parent says so.
 */
import { type ServeSettings, serveHere } from "./_serveSettings";

const settings = JSON.parse(process.env.BENCH_SERVE ?? "null") as ServeSettings | null;
const send = process.send?.bind(process);
if (!settings || !send) throw new Error("bench/_serveChild.ts runs forked by bench/serve.ts (BENCH_SERVE unset)");
const service = await serveHere(settings);
send({ url: service.url, warmupSeconds: service.warmupSeconds });
process.once("message", async () => {
  await service.close();
  process.exit(0);
});
