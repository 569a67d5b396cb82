/**
 * Market breadth per session: the share of names above their 50-day average and the
 * advance/decline balance, from the stock universe where it covers the date and otherwise from
 * the proxy ETFs SPY, QQQ, IWM and DIA (docs/architecture.md, "The 12 regimes"), with a flag
 * column saying which one was used.
 *
 * Every value at date d uses only rows dated ≤ d. Prices are `adjClose` when a series has it
 * (the universe does; its dividend/split factors for events after d scale a whole 50-day window
 * alike, so the comparison with the average is the same as on the unadjusted prices of the day,
 * while splits inside the window no longer look like crashes), else `close`.
 */
import type { Bars } from "../data";
import { DAY_MS, isoDate } from "../data";
import { define } from "./indicators/_shared/describe";
import { type IndicatorDescriptor, num, period } from "./indicators/descriptor";
import { IndicatorError } from "./indicators/indicator";

export interface CrossSectionBreadth {
  /** Session dates (00:00 UTC), the union of the members' dates, increasing. */
  ts: Float64Array;
  /** Share of `validCount` names whose price is above their `period`-row SMA (NaN when none is valid). */
  aboveShare: Float64Array;
  /** Names with a valid SMA on the date (at least `period` rows up to and including it). */
  validCount: Float64Array;
  /** Names up on their previous row / down on it (unchanged names count as neither). */
  advancers: Float64Array;
  decliners: Float64Array;
  /** advancers − decliners. */
  advanceDecline: Float64Array;
  /** advancers / decliners (NaN when no name declined). */
  advanceDeclineRatio: Float64Array;
}

export interface BreadthOptions {
  /** SMA length in rows of each name (default 50). */
  period?: number;
  /**
   * Minimum share of the universe's names (those with a row on the date) that must have a valid
   * SMA for the universe to count as covering the date (default 0.5); otherwise the proxy is used.
   */
  minValidShare?: number;
}

export interface Breadth extends Omit<CrossSectionBreadth, "ts"> {
  /** The requested dates. */
  ts: Float64Array;
  /** 1 where the row comes from the proxy ETFs, 0 where from the universe; NaN where neither has data. */
  proxy: Float64Array;
}

/** The ETFs standing in for the universe where it does not cover the dates (docs/architecture.md, "12 regimes"). */
export const BREADTH_PROXY_TICKERS = ["SPY", "QQQ", "IWM", "DIA"] as const;

function priceOf(bars: Bars): Float64Array {
  return bars.adjClose ?? bars.close;
}

function checkDaily(bars: Bars, where: string): void {
  if (bars.timeframe !== "1d") {
    throw new RangeError(`${where}: ${bars.ticker} is ${bars.timeframe}; breadth is computed on daily bars (1d)`);
  }
}

/**
 * Breadth of one cross-section of daily series (a universe or the proxy ETFs), on the union of
 * their dates. One pass per name over its own rows adds into per-date counters, so the cost is
 * linear in the total number of rows (no per-date loops over names, no sorting).
 */
