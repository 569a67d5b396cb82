/**
 * One table: every indicator file exports its descriptor, the feature registry serves exactly
 * the table's descriptors (and breadth), and the catalog the reference-fixture tests and the
 * benchmark run is made of those same descriptor objects, so a wrong wiring in the registry
 * fails the fixture tests.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { featureIndicator, featureIndicatorNames } from "../../../src/features/featureRegistry";
import { INDICATOR_CATALOG } from "../../../src/features/indicators/catalog";
import { INDICATOR_TABLE } from "../../../src/features/indicators/table";

const DIR = fileURLToPath(new URL("../../../src/features/indicators/", import.meta.url));
/** Files that are not one indicator: the contracts, the table, the catalog, the live stream, the New York clock. */
const NOT_INDICATORS = new Set([
  "catalog.ts",
  "descriptor.ts",
  "index.ts",
  "indicator.ts",
  "liveStream.ts",
  "newYorkClock.ts",
  "table.ts",
]);

describe("the indicator table", () => {
  it("every indicator file exports a descriptor that is in the table", async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".ts") && !NOT_INDICATORS.has(f));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const mod = (await import(`${DIR}${file}`)) as Record<string, unknown>;
      const descriptors = Object.values(mod).filter((v) => INDICATOR_TABLE.includes(v as never));
      expect(descriptors.length, file).toBeGreaterThan(0);
    }
  });

  it("the registry serves the table's descriptors and breadth, one per name", () => {
    const names = INDICATOR_TABLE.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(featureIndicatorNames()).toEqual([...names, "breadth"].sort());
    for (const d of INDICATOR_TABLE) expect(featureIndicator(d.name)).toBe(d);
  });

  it("the catalog runs the registry's own descriptors, one entry per catalog id", () => {
    const ids = INDICATOR_CATALOG.map((e) => e.name);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(60);
    for (const e of INDICATOR_CATALOG) {
      expect(featureIndicator(e.descriptor.name), e.name).toBe(e.descriptor);
      for (const o of e.descriptor.catalog?.outputs ?? []) expect(e.descriptor.outputs, e.name).toContain(o);
    }
  });
});
