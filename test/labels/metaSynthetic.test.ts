/**
 * Meta-labels with a known primary: on a synthetic market the SMA(10)/SMA(50) crossing side is
 * right only while a visible regime series REG is 1 (the next bars drift with the side) and wrong
 * while it is 0 (they drift against it). The meta model, given REG as a feature, must learn when
 * to act: out-of-fold AUC clearly above 0.5 and a higher P(TAKE) where REG is 1, and trading
 * the primary side where it says TAKE pays; its shuffled-label control must do neither.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig, runExperiment } from "../../src/pipeline";

/** NYSE session dates of the bundled SPY file, 2009..2024. */
function sessions(): string[] {
  return readFileSync("data/daily/SPY.csv", "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[0])
    .filter((d) => d >= "2009-01-01" && d <= "2024-12-31");
}

/** Seeded uniform numbers (mulberry32) and standard normals from them. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Writes daily/SYN.csv (the traded series) and daily/REG.csv (the regime, 0/1) under `dir`. */
function writeMarket(dir: string): void {
  const dates = sessions();
  const z = normals(19);
  const close: number[] = [100];
  const reg: number[] = [1];
  const sma = (t: number, p: number) => (t + 1 < p ? Number.NaN : mean(close.slice(t + 1 - p, t + 1)));
  for (let t = 0; t + 1 < dates.length; t++) {
    // The regime persists for weeks (visible at t); the side is the crossing at t (bars <= t).
    reg.push(z() > 1.8 ? 1 - reg[t] : reg[t]);
    const f = sma(t, 10);
    const s = sma(t, 50);
    const side = Number.isNaN(s) ? 0 : f > s ? 1 : f < s ? -1 : 0;
    const drift = 0.003 * side * (reg[t] === 1 ? 1 : -1);
    close.push(close[t] * Math.exp(drift + 0.01 * z()));
  }
  mkdirSync(join(dir, "daily"), { recursive: true });
  const row = (d: string, c: number, spread: number) =>
    `${d},${c.toFixed(4)},${(c * (1 + spread)).toFixed(4)},${(c * (1 - spread)).toFixed(4)},${c.toFixed(4)},1000000`;
  const head = "date,open,high,low,close,volume";
  writeFileSync(join(dir, "daily", "SYN.csv"), [head, ...dates.map((d, i) => row(d, close[i], 0.002))].join("\n"));
  writeFileSync(join(dir, "daily", "REG.csv"), [head, ...dates.map((d, i) => row(d, 1 + reg[i], 0))].join("\n"));
}

const dir = mkdtempSync(join(tmpdir(), "meta-synthetic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("meta labels on a known primary", () => {
  it("the secondary learns when the crossing is right; the shuffled control does not", async () => {
    writeMarket(dir);
    const config = parseConfig(`name: meta-synthetic
tracking: { experiment: meta-synthetic }
data: { tickers: [SYN], timeframe: 1d, source: "csv:${dir}", context: [REG] }
features:
  set:
    - { indicator: close, context: REG }
    - { indicator: ret, params: { period: 1 } }
labels:
  kind: meta
  horizon: 5
  barriers: { upper: 2.0, lower: 2.0, scale: vol_20 }
  primary: { rule: cross, fast: { indicator: sma, params: { period: 10 } }, slow: { indicator: sma, params: { period: 50 } } }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P2Y }
models: [{ kind: gbm, params: { n_trees: 40, max_depth: 2, learning_rate: 0.1, min_child_weight: 20 } }]
signals: { long_above: 0.55, short_above: 0.55, hold_bars: 5 }
sizing: { kind: kelly, kelly_fraction: 0.5 }
backtest: { benchmark: SYN, stress: [] }
controls: { shuffled_labels: true }
`);
    const r = await runExperiment(config, { progress: false });
    expect(r.classes).toEqual(["SKIP", "TAKE"]);
    const gbm = r.models[0];
    expect(gbm.oos.auc).toBeGreaterThan(0.65);
    // P(TAKE) out of fold where REG is 1 against where it is 0.
    const regCol = r.features.names.indexOf(r.features.names.find((n) => n.includes("REG")) as string);
    expect(regCol).toBeGreaterThanOrEqual(0);
    const regValues = r.panel.columns[r.panel.names.indexOf(r.features.names[regCol])];
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < r.y.length; i++) {
      const p = gbm.oofProbs[i];
      if (Number.isNaN(p)) continue;
      (regValues[i] === 2 ? on : off).push(p);
    }
    expect(on.length).toBeGreaterThan(200);
    expect(off.length).toBeGreaterThan(200);
    expect(mean(on) - mean(off)).toBeGreaterThan(0.2);
    expect(r.control?.oos.auc).toBeLessThan(0.56);
    // Traded: the primary side where P(TAKE) reaches 0.55, Kelly-sized by P(TAKE).
    const report = r.backtest.run.report;
    expect(report.trades.trades).toBeGreaterThan(50);
    expect(report.returns.sharpe).toBeGreaterThan(1.5);
    expect(report.returns.sharpe).toBeGreaterThan((r.control?.sharpe ?? 0) + 1);
    expect(r.gates.checks.find((c) => c.name === "control")?.passed).toBe(true);
  }, 120_000);
});
