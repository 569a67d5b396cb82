import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barsBetween, loadBundled } from "../../src/data";
import { postgresTarget, TEST_DATABASE_URL } from "./storeFixtures";
import { wsp } from "../setup/wsp";

const spyDaily = loadBundled("SPY", "1d");
const spyMinute = loadBundled("SPY", "1m");

/** `wsp data …` on the embedded store: the suite's DATABASE_URL is not passed on. */
function wspData(args: string[]) {
  return wsp(["data", ...args], { DATABASE_URL: undefined });
}

// Each command is a child process (tsx, then PGlite): seconds apiece on a loaded 2-core machine.
describe("wsp data (CLI end to end on PGlite)", { timeout: 180_000 }, () => {
  let tmp: string;
  let dir: string[];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "wsp-cli-"));
    dir = ["--dir", join(tmp, "pglite")];
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("ingests files and lists them", async () => {
    const ingest = await wspData(["ingest", "data/daily/SPY.csv", "data/intraday/SPY_1m.csv.gz", ...dir]);
    expect(ingest.code).toBe(0);
    // Anomalies of the 1-minute file (missing bars, …) are kept and summed up on stderr.
    expect(ingest.stderr).toMatch(/^validation: \d+ anomalies kept \(missing_bar \d+, .*\)/);
    expect(ingest.stdout).toMatch(
      new RegExp(
        `^ingested 2 series, ${spyDaily.ts.length + spyMinute.ts.length} bars into pglite store .* as run 1 in \\d+\\.\\d s\\n$`,
      ),
    );

    const again = await wspData(["ingest", "data/daily/SPY.csv", "data/intraday/SPY_1m.csv.gz", ...dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^ingested 0 series, 0 bars .* as run 2 in \d+\.\d s \(2 series unchanged and skipped, --force rewrites them\)\n$/,
    );

    const list = await wspData(["list", "--format", "json", ...dir]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { ticker: "SPY", timeframe: "1d", rows: spyDaily.ts.length, first: spyDaily.ts[0], last: spyDaily.ts.at(-1) },
      { ticker: "SPY", timeframe: "1m", rows: spyMinute.ts.length, first: spyMinute.ts[0], last: spyMinute.ts.at(-1) },
    ]);
  });

  it("queries a daily range as CSV, --to inclusive, values as in the bundled file", async () => {
    // --to is inclusive: a bare date covers its day. Values come back as the bundled file has them.
    const csv = await wspData([
      "query",
      "SPY",
      "--from",
      "2020-03-16",
      "--to",
      "2020-03-18",
      "--format",
      "csv",
      ...dir,
    ]);
    expect(csv.code).toBe(0);
    const expected = barsBetween(spyDaily, Date.UTC(2020, 2, 16), Date.UTC(2020, 2, 19));
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("date,open,high,low,close,volume");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["2020-03-16", "2020-03-17", "2020-03-18"]);
    lines.slice(1).forEach((line, i) => {
      const [, o, h, l, c, v] = line.split(",").map(Number);
      expect([o, h, l, c, v]).toEqual([
        expected.open[i],
        expected.high[i],
        expected.low[i],
        expected.close[i],
        expected.volume![i],
      ]);
    });
  });

  it("queries one-minute bars as JSON with New York timestamps", async () => {
    const json = await wspData([
      "query",
      "SPY",
      "--timeframe",
      "1m",
      "--from",
      "2025-09-15T09:30:00-04:00",
      "--to",
      "2025-09-15T09:31:00-04:00",
      "--format",
      "json",
      ...dir,
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      ticker: "SPY",
      timeframe: "1m",
      rows: [
        {
          timestamp: "2025-09-15T09:30:00-04:00",
          open: 659.58,
          high: 660.01,
          low: 659.475,
          close: 659.96,
          volume: 10377,
        },
        {
          timestamp: "2025-09-15T09:31:00-04:00",
          open: 659.97,
          high: 660.06,
          low: 659.94,
          close: 659.965,
          volume: 6283,
        },
      ],
    });
  });

  it("exits 1 naming an unknown ticker and what is stored", async () => {
    const unknown = await wspData(["query", "NOPE", ...dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown ticker 'NOPE' .*stored tickers: SPY/);
  });

  it("exits 1 on a malformed file among good ones, naming file and line, and ingests nothing", async () => {
    const bad = join(tmp, "QQQ.csv");
    writeFileSync(bad, "date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,x,1.5,100\n");
    const failed = await wspData(["ingest", "data/daily/DIA.csv", bad, ...dir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${bad}:3`);
    const after = await wspData(["list", ...dir]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toMatch(/DIA|QQQ/);
    expect(after.stdout.trim().split("\n")).toHaveLength(4); // header, rule, SPY 1d, SPY 1m
  });

  it("validates a bundled file, prints the report, and records the run", async () => {
    const run = await wspData(["validate", "data/daily/IXIC.csv", ...dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/zero_volume \(anomaly\), e\.g\.:\n {2}IXIC 2015-05-12 volume/);
    expect(run.stdout).toMatch(/1 series, 0 errors, \d+ anomalies/);
    const runs = await wspData(["runs", "--format", "json", ...dir]);
    expect(runs.code).toBe(0);
    const [validate, ingest] = JSON.parse(runs.stdout);
    expect(validate).toMatchObject({ kind: "validate", source: "data/daily/IXIC.csv", status: "warn", series: 1 });
    expect(validate.report.totals.zero_volume).toBeGreaterThan(0);
    expect(ingest).toMatchObject({ kind: "ingest", status: "ok", series: 0 });
    expect(ingest.report.series.map((s: { timeframe: string }) => s.timeframe)).toEqual(["1d", "1m"]);
  });

  it("fails with exit code 1 on bad options or data that fails validation, before touching a store", async () => {
    const negative = join(tmp, "IWM.csv");
    writeFileSync(
      negative,
      "date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,-0.5,1.5,100\n",
    );
    const [timeframe, format, dates, nothing, invalid] = await Promise.all([
      wspData(["query", "SPY", "--timeframe", "2d", ...dir]),
      wspData(["query", "SPY", "--format", "xml", ...dir]),
      wspData(["query", "SPY", "--from", "2020-02-30", ...dir]),
      wspData(["ingest", ...dir]),
      wspData(["ingest", negative, ...dir]),
    ]);
    expect([timeframe.code, format.code, dates.code, nothing.code, invalid.code]).toEqual([1, 1, 1, 1, 1]);
    expect(invalid.stderr).toMatch(
      /IWM 1d: validation failed: 1 non_positive_price \(first: 2020-01-03 low: low -0.5 is not positive\)/,
    );
    expect(timeframe.stderr).toMatch(/--timeframe '2d' is not one of 1m 5m 15m 1h 1d 1w/);
    expect(format.stderr).toMatch(/--format 'xml' is not one of table, csv, json/);
    expect(dates.stderr).toMatch(/--from '2020-02-30' is not a date/);
    expect(nothing.stderr).toMatch(/nothing to ingest: give CSV files, --bundled or --planted-signal/);
  });

  it("ingests and queries through --db on PostgreSQL, in a schema of its own", async () => {
    const target = postgresTarget();
    try {
      const db = ["--db", TEST_DATABASE_URL, "--schema", target.options.schema!];
      const ingest = await wspData(["ingest", "data/daily/VIX.csv", ...db]);
      expect(ingest.code).toBe(0);
      expect(ingest.stdout).toMatch(
        /^ingested 1 series, \d+ bars into postgres store postgres:\/\/.* \(schema test_store_/,
      );
      const query = await wspData([
        "query",
        "VIX",
        "--from",
        "2020-03-16",
        "--to",
        "2020-03-16",
        "--format",
        "csv",
        ...db,
      ]);
      expect(query.code).toBe(0);
      expect(query.stdout).toBe("date,open,high,low,close\n2020-03-16,57.83,83.56,57.83,82.69\n");
    } finally {
      await target.cleanup();
    }
  });

  it("names an unreachable PostgreSQL URL and how to start it", async () => {
    const run = await wspData(["list", "--db", "postgres://postgres:hunter2@127.0.0.1:1/test"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/test");
    expect(run.stderr).not.toContain("hunter2");
    expect(run.stderr).toMatch(/pg_ctlcluster.*docker compose up -d postgres.*unset DATABASE_URL/s);
  });
});
