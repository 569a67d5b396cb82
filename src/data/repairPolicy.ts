/**
 * What to do about each kind of finding, explicitly: drop the rows, forward-fill the values
 * (or insert flat bars for missing sessions/bars), flag (keep and report), or fail. The
 * research default fails on errors and flags anomalies, so nothing is silently repaired.
 */
import type { Bars } from "./bars";
import { FINDING_KINDS, FINDING_SEVERITY, type Finding, type FindingKind, type ValidationReport } from "./validate";

export type RepairAction = "drop" | "forward_fill" | "flag" | "fail";
export type RepairPolicy = Readonly<Record<FindingKind, RepairAction>>;

/** The actions that make sense per kind (forward-filling a duplicate or an outlier does not). */
export const ALLOWED_ACTIONS: Readonly<Record<FindingKind, readonly RepairAction[]>> = {
  duplicate: ["fail", "drop", "flag"],
  non_increasing: ["fail", "drop", "flag"],
  nan: ["fail", "drop", "forward_fill", "flag"],
  non_positive_price: ["fail", "drop", "forward_fill", "flag"],
  ohlc_violation: ["flag", "drop", "fail"],
  zero_volume: ["flag", "drop", "fail"],
  missing_session: ["flag", "forward_fill", "fail"],
  missing_bar: ["flag", "forward_fill", "fail"],
  non_session_row: ["flag", "drop", "fail"],
  outside_regular_hours: ["flag", "drop", "fail"],
  outlier_move: ["flag", "drop", "fail"],
};

function byseverity(error: RepairAction, anomaly: RepairAction): RepairPolicy {
  const p = {} as Record<FindingKind, RepairAction>;
  for (const k of FINDING_KINDS) p[k] = FINDING_SEVERITY[k] === "error" ? error : anomaly;
  return p;
}

/** Research default: fail on errors, keep and report (flag) anomalies. */
export const RESEARCH_POLICY: RepairPolicy = byseverity("fail", "flag");

/** The same policy with some kinds overridden; rejects an action a kind does not allow. */
export function repairPolicy(
  overrides: Partial<Record<FindingKind, RepairAction>>,
  base = RESEARCH_POLICY,
): RepairPolicy {
  const p = { ...base };
  for (const [kind, action] of Object.entries(overrides) as [FindingKind, RepairAction][]) {
    if (!ALLOWED_ACTIONS[kind])
      throw new RangeError(`unknown finding kind "${kind}"; kinds: ${FINDING_KINDS.join(", ")}`);
    if (!ALLOWED_ACTIONS[kind].includes(action)) {
      throw new RangeError(
        `repair action "${action}" not allowed for ${kind}; allowed: ${ALLOWED_ACTIONS[kind].join(", ")}`,
      );
    }
    p[kind] = action;
  }
  return p;
}

/** Raised by `applyPolicy` when findings of a kind whose action is "fail" are present. */
export class DataValidationError extends Error {
  override readonly name = "DataValidationError";
  constructor(
    readonly report: ValidationReport,
    readonly failedKinds: FindingKind[],
  ) {
    const parts = failedKinds.map((k) => {
      const first = report.findings.find((f) => f.kind === k)!;
      return `${report.counts[k]} ${k} (first: ${first.timestamp}${first.field ? ` ${first.field}` : ""}: ${first.message})`;
    });
    super(`${report.ticker} ${report.timeframe}: validation failed: ${parts.join("; ")}`);
  }
}

export interface RepairTouch {
  kind: FindingKind;
  action: "drop" | "forward_fill";
  /** Timestamps (ISO) of the rows dropped, filled or inserted. */
  timestamps: string[];
}

export interface RepairResult {
  bars: Bars;
  /** What was changed, per kind. */
  touched: RepairTouch[];
  /** Findings kept as they are (action "flag"), for the record. */
  flagged: Finding[];
}

