/**
 * Splits a log-batch into requests within MLflow's limits: at most 1000 metrics, 100 params and
 * 100 tags per request, and at most 1000 entries in total. Params and tags go first so a run's
 * configuration lands before its (possibly many) metric points.
 */
import type { KeyValue, Metric } from "./types";

export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export interface LogBatchChunk {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

export function logBatchChunks(metrics: Metric[], params: KeyValue[], tags: KeyValue[]): LogBatchChunk[] {
  const chunks: LogBatchChunk[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < metrics.length || p < params.length || t < tags.length) {
    const nParams = Math.min(LOG_BATCH_LIMITS.params, params.length - p);
    const nTags = Math.min(LOG_BATCH_LIMITS.tags, tags.length - t);
    const nMetrics = Math.min(LOG_BATCH_LIMITS.metrics, LOG_BATCH_LIMITS.total - nParams - nTags, metrics.length - m);
    chunks.push({
      metrics: metrics.slice(m, m + nMetrics),
      params: params.slice(p, p + nParams),
      tags: tags.slice(t, t + nTags),
    });
    m += nMetrics;
    p += nParams;
    t += nTags;
  }
  return chunks;
}