export function crossSectionBreadth(members: Iterable<Bars>, period = 50): CrossSectionBreadth {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(`crossSectionBreadth: period must be an integer >= 1, got ${period}`);
  }
  const list = [...members];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const b of list) {
    checkDaily(b, "crossSectionBreadth");
    const n = b.ts.length;
    if (n === 0) continue;
    if (b.ts[0] < first) first = b.ts[0];
    if (b.ts[n - 1] > last) last = b.ts[n - 1];
  }
  if (!Number.isFinite(first)) {
    const empty = new Float64Array(0);
    return {
      ts: empty,
      aboveShare: empty,
      validCount: empty,
      advancers: empty,
      decliners: empty,
      advanceDecline: empty,
      advanceDeclineRatio: empty,
    };
  }
  // Dense calendar-day slots first; compacted to the dates that occur afterwards.
  const days = Math.round((last - first) / DAY_MS) + 1;
  const present = new Uint8Array(days);
  const valid = new Float64Array(days);
  const above = new Float64Array(days);
  const adv = new Float64Array(days);
  const dec = new Float64Array(days);
  for (const b of list) {
    const ts = b.ts;
    const px = priceOf(b);
    // Window sum of the finite prices and the count of non-finite ones: a missing price voids
    // the SMA of the windows holding it, not the rest of the name's history.
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < ts.length; i++) {
      const slot = Math.round((ts[i] - first) / DAY_MS);
      if (ts[i] !== first + slot * DAY_MS) {
        throw new RangeError(
          `crossSectionBreadth: ${b.ticker} row ${i} (${ts[i]}) is not at 00:00 UTC of a date, as daily bars are`,
        );
      }
      present[slot] = 1;
      const p = px[i];
      if (Number.isFinite(p)) sum += p;
      else bad++;
      if (i >= period) {
        const q = px[i - period];
        if (Number.isFinite(q)) sum -= q;
        else bad--;
      }
      if (i >= period - 1 && bad === 0) {
        valid[slot]++;
        if (p > sum / period) above[slot]++;
      }
      if (i > 0) {
        const q = px[i - 1];
        if (p > q) adv[slot]++;
        else if (p < q) dec[slot]++;
      }
    }
  }
  let m = 0;
  for (let s = 0; s < days; s++) m += present[s];
  const out: CrossSectionBreadth = {
    ts: new Float64Array(m),
    aboveShare: new Float64Array(m),
    validCount: new Float64Array(m),
    advancers: new Float64Array(m),
    decliners: new Float64Array(m),
    advanceDecline: new Float64Array(m),
    advanceDeclineRatio: new Float64Array(m),
  };
  for (let s = 0, r = 0; s < days; s++) {
    if (present[s] === 0) continue;
    out.ts[r] = first + s * DAY_MS;
    out.validCount[r] = valid[s];
    out.aboveShare[r] = valid[s] > 0 ? above[s] / valid[s] : Number.NaN;
    out.advancers[r] = adv[s];
    out.decliners[r] = dec[s];
    out.advanceDecline[r] = adv[s] - dec[s];
    out.advanceDeclineRatio[r] = dec[s] > 0 ? adv[s] / dec[s] : Number.NaN;
    r++;
  }
  return out;
}

/** Names with a row on each date of a cross-section (for the coverage test). */
function namesPerDate(members: Iterable<Bars>, ts: Float64Array): Float64Array {
  const count = new Float64Array(ts.length);
  if (ts.length === 0) return count;
  const first = ts[0];
  const slotToRow = new Int32Array(Math.round((ts[ts.length - 1] - first) / DAY_MS) + 1).fill(-1);
  for (let r = 0; r < ts.length; r++) slotToRow[Math.round((ts[r] - first) / DAY_MS)] = r;
  for (const b of members) {
    for (let i = 0; i < b.ts.length; i++) count[slotToRow[Math.round((b.ts[i] - first) / DAY_MS)]]++;
  }
  return count;
}

/**
 * crossSectionBreadth by member series and period, for breadth(): every stock of a run reads the
 * same universe or proxy ETFs, so their breadth is made once. Series are immutable in src/ (a
 * changed series is a new object), and breadth() only reads a memoised section.
 */
const sections = new WeakMap<Bars, { members: Bars[]; period: number; section: CrossSectionBreadth }[]>();

function sectionOf(members: Bars[], period: number): CrossSectionBreadth {
  if (members.length === 0) return crossSectionBreadth(members, period);
  const known = sections.get(members[0]) ?? [];
  const same = (m: Bars[]) => m.length === members.length && m.every((b, i) => b === members[i]);
  const hit = known.find((e) => e.period === period && same(e.members));
  if (hit) return hit.section;
  const section = crossSectionBreadth(members, period);
  // A few member lists per first series: a run has one universe and one set of proxies.
  if (known.length >= 8) known.shift();
  known.push({ members, period, section });
  sections.set(members[0], known);
  return section;
}

/**
 * Breadth on the given session dates: the universe's where it covers the date (a row on that
 * date, and at least `minValidShare` of the names trading that day have a valid SMA), else the
 * proxy ETFs' (flag 1), else NaN. Neither source is carried forward from an earlier date.
 */