/**
 * Apply a policy to the findings of `validateBars(bars)`. Drops remove rows (of duplicates the
 * first occurrence is kept); forward-fill replaces a bad price by the previous row's close (a
 * bad volume by 0, a bad adjusted close by the previous one) and inserts a flat bar at the
 * previous close with zero volume for a missing session or bar. Returns new arrays; `bars` is
 * not modified.
 */
export function applyPolicy(
  bars: Bars,
  report: ValidationReport,
  policy: RepairPolicy = RESEARCH_POLICY,
): RepairResult {
  const failed = FINDING_KINDS.filter((k) => report.counts[k] > 0 && policy[k] === "fail");
  if (failed.length > 0) throw new DataValidationError(report, failed);

  const n = bars.ts.length;
  const drop = new Uint8Array(n);
  const fills = new Map<number, Finding[]>();
  const inserts: Finding[] = [];
  const touched = new Map<string, RepairTouch>();
  const flagged: Finding[] = [];
  const touch = (f: Finding, action: "drop" | "forward_fill") => {
    const key = `${f.kind}:${action}`;
    let t = touched.get(key);
    if (!t) touched.set(key, (t = { kind: f.kind, action, timestamps: [] }));
    t.timestamps.push(f.timestamp);
  };
  for (const f of report.findings) {
    const action = policy[f.kind];
    if (action === "flag") flagged.push(f);
    else if (action === "drop" && f.index >= 0) {
      drop[f.index] = 1;
      touch(f, "drop");
    } else if (action === "forward_fill") {
      if (f.index >= 0) fills.set(f.index, [...(fills.get(f.index) ?? []), f]);
      else {
        inserts.push(f);
        touch(f, "forward_fill");
      }
    }
  }
  inserts.sort((a, b) => a.time - b.time);

  const cap = n + inserts.length;
  const ts = new Float64Array(cap);
  const o = new Float64Array(cap);
  const h = new Float64Array(cap);
  const l = new Float64Array(cap);
  const c = new Float64Array(cap);
  const v = bars.volume ? new Float64Array(cap) : null;
  const a = bars.adjClose ? new Float64Array(cap) : null;
  const priceColumns = { open: o, high: h, low: l, close: c };
  let m = 0;
  let k = 0;
  const insertFlat = (t: number) => {
    ts[m] = t;
    o[m] = h[m] = l[m] = c[m] = c[m - 1];
    if (v) v[m] = 0;
    if (a) a[m] = a[m - 1];
    m++;
  };
  for (let i = 0; i < n; i++) {
    while (k < inserts.length && inserts[k].time < bars.ts[i]) {
      if (m > 0) insertFlat(inserts[k].time);
      k++;
    }
    if (drop[i]) continue;
    ts[m] = bars.ts[i];
    o[m] = bars.open[i];
    h[m] = bars.high[i];
    l[m] = bars.low[i];
    c[m] = bars.close[i];
    if (v) v[m] = bars.volume![i];
    if (a) a[m] = bars.adjClose![i];
    const toFill = fills.get(i);
    if (toFill) {
      if (m === 0) {
        // Nothing before the first row to fill from: it is dropped instead, and reported so.
        for (const f of toFill) touch(f, "drop");
        continue;
      }
      for (const f of toFill) {
        touch(f, "forward_fill");
        const field = f.field;
        if (field === "volume") v![m] = 0;
        else if (field === "adjClose") a![m] = a![m - 1];
        else if (field !== null && field !== "ts") priceColumns[field][m] = c[m - 1];
      }
    }
    m++;
  }
  while (k < inserts.length) {
    if (m > 0) insertFlat(inserts[k].time);
    k++;
  }
  const cut = (x: Float64Array) => x.slice(0, m);
  return {
    bars: {
      ticker: bars.ticker,
      timeframe: bars.timeframe,
      ts: cut(ts),
      open: cut(o),
      high: cut(h),
      low: cut(l),
      close: cut(c),
      volume: v ? cut(v) : null,
      adjClose: a ? cut(a) : null,
    },
    touched: [...touched.values()],
    flagged,
  };
}
