import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bars, loadBundled } from "../../src/data";
import {
  MAX_SIGNAL_LIMIT,
  type NewSignal,
  openStore,
  type SignalQuery,
  type SignalRecord,
  type Store,
  StoreError,
} from "../../src/store";
import { openPgliteClient } from "../../src/store/pgliteClient";
import { pgliteTarget, postgresTarget, type StoreTarget } from "./storeFixtures";

const spy = loadBundled("SPY", "1d");
const qqq = loadBundled("QQQ", "1d");
const DAY = 86_400_000;
const YEAR_2100 = Date.UTC(2100, 0, 1);

/**
 * A signal as a forecast would make it at bar i of real daily bars: its features are the bar's
 * returns and range, its probabilities a logistic of the 5-day return.
 */
function signalAt(bars: Bars, i: number, over: Partial<NewSignal> = {}): NewSignal {
  const close = bars.close[i];
  const features = {
    ret_1: close / bars.close[i - 1] - 1,
    ret_5: close / bars.close[i - 5] - 1,
    range: (bars.high[i] - bars.low[i]) / close,
  };
  const up = 1 / (1 + Math.exp(-20 * features.ret_5));
  const signalType = up >= 0.5 ? "long" : "short";
  const side = signalType === "long" ? 1 : -1;
  return {
    symbol: bars.ticker,
    signalType,
    confidence: Math.max(up, 1 - up),
    targetPrice: close * (1 + 0.02 * side),
    stopLoss: close * (1 - 0.01 * side),
    positionSize: 0.1,
    reasoning: `5-day return ${(features.ret_5 * 100).toFixed(2)} %`,
    modelName: "gbm_daily",
    modelVersion: "1",
    barTs: bars.ts[i],
    features,
    featureHash: createHash("sha256")
      .update(JSON.stringify(Object.values(features)))
      .digest("hex"),
    probabilities: { down: 1 - up, up },
    regime: "high_vix/broad/calm",
    expiresAt: bars.ts[i + 5],
    createdAt: bars.ts[i] + DAY,
    ...over,
  };
}

/** Every page of `query` at `limit` rows, in order. */
async function walk(store: Store, query: SignalQuery, limit: number): Promise<{ rows: SignalRecord[]; pages: number }> {
  const rows: SignalRecord[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.listSignals({ ...query, limit, cursor });
    expect(page.signals.length).toBeLessThanOrEqual(limit);
    rows.push(...page.signals);
    cursor = page.next;
    pages++;
    // A cursor that does not advance would page forever.
    if (pages > 100) throw new Error(`still paging after ${pages} pages of ${limit}: ${rows.length} rows so far`);
  } while (cursor !== null);
  return { rows, pages };
}

