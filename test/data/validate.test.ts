import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Bars,
  type FindingKind,
  dayMsOf,
  isEarlyClose,
  isoDate,
  listBundled,
  loadBundled,
  loadCsv,
  loadUniverse,
  newYorkDayOf,
  newYorkOffsetMinutes,
  totalCounts,
  validateBars,
} from "../../src/data";

const ofKind = (bars: Bars, kind: FindingKind) => validateBars(bars).findings.filter((f) => f.kind === kind);

describe("validation report on every bundled file", () => {
  const reports = new Map(listBundled().map((f) => [`${f.ticker}_${f.timeframe}`, validateBars(loadCsv(f.path))]));

  it("covers all 12 single-ticker files and finds no errors in any", () => {
    expect(reports.size).toBe(12);
    for (const [name, r] of reports) {
      expect(r.errors, name).toBe(0);
      expect(r.counts.duplicate + r.counts.non_increasing + r.counts.nan + r.counts.non_positive_price, name).toBe(0);
    }
  });

  it("finds nothing at all in the clean ETF and S&P 500 daily files", () => {
    for (const name of ["SPY_1d", "QQQ_1d", "IWM_1d", "DIA_1d", "GSPC_1d"]) {
      expect(reports.get(name)!.findings, name).toEqual([]);
    }
  });

  it("reports the two IXIC zero-volume days", () => {
    const r = reports.get("IXIC_1d")!;
    expect(r.anomalies).toBe(2);
    expect(r.findings.map((f) => [f.kind, f.timestamp, f.field])).toEqual([
      ["zero_volume", "2015-05-12", "volume"],
      ["zero_volume", "2018-01-09", "volume"],
    ]);
  });

  it("reports VIX's documented OHLC violations, holiday rows and missing sessions", () => {
    const r = reports.get("VIX_1d")!;
    const ohlc = r.findings.filter((f) => f.kind === "ohlc_violation");
    expect(ohlc.filter((f) => f.field === "high").length).toBe(20);
    expect(ohlc.filter((f) => f.field === "low").length).toBe(27);
    expect(ohlc[ohlc.length - 1].timestamp).toBe("2006-02-08");
    expect(ohlc.some((f) => f.timestamp === "2004-11-08")).toBe(true);
    const holidays = r.findings.filter((f) => f.kind === "non_session_row").map((f) => f.timestamp);
    expect(holidays.length).toBe(33);
    expect(holidays[0]).toBe("2004-06-11");
    expect(holidays.slice(1).every((d) => d >= "2022-05-30")).toBe(true);
    expect(holidays).toContain("2024-07-04");
    // SOURCES.md counts against SPY's dates (from 1993-01-29): 3; the rule calendar also sees 1991-03-01.
    const missing = r.findings.filter((f) => f.kind === "missing_session").map((f) => f.timestamp);
    expect(missing.filter((d) => d >= "1993-01-29")).toEqual(["1997-01-31", "1997-11-26", "1999-12-31"]);
    expect(missing).toEqual(["1991-03-01", "1997-01-31", "1997-11-26", "1999-12-31"]);
    expect(r.counts.zero_volume).toBe(0);
  });

  for (const name of ["SPY_1m", "QQQ_1m"]) {
    it(`${name}: bars after the 13:00 early closes and the missing minutes add up`, () => {
      const bars = loadBundled(name.split("_")[0], "1m");
      const r = reports.get(name)!;
      const late = r.findings.filter((f) => f.kind === "outside_regular_hours");
      // SOURCES.md: "3 (SPY) to 14 (QQQ) bars printed after 13:00" on each of the two early closes.
      const perDay = (d: string) => late.filter((f) => f.timestamp.startsWith(d)).length;
      expect([perDay("2025-11-28"), perDay("2025-12-24")]).toEqual(name === "SPY_1m" ? [3, 3] : [14, 10]);
      for (const f of late) {
        expect(["2025-11-28", "2025-12-24"]).toContain(f.timestamp.slice(0, 10));
        expect(f.timestamp.slice(11, 16) >= "13:00").toBe(true);
      }
      expect(r.counts.missing_session + r.counts.non_session_row).toBe(0);
      // 129 sessions, two of them 13:00 early closes: 127·390 + 2·210 regular-hours minutes.
      expect(r.counts.missing_bar).toBe(127 * 390 + 2 * 210 - (bars.ts.length - late.length));
    });
  }

  for (const [name, documented] of [
    ["SPY_5m", 1252],
    ["QQQ_5m", 2036],
    ["AAPL_5m", 193],
  ] as const) {
    it(`${name}: extended-hours bars (${documented} outside 09:30–15:55) and the early-close afternoons`, () => {
      const bars = loadBundled(name.split("_")[0], "5m");
      let outside = 0;
      let afterEarlyClose = 0;
      for (const t of bars.ts) {
        const local = t + newYorkOffsetMinutes(t) * 60_000;
        const minute = Math.floor((local % 86_400_000) / 60_000);
        if (minute < 570 || minute >= 960) outside++;
        else if (minute >= 780 && isEarlyClose(newYorkDayOf(t))) afterEarlyClose++;
      }
      expect(outside).toBe(documented);
      const r = reports.get(name)!;
      expect(r.counts.outside_regular_hours).toBe(outside + afterEarlyClose);
      // 206 complete sessions + early closes complete to 13:00 + the last session cut at 10:30.
      expect(r.counts.missing_bar).toBe(0);
      expect(r.counts.missing_session).toBe(0);
    });
  }
});

