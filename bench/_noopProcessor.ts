/**
 * The jobs benchmark's no-op processor: what every production processor does around its work
 * (jobs/processorKit.ts `sandboxed`: cancellation, the child's exit with its worker) and nothing
 * else, so the benchmark times the queue layer, not a pipeline.
 */
import { sandboxed } from "../jobs/processorKit";

export default sandboxed(async (job) => ({ i: (job.data as { i: number }).i }));
