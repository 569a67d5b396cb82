/**
 * Calibrator JSON round trips (`toJSON` → JSON text → `calibratorFromJSON`) on real-data
 * predictions: the rebuilt calibrator applies bit-identically on held-out rows, pooled and per
 * regime, binary and 3-class; malformed JSON is refused with a CalibrationError.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CALIBRATION_METHODS,
  CalibrationError,
  type Calibrator,
  calibratorFromJSON,
  fitCalibrator,
} from "../../src/calibration";

const fx = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/calibration/spy_predictions.json"), "utf8"));
const y = Float64Array.from(fx.y as number[]);
const p = Float64Array.from(fx.binary.find((b: { name: string }) => b.name === "sharp").p as number[]);
const y3 = Float64Array.from(fx.multiclass.y as number[]);
const p3 = Float64Array.from(fx.multiclass.probs as number[]);
const half = fx.cal_rows as number;
/** Three regimes (0, 1, 2) by row, plus NaN rows that use the pooled calibrator. */
const regimes = Float64Array.from(y, (_, i) => (i % 17 === 0 ? Number.NaN : Math.floor(i / 50) % 3));

function roundTrip(cal: Calibrator): Calibrator {
  return calibratorFromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
}

describe("calibrator JSON round trip", () => {
  it.each(CALIBRATION_METHODS)("%s (binary, pooled) applies identically after toJSON/fromJSON", (method) => {
    const cal = fitCalibrator(method, p.subarray(0, half), y.subarray(0, half));
    const json = cal.toJSON();
    expect(json).toMatchObject({ method, nClasses: 2, layout: "binary", perRegime: [] });
    if (method === "platt") expect(json.pooled).toMatchObject({ perClass: [{ a: expect.any(Number) }] });
    if (method === "temperature") expect(json.pooled).toMatchObject({ temperature: expect.any(Number) });
    if (method === "isotonic") {
      const iso = json.pooled as { perClass: { x: number[]; y: number[] }[] };
      expect(iso.perClass[0].x.length).toBeGreaterThan(10);
      expect(iso.perClass[0].x.length).toBe(iso.perClass[0].y.length);
    }
    const back = roundTrip(cal);
    expect(back.method).toBe(method);
    expect(back.nClasses).toBe(2);
    expect(back.toJSON()).toEqual(json);
    const held = p.subarray(half);
    expect(back.apply(held)).toEqual(cal.apply(held));
  });

  it.each(CALIBRATION_METHODS)("%s per regime keeps every regime's calibrator and needs regime ids", (method) => {
    const cal = fitCalibrator(method, p.subarray(0, half), y.subarray(0, half), {
      regimes: regimes.subarray(0, half),
      minRegimeRows: 150,
    });
    expect(cal.regimes).toEqual([0, 1, 2]);
    const back = roundTrip(cal);
    expect(back.regimes).toEqual([0, 1, 2]);
    const held = p.subarray(half);
    const heldRegimes = regimes.subarray(half);
    const want = cal.apply(held, heldRegimes);
    expect(back.apply(held, heldRegimes)).toEqual(want);
    // The regimes' calibrators differ from the pooled one, so the ids matter.
    const pooledOnly = cal.apply(held, new Float64Array(held.length).fill(Number.NaN));
    expect(want.some((v, i) => v !== pooledOnly[i])).toBe(true);
    expect(() => back.apply(held)).toThrow(/per regime/);
  });

  it.each(CALIBRATION_METHODS)("%s on 3-class predictions (per regime) round-trips", (method) => {
    const cal = fitCalibrator(method, p3.subarray(0, half * 3), y3.subarray(0, half), {
      regimes: regimes.subarray(0, half),
      minRegimeRows: 150,
    });
    const json = cal.toJSON();
    expect(json).toMatchObject({ method, nClasses: 3, layout: "classes" });
    if (method !== "temperature") expect((json.pooled as { perClass: unknown[] }).perClass).toHaveLength(3);
    const back = roundTrip(cal);
    const held = p3.subarray(half * 3);
    const heldRegimes = regimes.subarray(half);
    expect(back.apply(held, heldRegimes)).toEqual(cal.apply(held, heldRegimes));
  });

  it("refuses malformed JSON with a CalibrationError naming the problem", () => {
    const good = fitCalibrator("isotonic", p.subarray(0, half), y.subarray(0, half)).toJSON();
    const bad = (patch: Record<string, unknown>) => () => calibratorFromJSON({ ...good, ...patch });
    expect(() => calibratorFromJSON(null)).toThrow(CalibrationError);
    expect(bad({ method: "beta" })).toThrow(/method must be one of/);
    expect(bad({ layout: "wide" })).toThrow(/layout/);
    expect(bad({ nClasses: 3 })).toThrow(/nClasses 2/);
    expect(bad({ pooled: { perClass: [{ x: [0.2, 0.1], y: [0, 1] }] } })).toThrow(/ascending/);
    expect(bad({ pooled: { perClass: [{ x: [0.1], y: [] }] } })).toThrow(/same non-zero length/);
    expect(bad({ perRegime: [{ regime: 1, params: { perClass: [] } }] })).toThrow(/regime 1/);
    const platt = fitCalibrator("platt", p.subarray(0, half), y.subarray(0, half)).toJSON();
    expect(() => calibratorFromJSON({ ...platt, pooled: { perClass: [{ a: 1 }] } })).toThrow(/finite a and b/);
    const temp = fitCalibrator("temperature", p.subarray(0, half), y.subarray(0, half)).toJSON();
    expect(() => calibratorFromJSON({ ...temp, pooled: { temperature: -1 } })).toThrow(/positive/);
  });
});
