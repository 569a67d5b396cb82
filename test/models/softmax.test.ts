import { describe, expect, it } from "vitest";
import { softmaxRows } from "../../src/models";

describe("softmaxRows", () => {
  it("normalises each group of k, shifted by its maximum so large margins do not overflow", () => {
    const m = Float64Array.from([1000, 1001, 1002, -3, 0, 3]);
    const p = softmaxRows(m, 3, new Float64Array(6));
    // The formula written out: exp(x − max) / Σ exp(x − max), per group.
    const group = (a: number[]) => {
      const e = a.map((v) => Math.exp(v - Math.max(...a)));
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    };
    expect(Array.from(p)).toEqual([...group([1000, 1001, 1002]), ...group([-3, 0, 3])]);
    // Out of place leaves the input alone; in place returns the same array.
    expect(m[0]).toBe(1000);
    expect(softmaxRows(m, 3)).toBe(m);
    expect(Array.from(m)).toEqual(Array.from(p));
  });

  it("a group holding a NaN comes out all NaN, the others untouched", () => {
    const p = softmaxRows(Float64Array.from([0, Number.NaN, 0, 0]), 2);
    expect(Array.from(p)).toEqual([Number.NaN, Number.NaN, 0.5, 0.5]);
  });
});