describe("validation report on the universe", () => {
  const universe = [...loadUniverse().values()];
  const reports = universe.map((b) => validateBars(b));
  const counts = totalCounts(reports);
  const all = reports.flatMap((r) => r.findings);

  it("reports 221 zero-volume rows, mostly stale quotes after deals closed", () => {
    expect(counts.zero_volume).toBe(221);
    const by = (t: string) => all.filter((f) => f.kind === "zero_volume" && f.ticker === t).length;
    expect([by("CA"), by("EVHC"), by("ARNC"), by("PX")]).toEqual([107, 46, 35, 19]);
  });

  it("reports the 3 OHLC violations", () => {
    expect(all.filter((f) => f.kind === "ohlc_violation").map((f) => `${f.ticker} ${f.timestamp} ${f.field}`)).toEqual([
      "CBOE 2020-01-10 high",
      "DIS 2020-01-10 high",
      "DXC 2018-06-01 low",
    ]);
    expect(counts.duplicate + counts.non_increasing + counts.nan + counts.non_positive_price).toBe(0);
  });

  it("reports the 6 daily moves above 40 %", () => {
    const moves = universe
      .flatMap((b) => validateBars(b, { maxMove: 0.4, sigmaK: Number.POSITIVE_INFINITY }).findings)
      .filter((f) => f.kind === "outlier_move")
      .map((f) => `${f.ticker} ${f.timestamp}`)
      .sort();
    expect(moves).toEqual([
      "AMD 2016-04-22",
      "CA 2018-09-24",
      "DXC 2016-05-25",
      "PCG 2019-01-14",
      "PCG 2019-01-24",
      "UA 2016-03-23",
    ]);
  });

  it("reports the documented gaps in partial histories", () => {
    const missing = (t: string) => all.filter((f) => f.kind === "missing_session" && f.ticker === t);
    const inEarly2018 = (t: string) =>
      missing(t).filter((f) => f.timestamp >= "2018-01-05" && f.timestamp <= "2018-03-12").length;
    for (const t of ["AET", "ANDV", "CA", "CSRA", "ESRX"]) expect(inEarly2018(t), t).toBe(44);
    expect(missing("CA").length).toBe(45);
    // SNI has two rows, 2018-01-04 and 2018-03-05: every session between is missing.
    expect(missing("SNI").length).toBe(39);
    const px = missing("PX").map((f) => f.timestamp);
    expect(px.filter((d) => d >= "2019-06-10" && d <= "2019-08-29").length).toBe(58);
    expect(missing("EVHC").map((f) => f.timestamp)).toEqual(["2017-05-08", "2017-05-09", "2017-05-10", "2017-05-11"]);
  });
});

