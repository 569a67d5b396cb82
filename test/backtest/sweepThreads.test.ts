/**
 * A sweep's columns on worker threads (sweepThreads.ts) give the single-thread figures bit for
 * bit, and throw the error one thread meets first: a later tile's
 * error in an earlier column loses to an earlier tile's in a later column.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { millionBars } from "../../bench/_millionBars";
import { sweep } from "../../src/backtest";
import { sweepThreadStats, sweepThreadsReady } from "../../src/backtest/sweepThreads";
import { sliceBars } from "../../src/data";
import { randomSignals } from "./_helpers";

function bytesOf(a: Float64Array | Int32Array | null): string {
  return a === null ? "null" : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

describe("sweep on worker threads", () => {
  const n = 20_000;
  const m = 120;
  const bars = sliceBars(millionBars(), 0, n);
  const sig = new Int8Array(n * m);
  for (let c = 0; c < m; c++) sig.set(randomSignals(n, 300 + c, 0.005 + 0.005 * (c % 5)), c * n);
  const volatile = Uint8Array.from(randomSignals(n, 9, 0.2), (v) => (v !== 0 ? 1 : 0));
  let up = false;

  beforeAll(async () => {
    up = await sweepThreadsReady(2);
  }, 60_000);

  it("equals one thread bit for bit, with stops, impact, vol targeting and guard rails", () => {
    expect(up).toBe(true);
    const cfg = {
      sizing: { kind: "vol_target" as const },
      costs: {
        commission_bps: 1,
        slippage_atr: 0.1,
        impact: "sqrt" as const,
        max_participation: 0.05,
        borrow_bps_annual: 40,
      },
      backtest: {
        stops: { stop_loss_atr: 2, take_profit_atr: 3 },
        guards: { max_drawdown: 0.01, max_daily_loss: 0.003 },
      },
    };
    const one = sweep(bars, sig, m, cfg, { volatile, threads: 1 });
    const before = sweepThreadStats.workerRanges;
    // On a busy machine the main thread may take every range before the worker is scheduled: run until it takes one.
    let two = sweep(bars, sig, m, cfg, { volatile, threads: 2 });
    for (let k = 0; k < 20 && sweepThreadStats.workerRanges === before; k++)
      two = sweep(bars, sig, m, cfg, { volatile, threads: 2 });
    expect(sweepThreadStats.workerRanges).toBeGreaterThan(before);
    for (const key of Object.keys(one) as (keyof typeof one)[]) {
      const x = one[key];
      const y = two[key];
      if (typeof x === "number") expect(y).toBe(x);
      else expect(bytesOf(y as Float64Array), key).toBe(bytesOf(x as Float64Array));
    }
  });

  it("throws the error one thread meets first", () => {
    const bad = sig.slice();
    bad[10 * n + 5000] = 2; // column 10, in the third tile of 2,048 bars
    bad[100 * n + 100] = 3; // column 100, first tile
    const message = (threads: number) => {
      try {
        sweep(bars, bad, m, {}, { threads });
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message(1)).toMatch(/column 100: value at index 100 is 3/);
    expect(message(2)).toBe(message(1));
  });
});
