/**
 * `append`: bars added after each series' last stored bar (a paper run's bar per close), on
 * PostgreSQL and PGlite: read back equal to what `ingest` of the whole series stores, the catalog
 * moved on, and a bar at or before the last stored one refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBundled, sliceBars } from "../../src/data";
import { openStore, type Store, StoreError } from "../../src/store";
import { barsDifference, pgliteTarget, postgresTarget, type StoreTarget } from "./storeFixtures";

const spy = sliceBars(loadBundled("SPY", "1m"), 0, 400);
const vix = sliceBars(loadBundled("VIX", "1d"), 0, 40);

for (const make of [postgresTarget, pgliteTarget]) {
  describe(`append on ${make().name}`, { timeout: 120_000 }, () => {
    let target: StoreTarget;
    let store: Store;
    beforeAll(async () => {
      target = make();
      store = await openStore(target.options);
      await store.ingest([sliceBars(spy, 0, 300), sliceBars(vix, 0, 30)]);
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    it("adds bars after the last stored ones, a series new to the store included", async () => {
      for (let i = 300; i < 400; i += 5) {
        const added = await store.append([
          sliceBars(spy, i, i + 5),
          ...(i < 350 ? [sliceBars(vix, 30 + (i - 300) / 5, 31 + (i - 300) / 5)] : []),
        ]);
        expect(added).toBe(i < 350 ? 6 : 5);
      }
      expect(await store.append([{ ...sliceBars(spy, 0, 3), ticker: "NEWT" }])).toBe(3);
      expect(barsDifference(await store.query("SPY", "1m"), spy)).toBeNull();
      expect(barsDifference(await store.query("VIX", "1d"), vix)).toBeNull();
      const catalog = await store.listSeries();
      const spyInfo = catalog.find((s) => s.ticker === "SPY");
      expect(spyInfo).toMatchObject({ rows: 400, first: spy.ts[0], last: spy.ts[399] });
      expect(catalog.find((s) => s.ticker === "NEWT")).toMatchObject({ rows: 3, first: spy.ts[0], last: spy.ts[2] });
    });

    it("refuses a bar at or before its series' last stored bar, and writes nothing", async () => {
      const late = { ...sliceBars(spy, 395, 400), ticker: "SPY" };
      const fresh = { ...sliceBars(spy, 3, 5), ticker: "NEWT" };
      const err = await store.append([fresh, late]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(
        /append: 5 of 7 bars .* are not after their series' last stored bar; nothing was written/,
      );
      expect((await store.query("NEWT", "1m")).ts.length).toBe(3);
      expect((await store.listSeries()).find((s) => s.ticker === "NEWT")?.rows).toBe(3);
    });
  });
}
