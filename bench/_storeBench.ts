/**
 * Store benchmark (issue 2), called by bench/data.ts: ingest 100,000 one-minute bars (the first
 * 100k of the million-bar series) into PostgreSQL and into PGlite, and query one year of
 * one-minute bars of one ticker back into `Bars`. Each figure is the median of several runs;
 * every insert goes to a ticker not stored yet, so each run measures a fresh bulk insert.
 * PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else the machine's server, else the
 * project-local one (src/services discovery; left running, `wsp services down` stops it); a
 * schema of its own in database `test`, dropped afterwards. PGlite: a temporary directory, removed afterwards.
 * Run alone: `npx tsx bench/_storeBench.ts` (prints the figures and a JSON line).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { type Bars, sliceBars } from "../src/data";
import { discoverPostgres } from "../src/services";
import { openStore, type Store } from "../src/store";
import { millionBars } from "./_millionBars";

const ROWS = 100_000;
const INSERT_RUNS = 3;
const QUERY_RUNS = 5;
const YEAR_MS = 365 * 86_400_000;

export interface StoreBenchFigures {
  pg_insert_100k_s: number;
  pg_query_1y_ms: number;
  pglite_insert_100k_s: number;
  pglite_query_1y_ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(label: string, store: Store, bars: Bars): Promise<{ insertS: number; queryMs: number }> {
  const inserts: number[] = [];
  for (let run = 0; run < INSERT_RUNS; run++) {
    const series = { ...bars, ticker: `BENCH${run}` };
    const t0 = performance.now();
    await store.ingest([series], { source: "bench" });
    inserts.push((performance.now() - t0) / 1000);
  }
  const from = bars.ts[0];
  const to = from + YEAR_MS;
  const queries: number[] = [];
  let rows = 0;
  for (let run = 0; run < QUERY_RUNS; run++) {
    const t0 = performance.now();
    const back = await store.query("BENCH0", "1m", { from, to });
    queries.push(performance.now() - t0);
    rows = back.ts.length;
    if (back.close[rows - 1] !== bars.close[rows - 1]) throw new Error(`${label}: queried bars differ from inserted`);
  }
  const insertS = median(inserts);
  const queryMs = median(queries);
  console.log(
    `  ${label}: insert ${ROWS.toLocaleString("en")} bars ${insertS.toFixed(3)} s ` +
      `(runs ${inserts.map((x) => x.toFixed(3)).join(", ")}); ` +
      `query 1 year = ${rows.toLocaleString("en")} bars ${queryMs.toFixed(1)} ms ` +
      `(runs ${queries.map((x) => x.toFixed(1)).join(", ")})`,
  );
  return { insertS, queryMs };
}

export async function storeBench(): Promise<StoreBenchFigures> {
  const bars = sliceBars(millionBars(), 0, ROWS);
  console.log(
    `store benchmark: ${ROWS.toLocaleString("en")} one-minute bars of the million-bar series ` +
      `(${new Date(bars.ts[0]).toISOString().slice(0, 10)} .. ${new Date(bars.ts[ROWS - 1]).toISOString().slice(0, 10)}); ` +
      `medians; floors insert < 5 s, query < 500 ms; goals on PostgreSQL insert < 0.5 s, query < 100 ms`,
  );

  const { url } = await discoverPostgres({
    configured: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL,
    configuredBy: process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "DATABASE_URL",
    database: "test",
  });
  const schema = `bench_store_${randomBytes(4).toString("hex")}`;
  const pgStore = await openStore({ url, schema });
  let pgFigures: { insertS: number; queryMs: number };
  try {
    pgFigures = await measure(`PostgreSQL ${pgStore.location}`, pgStore, bars);
  } finally {
    await pgStore.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }

  const dir = mkdtempSync(join(tmpdir(), "wsp-bench-pglite-"));
  let pgliteFigures: { insertS: number; queryMs: number };
  try {
    const pglite = await openStore({ dir });
    try {
      pgliteFigures = await measure("PGlite", pglite, bars);
    } finally {
      await pglite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    pg_insert_100k_s: pgFigures.insertS,
    pg_query_1y_ms: pgFigures.queryMs,
    pglite_insert_100k_s: pgliteFigures.insertS,
    pglite_query_1y_ms: pgliteFigures.queryMs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await storeBench()));
}
