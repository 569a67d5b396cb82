/**
 * How `recordRun` runs a list of record steps: the parent run's steps one after another in list
 * order, the child-run steps beside them (a child step here finishes only once a later parent
 * step has run, so it would hang if the steps ran one by one); and the runner's own list.
 */
import { describe, expect, it } from "vitest";
import { type ExperimentResult, RECORD_STEPS, type Recording, type RecordStep, recordRun } from "../../src/pipeline";

describe("record steps", () => {
  it("writes the parent's steps in order and the child-run steps concurrently", async () => {
    const order: string[] = [];
    let releaseChild = () => {};
    const childMayEnd = new Promise<void>((resolve) => {
      releaseChild = resolve;
    });
    const step = (name: string, child?: true, body?: () => Promise<void>): RecordStep => ({
      name,
      child,
      record: async () => {
        order.push(`${name}:start`);
        await body?.();
        order.push(`${name}:end`);
      },
    });
    const steps = [
      step("metrics", undefined, () => new Promise((r) => setTimeout(r, 10))),
      step("children", true, () => childMayEnd),
      step("report", undefined, async () => releaseChild()),
    ];
    await recordRun({} as ExperimentResult, {} as Recording, steps);
    expect(order.indexOf("metrics:end")).toBeLessThan(order.indexOf("report:start"));
    expect(order.indexOf("children:start")).toBeLessThan(order.indexOf("metrics:end"));
    expect(order.indexOf("report:start")).toBeLessThan(order.indexOf("children:end"));
  });

  it("records signals, the backtest, the control, the report and the model export", () => {
    const names = RECORD_STEPS.map((s) => s.name);
    for (const n of ["signals", "backtest run", "control run", "report", "model export", "reference profile"]) {
      expect(names).toContain(n);
    }
    // The profiles are files of the logged models the export writes.
    expect(names.indexOf("reference profile")).toBeGreaterThan(names.indexOf("model export"));
    expect(new Set(names).size).toBe(names.length);
  });
});
