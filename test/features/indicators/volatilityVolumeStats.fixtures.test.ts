import { describe, expect, it } from "vitest";
import { volatilityVolumeStatsCatalog } from "../../../src/features/indicators/catalog";
import { QQQ_DAILY, SPY_1M, SPY_DAILY, alignTo, firstMismatch, loadFixture, tail } from "./_volatilityVolumeStatsData";

const daily = loadFixture("daily");
const intraday = loadFixture("intraday");
const spy = tail(SPY_DAILY, Number(daily.source.rows));
const qqq = alignTo(QQQ_DAILY, spy);
const minute = tail(SPY_1M, Number(intraday.source.rows));

function columnsOf(columns: Record<string, unknown>, entry: string): string[] {
  return Object.keys(columns).filter((k) => k.startsWith(`${entry}.`));
}

describe("part B indicators equal their reference fixtures (TA-Lib / numpy, real bars)", () => {
  it("the fixtures cover the bars the tests load", () => {
    expect(new Date(spy.ts[0]).toISOString().slice(0, 10)).toBe(daily.source.firstDate);
    expect(minute.ts[0]).toBe(Date.parse(String(intraday.source.firstTimestamp)));
  });

  for (const entry of volatilityVolumeStatsCatalog) {
    const dailyCols = columnsOf(daily.columns, entry.name);
    const intradayCols = columnsOf(intraday.columns, entry.name);
    it(`${entry.name} has reference values`, () => {
      expect(dailyCols.length + intradayCols.length).toBeGreaterThan(0);
    });
    if (dailyCols.length > 0) {
      it(`${entry.name} on SPY daily (${dailyCols.length} outputs)`, () => {
        // Cross-asset entries: QQQ is the asset, SPY its benchmark.
        const out = entry.needsBenchmark ? entry.batch(qqq, spy.close) : entry.batch(spy);
        expect(Object.keys(out).sort()).toEqual(dailyCols.map((k) => k.slice(entry.name.length + 1)).sort());
        for (const col of dailyCols) {
          const values = out[col.slice(entry.name.length + 1)];
          const at = firstMismatch(values, daily.columns[col]);
          expect(at, `${col}: first mismatch at row ${at}: ${values[at]} vs ${daily.columns[col][at]}`).toBe(-1);
        }
      });
    }
    if (intradayCols.length > 0) {
      it(`${entry.name} on SPY 1-minute bars (${intradayCols.length} outputs)`, () => {
        const out = entry.batch(minute);
        for (const col of intradayCols) {
          const values = out[col.slice(entry.name.length + 1)];
          const at = firstMismatch(values, intraday.columns[col]);
          expect(at, `${col}: first mismatch at row ${at}: ${values[at]} vs ${intraday.columns[col][at]}`).toBe(-1);
        }
      });
    }
  }
});
