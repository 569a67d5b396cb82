/**
 * Regimes as labels (an id per session, for per-regime reports) and as feature columns
 * (the id as a float, optionally one-hot).
 */
export interface RegimeLabels {
  /** Scheme name, the prefix of its feature columns (`regime_trend`, `regime_grid`). */
  scheme: string;
  ts: Float64Array;
  /** Index into `names`; −1 where the regime is undefined (warm-up, missing input). */
  ids: Int32Array;
  names: readonly string[];
}

export interface RegimeColumns {
  names: string[];
  columns: Float64Array[];
}

/** `<scheme>` (the id, NaN where undefined) and, with `oneHot`, `<scheme>_<name>` 0/1 columns (NaN where undefined). */
export function regimeColumns(labels: RegimeLabels, options: { oneHot?: boolean } = {}): RegimeColumns {
  const n = labels.ids.length;
  const id = new Float64Array(n);
  for (let i = 0; i < n; i++) id[i] = labels.ids[i] < 0 ? Number.NaN : labels.ids[i];
  const out: RegimeColumns = { names: [labels.scheme], columns: [id] };
  if (!options.oneHot) return out;
  labels.names.forEach((name, k) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = labels.ids[i] < 0 ? Number.NaN : labels.ids[i] === k ? 1 : 0;
    out.names.push(`${labels.scheme}_${name}`);
    out.columns.push(col);
  });
  return out;
}

export interface RegimeYear {
  year: number;
  /** Sessions with a defined regime. */
  sessions: number;
  /** Sessions with no regime (warm-up, missing input). */
  undefinedSessions: number;
  /** Sessions per regime, in the order of `names`. */
  counts: number[];
  /** counts / sessions (NaN for every regime when no session is defined). */
  shares: number[];
}

/** Regime counts and shares per calendar year (UTC year of the session date). */
export function regimeSharesByYear(labels: RegimeLabels): RegimeYear[] {
  const byYear = new Map<number, RegimeYear>();
  const k = labels.names.length;
  for (let i = 0; i < labels.ids.length; i++) {
    const year = new Date(labels.ts[i]).getUTCFullYear();
    let row = byYear.get(year);
    if (!row) {
      row = { year, sessions: 0, undefinedSessions: 0, counts: new Array(k).fill(0), shares: [] };
      byYear.set(year, row);
    }
    const id = labels.ids[i];
    if (id < 0) row.undefinedSessions++;
    else {
      row.sessions++;
      row.counts[id]++;
    }
  }
  const rows = [...byYear.values()].sort((a, b) => a.year - b.year);
  for (const r of rows) r.shares = r.counts.map((c) => (r.sessions > 0 ? c / r.sessions : Number.NaN));
  return rows;
}

/**
 * A fixed-width table: one row per year, one column per regime (share in %), then defined /
 * undefined sessions. `headers` replaces long regime names in the header row; `legend` explains them.
 */
export function formatRegimeShares(
  labels: RegimeLabels,
  options: { headers?: readonly string[]; legend?: string; rows?: RegimeYear[] } = {},
): string {
  const rows = options.rows ?? regimeSharesByYear(labels);
  const headers = options.headers ?? labels.names;
  if (headers.length !== labels.names.length) {
    throw new RangeError(`formatRegimeShares: ${headers.length} headers for ${labels.names.length} regimes`);
  }
  const width = Math.max(6, ...headers.map((n) => n.length + 1));
  const pad = (s: string) => s.padStart(width);
  const lines = [`${labels.scheme}: share of sessions per regime and year (%)`];
  if (options.legend) lines.push(options.legend);
  lines.push(`year${headers.map(pad).join("")}${"n".padStart(7)}${"undef".padStart(7)}`);
  for (const r of rows) {
    const cells = r.shares.map((s) => pad(Number.isNaN(s) ? "-" : (100 * s).toFixed(1))).join("");
    lines.push(`${r.year}${cells}${String(r.sessions).padStart(7)}${String(r.undefinedSessions).padStart(7)}`);
  }
  return lines.join("\n");
}