export function breadth(
  dates: Float64Array,
  sources: { universe?: Map<string, Bars> | Iterable<Bars>; proxies: Iterable<Bars> },
  options: BreadthOptions = {},
): Breadth {
  const period = options.period ?? 50;
  const minValidShare = options.minValidShare ?? 0.5;
  if (!(minValidShare > 0 && minValidShare <= 1)) {
    throw new RangeError(`breadth: minValidShare must be in (0, 1], got ${minValidShare}`);
  }
  for (let i = 1; i < dates.length; i++) {
    if (!(dates[i] > dates[i - 1])) {
      throw new RangeError(`breadth: dates must be strictly increasing (index ${i}: ${isoDate(dates[i])})`);
    }
  }
  const universeMembers = sources.universe
    ? [...(sources.universe instanceof Map ? sources.universe.values() : sources.universe)]
    : [];
  const uni = sectionOf(universeMembers, period);
  const uniNames = namesPerDate(universeMembers, uni.ts);
  const prx = sectionOf([...sources.proxies], period);
  const n = dates.length;
  const out: Breadth = {
    ts: Float64Array.from(dates),
    aboveShare: new Float64Array(n).fill(Number.NaN),
    validCount: new Float64Array(n),
    advancers: new Float64Array(n),
    decliners: new Float64Array(n),
    advanceDecline: new Float64Array(n).fill(Number.NaN),
    advanceDeclineRatio: new Float64Array(n).fill(Number.NaN),
    proxy: new Float64Array(n).fill(Number.NaN),
  };
  const copy = (src: CrossSectionBreadth, r: number, i: number, flag: number) => {
    out.aboveShare[i] = src.aboveShare[r];
    out.validCount[i] = src.validCount[r];
    out.advancers[i] = src.advancers[r];
    out.decliners[i] = src.decliners[r];
    out.advanceDecline[i] = src.advanceDecline[r];
    out.advanceDeclineRatio[i] = src.advanceDeclineRatio[r];
    out.proxy[i] = flag;
  };
  // Both sources and the dates are sorted: one pointer each.
  let u = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const d = dates[i];
    while (u < uni.ts.length && uni.ts[u] < d) u++;
    while (p < prx.ts.length && prx.ts[p] < d) p++;
    if (u < uni.ts.length && uni.ts[u] === d && uni.validCount[u] >= minValidShare * uniNames[u]) {
      copy(uni, u, i, 0);
    } else if (p < prx.ts.length && prx.ts[p] === d && prx.validCount[p] > 0) {
      copy(prx, p, i, 1);
    }
  }
  return out;
}

/** advancers − decliners over the names that moved (the default set's column); NaN when none did. */
export function netAdvancers(advancers: number, decliners: number): number {
  const total = advancers + decliners;
  return total > 0 ? (advancers - decliners) / total : Number.NaN;
}

/** One date's row of {@link breadth}. */
export type BreadthRow = { [K in Exclude<keyof Breadth, "ts">]: number };

/** One name's rolling window, as crossSectionBreadth keeps it while walking the name's rows. */
interface MemberWindow {
  ring: Float64Array;
  rows: number;
  sum: number;
  bad: number;
  prev: number;
  lastTs: number;
}

/** The per-date counters crossSectionBreadth accumulates (names: rows on the date). */
interface DateCounts {
  names: number;
  valid: number;
  above: number;
  adv: number;
  dec: number;
}

/**
 * crossSectionBreadth one bar at a time: each member's bars in order (members in any
 * interleaving), counted into the date of the bar with the same arithmetic, in the same order,
 * so the counts are the batch's exactly.
 */
class CrossSectionStream {
  private readonly members = new Map<string, MemberWindow>();
  private readonly dates = new Map<number, DateCounts>();

  constructor(private readonly period: number) {}

  push(ticker: string, ts: number, price: number): void {
    if (ts % DAY_MS !== 0) {
      throw new RangeError(`BreadthStream: ${ticker} bar at ${ts} is not at 00:00 UTC of a date, as daily bars are`);
    }
    let m = this.members.get(ticker);
    if (!m) {
      m = { ring: new Float64Array(this.period), rows: 0, sum: 0, bad: 0, prev: Number.NaN, lastTs: -Infinity };
      this.members.set(ticker, m);
    }
    if (!(ts > m.lastTs)) {
      throw new RangeError(
        `BreadthStream: ${ticker} bar of ${isoDate(ts)} is not after its previous one (${isoDate(m.lastTs)})`,
      );
    }
    m.lastTs = ts;
    let c = this.dates.get(ts);
    if (!c) {
      c = { names: 0, valid: 0, above: 0, adv: 0, dec: 0 };
      this.dates.set(ts, c);
    }
    c.names++;
    const i = m.rows;
    const slot = i % this.period;
    if (Number.isFinite(price)) m.sum += price;
    else m.bad++;
    if (i >= this.period) {
      const q = m.ring[slot];
      if (Number.isFinite(q)) m.sum -= q;
      else m.bad--;
    }
    m.ring[slot] = price;
    if (i >= this.period - 1 && m.bad === 0) {
      c.valid++;
      if (price > m.sum / this.period) c.above++;
    }
    if (i > 0) {
      if (price > m.prev) c.adv++;
      else if (price < m.prev) c.dec++;
    }
    m.prev = price;
    m.rows++;
  }

