/**
 * TA-Lib conventions of TRIX, T3, CMO, APO and PPO that the SPY fixtures do not reach: the zero
 * tests on flat or near-zero series, T3's volume factor at its ends, and the identities that tie
 * each to the indicators it is built from.
 */
import { describe, expect, it } from "vitest";
import { apo } from "../../../src/features/indicators/apo";
import { cmo, CmoStream } from "../../../src/features/indicators/cmo";
import { ema } from "../../../src/features/indicators/ema";
import { ppo, PpoStream } from "../../../src/features/indicators/ppo";
import { rsi } from "../../../src/features/indicators/rsi";
import { sma } from "../../../src/features/indicators/sma";
import { t3 } from "../../../src/features/indicators/t3";
import { trix } from "../../../src/features/indicators/trix";
import { DATASETS, firstMismatch } from "./_trendMomentumData";

const close = DATASETS[0].bars.close.slice(0, 400);

function expectEqual(got: Float64Array, want: Float64Array): void {
  const bad = firstMismatch(got, want, 0, want.length);
  expect(bad === -1 ? "ok" : `[${bad}]: got ${got[bad]}, expected ${want[bad]}`).toBe("ok");
}

describe("zero tests (TA_IS_ZERO)", () => {
  it("CMO on a flat series is 0, not NaN, in batch and stream", () => {
    const flat = new Float64Array(30).fill(101.25);
    const out = cmo(flat, 14);
    expect(Array.from(out.subarray(14))).toEqual(new Array(16).fill(0));
    const s = new CmoStream(14);
    let last = Number.NaN;
    for (const x of flat) last = s.next(x);
    expect(last).toBe(0);
  });

  it("PPO is 0 where the slow SMA is within 1e-8 of zero, in batch and stream", () => {
    const tiny = Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 3e-9 : 1e-9));
    const out = ppo(tiny, 3, 5);
    expect(Array.from(out.subarray(4))).toEqual(new Array(36).fill(0));
    const s = new PpoStream(3, 5);
    let last = Number.NaN;
    for (const x of tiny) last = s.next(x);
    expect(last).toBe(0);
  });
});

describe("identities", () => {
  it("CMO = 2·RSI − 100 off flat stretches (both from Wilder's averages)", () => {
    const r = rsi(close, 14);
    expectEqual(
      cmo(close, 14),
      r.map((x) => 2 * x - 100),
    );
  });

  it("APO = SMA(fast) − SMA(slow); PPO = 100·APO / SMA(slow)", () => {
    const fast = sma(close, 12);
    const slow = sma(close, 26);
    const a = apo(close, 12, 26);
    expectEqual(
      a,
      slow.map((s, i) => fast[i] - s),
    );
    expectEqual(
      ppo(close, 12, 26),
      slow.map((s, i) => (100 * a[i]) / s),
    );
  });

  it("T3 with vFactor 0 is the triple EMA E3 (after the six levels' warm-up); TRIX is E3's one-bar ROC", () => {
    const e3 = ema(ema(ema(close, 5).subarray(4), 5).subarray(4), 5);
    const want = new Float64Array(close.length).fill(Number.NaN);
    want.set(e3, 8);
    expectEqual(
      t3(close, 5, 0),
      want.map((x, i) => (i >= 24 ? x : Number.NaN)),
    );
    const tr = trix(close, 5);
    const wantTrix = want.map((x, i) => (i > 12 ? (x / want[i - 1] - 1) * 100 : Number.NaN));
    expectEqual(tr, wantTrix);
  });
});
