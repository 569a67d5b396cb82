import { describe, expect, it } from "vitest";
import { LOG_BATCH_LIMITS, logBatchChunks } from "../../src/tracking/logBatchChunks";
import type { KeyValue, Metric } from "../../src/tracking/index";

const metric = (i: number): Metric => ({ key: "m", value: i, step: i, timestamp: 0 });
const kv = (prefix: string, i: number): KeyValue => ({ key: `${prefix}${i}`, value: String(i) });

describe("logBatchChunks", () => {
  it("keeps every request within MLflow's limits and loses or reorders nothing", () => {
    for (const [nm, np, nt] of [
      [0, 0, 0],
      [1, 0, 0],
      [1000, 0, 0],
      [1001, 0, 0],
      [2500, 250, 130],
      [950, 100, 100],
      [0, 301, 0],
      [5, 0, 99],
    ]) {
      const metrics = Array.from({ length: nm }, (_, i) => metric(i));
      const params = Array.from({ length: np }, (_, i) => kv("p", i));
      const tags = Array.from({ length: nt }, (_, i) => kv("t", i));
      const chunks = logBatchChunks(metrics, params, tags);
      for (const c of chunks) {
        expect(c.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
        expect(c.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
        expect(c.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
        expect(c.metrics.length + c.params.length + c.tags.length).toBeGreaterThan(0);
        expect(c.metrics.length + c.params.length + c.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.total);
      }
      expect(chunks.flatMap((c) => c.metrics)).toEqual(metrics);
      expect(chunks.flatMap((c) => c.params)).toEqual(params);
      expect(chunks.flatMap((c) => c.tags)).toEqual(tags);
      const lowerBound = Math.max(Math.ceil(np / 100), Math.ceil(nt / 100), Math.ceil((nm + np + nt) / 1000));
      expect(chunks.length).toBe(lowerBound);
    }
  });
});