describe("validation of hand-made malformed files", () => {
  const dir = mkdtempSync(join(tmpdir(), "wsp-validate-"));
  const daily = (rows: string[], header = "date,open,high,low,close,volume") => {
    const p = join(dir, `T${rows.length}_${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(p, `${header}\n${rows.join("\n")}\n`);
    return loadCsv(p, { ticker: "T", timeframe: "1d", checkOrder: false });
  };
  const intraday = (rows: string[], timeframe: "1m" | "5m" = "1m") => {
    const p = join(dir, `I_${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(p, `timestamp,open,high,low,close,volume\n${rows.join("\n")}\n`);
    return loadCsv(p, { ticker: "I", timeframe });
  };
  const ok = (d: string) => `${d},10,11,9,10,100`;

  const cases: [FindingKind, Bars, string, string | null][] = [
    ["duplicate", daily([ok("2025-09-15"), ok("2025-09-16"), ok("2025-09-16")]), "2025-09-16", "ts"],
    ["non_increasing", daily([ok("2025-09-15"), ok("2025-09-17"), ok("2025-09-16")]), "2025-09-16", "ts"],
    ["nan", daily([ok("2025-09-15"), "2025-09-16,10,11,9,,100"]), "2025-09-16", "close"],
    ["non_positive_price", daily([ok("2025-09-15"), "2025-09-16,10,11,-9,10,100"]), "2025-09-16", "low"],
    ["ohlc_violation", daily([ok("2025-09-15"), "2025-09-16,10,9.5,9,10,100"]), "2025-09-16", "high"],
    ["zero_volume", daily([ok("2025-09-15"), "2025-09-16,10,11,9,10,0"]), "2025-09-16", "volume"],
    ["missing_session", daily([ok("2025-09-15"), ok("2025-09-17")]), "2025-09-16", null],
    ["non_session_row", daily([ok("2025-12-24"), ok("2025-12-25"), ok("2025-12-26")]), "2025-12-25", "ts"],
    [
      "missing_bar",
      intraday([ok("2025-09-15T09:30:00-04:00"), ok("2025-09-15T09:32:00-04:00")]),
      "2025-09-15T09:31:00-04:00",
      null,
    ],
    [
      "outside_regular_hours",
      intraday([ok("2025-11-28T12:59:00-05:00"), ok("2025-11-28T13:00:00-05:00")]),
      "2025-11-28T13:00:00-05:00",
      "ts",
    ],
    ["outlier_move", daily([ok("2025-09-15"), "2025-09-16,13,14,12,13,100"]), "2025-09-16", "close"],
  ];
  for (const [kind, bars, timestamp, field] of cases) {
    it(`reports ${kind} with ticker, timestamp, field and severity`, () => {
      const r = validateBars(bars);
      const found = r.findings.filter((f) => f.kind === kind);
      expect(found.length).toBe(1);
      expect(found[0]).toMatchObject({ ticker: bars.ticker, timestamp, field });
      expect(found[0].message.length).toBeGreaterThan(5);
      expect(r.counts[kind]).toBe(1);
      expect(found[0].severity).toBe(
        ["duplicate", "non_increasing", "nan", "non_positive_price"].includes(kind) ? "error" : "anomaly",
      );
    });
  }

  it("flags a move of many rolling sigmas below the absolute limit", () => {
    const rows: string[] = [];
    let d = dayMsOf("2025-01-02");
    for (let i = 0; i < 60; i++) {
      while (
        [0, 6].includes(new Date(d).getUTCDay()) ||
        ["2025-01-09", "2025-01-20", "2025-02-17"].includes(isoDate(d))
      )
        d += 86_400_000;
      const c = i === 59 ? 110 : 100 + (i % 2) * 0.5;
      rows.push(`${isoDate(d)},${c},${c},${c},${c},100`);
      d += 86_400_000;
    }
    const moves = ofKind(daily(rows), "outlier_move");
    expect(moves.length).toBe(1);
    expect(moves[0].message).toMatch(/rolling sigmas/);
  });

  it("reports a NaN timestamp as a nan error on field ts", () => {
    const col = (xs: number[]) => Float64Array.from(xs);
    const r = validateBars({
      ticker: "X",
      timeframe: "1m",
      ts: col([Date.parse("2025-09-15T13:30:00Z"), Number.NaN, Date.parse("2025-09-15T13:31:00Z")]),
      open: col([1, 1, 1]),
      high: col([1, 1, 1]),
      low: col([1, 1, 1]),
      close: col([1, 1, 1]),
      volume: null,
      adjClose: null,
    });
    expect(r.findings.map((f) => [f.kind, f.index, f.field, f.timestamp])).toEqual([["nan", 1, "ts", "NaN"]]);
    expect(r.errors).toBe(1);
  });

  it("does not count the overnight gap of an intraday series as an outlier", () => {
    const bars = intraday(["2025-09-15T15:59:00-04:00,10,10,10,10,1", "2025-09-16T09:30:00-04:00,20,20,20,20,1"]);
    expect(ofKind(bars, "outlier_move")).toEqual([]);
  });
});
