/**
 * The serving benchmark's universe model (bench/_serveModels.ts): which of the bundled universe's
 * names it trains on, and the registered model name that caches it between runs.
 */
import { describe, expect, it } from "vitest";
import { modelNameOf, universeBenchConfig } from "../../bench/_serveModels";
import { loadUniverse } from "../../src/data";

describe("the serving benchmark's universe model", () => {
  const all = [...loadUniverse().keys()].sort();
  const loaded = universeBenchConfig();

  it("trains on the universe's names less the eight gone before the final holdout", () => {
    const gone = all.filter((t) => !loaded.config.data.tickers.includes(t));
    expect(gone).toEqual(["AET", "ANDV", "CA", "CSRA", "ESRX", "EVHC", "SNI", "TWX"]);
    expect(loaded.config.data.tickers).toHaveLength(472);
    expect(loaded.config.data.source).toBe("store");
    expect(loaded.config.universe).toBe("bundled");
  });

  it("is named after its config, so a changed config is trained anew", () => {
    expect(modelNameOf(universeBenchConfig())).toBe(modelNameOf(loaded));
    expect(modelNameOf(loaded)).toMatch(/^bench-serve-universe-[0-9a-f]{12}$/);
    expect(modelNameOf(universeBenchConfig(20))).not.toBe(modelNameOf(loaded));
    expect(universeBenchConfig(20).config.data.tickers).toEqual(loaded.config.data.tickers.slice(0, 20));
  });
});
