import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bars, barsBetween, loadBundled } from "../../src/data";
import { openStore, type Store, StoreError } from "../../src/store";
import {
  barsDifference,
  pgliteTarget,
  postgresTarget,
  type StoreTarget,
  scaled,
  TEST_DATABASE_URL,
} from "./storeFixtures";

const spyDaily = loadBundled("SPY", "1d");
const spyMinute = loadBundled("SPY", "1m");
const qqqMinute = loadBundled("QQQ", "1m");
const vixDaily = loadBundled("VIX", "1d"); // no volume column
const gspcDaily = loadBundled("GSPC", "1d"); // has adj_close

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

describe.each([
  ["postgres", postgresTarget],
  ["pglite", pgliteTarget],
] as const)("store on %s", (_name, makeTarget) => {
  let target: StoreTarget;
  let store: Store;

  beforeAll(async () => {
    target = makeTarget();
    store = await openStore(target.options);
    await store.ingest([spyDaily, spyMinute, vixDaily, gspcDaily], { source: "bundled" });
  });

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it("round-trips real bundled bars, including a missing volume and an adj_close column", async () => {
    for (const bars of [spyDaily, spyMinute, vixDaily, gspcDaily]) {
      const back = await store.query(bars.ticker, bars.timeframe);
      expect(barsDifference(back, bars)).toBeNull();
    }
    const vix = await store.query("VIX", "1d");
    expect(vix.volume).toBeNull();
    expect(vix.adjClose).toBeNull();
    expect((await store.query("GSPC", "1d")).adjClose).not.toBeNull();
  });

  it("keeps NaN values inside a column apart from a missing column", async () => {
    const part = barsBetween(spyDaily, Date.UTC(2001, 8, 1), Date.UTC(2001, 9, 1));
    const open = Float64Array.from(part.open);
    const volume = Float64Array.from(part.volume!);
    open[1] = Number.NaN;
    volume[2] = Number.NaN;
    const withNaN: Bars = { ...part, ticker: "NANS", open, volume };
    await store.ingest([withNaN]);
    const back = await store.query("NANS", "1d");
    expect(barsDifference(back, withNaN)).toBeNull();
    expect(Number.isNaN(back.open[1]) && Number.isNaN(back.volume![2])).toBe(true);
    expect(back.adjClose).toBeNull();
  });

  it("lists the stored series with their extents", async () => {
    const list = await store.listSeries();
    expect(list.map((s) => `${s.ticker} ${s.timeframe}`)).toEqual(["GSPC 1d", "NANS 1d", "SPY 1d", "SPY 1m", "VIX 1d"]);
    const minute = list.find((s) => s.timeframe === "1m")!;
    expect(minute.rows).toBe(spyMinute.ts.length);
    expect(minute.first).toBe(spyMinute.ts[0]);
    expect(minute.last).toBe(spyMinute.ts[spyMinute.ts.length - 1]);
  });

  it("queries the half-open range [from, to)", async () => {
    const from = Date.UTC(2020, 1, 19);
    const to = Date.UTC(2020, 3, 30);
    const back = await store.query("SPY", "1d", { from, to });
    const expected = barsBetween(spyDaily, from, to);
    expect(back.ts.length).toBeGreaterThan(40);
    expect(barsDifference(back, expected)).toBeNull();
  });

  it("re-ingesting the same bars is idempotent", async () => {
    const before = await store.listSeries();
    const result = await store.ingest([spyDaily]);
    expect(result.rows).toBe(spyDaily.ts.length);
    expect(result.replaced).toBe(spyDaily.ts.length);
    expect(result.unchanged).toBe(0);
    expect(await store.listSeries()).toEqual(before);
    expect(barsDifference(await store.query("SPY", "1d"), spyDaily)).toBeNull();
  });

  it("replaces stored values inside the ingested range and keeps rows outside it", async () => {
    const year = barsBetween(spyDaily, Date.UTC(2019, 0, 1), Date.UTC(2020, 0, 1));
    await store.ingest([scaled(year, 2)]);
    const back = await store.query("SPY", "1d");
    expect(back.ts.length).toBe(spyDaily.ts.length);
    const i = Array.from(back.ts).indexOf(year.ts[10]);
    expect(back.close[i]).toBe(year.close[10] * 2);
    expect(back.close[0]).toBe(spyDaily.close[0]);
    await store.ingest([spyDaily]);
    expect(barsDifference(await store.query("SPY", "1d"), spyDaily)).toBeNull();
  });

  it("skips series stored unchanged when asked, and stops skipping once a partial ingest merged in", async () => {
    const skipped = await store.ingest([spyDaily, vixDaily], { skipUnchanged: true });
    expect(skipped).toMatchObject({ series: 0, rows: 0, replaced: 0, unchanged: 2 });
    const changed = scaled(vixDaily, 1.5);
    const written = await store.ingest([spyDaily, changed], { skipUnchanged: true });
    expect(written).toMatchObject({ series: 1, rows: vixDaily.ts.length, unchanged: 1 });
    expect(barsDifference(await store.query("VIX", "1d"), changed)).toBeNull();
    // Only part of the series: the stored whole no longer matches any one ingest's hash.
    const year = barsBetween(vixDaily, Date.UTC(2010, 0, 1), Date.UTC(2011, 0, 1));
    await store.ingest([year], { skipUnchanged: true });
    const restored = await store.ingest([vixDaily], { skipUnchanged: true });
    expect(restored).toMatchObject({ series: 1, unchanged: 0 });
    expect(barsDifference(await store.query("VIX", "1d"), vixDaily)).toBeNull();
    expect(await store.ingest([vixDaily], { skipUnchanged: true })).toMatchObject({ series: 0, unchanged: 1 });
  });

  it("a database error in the middle of an ingest writes nothing", async () => {
    const seriesBefore = await store.listSeries();
    const runsBefore = await store.runs();
    // Timestamps before 4713 BC: only PostgreSQL's timestamptz range refuses them (the store's
    // own checks, run before the database, refuse a bad ticker since the ticker rule).
    const early = barsBetween(spyDaily, 0, Date.UTC(2000, 0, 1));
    const badTs: Bars = { ...early, ticker: "BADTS", ts: early.ts.map((_, i) => -3e14 + i * 86_400_000) };
    const err = await expectStoreError(
      store.ingest([scaled(spyDaily, 3), qqqMinute, badTs], { source: "mid-way failure" }),
      "ingest_failed",
    );
    expect(err.message).toMatch(/wrote nothing/);
    expect(err.message).toMatch(/out of range/);
    expect(await store.listSeries()).toEqual(seriesBefore);
    expect(barsDifference(await store.query("SPY", "1d"), spyDaily)).toBeNull();
    expect(await store.runs()).toEqual(runsBefore);
  });

  it("a failure after the first COPY chunk has been written leaves the table unchanged", async () => {
    const seriesBefore = await store.listSeries();
    let calls = 0;
    const err = await expectStoreError(
      store.ingest([qqqMinute, scaled(spyMinute, 2)], {
        onProgress: (done) => {
          calls++;
          throw new Error(`interrupted after ${done} rows`);
        },
      }),
      "ingest_failed",
    );
    expect(calls).toBe(1);
    expect(err.message).toMatch(/interrupted after 50000 rows/);
    expect(await store.listSeries()).toEqual(seriesBefore);
    expect(barsDifference(await store.query("SPY", "1m"), spyMinute)).toBeNull();
  });

  it("rejects unsorted bars naming the series and index, before touching the database", async () => {
    const ts = Float64Array.from(spyDaily.ts.subarray(0, 5));
    [ts[2], ts[3]] = [ts[3], ts[2]];
    const err = await expectStoreError(store.ingest([{ ...barsBetween(spyDaily, 0, ts[4] + 1), ts }]), "bad_input");
    expect(err.message).toMatch(
      /series 0 \(SPY 1d\): ts\[3\] = 1993-02-02T00:00:00Z is not after ts\[2\] = 1993-02-03T00:00:00Z/,
    );
  });

  it("rejects a ticker breaking the loaders' ticker rule before touching the database", async () => {
    const ticker = "SPY'; DROP TABLE bars;--";
    const err = await expectStoreError(
      store.ingest([{ ...barsBetween(spyDaily, 0, spyDaily.ts[4]), ticker }]),
      "bad_input",
    );
    expect(err.message).toBe(
      `series 0: ticker "${ticker}" is not valid: expected 1 to 32 characters without spaces, commas or control characters`,
    );
  });

  it("rejects the same series twice in one ingest", async () => {
    const err = await expectStoreError(store.ingest([spyDaily, vixDaily, spyDaily]), "bad_input");
    expect(err.message).toMatch(/series 0 and 2 are both SPY 1d/);
  });

  it("names an unknown ticker and lists what is stored", async () => {
    const err = await expectStoreError(store.query("NOPE", "1d"), "unknown_series");
    expect(err.message).toMatch(/unknown ticker 'NOPE'/);
    expect(err.message).toMatch(/GSPC, NANS, SPY, VIX/);
  });

  it("names a missing timeframe of a stored ticker and the timeframes it has", async () => {
    const err = await expectStoreError(store.query("SPY", "1h"), "unknown_series");
    expect(err.message).toMatch(/no SPY 1h bars/);
    expect(err.message).toMatch(/SPY 1d \(8448 bars, 1993-01-29T00:00:00Z \.\. 2026-08-21T00:00:00Z\); SPY 1m/);
  });

  it("names an empty range and the stored extent", async () => {
    const err = await expectStoreError(
      store.query("SPY", "1d", { from: Date.UTC(1980, 0, 1), to: Date.UTC(1990, 0, 1) }),
      "empty_range",
    );
    expect(err.message).toMatch(/no SPY 1d bars in \[1980-01-01T00:00:00Z, 1990-01-01T00:00:00Z\)/);
    expect(err.message).toMatch(/1993-01-29T00:00:00Z \.\. 2026-08-21T00:00:00Z/);
  });

  it("records ingest and validation runs and reads them back newest first", async () => {
    const report = { findings: 2, kinds: { zero_volume: 2 } };
    const id = await store.recordRun({ kind: "validate", source: "data/daily/IXIC.csv", status: "warn", report });
    const [latest] = await store.runs({ limit: 1 });
    expect(latest).toMatchObject({ id, kind: "validate", source: "data/daily/IXIC.csv", status: "warn", report });
    const ingests = await store.runs({ kind: "ingest" });
    expect(ingests.length).toBeGreaterThanOrEqual(3);
    expect(ingests.every((r) => r.kind === "ingest" && r.status === "ok")).toBe(true);
    const first = ingests[ingests.length - 1];
    expect(first).toMatchObject({ source: "bundled", series: 4 });
    expect(first.rows).toBe(spyDaily.ts.length + spyMinute.ts.length + vixDaily.ts.length + gspcDaily.ts.length);
    expect(first.finishedAt).toBeGreaterThanOrEqual(first.startedAt);
  });

  it("reads back a ticker holding quote, backslash and semicolon characters exactly", async () => {
    // The query's values reach COPY as settings, never as SQL text: no quoting to get wrong.
    const odd: Bars = { ...barsBetween(spyDaily, Date.UTC(2003, 0, 1), Date.UTC(2003, 2, 1)), ticker: "O'X\\;--" };
    await store.ingest([odd]);
    expect(barsDifference(await store.query(odd.ticker, "1d"), odd)).toBeNull();
    await expectStoreError(store.query("O'X", "1d"), "unknown_series");
  });
});

