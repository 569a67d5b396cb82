/**
 * `wsp features regimes|report <config>`: regime shares per year and the quality report of an
 * experiment config's feature set. Errors name the config file and the YAML path at fault.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type Bars, type DataConfig, dataConfigSchema, isoDate, loadDataBlock } from "../data";
import { breadth } from "../features/breadth";
import { loadBreadthSources } from "../features/breadthSources";
import {
  formatRegimeShares,
  GRID_REGIME_CODES,
  GRID_REGIME_LEGEND,
  gridRegime,
  type RegimesConfig,
  regimesConfigSchema,
  trendRegime,
} from "../features/regimes";

interface ConfigFlags {
  dataDir?: string;
}

/** `a.b.0.c` of a zod issue path (the YAML path inside the block). */
function yamlPath(block: string, path: readonly PropertyKey[]): string {
  return [block, ...path.map(String)].join(".");
}

function zodMessage(file: string, block: string, error: z.ZodError): string {
  return error.issues.map((i) => `${file}: ${yamlPath(block, i.path)}: ${i.message}`).join("\n");
}

/** The parsed YAML document of an experiment config (a mapping). */
function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read the config (${err instanceof Error ? err.message : String(err)})`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`${file}: not valid YAML (${err instanceof Error ? err.message : String(err)})`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(`${file}: expected a YAML mapping with a data: block at the top level`);
  }
  return doc as Record<string, unknown>;
}

function dataBlockOf(file: string, doc: Record<string, unknown>): DataConfig {
  if (doc.data === undefined) throw new Error(`${file}: data: missing (expected the experiment's data block)`);
  const parsed = dataConfigSchema.safeParse(doc.data);
  if (!parsed.success) throw new Error(zodMessage(file, "data", parsed.error));
  return parsed.data;
}

function regimesBlockOf(file: string, doc: Record<string, unknown>): RegimesConfig {
  const parsed = regimesConfigSchema.safeParse(doc.regimes ?? {});
  if (!parsed.success) throw new Error(zodMessage(file, "regimes", parsed.error));
  return parsed.data;
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
        `${bars.ticker} 1d ${isoDate(bars.ts[0])}..${isoDate(bars.ts[n - 1])}: ${n} sessions; breadth from the universe on ${fromUniverse}, from the SPY/QQQ/IWM/DIA proxy on ${fromProxy}, none on ${n - fromUniverse - fromProxy}; VIX terciles over ${config.grid.vixWindow === "expanding" ? "an expanding window" : `a trailing ${config.grid.vixWindow}-row window`}`,
        "",
        formatRegimeShares(trendRegime(bars, config.trend)),
        "",
        formatRegimeShares(grid, { headers: GRID_REGIME_CODES, legend: GRID_REGIME_LEGEND }),
      ].join("\n"),
    );
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
}
