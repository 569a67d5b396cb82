/**
 * `wsp features regimes|report <config>`: regime shares per year and the quality report of an
 * experiment config's feature set. Errors name the config file and the YAML path at fault.
 */
import type { Command } from "commander";
import { type Bars, type DataConfig, isoDate, loadDataBlock, loadUniverse } from "../data";
import {
  breadth,
  computeFeatures,
  type FeaturesConfig,
  formatQualityReport,
  formatRegimeShares,
  GRID_REGIME_CODES,
  GRID_REGIME_LEGEND,
  gridRegime,
  loadBreadthSources,
  qualityReport,
  trendRegime,
} from "../features";
import { type ConfigBlocks, loadConfigBlocks } from "../pipeline";

interface ConfigFlags {
  dataDir?: string;
}

/** Loads the data block's tickers and VIX as daily bars (regimes are defined per session). */
async function loadDaily(
  file: string,
  data: DataConfig,
  dataDir: string | undefined,
): Promise<{ tickers: Bars[]; vix: Bars }> {
  const vixAt = data.context.indexOf("VIX");
  if (vixAt < 0) {
    throw new Error(
      `${file}: data.context: the 12-regime grid needs VIX as a context series (got [${data.context.join(", ")}])`,
    );
  }
  try {
    const loaded = await loadDataBlock({ ...data, timeframe: "1d" }, { dataDir });
    return { tickers: loaded.tickers.map((s) => s.bars), vix: loaded.context[vixAt].bars };
  } catch (err) {
    throw new Error(`${file}: data: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function printRegimes(file: string, flags: ConfigFlags): Promise<void> {
  const doc = loadConfigBlocks(file);
  const data = doc.block("data");
  const config = doc.block("regimes");
  const { tickers, vix } = await loadDaily(file, data, flags.dataDir);
  const sources = loadBreadthSources(flags.dataDir);
  const blocks: string[] = [];
  if (data.timeframe !== "1d")
    blocks.push(`note: data.timeframe is ${data.timeframe}; regimes are computed per daily session`);
  for (const bars of tickers) {
    const n = bars.ts.length;
    const br = breadth(bars.ts, sources, { period: config.grid.breadthPeriod });
    let fromProxy = 0;
    let fromUniverse = 0;
    for (let i = 0; i < n; i++) {
      if (br.proxy[i] === 1) fromProxy++;
      else if (br.proxy[i] === 0) fromUniverse++;
    }
    let grid: ReturnType<typeof gridRegime>;
    try {
      grid = gridRegime(bars, { vix, breadth: br }, config.grid);
    } catch (err) {
      throw new Error(`${file}: data.context: ${err instanceof Error ? err.message : String(err)}`);
    }
    blocks.push(
      [
        `${bars.ticker} 1d ${isoDate(bars.ts[0])}..${isoDate(bars.ts[n - 1])}: ${n} sessions; breadth from the universe on ${fromUniverse}, from the SPY/QQQ/IWM/DIA proxy on ${fromProxy}, none on ${n - fromUniverse - fromProxy}; VIX terciles over ${config.grid.vixWindow === "expanding" ? `an expanding window of the VIX from ${isoDate(vix.ts[0])} (the data block's start)` : `a trailing ${config.grid.vixWindow}-row window`}`,
        "",
        formatRegimeShares(trendRegime(bars, config.trend)),
        "",
        formatRegimeShares(grid, { headers: GRID_REGIME_CODES, legend: GRID_REGIME_LEGEND }),
      ].join("\n"),
    );
  }
  console.log(blocks.join("\n\n"));
}

/** The features block, which `wsp run` would default; a report of nothing asked for helps no one. */
function featuresBlockOf(file: string, doc: ConfigBlocks): FeaturesConfig {
  if (!doc.has("features")) throw new Error(`${file}: features: missing (expected the experiment's features block)`);
  return doc.block("features");
}

interface ReportFlags extends ConfigFlags {
  universe: boolean;
  threshold: string;
}

async function printReport(file: string, flags: ReportFlags): Promise<void> {
  const doc = loadConfigBlocks(file);
  const data = doc.block("data");
  const features = featuresBlockOf(file, doc);
  const threshold = Number(flags.threshold);
  if (!(threshold > 0 && threshold < 1))
    throw new Error(`--threshold: expected a number in (0, 1), got ${flags.threshold}`);
  let loaded: Awaited<ReturnType<typeof loadDataBlock>>;
  try {
    loaded = await loadDataBlock(data, { dataDir: flags.dataDir });
  } catch (err) {
    throw new Error(`${file}: data: ${err instanceof Error ? err.message : String(err)}`);
  }
  const context: Record<string, Bars> = {};
  for (const s of loaded.context) context[s.bars.ticker] = s.bars;
  // The universe feeds breadth and cross-sectional ranks, which are defined on daily bars.
  const universe = flags.universe && data.timeframe === "1d" ? loadUniverse(flags.dataDir) : undefined;
  const blocks: string[] = [];
  for (const { bars } of loaded.tickers) {
    let result: ReturnType<typeof computeFeatures>;
    try {
      result = computeFeatures(features, { bars, context, universe });
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { frame, report } = result;
    const n = frame.ts.length;
    const span = n > 0 ? `${isoDate(frame.ts[0])}..${isoDate(frame.ts[n - 1])}` : "no rows";
    const lines = [
      `${bars.ticker} ${data.timeframe} ${span}: ${frame.names.length} features; context [${Object.keys(context).join(", ")}]${universe ? `, universe of ${universe.size} names` : ", no universe"}; NaN policy ${report.nan.policy} touched ${report.nan.valuesTouched} values`,
    ];
    for (const s of report.skipped) lines.push(`skipped ${s.path}: ${s.reason}`);
    lines.push("", formatQualityReport(qualityReport(frame, { threshold })));
    blocks.push(lines.join("\n"));
  }
  console.log(blocks.join("\n\n"));
}

export function registerFeaturesCommands(program: Command): void {
  const features = program.command("features").description("feature sets: regimes, quality report");
  features
    .command("regimes")
    .description("regime shares per year (trend/range/volatile and the 12-regime grid) for the config's tickers")
    .argument("<config>", "experiment YAML with a data: block (VIX in data.context) and an optional regimes: block")
    .option("--data-dir <dir>", "bundled data directory (default: data/ found from the working directory)")
    .action((config: string, flags: ConfigFlags) => printRegimes(config, flags));
  features
    .command("report")
    .description(
      "quality report of the config's feature set: warm-up, NaN share, constant columns, |r| clusters, summary",
    )
    .argument("<config>", "experiment YAML with data: and features: blocks")
    .option("--data-dir <dir>", "bundled data directory (default: data/ found from the working directory)")
    .option(
      "--no-universe",
      "leave the bundled stock universe out (breadth then comes from proxy ETFs in data.context)",
    )
    .option("--threshold <r>", "|correlation| above which columns are clustered", "0.95")
    .action((config: string, flags: ReportFlags) => printReport(config, flags));
}
