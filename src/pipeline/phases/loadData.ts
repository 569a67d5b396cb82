/** Phase `data`: the tickers' and context series' bars, validated, and their content hash. */
import { createHash } from "node:crypto";
import { type Bars, isIntraday, loadDataBlock, type ValidationReport, validateBars } from "../../data";
import { ExperimentError } from "../experimentResult";
import type { PhaseContext } from "./context";

export interface DataPhase {
  /** The traded tickers' bars, in config order. */
  tickerBars: Bars[];
  tickers: string[];
  /** Context series (VIX), daily bars even for an intraday run. */
  context: Bars[];
  validation: ValidationReport[];
  /** SHA-256 of every loaded series (a trial's identity). */
  dataHash: string;
}

export async function loadData({ config, hooks, timer }: PhaseContext): Promise<DataPhase> {
  const options = { dataDir: hooks.dataDir, fromStore: hooks.fromStore };
  const data = await timer.run("load", 1, async () => {
    if (!isIntraday(config.data.timeframe) || config.data.context.length === 0) {
      return loadDataBlock(config.data, options);
    }
    const loaded = await loadDataBlock({ ...config.data, context: [] }, options);
    // Context series (VIX) exist as daily bars only; features carry a daily value onto intraday
    // bars once its session has closed.
    const daily = await loadDataBlock(
      { ...config.data, timeframe: "1d", tickers: config.data.context, context: [] },
      options,
    );
    return { tickers: loaded.tickers, context: daily.tickers };
  });
  const tickerBars = data.tickers.map((t) => t.bars);
  const validation = await timer.run("validate", 1, () =>
    [...data.tickers, ...data.context].map((s) => validateBars(s.bars)),
  );
  const errors = validation.filter((r) => r.errors > 0);
  if (errors.length > 0) {
    throw new ExperimentError(
      "data",
      `validation found errors in ${errors.map((r) => `${r.ticker} (${r.errors})`).join(", ")}; run \`wsp data validate\``,
    );
  }
  const context = data.context.map((c) => c.bars);
  return {
    tickerBars,
    tickers: tickerBars.map((b) => b.ticker),
    context,
    validation,
    dataHash: hashBars([...tickerBars, ...context]),
  };
}

function hashBars(all: readonly Bars[]): string {
  const h = createHash("sha256");
  for (const b of all) {
    h.update(`${b.ticker}/${b.timeframe}/${b.ts.length};`);
    for (const col of [b.ts, b.open, b.high, b.low, b.close, b.volume]) {
      if (col) h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
    }
  }
  return h.digest("hex");
}
