/** Shared helpers of the store suites: backends to run on, and column equality per docs/architecture.md. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { Bars } from "../../src/data";

/** The suite's PostgreSQL, found by test/setup/services.ts (configured, the machine's, or project-local). */
export const TEST_DATABASE_URL = inject("testDatabaseUrl");

/** Where one suite's store lives, and how to remove it afterwards. */
export interface StoreTarget {
  readonly name: "postgres" | "pglite";
  readonly options: { url?: string; dir?: string; schema?: string };
  readonly cleanup: () => Promise<void>;
}

export function postgresTarget(): StoreTarget {
  const schema = `test_store_${randomBytes(6).toString("hex")}`;
  return {
    name: "postgres",
    options: { url: TEST_DATABASE_URL, schema },
    async cleanup() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function pgliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), "wsp-store-"));
  return {
    name: "pglite",
    options: { dir: join(dir, "pglite") },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** First column and row where two Bars differ beyond |a-b| <= 1e-9*max(1,|b|), or null. */
export function barsDifference(actual: Bars, expected: Bars): string | null {
  if (actual.ticker !== expected.ticker || actual.timeframe !== expected.timeframe) {
    return `series ${actual.ticker} ${actual.timeframe} vs ${expected.ticker} ${expected.timeframe}`;
  }
  if (actual.ts.length !== expected.ts.length) return `length ${actual.ts.length} vs ${expected.ts.length}`;
  const columns = ["ts", "open", "high", "low", "close", "volume", "adjClose"] as const;
  for (const name of columns) {
    const a = actual[name];
    const b = expected[name];
    if (a === null || b === null) {
      if (a !== b) return `${name}: ${a === null ? "null" : "values"} vs ${b === null ? "null" : "values"}`;
      continue;
    }
    for (let i = 0; i < b.length; i++) {
      const same = Number.isNaN(b[i])
        ? Number.isNaN(a[i])
        : Math.abs(a[i] - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i]));
      if (!same) return `${name}[${i}]: ${a[i]} vs ${b[i]}`;
    }
  }
  return null;
}

/** A copy of `bars` with every price scaled: same keys, different values. */
export function scaled(bars: Bars, factor: number): Bars {
  const mul = (a: Float64Array) => a.map((x) => x * factor);
  return { ...bars, open: mul(bars.open), high: mul(bars.high), low: mul(bars.low), close: mul(bars.close) };
}
