/**
 * The paper portfolio bar by bar (cash, shares per ticker, equity, gross exposure at each close)
 * and its daily report: per session the fills, the P&L against the previous session's close (the
 * initial capital for the first), the equity at the close and the mean gross exposure.
 */
import type { SimulationResult } from "../../backtest";
import { isIntraday, isoDate, newYorkDayOf, type Timeframe } from "../../data";

/** The portfolio at each traded bar's close. */
export interface PaperBook {
  readonly tickers: readonly string[];
  readonly ts: Float64Array;
  readonly cash: Float64Array;
  /** Shares held at each close, one column per ticker (negative: short). */
  readonly positions: readonly Float64Array[];
  readonly equity: Float64Array;
  readonly grossExposure: Float64Array;
}

export interface PaperSession {
  /** The session's date (New York). */
  readonly date: string;
  readonly bars: number;
  /** Fills in the session: entries and exits. */
  readonly fills: number;
  /** Round trips closed in the session, and their net P&L. */
  readonly closedTrades: number;
  readonly tradePnl: number;
  /** Equity change since the previous session's close. */
  readonly pnl: number;
  readonly returnPct: number;
  readonly equity: number;
  /** Mean gross exposure (|positions| / equity) over the session's closes. */
  readonly exposure: number;
}

export function dailyReport(book: PaperBook, sim: SimulationResult, timeframe: Timeframe): PaperSession[] {
  const dayOf = (t: number) => (isIntraday(timeframe) ? newYorkDayOf(t) : t - (t % 86_400_000));
  const n = book.ts.length;
  const tr = sim.trades;
  const fillsAt = new Int32Array(n);
  const closedAt = new Int32Array(n);
  const pnlAt = new Float64Array(n);
  for (let i = 0; i < tr.length; i++) {
    fillsAt[tr.entryIndex[i]]++;
    fillsAt[tr.exitIndex[i]]++;
    closedAt[tr.exitIndex[i]]++;
    pnlAt[tr.exitIndex[i]] += tr.pnl[i];
  }
  const out: PaperSession[] = [];
  let prevEquity = sim.initialCapital;
  let t0 = 0;
  while (t0 < n) {
    const day = dayOf(book.ts[t0]);
    let t1 = t0;
    let fills = 0;
    let closed = 0;
    let tradePnl = 0;
    let exposure = 0;
    for (; t1 < n && dayOf(book.ts[t1]) === day; t1++) {
      fills += fillsAt[t1];
      closed += closedAt[t1];
      tradePnl += pnlAt[t1];
      exposure += book.grossExposure[t1];
    }
    const equity = book.equity[t1 - 1];
    out.push({
      date: isoDate(day),
      bars: t1 - t0,
      fills,
      closedTrades: closed,
      tradePnl,
      pnl: equity - prevEquity,
      returnPct: equity / prevEquity - 1,
      equity,
      exposure: exposure / (t1 - t0),
    });
    prevEquity = equity;
    t0 = t1;
  }
  return out;
}

const csvNumber = (v: number) => (Number.isFinite(v) ? String(v) : "");

export function sessionsCsv(sessions: readonly PaperSession[]): string {
  const head = "date,bars,fills,closed_trades,trade_pnl,pnl,return,equity,exposure";
  const rows = sessions.map((s) =>
    [s.date, s.bars, s.fills, s.closedTrades, s.tradePnl, s.pnl, s.returnPct, s.equity, s.exposure]
      .map((v) => (typeof v === "number" ? csvNumber(v) : v))
      .join(","),
  );
  return `${[head, ...rows].join("\n")}\n`;
}

export function bookCsv(book: PaperBook): string {
  const head = ["time", "cash", ...book.tickers.map((t) => `shares_${t}`), "equity", "gross_exposure"].join(",");
  const rows = Array.from(book.ts, (t, i) =>
    [
      new Date(t).toISOString(),
      csvNumber(book.cash[i]),
      ...book.positions.map((p) => csvNumber(p[i])),
      csvNumber(book.equity[i]),
      csvNumber(book.grossExposure[i]),
    ].join(","),
  );
  return `${[head, ...rows].join("\n")}\n`;
}
