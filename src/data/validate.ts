/**
 * The validation report: every defect or oddity of a `Bars` series as a finding that names
 * its ticker, timestamp and field, counted per kind. Errors are defects no analysis should run
 * on (duplicate or unordered timestamps, NaNs, non-positive prices); anomalies are real-data
 * oddities a researcher must know about (vendor OHLC quirks, zero volume, calendar gaps,
 * extended-hours bars, outlier moves). What to do about each is `repairPolicy.ts`'s job.
 */
import { type Bars, INTRADAY_TIMEFRAME_MS, isIntraday } from "./bars";
import { isSession, sessionClose, sessionOpen, sessionsBetween } from "./calendar";
import { DAY_MS, isoDate, isoNewYork, newYorkDayOf, newYorkToUtc } from "./newYorkTime";
import { SessionDay } from "./sessionDay";

export const FINDING_KINDS = [
  "duplicate",
  "non_increasing",
  "nan",
  "non_positive_price",
  "ohlc_violation",
  "zero_volume",
  "missing_session",
  "missing_bar",
  "non_session_row",
  "outside_regular_hours",
  "outlier_move",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export type Severity = "error" | "anomaly";

export const FINDING_SEVERITY: Readonly<Record<FindingKind, Severity>> = {
  duplicate: "error",
  non_increasing: "error",
  nan: "error",
  non_positive_price: "error",
  ohlc_violation: "anomaly",
  zero_volume: "anomaly",
  missing_session: "anomaly",
  missing_bar: "anomaly",
  non_session_row: "anomaly",
  outside_regular_hours: "anomaly",
  outlier_move: "anomaly",
};

export type FindingField = "ts" | "open" | "high" | "low" | "close" | "volume" | "adjClose";

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  ticker: string;
  /** ISO-8601: the date for daily/weekly bars, New York local time with offset for intraday bars. */
  timestamp: string;
  /** The same instant as UTC epoch ms (the bar's `ts`, or where a missing bar would be). */
  time: number;
  /** Row index in the validated `Bars`, or -1 for something missing (no row). */
  index: number;
  field: FindingField | null;
  value: number | null;
  message: string;
}

export interface ValidationReport {
  ticker: string;
  timeframe: Bars["timeframe"];
  rows: number;
  findings: Finding[];
  counts: Record<FindingKind, number>;
  errors: number;
  anomalies: number;
}

export interface ValidateOptions {
  /** Flag |close-to-close return| above this (default 0.25). */
  maxMove?: number;
  /** Flag |log return| above k times the rolling standard deviation of the previous returns (default 10; Infinity disables). */
  sigmaK?: number;
  /** Returns in the rolling window of the sigma test (default 100; it needs at least 20). */
  sigmaWindow?: number;
}

export function emptyCounts(): Record<FindingKind, number> {
  const c = {} as Record<FindingKind, number>;
  for (const k of FINDING_KINDS) c[k] = 0;
  return c;
}

