/**
 * `wsp features regimes|report <config>`: regime shares per year and the quality report of an
 * experiment config's feature set. Errors name the config file and the YAML path at fault.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import {
  type Bars,
  clipMessage,
  type DataConfig,
  dataConfigSchema,
  isoDate,
  loadDataBlock,
  loadUniverse,
  readProblem,
} from "../data";
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
  parseFeaturesConfig,
  qualityReport,
  type RegimesConfig,
  regimesConfigSchema,
  trendRegime,
} from "../features";
import { configErrorMap, describeIssues, yamlPath } from "../pipeline";

interface ConfigFlags {
  dataDir?: string;
}

/** A block's zod issues as `file: block.path: expected …, got …` lines. */
function blockIssues(file: string, block: string, schema: z.ZodType, input: unknown): string | null {
  const r = schema.safeParse(input, { error: configErrorMap });
  if (r.success) return null;
  return describeIssues(schema, input, r.error.issues)
    .map((i) => `${file}: ${yamlPath([block, ...i.path])}: ${i.message}`)
    .join("\n");
}

/** The parsed YAML document of an experiment config (a mapping). */
function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read the config: ${readProblem(err)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`${file}: not valid YAML (${clipMessage(err instanceof Error ? err.message : String(err))})`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(`${file}: expected a YAML mapping with a data: block at the top level`);
  }
  return doc as Record<string, unknown>;
}

function dataBlockOf(file: string, doc: Record<string, unknown>): DataConfig {
  if (doc.data === undefined) throw new Error(`${file}: data: missing (expected the experiment's data block)`);
  const problem = blockIssues(file, "data", dataConfigSchema, doc.data);
  if (problem !== null) throw new Error(problem);
  return dataConfigSchema.parse(doc.data);
}

function regimesBlockOf(file: string, doc: Record<string, unknown>): RegimesConfig {
  const problem = blockIssues(file, "regimes", regimesConfigSchema, doc.regimes ?? {});
  if (problem !== null) throw new Error(problem);
  return regimesConfigSchema.parse(doc.regimes ?? {});
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
  const doc = readConfig(file);
  const data = dataBlockOf(file, doc);
  const config = regimesBlockOf(file, doc);
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

function featuresBlockOf(file: string, doc: Record<string, unknown>): FeaturesConfig {
  if (doc.features === undefined)
    throw new Error(`${file}: features: missing (expected the experiment's features block)`);
  try {
    return parseFeaturesConfig(doc.features as Parameters<typeof parseFeaturesConfig>[0]);
  } catch (err) {
    // FeatureSpecError messages start with the path inside the config (features.set[3].params).
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface ReportFlags extends ConfigFlags {
  universe: boolean;
  threshold: string;
}

async function printReport(file: string, flags: ReportFlags): Promise<void> {
  const doc = readConfig(file);
  const data = dataBlockOf(file, doc);
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
