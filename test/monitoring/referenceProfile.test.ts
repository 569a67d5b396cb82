/** The reference profile: what it keeps, the KS sample's thinning, JSON round trip, and errors that name the field. */
import { describe, expect, it } from "vitest";
import {
  buildReferenceProfile,
  KS_SAMPLE_SIZE,
  ksStatisticSorted,
  parseReferenceProfile,
  predictedProbability,
  type ReferenceProfileInput,
  referenceProfileJson,
  sortedPresent,
} from "../../src/monitoring";
import { rowsBetween, spyFeatures, take } from "./_spyFeatures";

function input(): ReferenceProfileInput {
  const { ts, names, columns } = spyFeatures();
  const rows = rowsBetween(ts, "1996-01-01", "2014-01-01"); // ~4,500 rows: thinned to 2,000
  return {
    variant: "gbm",
    window: { start: "1996-01-02T00:00:00.000Z", end: "2013-12-31T00:00:00.000Z" },
    features: { names: names.slice(0, 20), columns: columns.slice(0, 20).map((c) => take(c, rows)) },
    probabilities: { values: Float64Array.from(rows, (_, i) => 0.4 + (i % 97) / 485), width: 1 },
    baseline: { accuracy: 0.54, ece: 0.03, rows: rows.length },
    topFeatures: [...names.slice(0, 12)].reverse(),
  };
}

describe("reference profile", () => {
  it("keeps deciles, shares, a KS sample within 1/2000 of the window's ECDF, the baseline and the top 10", () => {
    const inp = input();
    const p = buildReferenceProfile(inp);
    expect(p.window.rows).toBe(inp.features.columns[0].length);
    expect(p.features.map((f) => f.name)).toEqual(inp.features.names);
    expect(p.topFeatures).toEqual(inp.topFeatures?.slice(0, 10));
    expect(p.baseline).toEqual(inp.baseline);
    expect(p.prediction.kind).toBe("p_class1");
    for (const [j, f] of p.features.entries()) {
      const all = sortedPresent(inp.features.columns[j]);
      expect(f.n + f.missing).toBe(p.window.rows);
      expect(f.sample).toHaveLength(Math.min(f.n, KS_SAMPLE_SIZE));
      // Thinning moves the ECDF by at most 1/2000, so D against the full window is that small.
      expect(ksStatisticSorted(all, f.sample), f.name).toBeLessThanOrEqual(1 / KS_SAMPLE_SIZE + 1e-12);
      expect(f.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it("reads back what it writes, exactly", () => {
    const p = buildReferenceProfile(input());
    const back = parseReferenceProfile(JSON.parse(referenceProfileJson(p)), "reference_profile.json");
    expect(back).toEqual(p);
  });

  it("names the field a bad profile breaks", () => {
    const good = JSON.parse(referenceProfileJson(buildReferenceProfile(input())));
    const broken = (edit: (p: typeof good) => void) => {
      const p = structuredClone(good);
      edit(p);
      return () => parseReferenceProfile(p, "models:/m-1/reference_profile.json");
    };
    expect(broken((p) => p.features[3].edges.reverse())).toThrow(
      "models:/m-1/reference_profile.json: features.3.edges: expected ascending deciles",
    );
    expect(broken((p) => p.features[0].shares.pop())).toThrow(/features\.0\.shares/);
    expect(broken((p) => delete p.baseline)).toThrow(/: baseline: /);
    expect(broken((p) => (p.topFeatures = ["nope"]))).toThrow(/topFeatures\.0: nope is not a profiled feature/);
    expect(broken((p) => (p.schemaVersion = 2))).toThrow(/schemaVersion/);
    expect(broken((p) => (p.prediction.sample = p.prediction.sample.slice(1)))).toThrow(/prediction\.sample/);
  });

  it("refuses a feature with no value in the window, naming it", () => {
    const inp = input();
    const columns = [...inp.features.columns];
    columns[2] = new Float64Array(columns[2].length).fill(Number.NaN);
    expect(() => buildReferenceProfile({ ...inp, features: { names: inp.features.names, columns } })).toThrow(
      `feature ${inp.features.names[2]} has no value in the training window`,
    );
  });

  it("takes P(class 1) of a binary model and the top class's probability of a 3-class one", () => {
    expect(predictedProbability([0.2, 0.7], 1)).toEqual({ kind: "p_class1", values: Float64Array.from([0.2, 0.7]) });
    const three = predictedProbability([0.2, 0.5, 0.3, 0.6, 0.1, 0.3], 3);
    expect(three).toEqual({ kind: "top_class", values: Float64Array.from([0.5, 0.6]) });
    expect(() => predictedProbability([0.2, 0.5], 3)).toThrow(/width 3/);
  });
});