  /** The counters of `date` (undefined when no member has a bar on it); earlier dates are dropped. */
  take(date: number): DateCounts | undefined {
    for (const d of this.dates.keys()) if (d < date) this.dates.delete(d);
    return this.dates.get(date);
  }
}

/**
 * The streaming twin of {@link breadth}: the universe's and the proxy ETFs' daily bars pushed as
 * they close (prices as breadth reads them: the adjusted close where a series has one), then
 * `at(date)` gives the row breadth gives for that date once every member's bar of the date is in.
 * Dates asked must increase; counters of earlier dates are dropped.
 */
export class BreadthStream {
  private readonly universe: CrossSectionStream;
  private readonly proxies: CrossSectionStream;
  private readonly minValidShare: number;

  constructor(options: BreadthOptions = {}) {
    const period = options.period ?? 50;
    this.minValidShare = options.minValidShare ?? 0.5;
    if (!Number.isInteger(period) || period < 1) {
      throw new RangeError(`BreadthStream: period must be an integer >= 1, got ${period}`);
    }
    if (!(this.minValidShare > 0 && this.minValidShare <= 1)) {
      throw new RangeError(`BreadthStream: minValidShare must be in (0, 1], got ${this.minValidShare}`);
    }
    this.universe = new CrossSectionStream(period);
    this.proxies = new CrossSectionStream(period);
  }

  pushUniverse(ticker: string, ts: number, price: number): void {
    this.universe.push(ticker, ts, price);
  }

  pushProxy(ticker: string, ts: number, price: number): void {
    this.proxies.push(ticker, ts, price);
  }

  at(date: number): BreadthRow {
    const u = this.universe.take(date);
    const p = this.proxies.take(date);
    const from = (c: DateCounts, proxy: number): BreadthRow => ({
      aboveShare: c.valid > 0 ? c.above / c.valid : Number.NaN,
      validCount: c.valid,
      advancers: c.adv,
      decliners: c.dec,
      advanceDecline: c.adv - c.dec,
      advanceDeclineRatio: c.dec > 0 ? c.adv / c.dec : Number.NaN,
      proxy,
    });
    if (u && u.valid >= this.minValidShare * u.names) return from(u, 0);
    if (p && p.valid > 0) return from(p, 1);
    return {
      aboveShare: Number.NaN,
      validCount: 0,
      advancers: 0,
      decliners: 0,
      advanceDecline: Number.NaN,
      advanceDeclineRatio: Number.NaN,
      proxy: Number.NaN,
    };
  }
}

/** Breadth as a feature: share of names above their average and net advancers (daily bars). */
export const breadthIndicator: IndicatorDescriptor = define({
  name: "breadth",
  family: "breadth",
  params: period(50),
  outputs: ["aboveShare", "advanceDeclineNet", "proxy"],
  warmUp: (p) => num(p, "period"),
  catalogId: null,
  needsUniverse: true,
  baseOnly: true,
  batch: (b, p, env) => {
    if (b.timeframe !== "1d") throw new IndicatorError("breadth", `needs daily bars, got ${b.timeframe}`);
    const br = breadth(
      b.ts,
      { universe: env.universe ?? undefined, proxies: env.proxies },
      { period: num(p, "period") },
    );
    const net = new Float64Array(b.ts.length);
    for (let i = 0; i < net.length; i++) net[i] = netAdvancers(br.advancers[i], br.decliners[i]);
    return { aboveShare: br.aboveShare, advanceDeclineNet: net, proxy: br.proxy };
  },
  stream: null,
  crossSection: (p) => {
    const s = new BreadthStream({ period: num(p, "period") });
    return {
      pushUniverse: (t, ts, price) => s.pushUniverse(t, ts, price),
      pushProxy: (t, ts, price) => s.pushProxy(t, ts, price),
      at: (ts) => {
        const row = s.at(ts);
        return {
          aboveShare: row.aboveShare,
          advanceDeclineNet: netAdvancers(row.advancers, row.decliners),
          proxy: row.proxy,
        };
      },
    };
  },
});
