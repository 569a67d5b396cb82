/**
 * `npm run bench -- backtest`
 *
 * 1. Sweep: 10,000 one-minute bars (the first 10,000 of the million-bar series) x 1,000 random
 *    signal columns, long-only, entry on +1 / exit on -1, filled at the next open, commission
 *    1 bp + slippage 2 bp. Ours: `sweep()` (final equity, Sharpe, max drawdown, trades, costs per
 *    column), its columns over every core with the worker threads warm. vectorbt: `Portfolio.from_signals` on the same signals (shifted one bar, price =
 *    open, fees and slippage as fractions) plus total_return / sharpe_ratio / max_drawdown, timed
 *    after a warm-up call so numba compilation is excluded.
 * 2. Single: the million-bar series, one random signal column (1 % of bars each side), held 30
 *    bars, vol-target sizing, commission + slippage + square-root impact with a 5 % participation
 *    cap, ATR stop-loss 2 / take-profit 3. Ours: `simulate()`. numpy: the same logic vectorised
 *    without stops (last signal within the holding window, vol-target size at the signal bar,
 *    open-to-open returns, linear + impact costs on position changes).
 * Timings are medians of repeated runs; the machine is shared (2 cores, 8 engineers), so
 * figures are noisy: each is printed beside its reference from the same run and its goal from
 * the speed issue (issue 20), and with CPU time, which the load distorts less than wall time.
 * Last line: the JSON the issue names.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { simulate, sweep } from "../src/backtest";
import { sweepThreadsReady } from "../src/backtest/sweepThreads";
import { sliceBars } from "../src/data";
import { millionBars } from "./_millionBars";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** Issue 20's goals (floors: sweep >= 5e7 bar-columns/s, single ratio <= 1.0). */
const GOAL_SWEEP = 1e8;
const GOAL_SINGLE_RATIO = 0.5;
const python = join(root, ".venv-bench", "bin", "python");

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomSignals(out: Int8Array, offset: number, n: number, seed: number, rate: number): void {
  const r = lcg(seed);
  for (let i = 0; i < n; i++) {
    const u = r();
    out[offset + i] = u < rate ? 1 : u < 2 * rate ? -1 : 0;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time (s) after a warm-up run (JIT, first-touch allocation), and median CPU time of this process. */
function timeIt(reps: number, f: () => void): { wall: number; cpu: number } {
  f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < reps; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const PY = `
import json, sys, time, warnings
import numpy as np, pandas as pd
warnings.filterwarnings("ignore")
d = sys.argv[1]
mode = sys.argv[2]
def med(xs): return sorted(xs)[len(xs)//2]
if mode == "sweep":
    import vectorbt as vbt
    n, m = int(sys.argv[3]), int(sys.argv[4])
    o = np.fromfile(f"{d}/sw_open.f64"); c = np.fromfile(f"{d}/sw_close.f64")
    sig = np.fromfile(f"{d}/sw_sig.i8", dtype=np.int8).reshape(m, n).T  # column-major -> (n, m)
    # Signal at bar t trades at bar t+1's open.
    ent = np.zeros((n, m), bool); ext = np.zeros((n, m), bool)
    ent[1:] = sig[:-1] == 1; ext[1:] = sig[:-1] == -1
    close = pd.Series(c)  # broadcast against the (n, m) signals: vectorbt's fastest input form here
    def run():
        pf = vbt.Portfolio.from_signals(close, ent, ext, price=o[:, None], fees=0.0001, slippage=0.0002,
                                        init_cash=1e6, freq="1min")
        pf.total_return(); pf.sharpe_ratio(); pf.max_drawdown()
        return pf
    run()  # warm-up: numba compilation
    ts, cs = [], []
    for _ in range(3):
        t0 = time.perf_counter(); c0 = time.process_time(); run()
        ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    print(json.dumps({"vectorbt_s": med(ts), "vectorbt_cpu_s": med(cs), "vectorbt_version": vbt.__version__}))
else:
    n = int(sys.argv[3])
    o = np.fromfile(f"{d}/mb_open.f64"); c = np.fromfile(f"{d}/mb_close.f64"); v = np.fromfile(f"{d}/mb_volume.f64")
    sig = np.fromfile(f"{d}/mb_sig.i8", dtype=np.int8)
    hold, ppy, target, lookback = 30, 252 * 390, 0.15, 20
    lin, cap0 = 0.0001 + 0.0002, 1e6
    def run():
        r = np.empty(n); r[0] = 0.0; r[1:] = c[1:] / c[:-1] - 1
        sigma = pd.Series(r).rolling(lookback).std().to_numpy()
        idx = np.arange(n)
        last = np.maximum.accumulate(np.where(sig != 0, idx, -1))
        ok = last >= 0
        li = np.where(ok, last, 0)
        frac = np.minimum(target / (sigma[li] * np.sqrt(ppy)), 1.0)
        frac = np.where(np.isnan(frac), 0.0, frac)
        # Position decided at close t (last signal within the holding window) is held over bar t+1.
        decided = np.where(ok & (idx - last < hold), sig[li] * frac, 0.0)
        pos = np.empty(n); pos[0] = 0.0; pos[1:] = decided[:-1]
        ret_oo = np.empty(n); ret_oo[:-1] = o[1:] / o[:-1] - 1; ret_oo[-1] = c[-1] / o[-1] - 1
        dpos = np.abs(np.diff(pos, prepend=0.0))
        prev_v = np.empty(n); prev_v[0] = np.nan; prev_v[1:] = v[:-1]
        prev_s = np.empty(n); prev_s[0] = np.nan; prev_s[1:] = sigma[:-1]
        shares = dpos * cap0 / o
        impact = np.where(dpos > 0, np.nan_to_num(prev_s) * np.sqrt(shares / np.maximum(prev_v, 1.0)), 0.0)
        strat = pos * ret_oo - dpos * (lin + impact)
        equity = cap0 * np.cumprod(1 + strat)
        dd = equity / np.maximum.accumulate(equity) - 1
        return equity, dd
    run()
    ts, cs = [], []
    for _ in range(5):
        t0 = time.perf_counter(); c0 = time.process_time(); run()
        ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    print(json.dumps({"numpy_s": med(ts), "numpy_cpu_s": med(cs)}))
`;

function runPython(dir: string, args: string[]): Record<string, number | string> {
  const res = spawnSync(python, ["-", dir, ...args], { input: PY, encoding: "utf8", maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`python ${args[0]} failed (${res.status}): ${res.stderr}`);
  const lines = res.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const dir = mkdtempSync(join(tmpdir(), "bench-backtest-"));
try {
  const mb = millionBars();

  // 1. Sweep.
  const n = 10_000;
  const m = 1_000;
  const bars = sliceBars(mb, 0, n);
  const sig = new Int8Array(n * m);
  for (let c = 0; c < m; c++) randomSignals(sig, c * n, n, 1 + c, 0.02);
  const sweepCfg = {
    signals: { long_only: true },
    costs: { commission_bps: 1, slippage_bps: 2 },
    backtest: { guards: null, initial_capital: 1e6 },
  };
  // Warm workers, as vectorbt is timed after its compilation: a cold start is ~0.5 s of the other core.
  const threaded = await sweepThreadsReady();
  let checksum = 0;
  const sweepT = timeIt(5, () => {
    checksum = sweep(bars, sig, m, sweepCfg).finalEquity[0];
  });
  const sweepKeepT = timeIt(3, () => {
    sweep(bars, sig, m, sweepCfg, { keepReturns: true });
  });
  // The same columns through the event engine one by one, to show what the sweep saves.
  const few = 20;
  const separate = timeIt(1, () => {
    for (let c = 0; c < few; c++) simulate({ bars, signal: sig.subarray(c * n, (c + 1) * n) }, sweepCfg);
  });
  writeFileSync(join(dir, "sw_open.f64"), Buffer.from(bars.open.slice().buffer));
  writeFileSync(join(dir, "sw_close.f64"), Buffer.from(bars.close.slice().buffer));
  writeFileSync(join(dir, "sw_sig.i8"), Buffer.from(sig.buffer));
  const vbt = runPython(dir, ["sweep", String(n), String(m)]);
  const sweepS = sweepT.wall;
  const ours = (n * m) / sweepS;
  const theirs = (n * m) / (vbt.vectorbt_s as number);
  console.log(
    `sweep ${n} bars x ${m} columns (long-only, commission + slippage), final equity col 0 = ${checksum.toFixed(2)}, ` +
      `${threaded ? "columns over every core" : "one thread (workers unavailable)"}`,
  );
  console.log(
    `  ours      ${sweepS.toFixed(4)} s wall (${sweepT.cpu.toFixed(4)} s CPU)  ${(ours / 1e6).toFixed(1)} M bar-columns/s ` +
      `(goal >= ${GOAL_SWEEP / 1e6} M; ${((n * m) / sweepT.cpu / 1e6).toFixed(1)} M per CPU second)`,
  );
  console.log(`  ours, keeping the ${n}x${m} returns matrix  ${sweepKeepT.wall.toFixed(4)} s wall`);
  console.log(
    `  ${m} separate simulate() calls (extrapolated from ${few}): ${((separate.wall * m) / few).toFixed(3)} s wall`,
  );
  console.log(
    `  vectorbt ${vbt.vectorbt_version} ${(vbt.vectorbt_s as number).toFixed(4)} s wall ` +
      `(${(vbt.vectorbt_cpu_s as number).toFixed(4)} s CPU)  ${(theirs / 1e6).toFixed(1)} M bar-columns/s`,
  );
  console.log(`  ours / vectorbt: ${(ours / theirs).toFixed(1)}x the bar-columns per second`);

  // 2. Single million-bar backtest with stops, sizing and costs.
  const N = mb.ts.length;
  const one = new Int8Array(N);
  randomSignals(one, 0, N, 5, 0.01);
  const singleCfg = {
    signals: { hold_bars: 30 },
    sizing: { kind: "vol_target" as const, target: 0.15 },
    costs: { commission_bps: 1, slippage_bps: 2, impact: "sqrt" as const, max_participation: 0.05 },
    backtest: { guards: null, stops: { stop_loss_atr: 2, take_profit_atr: 3 } },
  };
  let trades = 0;
  const singleT = timeIt(7, () => {
    trades = simulate({ bars: mb, signal: one }, singleCfg).trades.length;
  });
  writeFileSync(join(dir, "mb_open.f64"), Buffer.from(mb.open.slice().buffer));
  writeFileSync(join(dir, "mb_close.f64"), Buffer.from(mb.close.slice().buffer));
  writeFileSync(join(dir, "mb_volume.f64"), Buffer.from(mb.volume!.slice().buffer));
  writeFileSync(join(dir, "mb_sig.i8"), Buffer.from(one.buffer));
  const np = runPython(dir, ["single", String(N)]);
  console.log(`single ${N} bars, stops + vol-target sizing + costs with impact: ${trades} trades`);
  const singleS = singleT.wall;
  console.log(`  ours   ${singleS.toFixed(4)} s wall (${singleT.cpu.toFixed(4)} s CPU)`);
  console.log(
    `  numpy  ${(np.numpy_s as number).toFixed(4)} s wall (${(np.numpy_cpu_s as number).toFixed(4)} s CPU; vectorised, no stops)`,
  );
  console.log(
    `  ours / numpy: ${(singleS / (np.numpy_s as number)).toFixed(2)} wall, ` +
      `${(singleT.cpu / (np.numpy_cpu_s as number)).toFixed(2)} CPU (goal <= ${GOAL_SINGLE_RATIO})`,
  );
  console.log("(2-core machine shared with other engineers: figures are noisy)");

  console.log(
    JSON.stringify({
      sweep_bar_columns_per_s: Math.round(ours),
      sweep_ratio_vs_vectorbt: ours / theirs,
      single_million_bars_s: singleS,
      single_ratio_vs_numpy: singleS / (np.numpy_s as number),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