/** Validate one series. Pure: reads `bars`, returns the report. */
export function validateBars(bars: Bars, options: ValidateOptions = {}): ValidationReport {
  const maxMove = options.maxMove ?? 0.25;
  const sigmaK = options.sigmaK ?? 10;
  const sigmaWindow = options.sigmaWindow ?? 100;
  const { ticker, ts } = bars;
  const n = ts.length;
  const intraday = isIntraday(bars.timeframe);
  const weekly = bars.timeframe === "1w";
  const findings: Finding[] = [];
  const stamp = (t: number) => (!Number.isFinite(t) ? String(t) : intraday ? isoNewYork(t) : isoDate(t));
  const add = (
    kind: FindingKind,
    time: number,
    index: number,
    field: FindingField | null,
    value: number | null,
    message: string,
  ) => {
    findings.push({
      kind,
      severity: FINDING_SEVERITY[kind],
      ticker,
      timestamp: stamp(time),
      time,
      index,
      field,
      value,
      message,
    });
  };

  // Order: compare with the running maximum so one stray early row is one finding, not two.
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (Number.isNaN(t)) add("nan", t, i, "ts", t, "timestamp is NaN");
    else if (t === maxTs) add("duplicate", t, i, "ts", t, `duplicate timestamp (row ${i} repeats an earlier row)`);
    else if (t < maxTs) add("non_increasing", t, i, "ts", t, `timestamp earlier than a previous row (${stamp(maxTs)})`);
    else maxTs = t;
  }

  const columns: [FindingField, Float64Array | null][] = [
    ["open", bars.open],
    ["high", bars.high],
    ["low", bars.low],
    ["close", bars.close],
    ["volume", bars.volume],
    ["adjClose", bars.adjClose],
  ];
  for (const [field, col] of columns) {
    if (!col) continue;
    const isPrice = field !== "volume";
    for (let i = 0; i < n; i++) {
      const x = col[i];
      if (Number.isNaN(x)) add("nan", ts[i], i, field, x, `${field} is NaN`);
      else if (isPrice && x <= 0) add("non_positive_price", ts[i], i, field, x, `${field} ${x} is not positive`);
    }
  }

  const { open, high, low, close, volume } = bars;
  for (let i = 0; i < n; i++) {
    const hi = Math.max(open[i], close[i]);
    const lo = Math.min(open[i], close[i]);
    if (high[i] < hi) add("ohlc_violation", ts[i], i, "high", high[i], `high ${high[i]} < max(open, close) ${hi}`);
    if (low[i] > lo) add("ohlc_violation", ts[i], i, "low", low[i], `low ${low[i]} > min(open, close) ${lo}`);
  }
  if (volume) {
    for (let i = 0; i < n; i++) if (volume[i] === 0) add("zero_volume", ts[i], i, "volume", 0, "volume is 0");
  }

  if (n > 0 && !weekly) {
    if (intraday) checkIntradayCalendar(bars, add);
    else checkDailyCalendar(bars, add);
  }
  checkMoves(bars, intraday, maxMove, sigmaK, sigmaWindow, add);

  // NaN timestamps sort first (a comparator returning NaN would leave the order undefined).
  const key = (f: Finding) => (Number.isNaN(f.time) ? Number.NEGATIVE_INFINITY : f.time);
  findings.sort((a, b) => key(a) - key(b) || a.index - b.index);
  const counts = emptyCounts();
  let errors = 0;
  for (const f of findings) {
    counts[f.kind]++;
    if (f.severity === "error") errors++;
  }
  return { ticker, timeframe: bars.timeframe, rows: n, findings, counts, errors, anomalies: findings.length - errors };
}

type Add = (
  kind: FindingKind,
  time: number,
  index: number,
  field: FindingField | null,
  value: number | null,
  message: string,
) => void;

function finiteRange(ts: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] < lo) lo = ts[i];
    if (ts[i] > hi) hi = ts[i];
  }
  return [lo, hi];
}

function checkDailyCalendar(bars: Bars, add: Add): void {
  const ts = bars.ts;
  const present = new Set<number>();
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) continue;
    const day = Math.floor(ts[i] / DAY_MS) * DAY_MS;
    present.add(day);
    if (!isSession(day)) add("non_session_row", ts[i], i, "ts", ts[i], "row on a day that is not an NYSE session");
  }
  const [first, last] = finiteRange(ts);
  if (!Number.isFinite(first)) return;
  const sessions = sessionsBetween(first, last);
  for (const s of sessions) {
    if (!present.has(s)) add("missing_session", s, -1, null, null, "NYSE session with no bar");
  }
}

function checkIntradayCalendar(bars: Bars, add: Add): void {
  const ts = bars.ts;
  const step = INTRADAY_TIMEFRAME_MS[bars.timeframe as keyof typeof INTRADAY_TIMEFRAME_MS];
  // Regular-hours bars per session, by slot; the first and last sessions are only checked
  // between the first and the last bar of the file (the data starts and ends somewhere).
  const slotsBySession = new Map<number, Set<number>>();
  const nyDay = new SessionDay();
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!Number.isFinite(t)) continue;
    nyDay.moveTo(t);
    const { day, open, close } = nyDay;
    if (!nyDay.session) {
      add("non_session_row", t, i, "ts", t, `bar on ${isoDate(day)}, not an NYSE session`);
    } else if (t < open || t >= close) {
      add(
        "outside_regular_hours",
        t,
        i,
        "ts",
        t,
        `bar outside regular hours ${isoNewYork(open).slice(11, 16)}–${isoNewYork(close).slice(11, 16)} ET`,
      );
    } else {
      let slots = slotsBySession.get(day);
      if (!slots) slotsBySession.set(day, (slots = new Set()));
      slots.add(Math.floor((t - open) / step));
    }
  }
  const [first, last] = finiteRange(ts);
  if (!Number.isFinite(first)) return;
  for (const s of sessionsBetween(newYorkDayOf(first), newYorkDayOf(last))) {
    const slots = slotsBySession.get(s);
    const o = sessionOpen(s);
    const c = sessionClose(s);
    if (!slots) {
      if (c > first && o <= last) add("missing_session", o, -1, null, null, "NYSE session with no regular-hours bar");
      continue;
    }
    const nSlots = Math.ceil((c - o) / step);
    for (let k = 0; k < nSlots; k++) {
      const t = o + k * step;
      if (!slots.has(k) && t > first && t < last) add("missing_bar", t, -1, null, null, "regular-hours bar missing");
    }
  }
}

