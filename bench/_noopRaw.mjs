// Raw BullMQ's no-op sandboxed processor: the reference the jobs benchmark compares ours with.
export default async function noop(job) {
  return { i: job.data.i };
}
