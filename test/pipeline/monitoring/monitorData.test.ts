/**
 * The monitoring page's pure parts: the rolling accuracy against a direct count, the bands at
 * their edges, and the drift report accessor's errors (the page test covers them on stored data).
 */
import { describe, expect, it } from "vitest";
import { bandThresholds, driftPanel, featurePsiOf, rollingAccuracy } from "../../../src/pipeline";

describe("rollingAccuracy", () => {
  it("equals a count over each window", () => {
    // A fixed irregular pattern: 1 in 3, then runs.
    const correct = Array.from({ length: 40 }, (_, i) => i % 3 === 0 || (i > 20 && i < 30));
    const got = rollingAccuracy(correct, 7);
    expect(got).toHaveLength(34);
    got.forEach((v, k) => {
      expect(v).toBe(correct.slice(k, k + 7).filter(Boolean).length / 7);
    });
    expect(rollingAccuracy(correct.slice(0, 6), 7)).toHaveLength(0);
  });
});

describe("the accuracy bands' lines", () => {
  it("sit 5, 15 and 25 points under the baseline (the bands themselves: test/monitoring)", () => {
    expect(bandThresholds(0.6).map((t) => [t.band, Number(t.accuracy.toFixed(12))])).toEqual([
      ["monitor", 0.55],
      ["drift", 0.45],
      ["emergency", 0.35],
    ]);
    expect(bandThresholds(null)).toEqual([]);
  });
});

describe("featurePsiOf", () => {
  it("reads report.features, an empty list without it, and names a malformed entry", () => {
    expect(featurePsiOf({ id: 1, report: { features: [{ name: "a", psi: 0.3, ksP: 0.1 }] } })).toEqual([
      { name: "a", psi: 0.3 },
    ]);
    expect(featurePsiOf({ id: 2, report: {} })).toEqual([]);
    expect(featurePsiOf({ id: 3, report: null })).toEqual([]);
    expect(() => featurePsiOf({ id: 4, report: { features: {} } })).toThrow(
      "drift_monitoring id 4: report.features is not an array",
    );
    expect(() => featurePsiOf({ id: 5, report: { features: [{ name: "a", psi: "0.3" }] } })).toThrow(
      "drift_monitoring id 5: report.features[0].psi (a) is neither a number nor null",
    );
    expect(() => featurePsiOf({ id: 6, report: { features: [{ psi: 0.1 }] } })).toThrow(
      "drift_monitoring id 6: report.features[0].name is not a string",
    );
  });

  it("gives no rows and no columns without checks", () => {
    expect(driftPanel([])).toEqual({ checks: [], features: [], psi: [] });
  });
});
