/** The feature cache: a hit gives the same frame; truncated, checksum-failing and stale entries are rebuilt. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FEATURE_CODE_VERSION, computeFeatures } from "../../src/features";
import { bundled, firstDifference } from "./_data";

const dir = mkdtempSync(join(tmpdir(), "wsp-feature-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { set: "default" as const };

describe("feature cache", () => {
  const { spy, vix } = bundled();
  const input = { bars: spy, context: { VIX: vix } };
  const fresh = computeFeatures(spec, input);

  function expectSame(r: ReturnType<typeof computeFeatures>): void {
    expect(r.frame.names).toEqual(fresh.frame.names);
    expect(firstDifference(r.frame.ts, fresh.frame.ts)).toBeNull();
    for (let j = 0; j < r.frame.columns.length; j++) {
      const d = firstDifference(r.frame.columns[j], fresh.frame.columns[j]);
      if (d !== null) expect.fail(`${r.frame.names[j]}: ${d}`);
    }
  }

  it("misses, then hits with the identical frame and report; another spec or other bars miss", () => {
    const miss = computeFeatures(spec, input, { cache: true, cacheDir: dir });
    expect(miss.report.cache).toBe("miss");
    expectSame(miss);
    const hit = computeFeatures(spec, input, { cache: true, cacheDir: dir });
    expect(hit.report.cache).toBe("hit");
    expect(hit.report.skipped).toEqual(fresh.report.skipped);
    expect(hit.report.nan).toEqual(fresh.report.nan);
    expectSame(hit);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(computeFeatures({ ...spec, nan: "ffill" }, input, { cache: true, cacheDir: dir }).report.cache).toBe("miss");
    const changed = { ...spy, close: Float64Array.from(spy.close, (c, i) => (i === 5000 ? c + 0.01 : c)) };
    expect(computeFeatures(spec, { ...input, bars: changed }, { cache: true, cacheDir: dir }).report.cache).toBe(
      "miss",
    );
  });

  it("rebuilds a truncated entry, a payload with a flipped byte, and an entry of another code version", () => {
    const d2 = mkdtempSync(join(dir, "corrupt-"));
    const first = computeFeatures(spec, input, { cache: true, cacheDir: d2 });
    expect(first.report.cache).toBe("miss");
    const path = join(d2, readdirSync(d2)[0]);
    const size = statSync(path).size;

    truncateSync(path, size - 8);
    const afterTruncate = computeFeatures(spec, input, { cache: true, cacheDir: d2 });
    expect(afterTruncate.report.cache).toBe("rebuilt");
    expectSame(afterTruncate);
    expect(statSync(path).size).toBeGreaterThanOrEqual(size);

    const bytes = readFileSync(path);
    bytes[bytes.length - 1000] ^= 0x40;
    writeFileSync(path, bytes);
    const afterFlip = computeFeatures(spec, input, { cache: true, cacheDir: d2 });
    expect(afterFlip.report.cache).toBe("rebuilt");
    expectSame(afterFlip);

    // Same length, another code version in the header: stale, so rebuilt (the checksum still matches).
    const text = readFileSync(path);
    const at = text.indexOf(FEATURE_CODE_VERSION);
    expect(at).toBeGreaterThan(0);
    text.write(
      FEATURE_CODE_VERSION.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      at,
      "latin1",
    );
    writeFileSync(path, text);
    const afterStale = computeFeatures(spec, input, { cache: true, cacheDir: d2 });
    expect(afterStale.report.cache).toBe("rebuilt");
    expectSame(afterStale);
    expect(computeFeatures(spec, input, { cache: true, cacheDir: d2 }).report.cache).toBe("hit");
  });
});