function checkMoves(bars: Bars, intraday: boolean, maxMove: number, sigmaK: number, window: number, add: Add): void {
  const { ts, close } = bars;
  const n = ts.length;
  // Rolling sums over the previous `window` log returns (the current one is tested against them).
  const ring = new Float64Array(window);
  let count = 0;
  let head = 0;
  let sum = 0;
  let sumSq = 0;
  let prevDayEnd = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < n; i++) {
    const a = close[i - 1];
    const b = close[i];
    if (!(a > 0 && b > 0) || !(ts[i] > ts[i - 1])) continue;
    // Intraday: the first bar of a session against the previous close is an overnight gap, not a minute move.
    if (intraday) {
      if (ts[i] >= prevDayEnd || ts[i - 1] >= prevDayEnd) {
        const day = newYorkDayOf(ts[i]);
        prevDayEnd = newYorkToUtc(day + DAY_MS, 0);
        if (newYorkDayOf(ts[i - 1]) !== day) continue;
      }
    }
    const r = b / a - 1;
    const lr = Math.log(b / a);
    if (Math.abs(r) > maxMove) {
      add(
        "outlier_move",
        ts[i],
        i,
        "close",
        b,
        `close-to-close move ${(r * 100).toFixed(1)} % exceeds ${maxMove * 100} %`,
      );
    } else if (count >= 20 && Number.isFinite(sigmaK)) {
      const mean = sum / count;
      const sd = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
      if (sd > 0 && Math.abs(lr) > sigmaK * sd) {
        add(
          "outlier_move",
          ts[i],
          i,
          "close",
          b,
          `log return ${lr.toFixed(4)} is ${(Math.abs(lr) / sd).toFixed(1)} rolling sigmas (limit ${sigmaK})`,
        );
      }
    }
    if (count === window) {
      const old = ring[head];
      sum -= old;
      sumSq -= old * old;
    } else count++;
    ring[head] = lr;
    head = (head + 1) % window;
    sum += lr;
    sumSq += lr * lr;
  }
}

/** Counts of several reports added up (e.g. every ticker of the universe). */
export function totalCounts(reports: readonly ValidationReport[]): Record<FindingKind, number> {
  const c = emptyCounts();
  for (const r of reports) for (const k of FINDING_KINDS) c[k] += r.counts[k];
  return c;
}

/** A plain-text table of the counts per series, followed by the first findings of each kind. */
export function formatReport(reports: readonly ValidationReport[], examplesPerKind = 3): string {
  const used = FINDING_KINDS.filter((k) => reports.some((r) => r.counts[k] > 0));
  const head = ["ticker", "tf", "rows", "errors", "anomalies", ...used];
  const rows = reports.map((r) => [
    r.ticker,
    r.timeframe,
    String(r.rows),
    String(r.errors),
    String(r.anomalies),
    ...used.map((k) => String(r.counts[k])),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join("  ");
  const out = [line(head), ...rows.map(line)];
  for (const k of used) {
    const examples = reports.flatMap((r) => r.findings.filter((f) => f.kind === k)).slice(0, examplesPerKind);
    out.push(`${k} (${FINDING_SEVERITY[k]}), e.g.:`);
    for (const f of examples) out.push(`  ${f.ticker} ${f.timestamp} ${f.field ?? ""} ${f.message}`);
  }
  return out.join("\n");
}
