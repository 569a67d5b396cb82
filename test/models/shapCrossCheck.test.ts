import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { featureMatrix } from "../../src/models/matrix";
import { loadModel } from "../../src/models/serialise";

// Written by scripts/fixtures/trees_shap_export.ts (our models, exported) and
// scripts/fixtures/trees_shap_check.py (Python shap.TreeExplainer on the exported dictionaries).
const dir = join(process.cwd(), "test/fixtures/models");
const input = JSON.parse(readFileSync(join(dir, "shap_check_input.json"), "utf8"));
const expected = JSON.parse(readFileSync(join(dir, "shap_check_expected.json"), "utf8"));

describe("TreeSHAP == Python shap.TreeExplainer on the exported trees", () => {
  const names: string[] = input.feature_names;
  const rows: (number | null)[][] = input.rows;
  const n = rows.length;
  const F = names.length;
  const data = new Float64Array(n * F);
  rows.forEach((r, i) => {
    r.forEach((v, f) => {
      data[f * n + i] = v === null ? Number.NaN : v;
    });
  });
  const X = featureMatrix(names, n, data);

  for (const kind of ["gbm", "rf"]) {
    it(`${kind}: every value and the expected value agree (rows with missing values included)`, () => {
      const model = loadModel(input.models[kind].saved, names);
      const ours = model.shap(X);
      const theirs = expected.models[kind];
      const eq = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
      expect(eq(ours.expected[0], theirs.expected_value)).toBe(true);
      let compared = 0;
      for (let i = 0; i < n; i++) {
        for (let f = 0; f < F; f++) {
          const a = ours.values[i * (F + 1) + f];
          const b = theirs.values[i][f];
          if (!eq(a, b)) throw new Error(`${kind} row ${i} feature ${names[f]}: ours ${a}, shap ${b}`);
          compared++;
        }
      }
      expect(compared).toBe(n * F);
      expect(data.some(Number.isNaN)).toBe(true);
    });
  }
});