/** The input fields of a stored signal, to compare with what was inserted. */
function asInserted(r: SignalRecord): NewSignal {
  const { id: _id, executed: _e, expiredAt: _x, performance: _p, status: _s, ...fields } = r;
  return fields;
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe.each([
  ["postgres", postgresTarget],
  ["pglite", pgliteTarget],
] as const)("trading signals on %s", (_name, makeTarget) => {
  let target: StoreTarget;
  let store: Store;

  /**
   * SQL the store has no method for (marking a signal executed), on a connection of its own; on
   * PGlite, which one process opens at a time, with the store closed meanwhile and reopened.
   */
  async function direct(sql: string, params: unknown[] = []): Promise<void> {
    if (target.name === "postgres") {
      const client = new pg.Client({
        connectionString: target.options.url,
        options: `-c search_path=${target.options.schema}`,
      });
      await client.connect();
      try {
        await client.query(sql, params);
      } finally {
        await client.end();
      }
      return;
    }
    await store.close();
    const db = await openPgliteClient(target.options.dir!);
    try {
      await db.query(sql, params);
    } finally {
      await db.close();
      store = await openStore(target.options);
    }
  }

  beforeAll(async () => {
    target = makeTarget();
    store = await openStore(target.options);
  });

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it("stores each (symbol, bar, model, version) once, and reads every field back", async () => {
    const i = spy.ts.length - 40;
    const signal = signalAt(spy, i, { modelName: "once", expiresAt: YEAR_2100 });
    const first = await store.insertSignal(signal);
    expect(first.inserted).toBe(true);
    const again = await store.insertSignal({ ...signal, confidence: 0.99, reasoning: "a second opinion" });
    expect(again).toEqual({ id: first.id, inserted: false });
    const otherVersion = await store.insertSignal({ ...signal, modelVersion: "2" });
    expect(otherVersion.inserted).toBe(true);
    expect(otherVersion.id).not.toBe(first.id);

    const { signals } = await store.listSignals({ ticker: "SPY", from: signal.createdAt, to: signal.createdAt! + 1 });
    const stored = signals.find((s) => s.id === first.id)!;
    expect(asInserted(stored)).toEqual(signal);
    expect(stored).toMatchObject({ executed: false, expiredAt: null, performance: null, status: "open" });
    expect(
      signals
        .filter((s) => s.modelName === "once")
        .map((s) => s.modelVersion)
        .sort(),
    ).toEqual(["1", "2"]);
  });

  it("stores NaN and infinite feature values as null, and defaults createdAt to the insert time", async () => {
    const base = signalAt(qqq, qqq.ts.length - 30, { modelName: "nan_features", expiresAt: YEAR_2100 });
    const { createdAt: _c, ...withoutCreatedAt } = base;
    const before = Date.now();
    const { id } = await store.insertSignal({
      ...withoutCreatedAt,
      features: {
        ...base.features,
        vol_20: Number.NaN,
        z: Number.POSITIVE_INFINITY,
        w: Number.NEGATIVE_INFINITY,
        gap: null,
      },
    });
    const after = Date.now();
    const { signals } = await store.listSignals({ ticker: "QQQ", from: before, to: after + 1 });
    const stored = signals.find((s) => s.id === id)!;
    expect(stored.features).toEqual({ ...base.features, vol_20: null, z: null, w: null, gap: null });
    expect(stored.createdAt).toBeGreaterThanOrEqual(before);
    expect(stored.createdAt).toBeLessThanOrEqual(after);
  });

  it("pages through every row exactly once, newest first, across equal created_at values", async () => {
    // 37 signals over 4 creation times, inserted interleaved so that id order differs from time order.
    const times = [0, 1, 2, 3].map((k) => Date.UTC(2030, 0, 1) + k * 60_000);
    const start = spy.ts.length - 200;
    const ids: number[] = [];
    for (let k = 0; k < 37; k++) {
      const createdAt = times[(k * 3) % 4];
      const s = signalAt(spy, start + k, { modelName: "paging", createdAt, expiresAt: YEAR_2100 });
      ids.push((await store.insertSignal(s)).id);
    }
    const query = { from: times[0], to: times[3] + 1 };
    const whole = await store.listSignals({ ...query, limit: MAX_SIGNAL_LIMIT });
    expect(whole.next).toBeNull();
    expect(whole.signals.map((s) => s.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    for (let k = 1; k < whole.signals.length; k++) {
      const [a, b] = [whole.signals[k - 1], whole.signals[k]];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    for (const limit of [1, 4, 10, 36, 37]) {
      const { rows, pages } = await walk(store, query, limit);
      expect(rows.map((s) => s.id)).toEqual(whole.signals.map((s) => s.id));
      expect(pages).toBe(Math.ceil(37 / limit));
    }
    // A row inserted between pages, newer than all, does not shift the pages still to come.
    const first = await store.listSignals({ ...query, limit: 10 });
    await store.insertSignal(
      signalAt(spy, start + 37, { modelName: "paging", createdAt: times[3], expiresAt: YEAR_2100 }),
    );
    const seen = [...first.signals];
    let cursor = first.next;
    while (cursor !== null && seen.length <= 38) {
      const page = await store.listSignals({ ...query, limit: 10, cursor });
      seen.push(...page.signals);
      cursor = page.next;
    }
    expect(seen.map((s) => s.id)).toEqual(whole.signals.map((s) => s.id));
  });

  it("filters by ticker, by the half-open created_at range [from, to) and by status", async () => {
    const t0 = Date.UTC(2031, 5, 1);
    const made: NewSignal[] = [];
    for (const [bars, offset] of [
      [spy, 0],
      [qqq, 1],
      [spy, 2],
      [qqq, 3],
      [spy, 4],
    ] as const) {
      const s = signalAt(bars, bars.ts.length - 60 - offset, {
        modelName: "filters",
        createdAt: t0 + offset * DAY,
        expiresAt: YEAR_2100,
      });
      made.push(s);
      await store.insertSignal(s);
    }
    const list = async (q: SignalQuery) =>
      (await store.listSignals({ from: t0, to: t0 + 5 * DAY, ...q })).signals.map(
        (s) => `${s.symbol}@${(s.createdAt - t0) / DAY}`,
      );
    expect(await list({})).toEqual(["SPY@4", "QQQ@3", "SPY@2", "QQQ@1", "SPY@0"]);
    expect(await list({ ticker: "QQQ" })).toEqual(["QQQ@3", "QQQ@1"]);
    expect(await list({ from: t0 + DAY, to: t0 + 4 * DAY })).toEqual(["QQQ@3", "SPY@2", "QQQ@1"]);
    expect(await list({ ticker: "SPY", from: t0 + 2 * DAY })).toEqual(["SPY@4", "SPY@2"]);
    expect(await list({ from: t0 + 2 * DAY, to: t0 + 2 * DAY })).toEqual([]);
    expect(await list({ status: "open" })).toHaveLength(5);

    // One expired by the sweep, one executed (the store has no method for it: plain SQL).
    const [s0, , s2] = made;
    await direct(
      `UPDATE trading_signals SET executed = true WHERE symbol = $1 AND model_name = 'filters' AND created_at = to_timestamp($2::float8 / 1000)`,
      [s2.symbol, s2.createdAt],
    );
    await direct(
      `UPDATE trading_signals SET expires_at = to_timestamp($1::float8 / 1000) WHERE model_name = 'filters' AND created_at = to_timestamp($2::float8 / 1000)`,
      [s0.barTs + DAY, s0.createdAt],
    );
    expect(await list({ status: "open" })).toEqual(["SPY@4", "QQQ@3", "QQQ@1"]);
    expect(await list({ status: "executed" })).toEqual(["SPY@2"]);
    expect(await list({ status: "expired" })).toEqual(["SPY@0"]);
    expect(await list({ status: "all" })).toHaveLength(5);
    expect(await list({ ticker: "SPY", status: "open" })).toEqual(["SPY@4"]);
  });

  it("marks due signals expired without deleting them, and reads never show a stale open signal", async () => {
    const t0 = Date.UTC(2032, 0, 1);
    const q = { from: t0, to: t0 + 10 * DAY };
    const expiries = [Date.UTC(2090, 0, 1), Date.UTC(2095, 0, 1), Date.UTC(2095, 0, 1) + 1, YEAR_2100];
    for (const [k, expiresAt] of expiries.entries()) {
      await store.insertSignal(
        signalAt(spy, spy.ts.length - 100 - k, { modelName: "expiry", createdAt: t0 + k * DAY, expiresAt }),
      );
    }
    // An executed signal past its expiry stays executed.
    await store.insertSignal(
      signalAt(spy, spy.ts.length - 110, { modelName: "expiry", createdAt: t0 + 5 * DAY, expiresAt: expiries[0] }),
    );
    await direct(
      `UPDATE trading_signals SET executed = true WHERE model_name = 'expiry' AND created_at = to_timestamp($1::float8 / 1000)`,
      [t0 + 5 * DAY],
    );
    const before = (await store.listSignals(q)).signals;
    expect(before.map((s) => s.status)).toEqual(["executed", "open", "open", "open", "open"]);

    const sweep = Date.UTC(2095, 0, 1);
    expect(await store.markExpiredSignals(sweep)).toBe(2); // expiresAt ≤ now: the boundary counts
    expect(await store.markExpiredSignals(sweep)).toBe(0);
    const after = (await store.listSignals(q)).signals;
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(after.map((s) => [s.status, s.expiredAt])).toEqual([
      ["executed", null],
      ["open", null],
      ["open", null],
      ["expired", sweep],
      ["expired", sweep],
    ]);
    // Everything else about an expired signal stays as it was.
    expect(after.map(asInserted)).toEqual(before.map(asInserted));
    // The database refuses to execute an expired signal.
    await expect(
      direct(`UPDATE trading_signals SET executed = true WHERE model_name = 'expiry' AND expired_at IS NOT NULL`),
    ).rejects.toThrow(/trading_signals_executed_not_expired/);

    // Due by the clock but never swept: the read itself marks it.
    const now = Date.now();
    const due = signalAt(qqq, qqq.ts.length - 10, {
      modelName: "expiry",
      createdAt: now - 2 * DAY,
      expiresAt: now - DAY,
    });
    const { id } = await store.insertSignal(due);
    const read = (await store.listSignals({ ticker: "QQQ", from: now - 2 * DAY, to: now })).signals.find(
      (s) => s.id === id,
    )!;
    expect(read.status).toBe("expired");
    expect(read.expiredAt).toBeGreaterThanOrEqual(now);
  });

  it("keeps signals across a restart of the store", async () => {
    const t0 = Date.UTC(2033, 0, 1);
    for (let k = 0; k < 6; k++) {
      await store.insertSignal(
        signalAt(k % 2 ? qqq : spy, 300 + k, { modelName: "restart", createdAt: t0 + k, expiresAt: YEAR_2100 }),
      );
    }
    const q = { from: t0, to: t0 + 6 };
    const before = await store.listSignals(q);
    expect(before.signals).toHaveLength(6);
    await store.close();
    store = await openStore(target.options);
    expect(await store.listSignals(q)).toEqual(before);
    expect(
      (await store.insertSignal(signalAt(spy, 300, { modelName: "restart", expiresAt: YEAR_2100 }))).inserted,
    ).toBe(false);
  });

  it("refuses each invalid signal field by name, before writing anything", async () => {
    const good = signalAt(spy, spy.ts.length - 20, {
      modelName: "invalid",
      createdAt: Date.UTC(2034, 0, 1),
      expiresAt: YEAR_2100,
    });
    const cases: [Partial<NewSignal> | Record<string, unknown>, string, RegExp][] = [
      [{ confidence: Number.NaN }, "confidence", /signal field confidence = NaN: expected a finite number in \[0, 1\]/],
      [{ confidence: 1.5 }, "confidence", /confidence = 1\.5/],
      [{ symbol: "SP Y" }, "symbol", /symbol = "SP Y": expected a valid ticker \(ticker "SP Y" is not valid/],
      [{ signalType: "buy" }, "signalType", /signalType = "buy": expected one of long, short, none/],
      [{ targetPrice: -1 }, "targetPrice", /targetPrice = -1: expected a finite price > 0, or null/],
      [{ stopLoss: Number.POSITIVE_INFINITY }, "stopLoss", /stopLoss = Infinity/],
      [
        { signalType: "none", targetPrice: null, stopLoss: null },
        "positionSize",
        /positionSize = 0\.1: expected 0 when signalType is "none"/,
      ],
      [
        { signalType: "none", positionSize: 0, stopLoss: null },
        "targetPrice",
        /targetPrice = [\d.]+: expected null when signalType is "none"/,
      ],
      [{ positionSize: -0.1 }, "positionSize", /positionSize = -0\.1: expected a finite number ≥ 0/],
      [{ modelVersion: "" }, "modelVersion", /modelVersion = "": expected a non-empty string/],
      [{ barTs: spy.ts[0] + 0.5 }, "barTs", /barTs = [\d.]+: expected an integral UTC epoch-ms timestamp/],
      [{ features: { ret_1: "0.1" } }, "features.ret_1", /features\.ret_1 = "0\.1": expected a number or null/],
      [{ features: [1, 2] }, "features", /features = an array/],
      [{ featureHash: "ABC" }, "featureHash", /featureHash = "ABC": expected a sha256 as 64 lower-case hex digits/],
      [
        { probabilities: {} },
        "probabilities",
        /probabilities = an object: expected an object of class name → probability with at least one class/,
      ],
      [{ probabilities: { up: Number.NaN, down: 0.5 } }, "probabilities.up", /probabilities\.up = NaN/],
      [{ regime: 3 }, "regime", /regime = 3: expected a string or null/],
      [{ expiresAt: good.barTs }, "expiresAt", /expiresAt = \d+: expected a time after barTs \(\d{4}-\d\d-\d\dT/],
      [
        { createdAt: Number.NaN },
        "createdAt",
        /createdAt = NaN: expected an integral UTC epoch-ms timestamp, or absent/,
      ],
    ];
    for (const [change, field, message] of cases) {
      const err = await storeError(store.insertSignal({ ...good, ...change } as NewSignal));
      expect([err.code, err.field], JSON.stringify(change)).toEqual(["bad_signal", field]);
      expect(err.message).toMatch(message);
    }
    const notObject = await storeError(store.insertSignal(null as unknown as NewSignal));
    expect([notObject.field, notObject.message]).toEqual([
      "signal",
      "signal field signal = null: expected an object with the fields of NewSignal",
    ]);
    expect((await store.listSignals({ from: good.createdAt, to: good.createdAt! + 1 })).signals).toEqual([]);
    expect((await store.insertSignal(good)).inserted).toBe(true);
  });

  it("refuses each invalid query field by name", async () => {
    const { next } = await store.listSignals({ limit: 1 });
    expect(next).not.toBeNull();
    const tampered = Buffer.from(`${Buffer.from(next!, "base64url").toString()}x`).toString("base64url");
    const cases: [SignalQuery | Record<string, unknown>, string, RegExp][] = [
      [{ limit: 0 }, "limit", /signal query field limit = 0: expected an integer in 1\.\.1000/],
      [{ limit: 5000 }, "limit", /limit = 5000/],
      [{ limit: 2.5 }, "limit", /limit = 2\.5/],
      [{ cursor: "not a cursor" }, "cursor", /cursor = "not a cursor": not a cursor this store gave out/],
      [
        { cursor: tampered },
        "cursor",
        /not a cursor this store gave out \(pass the `next` of the previous page unchanged/,
      ],
      [{ cursor: 42 }, "cursor", /cursor = number/],
      [{ status: "stale" }, "status", /status = "stale": expected one of open, expired, executed, all/],
      [{ ticker: "A,B" }, "ticker", /ticker = "A,B": expected a valid ticker/],
      [{ from: Number.NaN }, "from", /from = NaN: expected an integral UTC epoch-ms timestamp/],
      [
        { from: 2 * DAY, to: DAY },
        "to",
        /to = 86400000: expected a time not before from \(1970-01-03T00:00:00\.000Z\)/,
      ],
    ];
    for (const [query, field, message] of cases) {
      const err = await storeError(store.listSignals(query as SignalQuery));
      expect([err.code, err.field], JSON.stringify(query)).toEqual(["bad_query", field]);
      expect(err.message).toMatch(message);
    }
    const err = await storeError(store.markExpiredSignals(Number.NaN));
    expect([err.code, err.field, err.message]).toEqual([
      "bad_query",
      "now",
      "signal query field now = NaN: expected an integral UTC epoch-ms timestamp",
    ]);
  });
});

describe("trading signals from two PostgreSQL connections at once", () => {
  const target = postgresTarget();
  let a: Store;
  let b: Store;

  beforeAll(async () => {
    a = await openStore(target.options);
    b = await openStore(target.options);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target.cleanup();
  });

  it("store each key once when both insert it concurrently", async () => {
    const signals = Array.from({ length: 24 }, (_, k) =>
      signalAt(spy, spy.ts.length - 50 + k, {
        modelName: "race",
        createdAt: Date.UTC(2035, 0, 1) + k,
        expiresAt: YEAR_2100,
      }),
    );
    const results = await Promise.all(signals.flatMap((s) => [a.insertSignal(s), b.insertSignal(s)]));
    for (let k = 0; k < signals.length; k++) {
      const [x, y] = [results[2 * k], results[2 * k + 1]];
      expect(x.id).toBe(y.id);
      expect([x.inserted, y.inserted].filter(Boolean)).toHaveLength(1);
    }
    const stored = (await a.listSignals({ limit: MAX_SIGNAL_LIMIT })).signals;
    expect(stored).toHaveLength(signals.length);
    expect(new Set(stored.map((s) => s.id))).toEqual(new Set(results.map((r) => r.id)));
  });
});
