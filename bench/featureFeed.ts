/**
 * `npm run bench -- featureFeed`: the forecast service's feature path (issue 17), single thread.
 *
 * 1. Replay: a FeatureFeed built on a whole experiment's input streams every base bar
 *    (spy-daily: SPY daily from 2000 with VIX, the default set and its 1w columns; the same
 *    without 1w; universe-daily: the default set with breadth over the bundled 480 stocks).
 *    Best of three; per base bar = replay / bars.
 * 2. Live: the feed built on all but the last bars, then one advance() per new bar (its
 *    extension check reads no prefix here: the inputs are views of one buffer).
 *
 * Times are CPU time of this process (user + system), wall time next to them; figures are
 * noisy (two shared cores). Last line: one JSON object of numbers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type Bars, loadDataBlock, loadUniverse, lowerBound, sliceBars } from "../src/data";
import { FeatureFeed, type FeatureInput, type FeaturesConfigInput } from "../src/features";

function timed<T>(fn: () => T): { value: T; cpuMs: number; wallMs: number } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const value = fn();
  const dc = process.cpuUsage(c0);
  return { value, cpuMs: (dc.user + dc.system) / 1000, wallMs: performance.now() - w0 };
}

async function experiment(path: string): Promise<{ features: FeaturesConfigInput; input: FeatureInput }> {
  const doc = parse(readFileSync(join(process.cwd(), path), "utf8"));
  const loaded = await loadDataBlock(doc.data);
  const context: Record<string, Bars> = {};
  for (const s of loaded.context) context[s.bars.ticker] = s.bars;
  return { features: doc.features, input: { bars: loaded.tickers[0].bars, context } };
}

/** Every series cut to its bars before t. */
function before(input: FeatureInput, t: number): FeatureInput {
  const cut = (b: Bars) => sliceBars(b, 0, lowerBound(b.ts, t));
  return {
    bars: cut(input.bars),
    context: Object.fromEntries(Object.entries(input.context ?? {}).map(([k, b]) => [k, cut(b)])),
    universe: input.universe && new Map([...input.universe].map(([k, b]) => [k, cut(b)])),
  };
}

interface Figures {
  bars: number;
  columns: number;
  replayMs: number;
  usPerBar: number;
  advanceUs: number;
}

function measure(label: string, features: FeaturesConfigInput, input: FeatureInput, liveBars: number): Figures {
  const n = input.bars.ts.length;
  let best = { cpuMs: Number.POSITIVE_INFINITY, wallMs: 0, columns: 0 };
  for (let r = 0; r < 3; r++) {
    const t = timed(() => new FeatureFeed(features, input));
    if (t.cpuMs < best.cpuMs) best = { cpuMs: t.cpuMs, wallMs: t.wallMs, columns: t.value.names.length };
  }
  const ts = input.bars.ts;
  const steps = Array.from({ length: liveBars }, (_, k) =>
    k + 1 < liveBars ? before(input, ts[n - liveBars + k + 1]) : input,
  );
  const feed = new FeatureFeed(features, before(input, ts[n - liveBars]));
  const live = timed(() => {
    for (const s of steps) feed.advance(s);
  });
  const figures = {
    bars: n,
    columns: best.columns,
    replayMs: Number(best.cpuMs.toFixed(1)),
    usPerBar: Number(((best.cpuMs * 1000) / n).toFixed(1)),
    advanceUs: Number(((live.cpuMs * 1000) / liveBars).toFixed(1)),
  };
  console.log(
    `${label}: ${n} bars × ${figures.columns} columns; replay ${figures.replayMs} ms CPU (${best.wallMs.toFixed(0)} ms wall), ${figures.usPerBar} µs per bar; advance() one bar ${figures.advanceUs} µs (last ${liveBars} bars)`,
  );
  return figures;
}

const spy = await experiment("experiments/spy-daily.yaml");
const { timeframes: _weekly, ...dailyOnly } = spy.features as { timeframes?: string[] };
const uni = await experiment("experiments/universe-daily.yaml");
const universe = loadUniverse();
const spyWeekly = measure("spy-daily (default, 1w, VIX)", spy.features, spy.input, 250);
const spyDaily = measure("spy-daily without 1w", dailyOnly, spy.input, 250);
const universeDaily = measure("universe-daily (default, 480 stocks)", uni.features, { ...uni.input, universe }, 250);
console.log(JSON.stringify({ spyWeekly, spyDaily, universeDaily }));
