/**
 * The monitoring page's paper-trading panel: the version's latest finished paper run (a run of
 * the model's experiment tagged `wsp.paper.model = name/version`, pipeline/paper/paperRecord.ts),
 * its equity per bar from `paper/portfolio.csv`, against buying and holding its first ticker with
 * the same starting equity, on the store's closes of the same bars.
 */
import { isTimeframe, lowerBound } from "../../data";
import type { Store } from "../../store";
import type { MlflowClient } from "../../tracking";

export interface PaperEquity {
  /** The paper run's bars, UTC epoch ms, oldest first. */
  readonly ts: readonly number[];
  /** Paper equity at each bar's close. */
  readonly equity: readonly number[];
  /** The benchmark's equity (buy and hold) at the same bars. */
  readonly benchmark: { readonly name: string; readonly values: readonly number[] };
  /** The paper run. */
  readonly runId: string;
}

/** `time,cash,shares_<T>…,equity,gross_exposure` → bar times, equity, and the tickers held. */
function parsePortfolio(csv: string, where: string): { ts: number[]; equity: number[]; tickers: string[] } {
  const [head, ...lines] = csv.trim().split("\n");
  const cols = head.split(",");
  const eq = cols.indexOf("equity");
  if (cols[0] !== "time" || eq < 0) throw new Error(`${where}: expected the columns time,…,equity, got ${head}`);
  const tickers = cols.filter((c) => c.startsWith("shares_")).map((c) => c.slice("shares_".length));
  const ts: number[] = [];
  const equity: number[] = [];
  for (const [i, line] of lines.entries()) {
    const cells = line.split(",");
    const t = Date.parse(cells[0]);
    const e = Number(cells[eq]);
    if (!Number.isFinite(t) || !Number.isFinite(e)) throw new Error(`${where} row ${i + 2}: not a time and an equity`);
    ts.push(t);
    equity.push(e);
  }
  return { ts, equity, tickers };
}

/** The latest finished paper run of `model/version` in `experiment`, or null when it has none. */
export async function paperEquity(
  store: Store,
  client: MlflowClient,
  model: { name: string; version: string },
  experiment: string,
): Promise<PaperEquity | null> {
  const exp = await client.getExperimentByName(experiment);
  if (!exp) return null;
  const [run] = (
    await client.searchRuns({
      experimentIds: [exp.experiment_id],
      filter: `tags.\`wsp.paper.model\` = '${model.name}/${model.version}' and attributes.status = 'FINISHED'`,
      orderBy: ["attributes.start_time DESC"],
      maxResults: 1,
    })
  ).runs;
  if (!run) return null;
  const runId = run.info.run_id;
  const where = `paper run ${runId} paper/portfolio.csv`;
  const book = parsePortfolio(
    new TextDecoder().decode(await client.downloadArtifact(runId, "paper/portfolio.csv")),
    where,
  );
  const timeframe = run.data.params?.find((p) => p.key === "timeframe")?.value ?? "";
  const name = book.tickers[0];
  if (!name || !isTimeframe(timeframe) || book.ts.length === 0) {
    throw new Error(`${where}: no ticker or timeframe to draw its benchmark with (params.timeframe ${timeframe})`);
  }
  const bars = await store.query(name, timeframe, { from: book.ts[0], to: book.ts[book.ts.length - 1] + 1 });
  const closeAt = (t: number) => {
    const i = lowerBound(bars.ts, t);
    return bars.ts[i] === t ? bars.close[i] : Number.NaN;
  };
  const first = closeAt(book.ts[0]);
  return {
    ts: book.ts,
    equity: book.equity,
    benchmark: { name, values: book.ts.map((t) => (book.equity[0] * closeAt(t)) / first) },
    runId,
  };
}
