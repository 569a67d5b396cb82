/**
 * The ingest policy as a function (what `wsp data ingest`, `wsp start` and jobs call): inputs
 * read from real files, errors fail before any store is opened, anomalies are kept and counted,
 * and a second ingest of unchanged series writes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkForIngest, ingestChecked, loadSeriesInputs, openStore } from "../../src/store";

const tmp = mkdtempSync(join(tmpdir(), "wsp-ingest-data-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("ingest policy", () => {
  it("refuses to mix files, --bundled and --planted-signal, and an empty input", () => {
    expect(() => loadSeriesInputs("ingest", { files: ["data/daily/SPY.csv"], bundled: true })).toThrow(
      "give one of: files, --bundled, --planted-signal",
    );
    expect(() => loadSeriesInputs("ingest", { files: [], bundled: true, plantedSignal: true })).toThrow(
      "give one of: files, --bundled, --planted-signal",
    );
    expect(() => loadSeriesInputs("validate", { files: [], bundled: false })).toThrow(
      "nothing to validate: give CSV files, --bundled or --planted-signal",
    );
  });

  it("loads the planted-signal market as its fixture generates it", () => {
    const { series, source } = loadSeriesInputs("ingest", { files: [], bundled: false, plantedSignal: true });
    expect(source).toBe("synthetic:planted-signal");
    expect(series.map((b) => `${b.ticker} ${b.timeframe} ${b.ts.length}`)).toEqual(["PLNT 1d 3522", "SENT 1d 3522"]);
  });

  it("fails a series with errors before anything is written", () => {
    const bad = join(tmp, "IWM.csv");
    writeFileSync(bad, "date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,-0.5,1.5,100\n");
    const inputs = loadSeriesInputs("ingest", { files: [bad], bundled: false });
    expect(() => checkForIngest(inputs)).toThrow(/IWM 1d: validation failed: 1 non_positive_price/);
  });

  it("ingests real files, keeps their anomalies as counts, and skips them when unchanged", async () => {
    const steps: number[] = [];
    const inputs = loadSeriesInputs("ingest", { files: ["data/daily/IXIC.csv"], bundled: false }, (done) =>
      steps.push(done),
    );
    expect(steps).toEqual([0, 1]);
    expect(inputs.source).toBe("data/daily/IXIC.csv");
    const checked = checkForIngest(inputs);
    expect(checked.summary.errors).toBe(0);
    expect(checked.summary.anomalies).toBeGreaterThan(0);
    const store = await openStore({ dir: join(tmp, "pglite") });
    try {
      const first = await ingestChecked(store, checked);
      expect(first).toMatchObject({ series: 1, unchanged: 0 });
      expect(first.rows).toBe(inputs.series[0].ts.length);
      expect(await ingestChecked(store, checked)).toMatchObject({ series: 0, unchanged: 1 });
      const [run] = await store.runs({ kind: "ingest", limit: 1 });
      expect(run.report).toMatchObject({ anomalies: checked.summary.anomalies });
    } finally {
      await store.close();
    }
  });
});
