/** Run names and the run description note (trackExperiment.ts): pure functions, no server. */
import { describe, expect, it } from "vitest";
import { MAX_TAG_VALUE_LENGTH } from "../../src/tracking";
import { noteOf, runNameOf } from "../../src/pipeline/trackExperiment";

describe("run naming", () => {
  it("names runs by config plus a short hash, distinct run to run and without a date", () => {
    const names = Array.from({ length: 200 }, () => runNameOf("spy-daily"));
    for (const n of names) expect(n).toMatch(/^spy-daily-[0-9a-f]{7}$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it("writes the summary as a markdown note within MLflow's tag limit", () => {
    const short = noteOf("spy-daily", "AUC 0.51\npromotion gates: refused");
    expect(short).toBe("### spy-daily\n\n```text\nAUC 0.51\npromotion gates: refused\n```\n");
    const long = noteOf("spy-daily", "x".repeat(3 * MAX_TAG_VALUE_LENGTH));
    expect(long.length).toBeLessThanOrEqual(MAX_TAG_VALUE_LENGTH);
    expect(long.endsWith("…\n```\n")).toBe(true);
  });
});