describe("opening a store", () => {
  it("names the unreachable PostgreSQL URL with the password masked, and how to start it", async () => {
    const err = await expectStoreError(
      openStore({ url: "postgres://postgres:s3cret@127.0.0.1:1/test", connectTimeoutMs: 2000 }),
      "unreachable",
    );
    expect(err.message).toContain("postgres://postgres:***@127.0.0.1:1/test");
    expect(err.message).not.toContain("s3cret");
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).toMatch(/pg_ctlcluster/);
    expect(err.message).toMatch(/docker compose up -d postgres/);
    expect(err.message).toMatch(/npx wsp services up postgres/);
    expect(err.message).toMatch(/unset DATABASE_URL/);
  });

  it("names a missing database and how to create it", async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = "/wsp_no_such_database";
    const err = await expectStoreError(openStore({ url: url.toString() }), "unreachable");
    expect(err.message).toMatch(/database "wsp_no_such_database" does not exist/);
    expect(err.message).toMatch(/createdb -h .* wsp_no_such_database/);
  });

  it("rejects a DATABASE_URL that is not a PostgreSQL URL", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "mysql://u:pw@host/db";
    try {
      const err = await expectStoreError(openStore(), "bad_option");
      expect(err.message).toBe(
        "'mysql://u:***@host/db' (from DATABASE_URL) is not a PostgreSQL URL: expected postgres://user:password@host:port/database",
      );
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("rejects a schema name that is not a plain identifier", async () => {
    const err = await expectStoreError(openStore({ dir: "/nonexistent", schema: "x; DROP TABLE bars" }), "bad_option");
    expect(err.message).toMatch(/schema 'x; DROP TABLE bars'/);
  });
});
